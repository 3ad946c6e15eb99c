package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/tracking"
)

// Reports a clinic asks for, counted from every timeline: prior-auth
// approvals and denials by payer and therapy, days from request to
// decision, appeal and external review outcomes, and money recovered
// (claims paid after they had been denied). Shown as tables and simple
// server-rendered SVG bar charts, and as CSV.

// caseFacts is what the reports count of one case.
type caseFacts struct {
	Payer     string
	Therapy   ketacover.Therapy
	Decisions []paDecision
	Appeals   []appealResult
	Recovered []recovery
}

type paDecision struct {
	Requested ketacover.Date
	Decided   ketacover.Date
	Approved  bool
}

type appealResult struct {
	Step    string // "Internal appeal, level 1", "External review"
	Outcome string // overturned, upheld, partial
	Decided ketacover.Date
}

type recovery struct {
	Date  ketacover.Date
	Cents int64
}

func factsOf(row *caseRow, events []ketacover.Event) caseFacts {
	f := caseFacts{Payer: row.Payer, Therapy: row.Therapy}
	var requested *ketacover.Date
	appealLevel := 0
	denied := map[string]bool{} // claim references denied so far
	for i := range events {
		e := &events[i]
		switch e.Kind {
		case ketacover.EventPASubmitted:
			d := e.Date
			requested = &d
		case ketacover.EventPAApproved, ketacover.EventPADenied:
			if requested != nil {
				f.Decisions = append(f.Decisions, paDecision{Requested: *requested, Decided: e.Date, Approved: e.Kind == ketacover.EventPAApproved})
				requested = nil
			}
		case ketacover.EventAppealFiled:
			appealLevel = e.Details.Level
		case ketacover.EventAppealDecided:
			lvl := e.Details.Level
			if lvl == 0 {
				lvl = appealLevel
			}
			f.Appeals = append(f.Appeals, appealResult{Step: fmt.Sprintf("Internal appeal, level %d", max(lvl, 1)), Outcome: e.Details.Outcome, Decided: e.Date})
		case ketacover.EventExternalReviewDecided:
			f.Appeals = append(f.Appeals, appealResult{Step: "External review", Outcome: e.Details.Outcome, Decided: e.Date})
		case ketacover.EventClaimDenied:
			denied[strings.ToUpper(e.Details.Reference)] = true
		case ketacover.EventClaimPaid:
			if denied[strings.ToUpper(e.Details.Reference)] && e.Details.AmountCents > 0 {
				f.Recovered = append(f.Recovered, recovery{Date: e.Date, Cents: e.Details.AmountCents})
			}
		}
	}
	return f
}

// reportPage is the view-model of /reports.
type reportPage struct {
	From, To  string // the range asked for, YYYY-MM-DD or ""
	Decisions []decisionRow
	Appeals   []outcomeRow
	Recovered []moneyRow
	Totals    decisionRow
	Chart     template.HTML // approvals and denials by payer, SVG
	Money     string        // total recovered
}

type decisionRow struct {
	Payer     string
	Therapy   ketacover.Therapy
	Approved  int
	Denied    int
	Rate      string // approvals as a share of decisions
	MedianDay string // median days from request to decision
	MeanDay   string
}

type outcomeRow struct {
	Step       string
	Overturned int
	Partial    int
	Upheld     int
}

type moneyRow struct {
	Payer   string
	Therapy ketacover.Therapy
	Claims  int
	Cents   int64
	Amount  string
}

type dateRange struct{ from, to *ketacover.Date }

func (d dateRange) in(x ketacover.Date) bool {
	return (d.from == nil || !x.Before(*d.from)) && (d.to == nil || !x.After(*d.to))
}

