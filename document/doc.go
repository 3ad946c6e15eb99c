// Package document is the small, explicit document model behind every letter
// ketacover writes, and its plain-text, HTML and PDF renderers.
package document

import (
	"github.com/ketacover/ketacover"
)

// Doc is one document: a letter, a packet, a sheet or a form. The blocks are
// rendered in order; the same Doc renders to text, HTML and PDF.
type Doc struct {
	// Title names the document for the HTML <title> and the PDF metadata,
	// e.g. "Letter of medical necessity — esketamine (Spravato)".
	Title string
	// Author is the PDF metadata author, usually the clinic or prescriber.
	Author string
	// Lang is the BCP 47 language of the text; "en" when empty.
	Lang string
	// Running is a short line printed at the foot of every PDF page beside
	// the page number, e.g. "Jane Doe · Member ID W123456789", because
	// payers separate the pages of a fax and need each one identified.
	// Text and HTML are one flow and do not repeat it.
	Running string
	// Blocks are the content, in reading order.
	Blocks []Block
}

// Block is one block of a document. The concrete types are the exported
// structs of this package (Letterhead, DateLine, Recipient, Subject, Heading,
// Paragraph, List, Table, Checklist, References, Signature, FooterNote,
// PageBreak); the set is closed so that every renderer handles every block.
type Block interface{ block() }

// Letterhead is the clinic's identity at the top of the first page.
type Letterhead struct {
	Name    Text   // clinic or practice name
	Address []Text // street lines, then "City, ST 12345"
	Phone   Text
	Fax     Text
	NPI     Text // the organization's (type 2) or the prescriber's NPI
}

// DateLine is the date of the letter. A zero Date is a missing fact and
// renders as a blank.
type DateLine struct {
	Date ketacover.Date
}

// Recipient is the address block of the addressee, one line per entry
// (department, organization, street, city).
type Recipient struct {
	Lines []Text
}

// Subject is the "RE:" line that tells a reviewer what the letter is about,
// followed by the identifiers a payer files it under.
type Subject struct {
	Text   Text    // e.g. "Request for prior authorization of esketamine (Spravato)"
	Fields []Field // e.g. Patient, Date of birth, Member ID, Claim number
}

// Field is one labelled value, such as "Member ID: W123456789".
type Field struct {
	Label string
	Value Text
}

// Heading is a section title. Level is 1, 2 or 3.
type Heading struct {
	Level int
	Text  string
}

// Paragraph is a run of inline text.
type Paragraph struct {
	Text Text
}

// List is a bulleted or, when Ordered, numbered list.
type List struct {
	Ordered bool
	Items   []Text
}

// Align is the horizontal alignment of a table column.
type Align uint8

// The alignments. Right suits amounts of money and counts.
const (
	AlignLeft Align = iota
	AlignRight
)

// Table is a table with one header row. Every row has as many cells as the
// header has columns.
type Table struct {
	Caption string   // shown above the table; also its accessible name
	Header  []string // column titles, repeated on every PDF page the table spans
	Rows    [][]Text
	Align   []Align // per column; missing entries are AlignLeft
}

// Status is the result of one criterion of a payer's policy for a case.
type Status uint8

// The statuses of a criterion: evaluation is three-valued because a fact may
// be absent from the case.
const (
	StatusUnknown Status = iota // a fact the criterion needs is not recorded
	StatusMet
	StatusNotMet
)

// String returns the word shown for s: "Met", "Not met" or "Unknown".
func (s Status) String() string {
	switch s {
	case StatusMet:
		return "Met"
	case StatusNotMet:
		return "Not met"
	case StatusUnknown:
		return "Unknown"
	}
	return "invalid status"
}

// Checklist lists policy criteria with their status, the policy section that
// states each, and the case facts that meet (or fail) it.
type Checklist struct {
	Caption string // e.g. "Aetna CPB 0939 — criteria for esketamine"
	Items   []Criterion
}

// Criterion is one row of a Checklist.
type Criterion struct {
	Status  Status
	Text    Text   // the criterion as the policy states it
	Section string // where the policy states it, e.g. "Section I.B.2"
	Facts   []Text // the case facts that bear on it, each possibly citing evidence
}

// References is the numbered list of works cited. Citations (Cite runs) are
// numbered in order of first appearance in the document; entries never cited
// follow the cited ones in the order given.
type References struct {
	Title string // "References" when empty
	Items []Reference
}

// Reference is one work: ID is the evidence ID that Cite runs name, Text the
// formatted citation (authors, title, journal, year, DOI, PMID).
type Reference struct {
	ID   string
	Text Text
}

// Signature is the closing and the signer's block with a line to sign on.
type Signature struct {
	Closing     string // "Sincerely," when empty
	Name        Text
	Credentials Text // e.g. "MD, Board-certified psychiatrist"
	NPI         Text
	// Date is printed when known; otherwise the block shows a line for the
	// signer to date by hand, which is not a missing fact.
	Date ketacover.Date
}

// FooterNote is small print at the end of a document, such as "This is not
// medical or legal advice."
type FooterNote struct {
	Text Text
}

// PageBreak starts a new page in PDF and print; in plain text it is a form
// feed.
type PageBreak struct{}

func (Letterhead) block() {}
func (DateLine) block()   {}
func (Recipient) block()  {}
func (Subject) block()    {}
func (Heading) block()    {}
func (Paragraph) block()  {}
func (List) block()       {}
func (Table) block()      {}
func (Checklist) block()  {}
func (References) block() {}
func (Signature) block()  {}
func (FooterNote) block() {}
func (PageBreak) block()  {}

// RunKind is the kind of an inline run.
type RunKind uint8

// The kinds of inline run.
const (
	RunPlain    RunKind = iota // ordinary text
	RunEmphasis                // italic
	RunStrong                  // bold
	RunCite                    // a citation; Text is the evidence ID, shown as "[n]"
	RunBlank                   // a missing fact; Text is its label
)

// Run is a piece of inline text of one kind.
type Run struct {
	Kind RunKind
	Text string
}

// Text is inline text: a sequence of runs.
type Text []Run

// Plain returns a run of ordinary text.
func Plain(s string) Run { return Run{RunPlain, s} }

// Emph returns a run of emphasized (italic) text.
func Emph(s string) Run { return Run{RunEmphasis, s} }

// Strong returns a run of strong (bold) text.
func Strong(s string) Run { return Run{RunStrong, s} }

// Cite returns a citation of the evidence with the given ID. The document
// must hold a References block with an entry of that ID.
func Cite(id string) Run { return Run{RunCite, id} }

// Blank returns a missing fact, labelled so a reader knows what to supply:
// Blank("dose of sertraline") renders as "[dose of sertraline — missing]".
func Blank(label string) Run { return Run{RunBlank, label} }

// Fact returns value as plain text, or a Blank labelled label when value is
// empty or only spaces, so that a missing fact is never silently dropped.
func Fact(value, label string) Run {
	for _, r := range value {
		if r != ' ' && r != '\t' {
			return Plain(value)
		}
	}
	return Blank(label)
}

// PlainText returns s as Text of one plain run.
func PlainText(s string) Text { return Text{Plain(s)} }

// Para returns a Paragraph of the runs.
func Para(runs ...Run) Paragraph { return Paragraph{Text(runs)} }
