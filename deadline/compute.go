package deadline

import (
	"fmt"
	"strings"
	"time"

	"github.com/ketacover/ketacover"
)

// Anchor holds the dates a clock counts from. Date is the day of the event the rule names
// (Rule.Anchor, e.g. the payer's receipt of a request); At is its exact instant, which hour
// clocks use. For a clock that runs from receipt of a notice, NoticeDate is the date printed
// on the notice: Compute applies the rule's presumption of receipt to it, or, when the rule
// has none and receipt is unknown, counts from it as the earliest possible receipt.
type Anchor struct {
	Date       ketacover.Date
	At         time.Time
	NoticeDate ketacover.Date
}

// Flag marks how a due date came about, for people and programs.
type Flag string

// The flags.
const (
	FlagRolledForward   Flag = "rolled-forward"   // the last day fell on a weekend or federal holiday and moved
	FlagMonthOverflow   Flag = "month-overflow"   // the target month lacked the day
	FlagPresumedReceipt Flag = "presumed-receipt" // receipt was presumed from the notice date
	FlagReceiptUnknown  Flag = "receipt-unknown"  // counted from the notice date because receipt is unknown
	FlagSentUnknown     Flag = "sent-unknown"     // counted from the notice date because the mailing or sending date is unknown
	FlagTimeUnknown     Flag = "time-unknown"     // an hour clock counted from the start of the day
	FlagMinimum         Flag = "minimum"          // the law's floor: the plan may allow longer
	FlagMaximum         Flag = "maximum"          // the law's ceiling: the state or plan may allow less
	FlagExtendable      Flag = "extendable"       // the decider may extend under conditions
	FlagOpen            Flag = "open-question"    // the references leave a question open (see Due.Open)
	FlagSecondary       Flag = "secondary-source" // the rule rests on secondary sources, not the primary text
)

// Alternative is another date that a different reading or fact would give.
type Alternative struct {
	Date ketacover.Date
	At   time.Time // hour clocks only
	Why  string
}

// Due is a computed deadline and how it was reached.
type Due struct {
	RuleID      string
	Step        Step           // what the deadline is for
	Who         string         // who must act: payer, claimant, reviewer or agency
	Grade       string         // how sure the source is (see GradeLabel)
	Date        ketacover.Date // the last day to act; for hour clocks the day At falls on
	At          time.Time      // hour clocks: the exact instant; zero for day clocks
	From        ketacover.Date // the day counted from, after any presumption of receipt
	Explanation string         // e.g. "180 calendar days from receipt of the notice 2026-03-02 (29 CFR 2560.503-1(h)(3)(i))"
	Flags       []Flag
	Also        []Alternative
	Citation    string
	Source      string
	Open        string
}

// Has reports whether d carries flag f.
func (d Due) Has(f Flag) bool {
	for _, g := range d.Flags {
		if g == f {
			return true
		}
	}
	return false
}

