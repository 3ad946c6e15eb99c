package letter

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/document"
)

// className is a drug class as clinicians write it.
func className(c string) string {
	switch c {
	case "ssri", "snri", "tca", "maoi":
		return strings.ToUpper(c)
	case "atypical-antipsychotic":
		return "atypical antipsychotic"
	case "thyroid":
		return "thyroid hormone"
	case "":
		return ""
	}
	return c
}

// outcomeName is a trial outcome in words.
func outcomeName(o string) string {
	switch o {
	case "no-response":
		return "no response"
	case "partial-response":
		return "partial response"
	case "intolerance":
		return "not tolerated"
	}
	return o
}

// failed reports whether a trial ended without an adequate result.
func failed(t ketacover.Trial) bool {
	switch t.Outcome {
	case "no-response", "partial-response", "intolerance":
		return true
	}
	return false
}

// trialDose is a trial's daily dose, or a blank.
func trialDose(t ketacover.Trial) document.Run {
	if t.DoseMg != nil {
		return document.Plain(num(*t.DoseMg) + " mg/day")
	}
	return document.Blank("daily dose of " + t.Drug)
}

// trialWeeks is a trial's length in weeks, or a blank.
func trialWeeks(t ketacover.Trial) document.Run {
	if t.Weeks != nil {
		return document.Plain(num(*t.Weeks))
	}
	return document.Blank("weeks on " + t.Drug)
}

// trialOutcome is a trial's outcome with the improvement and notes, or a
// blank.
func trialOutcome(t ketacover.Trial) document.Text {
	if t.Outcome == "" {
		return document.Text{document.Blank("outcome of the " + t.Drug + " trial")}
	}
	s := capital(outcomeName(t.Outcome))
	if t.Improvement != nil {
		s += fmt.Sprintf(" (%d%% improvement)", *t.Improvement)
	}
	if n := strings.TrimSpace(t.Notes); n != "" {
		s += ": " + strings.TrimSuffix(n, ".")
	}
	return document.PlainText(s)
}

// trialSentence is one failed trial in prose: "sertraline 150 mg daily for
// 10 weeks (no response)".
func trialSentence(t ketacover.Trial) []document.Run {
	runs := []document.Run{document.Plain(t.Drug + " ")}
	if t.DoseMg != nil {
		runs = append(runs, document.Plain(num(*t.DoseMg)+" mg daily"))
	} else {
		runs = append(runs, document.Blank("daily dose of "+t.Drug))
	}
	runs = append(runs, document.Plain(" for "))
	if t.Weeks != nil {
		runs = append(runs, document.Plain(plural(int(*t.Weeks), "week")))
		if *t.Weeks != float64(int(*t.Weeks)) {
			runs[len(runs)-1] = document.Plain(num(*t.Weeks) + " weeks")
		}
	} else {
		runs = append(runs, document.Blank("weeks on "+t.Drug))
	}
	if t.Augments != "" {
		runs = append(runs, document.Plain(", added to "+t.Augments))
	}
	out := outcomeName(t.Outcome)
	if t.Improvement != nil {
		out += fmt.Sprintf(", %d%% improvement", *t.Improvement)
	}
	if t.Outcome == "" {
		return append(runs, document.Plain(" ("), document.Blank("outcome of the "+t.Drug+" trial"), document.Plain(")"))
	}
	return append(runs, document.Plain(" ("+out+")"))
}

