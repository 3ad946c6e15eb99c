package document

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
)

// Missing is one blank in a document: a fact the letter needs and the case
// does not hold.
type Missing struct {
	Label string // what is missing, e.g. "dose of sertraline"
	Where string // where it appears, e.g. `table "Medication trials", row 2, column "Dose"`
}

// Blanks returns every blank of d in reading order, so that a caller can
// refuse to send an incomplete letter. A zero DateLine date counts as a blank
// labelled "date of letter".
func (d *Doc) Blanks() []Missing {
	if d == nil {
		return nil
	}
	var out []Missing
	d.walk(func(l loc, t Text) {
		for _, r := range t {
			if r.Kind == RunBlank {
				out = append(out, Missing{Label: clean(r.Text), Where: l.String()})
			}
		}
	})
	return out
}

// dateLabel is the label of the blank a zero DateLine shows.
const dateLabel = "date of letter"

// loc says where a piece of text sits, for Blanks and for error messages.
type loc struct {
	block   int    // index into Doc.Blocks
	kind    string // "paragraph", "table", …
	heading string // the nearest heading before the block
	part    string // the place inside the block, e.g. `row 2, column "Dose"`
}

func (l loc) String() string {
	var b strings.Builder
	b.WriteString(l.kind)
	if l.part != "" {
		b.WriteString(", ")
		b.WriteString(l.part)
	}
	if l.heading != "" {
		fmt.Fprintf(&b, " (under %q)", l.heading)
	} else {
		fmt.Fprintf(&b, " (block %d)", l.block+1)
	}
	return b.String()
}

// walk calls fn for every Text of d in reading order.
func (d *Doc) walk(fn func(loc, Text)) {
	heading := ""
	for i, b := range d.Blocks {
		l := loc{block: i, heading: heading}
		at := func(kind, part string, t Text) {
			l.kind, l.part = kind, part
			fn(l, t)
		}
		switch b := b.(type) {
		case Letterhead:
			at("letterhead", "name", b.Name)
			for j, a := range b.Address {
				at("letterhead", fmt.Sprintf("address line %d", j+1), a)
			}
			at("letterhead", "phone", b.Phone)
			at("letterhead", "fax", b.Fax)
			at("letterhead", "NPI", b.NPI)
		case DateLine:
			if b.Date.IsZero() {
				at("date line", "", Text{Blank(dateLabel)})
			}
		case Recipient:
			for j, t := range b.Lines {
				at("recipient", fmt.Sprintf("line %d", j+1), t)
			}
		case Subject:
			at("subject line", "", b.Text)
			for _, f := range b.Fields {
				at("subject line", fmt.Sprintf("field %q", clean(f.Label)), f.Value)
			}
		case Heading:
			heading = clean(b.Text)
		case Paragraph:
			at("paragraph", "", b.Text)
		case List:
			for j, t := range b.Items {
				at("list", fmt.Sprintf("item %d", j+1), t)
			}
		case Table:
			kind := "table"
			if b.Caption != "" {
				kind = fmt.Sprintf("table %q", clean(b.Caption))
			}
			for r, row := range b.Rows {
				for c, t := range row {
					col := fmt.Sprintf("column %d", c+1)
					if c < len(b.Header) {
						col = fmt.Sprintf("column %q", clean(b.Header[c]))
					}
					at(kind, fmt.Sprintf("row %d, %s", r+1, col), t)
				}
			}
		case Checklist:
			for j, c := range b.Items {
				at("criteria checklist", fmt.Sprintf("criterion %d", j+1), c.Text)
				for k, f := range c.Facts {
					at("criteria checklist", fmt.Sprintf("criterion %d, fact %d", j+1, k+1), f)
				}
			}
		case References:
			for _, r := range b.Items {
				at("references", fmt.Sprintf("entry %q", clean(r.ID)), r.Text)
			}
		case Signature:
			at("signature", "name", b.Name)
			at("signature", "credentials", b.Credentials)
			at("signature", "NPI", b.NPI)
		case FooterNote:
			at("footer note", "", b.Text)
		}
	}
}

// Validate reports the first structural problem of d: an unknown block or
// run kind, a heading level outside 1–3, a table row whose width differs
// from its header, a citation with no reference, a duplicate reference ID, a
// blank without a label, an invalid status. The renderers call it first, so
// a bad document never produces half a file. The error is a
// *ketacover.Error with code EINVALID.
func (d *Doc) Validate() error {
	if d == nil {
		return ketacover.Errorf(ketacover.EINVALID, "document: nil document")
	}
	refs := map[string]bool{}
	for i, b := range d.Blocks {
		switch b := b.(type) {
		case nil:
			return invalidf(i, "nil block")
		case Heading:
			if b.Level < 1 || b.Level > 3 {
				return invalidf(i, "heading level %d, want 1, 2 or 3", b.Level)
			}
		case Table:
			if len(b.Header) == 0 {
				return invalidf(i, "table %q has no header", b.Caption)
			}
			for r, row := range b.Rows {
				if len(row) != len(b.Header) {
					return invalidf(i, "table %q row %d has %d cells, want %d (one per header column)", b.Caption, r+1, len(row), len(b.Header))
				}
			}
			if len(b.Align) > len(b.Header) {
				return invalidf(i, "table %q has %d alignments for %d columns", b.Caption, len(b.Align), len(b.Header))
			}
		case Checklist:
			for j, c := range b.Items {
				if c.Status > StatusNotMet {
					return invalidf(i, "criterion %d has invalid status %d", j+1, c.Status)
				}
			}
		case References:
			for _, r := range b.Items {
				if strings.TrimSpace(r.ID) == "" {
					return invalidf(i, "reference with an empty ID")
				}
				if refs[r.ID] {
					return invalidf(i, "duplicate reference ID %q", r.ID)
				}
				refs[r.ID] = true
			}
		case Letterhead, DateLine, Recipient, Subject, Paragraph, List, Signature, FooterNote, PageBreak:
		default:
			return invalidf(i, "unknown block type %T", b)
		}
	}
	var err error
	d.walk(func(l loc, t Text) {
		for _, r := range t {
			if err != nil {
				return
			}
			switch r.Kind {
			case RunPlain, RunEmphasis, RunStrong:
			case RunCite:
				if !refs[r.Text] {
					err = ketacover.Errorf(ketacover.EINVALID, "document: %s: citation %q has no entry in a References block", l, r.Text)
				}
			case RunBlank:
				if strings.TrimSpace(r.Text) == "" {
					err = ketacover.Errorf(ketacover.EINVALID, "document: %s: blank without a label", l)
				}
			default:
				err = ketacover.Errorf(ketacover.EINVALID, "document: %s: unknown run kind %d", l, r.Kind)
			}
		}
	})
	return err
}

func invalidf(block int, format string, args ...any) error {
	return ketacover.Errorf(ketacover.EINVALID, "document: block %d: %s", block+1, fmt.Sprintf(format, args...))
}
