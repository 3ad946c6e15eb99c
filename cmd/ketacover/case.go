package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/casefile"
	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/timeline"
)

const caseUsage = `case new FILE [--db DB]
       case list [--payer P] [--state ST] [--therapy T] [--json] [--db DB]
       case show ID [--json] [--db DB]
       case event ID KIND [--date YYYY-MM-DD] [details...] [--note TEXT] [--db DB]

Keeps cases and their timelines. A case's state (pending, authorized,
denied, in appeal…) is derived from its events; an event the state does not
allow is refused with the reason, and nothing is written.

KIND is one of: benefit-check, pa-submitted, pa-pended, pa-approved,
pa-denied, session, claim-submitted, claim-paid, claim-denied, appeal-filed,
peer-to-peer, appeal-decided, external-review-requested,
external-review-decided, state-complaint, patient-paid, note.

Event details:
  --date D        the day it happened, or the date on the notice (default today)
  --method M      pa-submitted: portal, fax, phone, mail, x12-278, fhir-pas
  --ref R         authorization, claim, appeal or reference number
  --units N       pa-approved: sessions authorized; session: sessions given
  --start D       pa-approved: first day authorized
  --end D         pa-approved: last day authorized
  --codes C,C     CPT/HCPCS codes
  --reason TEXT   denials: the stated reason
  --class C       denials: the denial class (e.g. medical-necessity)
  --carc C,C      claim-denied: claim adjustment reason codes
  --rarc C,C      claim-denied: remark codes
  --group G       claim-denied: CAS group code (CO, PR, OA, PI, CR)
  --level N       appeal-filed / appeal-decided: 1 or 2
  --expedited     the request or appeal is urgent (expedited)
  --outcome O     decisions: overturned, upheld or partial
  --amount $      claims and payments, in dollars (e.g. 450.00)
  --agency A      state-complaint: where it was filed
  --note TEXT     free text
  --actor NAME    who records it (default: $USER)

--db DB is a SQLite file or a postgres:// URL (default: KETACOVER_DB, else
the file under your data directory). KETACOVER_DB_KEY encrypts a SQLite file.`

func runCase(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("want a subcommand: new, list, show or event")
	}
	switch args[0] {
	case "new":
		return caseNew(ctx, e, args[1:])
	case "list":
		return caseList(ctx, e, args[1:])
	case "show":
		return caseShow(ctx, e, args[1:])
	case "event":
		return caseEvent(ctx, e, args[1:])
	}
	return usagef("unknown subcommand %q; want new, list, show or event", args[0])
}

func actor(e *env, flag string) string {
	if flag != "" {
		return flag
	}
	if u := e.getenv("USER"); u != "" {
		return u
	}
	return "cli"
}

func caseNew(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "case new")
	db := dbFlag(fs)
	who := fs.String("actor", "", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one case file")
	}
	c, err := casefile.Load(pos[0])
	if err != nil {
		return err
	}
	s, err := openStore(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	sc, err := s.CreateCase(ctx, c, actor(e, *who), ketacover.SourceCLI)
	if err != nil {
		return err
	}
	if err := auditCLI(ctx, e, s, *who, ketacover.AuditCaseCreate, sc.ID, ""); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "stored case %s: %s\n", sc.ID, caseTitle(&sc.Case))
	fmt.Fprintf(e.stdout, "next: ketacover check %s   (judge it against the payer's policy)\n", pos[0])
	fmt.Fprintf(e.stdout, "      ketacover case event %s pa-submitted --method portal   (record the request)\n", sc.ID)
	return nil
}

func caseTitle(c *ketacover.Case) string {
	name := c.Patient.Name
	if name == "" {
		name = "(no name)"
	}
	return fmt.Sprintf("%s · %s · %s · %s", name, c.Plan.Payer, c.Therapy.Drug, c.Therapy.Indication)
}

// caseRow is one line of case list --json.
type caseRow struct {
	ID      string              `json:"id"`
	Patient string              `json:"patient"`
	Payer   string              `json:"payer"`
	Therapy ketacover.Therapy   `json:"therapy"`
	State   string              `json:"patient_state"`
	Phase   timeline.Phase      `json:"phase"`
	Next    *ketacover.Deadline `json:"next_deadline,omitempty"`
}