// Compute returns the deadline rule r gives for the dates in a. It is a pure function: it
// never reads the clock. Errors (EINVALID) name the missing or inconsistent date.
func Compute(r Rule, a Anchor) (Due, error) {
	if err := r.computable(); err != "" {
		return Due{}, ketacover.Errorf(ketacover.EINVALID, "rule %q: %s", r.ID, err)
	}
	if !a.At.IsZero() {
		if a.Date.IsZero() {
			a.Date = ketacover.DateOf(a.At)
		} else if ketacover.DateOf(a.At) != a.Date {
			return Due{}, ketacover.Errorf(ketacover.EINVALID, "rule %s: anchor time %s is not on anchor date %s", r.ID, a.At.Format(time.RFC3339), a.Date)
		}
	}
	for _, d := range []ketacover.Date{a.Date, a.NoticeDate} {
		if !d.IsZero() && (d.Year < MinYear || d.Year > MaxYear-1) {
			return Due{}, ketacover.Errorf(ketacover.EINVALID, "rule %s: date %s outside the years %d-%d", r.ID, d, MinYear, MaxYear-1)
		}
	}
	c := computation{r: r, due: Due{RuleID: r.ID, Step: r.Step, Who: r.Who, Grade: r.Grade, Citation: r.Citation, Source: r.Source, Open: r.Open}}
	from, how, err := c.start(a)
	if err != nil {
		return Due{}, err
	}
	c.due.From = from
	var b strings.Builder
	fmt.Fprintf(&b, "%s", r.Count)
	if r.MailDays > 0 {
		fmt.Fprintf(&b, " plus %d days for service by mail or electronic means", r.MailDays)
	}
	if r.Before {
		b.WriteString(" before ")
	} else {
		b.WriteString(" from ")
	}
	b.WriteString(how)

	switch r.Count.Unit {
	case Hours:
		c.hours(a, from, &b)
	default:
		last, note, err := c.days(from, false)
		if err != nil {
			return Due{}, err
		}
		c.due.Date = last
		// Only business-day counts and roll-forwards can meet a holiday, so only they can differ
		// when observed holidays count.
		if r.Count.Unit != BusinessDays && !r.RollForward {
			// nothing to compare
		} else if alt, _, err := c.days(from, true); err != nil {
			return Due{}, err
		} else if alt != last {
			c.due.Also = append(c.due.Also, Alternative{Date: alt, Why: "if observed federal holidays (the weekday off when a holiday falls on a weekend) count, per 5 U.S.C. 6103(b); the statutory days are used here because the regulation does not say (regulations-verified.md §1.1)"})
		}
		b.WriteString(note)
	}
	fmt.Fprintf(&b, " (%s)", r.Citation)
	if r.Extension != nil {
		c.extension()
	}
	switch r.Bound {
	case "minimum":
		c.flag(FlagMinimum)
	case "maximum":
		c.flag(FlagMaximum)
	}
	if r.Open != "" {
		c.flag(FlagOpen)
	}
	switch r.Grade {
	case "S", "S+", "K":
		c.flag(FlagSecondary)
	}
	c.due.Explanation = b.String()
	return c.due, nil
}

// computable checks what Compute relies on. It is cheaper than Validate, which loaded rules
// have already passed, so that computing thousands of deadlines stays fast.
func (r Rule) computable() string {
	switch {
	case r.Count.Unit != CalendarDays && r.Count.Unit != BusinessDays && r.Count.Unit != Hours && r.Count.Unit != Months:
		return fmt.Sprintf("count.unit: unknown unit %q", r.Count.Unit)
	case r.Count.N <= 0 || r.Count.N > 1000:
		return fmt.Sprintf("count.n: want 1-1000, got %d", r.Count.N)
	case AnchorLabel(r.Anchor) == "":
		return fmt.Sprintf("anchor: unknown anchor %q", r.Anchor)
	case r.Count.Unit == Months && r.MonthOverflow == "":
		return "month_overflow: a month count must say what happens when the day does not exist"
	case r.PresumedReceiptDays < 0 || r.PresumedReceiptDays > 30 || r.MailDays < 0 || r.MailDays > 30:
		return "presumed_receipt_days and mail_days: want 0-30"
	case r.Extension != nil && r.Extension.N <= 0:
		return "extension: want a positive count"
	case strings.TrimSpace(r.Citation) == "":
		return "citation: every rule needs its CFR, statute or manual citation"
	}
	return ""
}

type computation struct {
	r   Rule
	due Due
}

func (c *computation) flag(f Flag) {
	if !c.due.Has(f) {
		c.due.Flags = append(c.due.Flags, f)
	}
}

