package document_test

import (
	"fmt"
	"os"

	"github.com/ketacover/ketacover/document"
)

// A letter is built from blocks; a fact the case lacks becomes a blank, and
// Blanks lets the caller refuse to send the letter until it is filled.
func Example() {
	dose := "" // not in the case
	d := &document.Doc{Blocks: []document.Block{
		document.Subject{
			Text:   document.PlainText("Appeal of the denial of esketamine (Spravato)"),
			Fields: []document.Field{{Label: "Member ID", Value: document.PlainText("W123456789")}},
		},
		document.Para(
			document.Plain("She took sertraline "),
			document.Fact(dose, "dose of sertraline"),
			document.Plain(" for 8 weeks without response."),
		),
	}}
	if err := d.Render(os.Stdout, document.FormatText); err != nil {
		fmt.Println(err)
	}
	for _, m := range d.Blanks() {
		fmt.Printf("missing: %s, in the %s\n", m.Label, m.Where)
	}
	// Output:
	// RE: Appeal of the denial of esketamine (Spravato)
	//     Member ID: W123456789
	//
	// She took sertraline [dose of sertraline — missing] for 8 weeks without response.
	// missing: dose of sertraline, in the paragraph (block 2)
}