func (s *Server) reportsOf(b *board, rg dateRange) reportPage {
	type key struct {
		payer   string
		therapy ketacover.Therapy
	}
	type acc struct {
		approved, denied int
		days             []int
		claims           int
		cents            int64
	}
	byKey := map[key]*acc{}
	get := func(k key) *acc {
		a := byKey[k]
		if a == nil {
			a = &acc{}
			byKey[k] = a
		}
		return a
	}
	outcomes := map[string]*outcomeRow{}
	var all acc
	for _, f := range b.facts {
		k := key{f.Payer, f.Therapy}
		for _, d := range f.Decisions {
			if !rg.in(d.Decided) {
				continue
			}
			a := get(k)
			n := d.Requested.DaysUntil(d.Decided)
			a.days, all.days = append(a.days, n), append(all.days, n)
			if d.Approved {
				a.approved++
				all.approved++
			} else {
				a.denied++
				all.denied++
			}
		}
		for _, ap := range f.Appeals {
			if !rg.in(ap.Decided) {
				continue
			}
			o := outcomes[ap.Step]
			if o == nil {
				o = &outcomeRow{Step: ap.Step}
				outcomes[ap.Step] = o
			}
			switch ap.Outcome {
			case ketacover.Overturned:
				o.Overturned++
			case ketacover.Partial:
				o.Partial++
			default:
				o.Upheld++
			}
		}
		for _, m := range f.Recovered {
			if rg.in(m.Date) {
				a := get(k)
				a.claims++
				a.cents += m.Cents
				all.cents += m.Cents
			}
		}
	}
	var p reportPage
	keys := make([]key, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y key) int {
		if c := strings.Compare(strings.ToLower(x.payer), strings.ToLower(y.payer)); c != 0 {
			return c
		}
		return strings.Compare(string(x.therapy), string(y.therapy))
	})
	for _, k := range keys {
		a := byKey[k]
		if a.approved+a.denied > 0 {
			p.Decisions = append(p.Decisions, decisionRow{Payer: k.payer, Therapy: k.therapy, Approved: a.approved, Denied: a.denied,
				Rate: percent(a.approved, a.approved+a.denied), MedianDay: median(a.days), MeanDay: mean(a.days)})
		}
		if a.claims > 0 {
			p.Recovered = append(p.Recovered, moneyRow{Payer: k.payer, Therapy: k.therapy, Claims: a.claims, Cents: a.cents, Amount: tracking.Money(a.cents)})
		}
	}
	p.Totals = decisionRow{Payer: "All payers", Approved: all.approved, Denied: all.denied, Rate: percent(all.approved, all.approved+all.denied), MedianDay: median(all.days), MeanDay: mean(all.days)}
	for _, step := range []string{"Internal appeal, level 1", "Internal appeal, level 2", "External review"} {
		if o := outcomes[step]; o != nil {
			p.Appeals = append(p.Appeals, *o)
		}
	}
	p.Money = tracking.Money(all.cents)
	p.Chart = barChart(p.Decisions)
	return p
}

func percent(n, of int) string {
	if of == 0 {
		return "—"
	}
	return fmt.Sprintf("%d%%", (n*100+of/2)/of)
}

func median(xs []int) string {
	if len(xs) == 0 {
		return "—"
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return strconv.Itoa(s[m])
	}
	return strconv.FormatFloat(float64(s[m-1]+s[m])/2, 'f', -1, 64)
}

func mean(xs []int) string {
	if len(xs) == 0 {
		return "—"
	}
	t := 0
	for _, x := range xs {
		t += x
	}
	return strconv.FormatFloat(float64(t)/float64(len(xs)), 'f', 1, 64)
}