// start picks the day the count runs from and describes it.
func (c *computation) start(a Anchor) (ketacover.Date, string, error) {
	r := c.r
	label := AnchorLabel(r.Anchor)
	if r.Anchor != AnchorNoticeReceived {
		if a.Date.IsZero() && !a.NoticeDate.IsZero() {
			switch r.Anchor {
			case AnchorNoticeDate:
				return a.NoticeDate, fmt.Sprintf("%s %s", label, a.NoticeDate), nil
			case AnchorNoticeMailed, AnchorNoticeSent:
				// A notice is not sent before the date printed on it, so that date is the safe start.
				c.flag(FlagSentUnknown)
				return a.NoticeDate, fmt.Sprintf("%s, taken as the notice date %s because the sending date is unknown", label, a.NoticeDate), nil
			}
		}
		if a.Date.IsZero() {
			return ketacover.Date{}, "", ketacover.Errorf(ketacover.EINVALID, "rule %s counts from %s: give that date", r.ID, label)
		}
		return a.Date, fmt.Sprintf("%s %s", label, a.Date), nil
	}
	if !a.Date.IsZero() && !a.NoticeDate.IsZero() && a.Date.Before(a.NoticeDate) {
		return ketacover.Date{}, "", ketacover.Errorf(ketacover.EINVALID, "rule %s: receipt %s is before the notice date %s", r.ID, a.Date, a.NoticeDate)
	}
	switch {
	case a.Date.IsZero() && a.NoticeDate.IsZero():
		return ketacover.Date{}, "", ketacover.Errorf(ketacover.EINVALID, "rule %s counts from %s: give the date of receipt or the date on the notice", r.ID, label)
	case r.PresumedReceiptDays > 0 && a.NoticeDate.IsZero():
		return a.Date, fmt.Sprintf("%s %s", label, a.Date), nil
	case r.PresumedReceiptDays > 0:
		presumed := a.NoticeDate.AddDays(r.PresumedReceiptDays)
		c.flag(FlagPresumedReceipt)
		how := fmt.Sprintf("%s, presumed %d days after the notice date %s, so from %s", label, r.PresumedReceiptDays, a.NoticeDate, presumed)
		if a.Date.IsZero() || a.Date == presumed {
			return presumed, how, nil
		}
		// The presumption yields to evidence either way; the earlier date is the safe one to show.
		other, first := a.Date, presumed
		why := fmt.Sprintf("counting from the documented receipt %s instead; the presumption can be rebutted, so the earlier date is shown", a.Date)
		if a.Date.Before(presumed) {
			other, first = presumed, a.Date
			how = fmt.Sprintf("the documented %s %s (earlier than the %d-day presumption from the notice date %s)", label, a.Date, r.PresumedReceiptDays, a.NoticeDate)
			why = fmt.Sprintf("counting from the presumed receipt %s (%d days after the notice date); a documented earlier receipt rebuts it", presumed, r.PresumedReceiptDays)
		}
		scratch := computation{r: r}
		alt, _, err := scratch.days(other, false)
		if err != nil {
			return ketacover.Date{}, "", err
		}
		c.due.Also = append(c.due.Also, Alternative{Date: alt, Why: why})
		return first, how, nil
	case a.Date.IsZero():
		c.flag(FlagReceiptUnknown)
		return a.NoticeDate, fmt.Sprintf("%s, taken as the notice date %s because receipt is unknown and cannot be earlier", label, a.NoticeDate), nil
	}
	return a.Date, fmt.Sprintf("%s %s", label, a.Date), nil
}

// hours counts an hour clock from the anchor instant.
func (c *computation) hours(a Anchor, from ketacover.Date, b *strings.Builder) {
	at := a.At
	if at.IsZero() || ketacover.DateOf(at) != from {
		at = from.Time()
		c.flag(FlagTimeUnknown)
		fmt.Fprintf(b, " (time unknown: counted from the start of the day, %s)", at.Format("15:04 MST"))
	} else {
		fmt.Fprintf(b, " %s", at.Format("15:04 MST"))
	}
	d := time.Duration(c.r.Count.N) * time.Hour
	if c.r.Before {
		d = -d
	}
	c.due.At = at.Add(d)
	c.due.Date = ketacover.DateOf(c.due.At)
	fmt.Fprintf(b, ", so by %s", c.due.At.Format("2006-01-02 15:04 MST"))
}