func caseList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "case list")
	db := dbFlag(fs)
	payer := fs.String("payer", "", "")
	state := fs.String("state", "", "")
	therapy := fs.String("therapy", "", "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("list takes no arguments")
	}
	var f ketacover.CaseFilter
	if *payer != "" {
		f.Payer = payer
	}
	if *state != "" {
		st := strings.ToUpper(*state)
		f.State = &st
	}
	if *therapy != "" {
		t := ketacover.Therapy(*therapy)
		if t != ketacover.TherapyEsketamine && t != ketacover.TherapyKetamineIV {
			return usagef("--therapy: want esketamine or ketamine-iv, got %q", *therapy)
		}
		f.Therapy = &t
	}
	s, err := openStore(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	cases, err := s.Cases(ctx, f)
	if err != nil {
		return err
	}
	if err := auditCLI(ctx, e, s, "", ketacover.AuditCaseList, "", ""); err != nil {
		return err
	}
	book, err := deadline.Default()
	if err != nil {
		return err
	}
	day, err := today(e)
	if err != nil {
		return err
	}
	var rows []caseRow
	for _, sc := range cases {
		events, err := s.Events(ctx, sc.ID)
		if err != nil {
			return err
		}
		st := timeline.Fold(events)
		ds, _ := timeline.Open(sc, st, book, day, timeline.DefaultReminders)
		timeline.Sort(ds)
		r := caseRow{ID: sc.ID, Patient: sc.Case.Patient.Name, Payer: sc.Case.Plan.Payer, Therapy: sc.Case.Therapy.Drug, State: sc.Case.Patient.State, Phase: st.Phase}
		if len(ds) > 0 {
			r.Next = &ds[0]
		}
		rows = append(rows, r)
	}
	if *asJSON {
		return writeJSON(e, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(e.stdout, "no cases; add one with: ketacover case new FILE")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPATIENT\tPAYER\tTHERAPY\tSTATE\tPHASE\tNEXT DEADLINE")
	for _, r := range rows {
		next := "—"
		if r.Next != nil {
			next = fmt.Sprintf("%s %s", r.Next.Due, r.Next.Label)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Patient, r.Payer, r.Therapy, r.State, r.Phase, next)
	}
	return tw.Flush()
}

// caseView is case show --json.
type caseView struct {
	Case      *ketacover.StoredCase `json:"case"`
	Phase     timeline.Phase        `json:"phase"`
	Events    []ketacover.Event     `json:"events"`
	Auth      *authView             `json:"authorization,omitempty"`
	Deadlines []ketacover.Deadline  `json:"deadlines"`
	Notes     []string              `json:"notes,omitempty"`
}

type authView struct {
	Reference string          `json:"reference,omitempty"`
	Units     int             `json:"units_authorized"`
	Used      int             `json:"units_used"`
	Left      int             `json:"units_left"`
	Start     *ketacover.Date `json:"start,omitempty"`
	End       *ketacover.Date `json:"end,omitempty"`
	DaysLeft  *int            `json:"days_left,omitempty"`
}

func caseShow(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "case show")
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one case ID")
	}
	s, err := openStore(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	sc, err := s.Case(ctx, pos[0])
	if err != nil {
		return err
	}
	events, err := s.Events(ctx, sc.ID)
	if err != nil {
		return err
	}
	if err := auditCLI(ctx, e, s, "", ketacover.AuditCaseView, sc.ID, ""); err != nil {
		return err
	}
	book, err := deadline.Default()
	if err != nil {
		return err
	}
	day, err := today(e)
	if err != nil {
		return err
	}
	st := timeline.Fold(events)
	ds, notes := timeline.Open(sc, st, book, day, timeline.DefaultReminders)
	timeline.Sort(ds)
	v := caseView{Case: sc, Phase: st.Phase, Events: events, Deadlines: ds, Notes: notes}
	if a := st.Authorization; a != nil {
		av := &authView{Reference: a.Reference, Units: a.Units, Used: a.Used, Left: a.Left(), Start: a.Start, End: a.End}
		if a.End != nil {
			n := day.DaysUntil(*a.End)
			av.DaysLeft = &n
		}
		v.Auth = av
	}
	if *asJSON {
		return writeJSON(e, v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\n", sc.ID, caseTitle(&sc.Case))
	fmt.Fprintf(&b, "plan type %s · patient state %s · created %s by %s\n", sc.Case.Plan.Type, dashIfEmpty(sc.Case.Patient.State), sc.Created.Format("2006-01-02"), sc.Actor)
	fmt.Fprintf(&b, "state: %s\n", st.Phase)
	if a := v.Auth; a != nil {
		fmt.Fprintf(&b, "authorization %s: ", dashIfEmpty(a.Reference))
		if a.Units > 0 {
			fmt.Fprintf(&b, "%d of %d sessions used, %d left", a.Used, a.Units, a.Left)
		} else {
			fmt.Fprintf(&b, "%d sessions given (no session count stated)", a.Used)
		}
		if a.End != nil {
			fmt.Fprintf(&b, "; ends %s (%d days)", a.End, *a.DaysLeft)
		}
		b.WriteString("\n")
	}
	b.WriteString("\nTimeline\n")
	if len(events) == 0 {
		b.WriteString("  (no events yet)\n")
	}
	for _, ev := range events {
		fmt.Fprintf(&b, "  %d. %s  %-26s %s  [%s via %s]\n", ev.Seq, ev.Date, ev.Kind, eventSummary(ev), ev.Actor, ev.Source)
	}
	b.WriteString("\nOpen deadlines\n")
	if len(ds) == 0 {
		b.WriteString("  none\n")
	}
	for _, d := range ds {
		writeDeadline(&b, d, day)
	}
	for _, n := range notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	b.WriteString("\nDeadlines are computed from the rules cited; the dates on the payer's own notices come first. Not legal advice.\n")
	_, err = fmt.Fprint(e.stdout, b.String())
	return err
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func eventSummary(ev ketacover.Event) string {
	d := ev.Details
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	if d.Method != "" {
		add("via %s", d.Method)
	}
	if d.Reference != "" {
		add("ref %s", d.Reference)
	}
	if d.Level > 0 {
		add("level %d", d.Level)
	}
	if d.Expedited {
		add("expedited")
	}
	if d.Units > 0 {
		add("%d units", d.Units)
	}
	if d.Start != nil || d.End != nil {
		add("%s to %s", dashIfEmpty(d.Start.String()), dashIfEmpty(d.End.String()))
	}
	if d.Outcome != "" {
		add("%s", d.Outcome)
	}
	if d.DenialClass != "" {
		add("class %s", d.DenialClass)
	}
	if len(d.CARC) > 0 {
		add("CARC %s", strings.Join(d.CARC, ","))
	}
	if len(d.RARC) > 0 {
		add("RARC %s", strings.Join(d.RARC, ","))
	}
	if d.Reason != "" {
		add("%q", d.Reason)
	}
	if d.AmountCents != 0 {
		add("$%d.%02d", d.AmountCents/100, d.AmountCents%100)
	}
	if ev.Note != "" {
		add("— %s", ev.Note)
	}
	return strings.Join(parts, ", ")
}

func writeDeadline(b *strings.Builder, d ketacover.Deadline, day ketacover.Date) {
	left := day.DaysUntil(d.Due)
	when := fmt.Sprintf("in %d days", left)
	switch {
	case left < 0:
		when = fmt.Sprintf("OVERDUE by %d days", -left)
	case left == 0:
		when = "TODAY"
	}
	kind := "deadline"
	if d.Warning {
		kind = "reminder"
	}
	fmt.Fprintf(b, "  %s  %-11s %s (%s, %s — %s)\n", d.Due, when, d.Label, kind, d.Who, d.CaseID)
	fmt.Fprintf(b, "      %s\n", d.Explanation)
	if d.Condition != "" {
		fmt.Fprintf(b, "      only if: %s\n", d.Condition)
	}
	if d.Open != "" {
		fmt.Fprintf(b, "      open question: %s\n", d.Open)
	}
	for _, a := range d.Also {
		fmt.Fprintf(b, "      also: %s\n", a)
	}
}

func caseEvent(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "case event")
	db := dbFlag(fs)
	date := fs.String("date", "", "")
	who := fs.String("actor", "", "")
	note := fs.String("note", "", "")
	var d ketacover.Details
	fs.StringVar(&d.Method, "method", "", "")
	fs.StringVar(&d.Reference, "ref", "", "")
	fs.IntVar(&d.Units, "units", 0, "")
	start := fs.String("start", "", "")
	end := fs.String("end", "", "")
	codes := fs.String("codes", "", "")
	fs.StringVar(&d.Reason, "reason", "", "")
	fs.StringVar(&d.DenialClass, "class", "", "")
	carc := fs.String("carc", "", "")
	rarc := fs.String("rarc", "", "")
	fs.StringVar(&d.Group, "group", "", "")
	fs.IntVar(&d.Level, "level", 0, "")
	fs.BoolVar(&d.Expedited, "expedited", false, "")
	fs.StringVar(&d.Outcome, "outcome", "", "")
	amount := fs.String("amount", "", "")
	fs.StringVar(&d.Agency, "agency", "", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want a case ID and an event kind")
	}
	ev := &ketacover.Event{CaseID: pos[0], Kind: ketacover.EventKind(pos[1]), Actor: actor(e, *who), Source: ketacover.SourceCLI, Note: *note}
	if ev.Date, err = dateFlag(e, "--date", *date); err != nil {
		return err
	}
	if d.Start, err = optDate("--start", *start); err != nil {
		return err
	}
	if d.End, err = optDate("--end", *end); err != nil {
		return err
	}
	d.Codes, d.CARC, d.RARC = list(*codes), list(*carc), list(*rarc)
	if *amount != "" {
		if d.AmountCents, err = parseDollars(*amount); err != nil {
			return usagef("--amount: %s", err)
		}
	}
	ev.Details = d
	// Check before opening the store so a malformed event is refused
	// without touching the database; the store checks again against the
	// timeline inside its transaction.
	if err := timeline.Check(nil, &ketacover.Event{Kind: ev.Kind, Date: ev.Date, Details: d}); err != nil && ketacover.ErrorCode(err) == ketacover.EINVALID {
		return err
	}
	s, err := openStore(ctx, e, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Append(ctx, ev, func(prior []ketacover.Event) error { return timeline.Check(prior, ev) }); err != nil {
		if ketacover.ErrorCode(err) != ketacover.ENOTFOUND {
			if aerr := auditCLI(ctx, e, s, *who, ketacover.AuditEventRefused, ev.CaseID, string(ev.Kind)); aerr != nil {
				return errors.Join(err, aerr)
			}
		}
		return err
	}
	if err := auditCLI(ctx, e, s, *who, ketacover.AuditEventAppend, ev.CaseID, fmt.Sprintf("%s #%d", ev.Kind, ev.Seq)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "recorded %s on %s for case %s (event %d)\n", ev.Kind, ev.Date, ev.CaseID, ev.Seq)
	events, err := s.Events(ctx, ev.CaseID)
	if err != nil {
		return err
	}
	sc, err := s.Case(ctx, ev.CaseID)
	if err != nil {
		return err
	}
	book, err := deadline.Default()
	if err != nil {
		return err
	}
	day, err := today(e)
	if err != nil {
		return err
	}
	st := timeline.Fold(events)
	ds, _ := timeline.Open(sc, st, book, day, timeline.DefaultReminders)
	timeline.Sort(ds)
	fmt.Fprintf(e.stdout, "state: %s\n", st.Phase)
	var b strings.Builder
	for _, dl := range ds {
		writeDeadline(&b, dl, day)
	}
	fmt.Fprint(e.stdout, b.String())
	return nil
}

func dateFlag(e *env, name, v string) (ketacover.Date, error) {
	if v == "" {
		return today(e)
	}
	d, err := ketacover.ParseDate(v)
	if err != nil {
		return ketacover.Date{}, usagef("%s: %s", name, err)
	}
	return d, nil
}

func optDate(name, v string) (*ketacover.Date, error) {
	if v == "" {
		return nil, nil
	}
	d, err := ketacover.ParseDate(v)
	if err != nil {
		return nil, usagef("%s: %s", name, err)
	}
	return &d, nil
}

func list(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// parseDollars reads "450", "450.5" or "$1,450.00" as cents.
func parseDollars(s string) (int64, error) {
	t := strings.ReplaceAll(strings.TrimPrefix(strings.TrimSpace(s), "$"), ",", "")
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" || len(frac) > 2 || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return 0, fmt.Errorf("want an amount in dollars like 450.00, got %q", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var cents int64
	for _, r := range whole + frac {
		cents = cents*10 + int64(r-'0')
		if cents > 1<<50 {
			return 0, fmt.Errorf("amount %q is too large", s)
		}
	}
	return cents, nil
}