// trialsTable lists every medication trial: drug and class, dose, weeks,
// outcome, and the adherence and dates where recorded or needed.
func (b *builder) trialsTable() document.Table {
	trials := b.c.History.Trials
	adherence, dates := false, false
	for i, t := range trials {
		if t.Adherence != nil || b.missing(fmt.Sprintf("history.trials[%d].adherence_pct", i)) {
			adherence = true
		}
		if t.Start != nil || t.End != nil {
			dates = true
		}
	}
	tb := document.Table{Caption: "Medication trials", Header: []string{"Drug", "Dose", "Weeks"}}
	tb.Align = []document.Align{document.AlignLeft, document.AlignLeft, document.AlignRight}
	if adherence {
		tb.Header = append(tb.Header, "Taken")
		tb.Align = append(tb.Align, document.AlignRight)
	}
	if dates {
		tb.Header = append(tb.Header, "Dates")
		tb.Align = append(tb.Align, document.AlignLeft)
	}
	tb.Header = append(tb.Header, "Outcome")
	for i, t := range trials {
		row := []document.Text{document.PlainText(trialLabel(t)), {trialDose(t)}, {trialWeeks(t)}}
		if adherence {
			switch {
			case t.Adherence != nil:
				row = append(row, document.PlainText(fmt.Sprintf("%d%%", *t.Adherence)))
			case b.missing(fmt.Sprintf("history.trials[%d].adherence_pct", i)):
				row = append(row, document.Text{document.Blank("adherence to " + t.Drug + " (% of doses taken)")})
			default:
				row = append(row, document.PlainText("—"))
			}
		}
		if dates {
			row = append(row, document.PlainText(span(t.Start, t.End)))
		}
		row = append(row, trialOutcome(t))
		tb.Rows = append(tb.Rows, row)
	}
	return tb
}

// trialLabel is the drug with its class, its role and its episode when
// not the current one: "aripiprazole (atypical antipsychotic, added to
// duloxetine)".
func trialLabel(t ketacover.Trial) string {
	var notes []string
	if cl := className(t.Class); cl != "" && cl != t.Drug {
		notes = append(notes, cl)
	}
	if t.Role == "augmentation" {
		if t.Augments != "" {
			notes = append(notes, "added to "+t.Augments)
		} else {
			notes = append(notes, "augmentation")
		}
	}
	if t.Episode == "prior" {
		notes = append(notes, "prior episode")
	}
	if len(notes) == 0 {
		return t.Drug
	}
	return t.Drug + " (" + strings.Join(notes, ", ") + ")"
}

// span is a trial's dates as "01/05/26–03/16/26": two-digit years keep
// the table narrow enough for a page.
func span(a, b *ketacover.Date) string {
	yy := func(d ketacover.Date) string { return d.Time().Format("01/02/06") }
	switch {
	case a != nil && b != nil:
		return yy(*a) + "–" + yy(*b)
	case a != nil:
		return "from " + yy(*a)
	case b != nil:
		return "until " + yy(*b)
	}
	return "—"
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// scoresTable lists the rating-scale scores, oldest first.
func (b *builder) scoresTable() document.Table {
	tb := document.Table{Caption: "Rating-scale scores", Header: []string{"Scale", "Score", "Date"},
		Align: []document.Align{document.AlignLeft, document.AlignRight, document.AlignLeft}}
	scores := append([]ketacover.Score(nil), b.c.History.Scores...)
	sortScores(scores)
	for _, s := range scores {
		max := ""
		if sc, ok := ketacover.Scales[s.Scale]; ok {
			max = fmt.Sprintf(" / %d", sc.Max)
		}
		tb.Rows = append(tb.Rows, []document.Text{document.PlainText(s.Scale), document.PlainText(fmt.Sprintf("%d%s", s.Value, max)), document.PlainText(short(s.Date))})
	}
	return tb
}

func sortScores(s []ketacover.Score) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].Date.Before(s[j-1].Date); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// latestScores returns the latest score of each scale recorded, in the
// order the scales first appear.
func (b *builder) latestScores() []ketacover.Score {
	var order []string
	last := map[string]ketacover.Score{}
	for _, s := range b.c.History.Scores {
		if _, ok := last[s.Scale]; !ok {
			order = append(order, s.Scale)
			last[s.Scale] = s
			continue
		}
		if !s.Date.Before(last[s.Scale].Date) {
			last[s.Scale] = s
		}
	}
	out := make([]ketacover.Score, len(order))
	for i, sc := range order {
		out[i] = last[sc]
	}
	return out
}

// scoreWords is "PHQ-9 21 (November 18, 2026)".
func scoreWords(s ketacover.Score) string {
	return fmt.Sprintf("%s %d (%s)", s.Scale, s.Value, long(s.Date))
}