// days counts a day or month clock from from, with the rule's overflow and roll-forward,
// counting observed federal holidays as holidays when observed is true. It returns the last
// day and the words that explain any adjustment.
func (c *computation) days(from ketacover.Date, observed bool) (ketacover.Date, string, error) {
	r := c.r
	var note strings.Builder
	var last ketacover.Date
	switch r.Count.Unit {
	case CalendarDays:
		n := r.Count.N + r.MailDays
		if r.Before {
			n = -n
		}
		last = from.AddDays(n)
	case BusinessDays:
		d, n := from, 0
		for n < r.Count.N {
			if r.Before {
				d = d.AddDays(-1)
			} else {
				d = d.AddDays(1)
			}
			ok, err := BusinessDay(d, observed)
			if err != nil {
				return ketacover.Date{}, "", err
			}
			if ok {
				n++
			}
		}
		last = d.AddDays(r.MailDays)
	case Months:
		var overflow bool
		last, overflow = addMonths(from, r.Count.N, r.MonthOverflow)
		if overflow {
			if !observed {
				c.flag(FlagMonthOverflow)
			}
			missing := fmt.Sprintf("%04d-%02d-%02d", last.Year, last.Month, from.Day)
			if r.MonthOverflow == OverflowFirstOfNext {
				missing = fmt.Sprintf("%04d-%02d-%02d", last.AddDays(-1).Year, last.AddDays(-1).Month, from.Day)
			}
			switch r.MonthOverflow {
			case OverflowFirstOfNext:
				fmt.Fprintf(&note, "; %s does not exist, so the last day is the first day of the next month, %s", missing, last)
			case OverflowLastOfMonth:
				fmt.Fprintf(&note, "; %s does not exist, so the last day is the last day of that month, %s", missing, last)
			default:
				next := last.AddDays(1)
				fmt.Fprintf(&note, "; %s does not exist and the source does not say which day counts, so the earlier reading, %s, is shown", missing, last)
				if !observed {
					c.due.Also = append(c.due.Also, Alternative{Date: next, Why: "if a missing day counts as the first day of the next month"})
				}
			}
		}
		last = last.AddDays(r.MailDays)
	}
	if r.RollForward {
		rolledFrom := last
		for {
			ok, err := BusinessDay(last, observed)
			if err != nil {
				return ketacover.Date{}, "", err
			}
			if ok {
				break
			}
			last = last.AddDays(1)
		}
		if last != rolledFrom {
			if !observed {
				c.flag(FlagRolledForward)
			}
			fmt.Fprintf(&note, "; %s is %s, so the last day rolls forward to %s %s", rolledFrom, nonBusinessReason(rolledFrom, observed), last.Weekday(), last)
		}
	}
	return last, note.String(), nil
}

// addMonths adds n months to d. When the target month lacks d's day it returns the first day of
// the next month (OverflowFirstOfNext) or the last day of the target month (otherwise), and
// reports the overflow. Go's AddDate normalises Oct 31 + 4 months to Mar 3, which no rule means.
func addMonths(d ketacover.Date, n int, overflow string) (ketacover.Date, bool) {
	clamped := d.AddMonths(n)
	if clamped.Day == d.Day {
		return clamped, false
	}
	if overflow == OverflowFirstOfNext {
		return clamped.AddDays(1), true
	}
	return clamped, true
}

// extension reports the latest date an extension would allow.
func (c *computation) extension() {
	e := c.r.Extension
	c.flag(FlagExtendable)
	alt := Alternative{Why: fmt.Sprintf("if extended by up to %s: %s", e.Count, e.When)}
	switch e.Unit {
	case Hours:
		base := c.due.At
		if base.IsZero() {
			base = c.due.Date.Time()
		}
		alt.At = base.Add(time.Duration(e.N) * time.Hour)
		alt.Date = ketacover.DateOf(alt.At)
	case BusinessDays:
		d, n := c.due.Date, 0
		for n < e.N {
			d = d.AddDays(1)
			if ok, _ := BusinessDay(d, false); ok {
				n++
			}
		}
		alt.Date = d
	default:
		if !c.due.At.IsZero() {
			alt.At = c.due.At.AddDate(0, 0, e.N)
			alt.Date = ketacover.DateOf(alt.At)
		} else {
			alt.Date = c.due.Date.AddDays(e.N)
		}
	}
	c.due.Also = append(c.due.Also, alt)
}