// barChart draws approvals and denials per payer and therapy as
// horizontal stacked bars, each under its label (a label beside the bar
// would need a width fixed in advance, and long payer names were cut).
// Every text in it is escaped; it has a title and a description for
// screen readers, and the table beside it carries the same numbers.
func barChart(rows []decisionRow) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	const (
		barW = 560
		rowH = 46
		top  = 30
	)
	maxN := 1
	for _, r := range rows {
		maxN = max(maxN, r.Approved+r.Denied)
	}
	h := top + rowH*len(rows) + 4
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="chart-t chart-d" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg">`, barW+170, h)
	b.WriteString(`<title id="chart-t">Prior-authorization approvals and denials by payer and therapy</title>`)
	b.WriteString(`<desc id="chart-d">Green bars are approvals, red bars denials; the table below gives the same numbers.</desc>`)
	b.WriteString(`<rect x="0" y="6" width="12" height="12" class="ok"/><text x="16" y="17">approved</text>`)
	b.WriteString(`<rect x="100" y="6" width="12" height="12" class="no"/><text x="116" y="17">denied</text>`)
	for i, r := range rows {
		y := top + i*rowH
		label := r.Payer + " · " + therapyShort(r.Therapy)
		fmt.Fprintf(&b, `<text x="0" y="%d" class="label">%s</text>`, y+14, template.HTMLEscapeString(label))
		wa := barW * r.Approved / maxN
		wd := barW * r.Denied / maxN
		fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="18" rx="2" class="ok"/>`, y+20, wa)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="18" rx="2" class="no"/>`, wa, y+20, wd)
		fmt.Fprintf(&b, `<text x="%d" y="%d">%d approved, %d denied</text>`, wa+wd+6, y+34, r.Approved, r.Denied)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func (s *Server) reportRange(r *http.Request) (dateRange, error) {
	from, err := queryDate(r, "from")
	if err != nil {
		return dateRange{}, err
	}
	to, err := queryDate(r, "to")
	if err != nil {
		return dateRange{}, err
	}
	if from != nil && to != nil && to.Before(*from) {
		return dateRange{}, ketacover.Errorf(ketacover.EINVALID, "to (%s) is before from (%s)", to, from)
	}
	return dateRange{from, to}, nil
}

func (s *Server) reports(w http.ResponseWriter, r *http.Request) error {
	rg, err := s.reportRange(r)
	if err != nil {
		return err
	}
	b, err := s.board(r.Context())
	if err != nil {
		return err
	}
	if err := s.audit(r, ketacover.AuditReport, "", ""); err != nil {
		return err
	}
	p := s.reportsOf(b, rg)
	p.From, p.To = r.URL.Query().Get("from"), r.URL.Query().Get("to")
	return s.render(w, r, http.StatusOK, "reports", "Reports", "reports", p)
}

// reportsCSV writes one of the report's tables as CSV:
// ?table=decisions|appeals|recovered.
func (s *Server) reportsCSV(w http.ResponseWriter, r *http.Request) error {
	rg, err := s.reportRange(r)
	if err != nil {
		return err
	}
	table := r.URL.Query().Get("table")
	if table == "" {
		table = "decisions"
	}
	b, err := s.board(r.Context())
	if err != nil {
		return err
	}
	p := s.reportsOf(b, rg)
	var rows [][]string
	switch table {
	case "decisions":
		rows = append(rows, []string{"payer", "therapy", "approved", "denied", "approval_rate", "median_days_to_decision", "mean_days_to_decision"})
		for _, d := range append(p.Decisions, p.Totals) {
			rows = append(rows, []string{d.Payer, string(d.Therapy), strconv.Itoa(d.Approved), strconv.Itoa(d.Denied), d.Rate, d.MedianDay, d.MeanDay})
		}
	case "appeals":
		rows = append(rows, []string{"step", "overturned", "partial", "upheld"})
		for _, a := range p.Appeals {
			rows = append(rows, []string{a.Step, strconv.Itoa(a.Overturned), strconv.Itoa(a.Partial), strconv.Itoa(a.Upheld)})
		}
	case "recovered":
		rows = append(rows, []string{"payer", "therapy", "claims", "recovered_cents", "recovered"})
		for _, m := range p.Recovered {
			rows = append(rows, []string{m.Payer, string(m.Therapy), strconv.Itoa(m.Claims), strconv.FormatInt(m.Cents, 10), m.Amount})
		}
	default:
		return ketacover.Errorf(ketacover.EINVALID, "table %q: want decisions, appeals or recovered", table)
	}
	if err := s.audit(r, ketacover.AuditReport, "", "csv "+table); err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	for _, row := range rows {
		for i, c := range row {
			row[i] = csvSafe(c)
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return writeFile(w, &File{Name: "ketacover-" + table + ".csv", ContentType: "text/csv; charset=utf-8", Data: buf.Bytes()})
}

// csvSafe keeps a spreadsheet from reading a cell as a formula (a payer
// name is typed by people): a leading = + - @ gets a quote mark, as
// OWASP's CSV injection page advises
// (https://owasp.org/www-community/attacks/CSV_Injection).
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) && s != "—" {
		return "'" + s
	}
	return s
}
