package web

import (
	"context"

	"github.com/ketacover/ketacover"
)

// The hooks below are features other packages provide. The server takes
// each as an interface in Deps; a nil hook switches the feature off, and
// every page and API route that would use it says so (HTTP 501, code
// "not_enabled") rather than pretending. The lead wires each hook to its
// package in cmd/ketacover/serve.go.

// Estimator prices a case's course of treatment and lists ways to pay
// (HOOK: the cost package). It returns EINVALID when the case lacks what
// an estimate needs, with a message saying what to add.
type Estimator interface {
	Estimate(ctx context.Context, c *ketacover.Case, asOf ketacover.Date) (*Estimate, error)
}

// Estimate is a cost estimate as the pages show it: already worded and
// formatted by the package that computed it, so the web layer does no
// arithmetic on money.
type Estimate struct {
	// Summary is one sentence in plain words, e.g. "About $1,240 for the
	// first 8 weeks, then about $310 a month."
	Summary string `json:"summary"`
	// Lines are the rows of the estimate: what, and how much.
	Lines []EstimateLine `json:"lines"`
	// PaymentOptions are other ways to pay: manufacturer savings,
	// financing, sliding-scale fees, HSA/FSA.
	PaymentOptions []PaymentOption `json:"payment_options"`
	// Notes are assumptions and warnings, in plain words.
	Notes []string `json:"notes"`
	// Sources are where the figures come from (URLs or citations).
	Sources []string `json:"sources"`
}

// EstimateLine is one row of an estimate.
type EstimateLine struct {
	Label  string `json:"label"`
	Amount string `json:"amount"`
}

// PaymentOption is one way to pay, with where to learn more.
type PaymentOption struct {
	Name   string `json:"name"`
	Detail string `json:"detail"`
	Source string `json:"source,omitempty"`
}

// Deadliner computes the deadlines that would apply if the request were
// denied on the given date (HOOK: the deadline and timeline packages).
type Deadliner interface {
	Deadlines(ctx context.Context, c *ketacover.Case, denied ketacover.Date) ([]ketacover.Deadline, error)
}

// DocumentKind names a document the self-check offers as a PDF.
type DocumentKind string

// The documents.
const (
	DocLMN       DocumentKind = "lmn"       // letter of medical necessity
	DocAppeal    DocumentKind = "appeal"    // internal appeal letter
	DocSuperbill DocumentKind = "superbill" // itemized receipt for out-of-network reimbursement
)

// DocumentKinds lists the documents in the order the pages offer them.
var DocumentKinds = []DocumentKind{DocLMN, DocAppeal, DocSuperbill}

// Label is the document's name in words.
func (k DocumentKind) Label() string {
	switch k {
	case DocLMN:
		return "Letter of medical necessity"
	case DocAppeal:
		return "Appeal letter"
	case DocSuperbill:
		return "Superbill"
	}
	return string(k)
}

// Documenter writes a document for a case as a PDF (HOOK: the letter
// package). It returns EINVALID when the case lacks what the document
// needs.
type Documenter interface {
	Document(ctx context.Context, kind DocumentKind, c *ketacover.Case, ds []ketacover.Determination) (*File, error)
}

// File is a generated document.
type File struct {
	Name        string // file name offered to the browser, e.g. letter-of-medical-necessity.pdf
	ContentType string // e.g. application/pdf
	Data        []byte
}

// CaseDocumenter writes a document for a stored case as a PDF (HOOK: the
// letter package): the letters then draw on the case's timeline (an
// appeal answers the denial recorded there). It returns EINVALID when the
// case lacks what the document needs.
type CaseDocumenter interface {
	CaseDocument(ctx context.Context, kind DocumentKind, sc *ketacover.StoredCase, events []ketacover.Event, today ketacover.Date) (*File, error)
}
