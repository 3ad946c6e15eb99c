// Package letter writes the documents of a coverage fight — letter of
// medical necessity, prior-authorization packet, appeal letters, external
// review request, peer-to-peer sheet, superbill and Good Faith Estimate — as
// document.Doc values built from a case, its determination and, for appeals,
// the denial they answer.
//
// Every fact comes from the case (or its events, or the denial); a fact the
// case does not hold is a document.Blank naming it, never a guess. Every
// work cited is an entry of the evidence library, cited with document.Cite
// and checked with evidence.Verify before a document is returned. Legal
// deadlines come from package deadline and help contacts from package
// contacts. Nothing a document says is medical or legal advice; each one
// says so.
package letter

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/contacts"
	"github.com/ketacover/ketacover/deadline"
	"github.com/ketacover/ketacover/document"
	"github.com/ketacover/ketacover/evidence"
)

// Kind is a kind of document.
type Kind string

// The kinds of document.
const (
	KindLMN            Kind = "lmn"             // letter of medical necessity
	KindPAPacket       Kind = "pa-packet"       // prior-authorization packet
	KindAppeal         Kind = "appeal"          // internal appeal, level 1 or 2, standard or expedited
	KindExternalReview Kind = "external-review" // request for external review by an independent review organization
	KindP2P            Kind = "p2p"             // peer-to-peer preparation sheet for the prescriber
	KindSuperbill      Kind = "superbill"       // itemized statement for out-of-network reimbursement
	KindGFE            Kind = "gfe"             // Good Faith Estimate for self-pay patients
)

// Kinds lists every kind in the order a case usually needs them.
var Kinds = []Kind{KindLMN, KindPAPacket, KindAppeal, KindExternalReview, KindP2P, KindSuperbill, KindGFE}

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return "", ketacover.Errorf(ketacover.EINVALID, "unknown document kind %q, want one of %s", s, strings.Join(names, ", "))
}

// needsDetermination reports whether documents of kind k argue the payer's
// criteria and so need a determination.
func (k Kind) needsDetermination() bool {
	switch k {
	case KindLMN, KindPAPacket, KindAppeal, KindExternalReview, KindP2P:
		return true
	}
	return false
}

// needsDenial reports whether documents of kind k answer a denial.
func (k Kind) needsDenial() bool { return k == KindAppeal || k == KindExternalReview }

// Input is everything a document is built from. Only Case and Date are
// needed by every kind; the rest as each kind says.
type Input struct {
	// Case is the patient's case, normalized (casefile.Load does it).
	Case *ketacover.Case
	// Events is the case's timeline when it is a stored case, in order.
	// Letters read from it the denial under dispute (when Denial is nil),
	// an authorization number, the sessions given and what the patient
	// paid.
	Events []ketacover.Event
	// Determination is the case judged against the payer's policy (the
	// first of policy.Library.Check). Needed by lmn, pa-packet, appeal,
	// external-review and p2p.
	Determination *ketacover.Determination
	// Denial is the decision an appeal, external review or peer-to-peer
	// call answers. For appeals and external review it is required unless
	// Events hold a denial.
	Denial *Denial
	// Date is the date of the document. A zero date is shown as a blank.
	Date ketacover.Date
	// Level is the internal appeal level, 1 or 2 (0 means 1).
	Level int
	// Expedited asks for the urgent (expedited) track.
	Expedited bool
	// PolicyCodes are the billing codes the payer's policy lists, shown on
	// the prior-authorization cover sheet when the case gives no course.
	PolicyCodes []ketacover.Code
}

// Writer builds documents. It holds the evidence library, the deadline
// rules and the help directory; it is safe for concurrent use.
type Writer struct {
	ev   *evidence.Library
	book *deadline.Book
	help *contacts.Directory
}

// New returns a Writer that cites from ev, computes deadlines with book and
// shows the help contacts of dir.
func New(ev *evidence.Library, book *deadline.Book, dir *contacts.Directory) *Writer {
	return &Writer{ev: ev, book: book, help: dir}
}

// Default returns a Writer over the libraries embedded in the binary.
func Default() (*Writer, error) {
	ev, err := evidence.Default()
	if err != nil {
		return nil, fmt.Errorf("letter: evidence library: %w", err)
	}
	book, err := deadline.Default()
	if err != nil {
		return nil, fmt.Errorf("letter: deadline rules: %w", err)
	}
	dir, err := contacts.Default()
	if err != nil {
		return nil, fmt.Errorf("letter: help contacts: %w", err)
	}
	return New(ev, book, dir), nil
}

// Build writes the document of kind k from in. The document is valid
// (document.Doc.Validate) and cites only entries of the evidence library;
// it may hold blanks (document.Doc.Blanks) where the case lacks a fact.
// Errors are EINVALID: an unknown kind, or an input the kind needs that is
// missing.
func (w *Writer) Build(k Kind, in Input) (*document.Doc, error) {
	if in.Case == nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "letter: no case")
	}
	if k.needsDetermination() && in.Determination == nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "letter: a %s needs the case's determination against the payer's policy", k)
	}
	if in.Level == 0 {
		in.Level = 1
	}
	if in.Level != 1 && in.Level != 2 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "letter: appeal level %d, want 1 or 2", in.Level)
	}
	if in.Denial == nil {
		if d, ok := DenialFromEvents(in.Events); ok {
			in.Denial = &d
		}
	}
	if k.needsDenial() && in.Denial == nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "letter: a %s answers a denial: give the denial letter or record", k)
	}
	if in.Denial != nil {
		if err := in.Denial.Validate(); err != nil {
			return nil, err
		}
	}
	b := w.newBuilder(k, in)
	switch k {
	case KindLMN:
		b.lmn()
	case KindPAPacket:
		b.packet()
	case KindAppeal:
		b.appeal()
	case KindExternalReview:
		b.externalReview()
	case KindP2P:
		b.p2p()
	case KindSuperbill:
		b.superbill()
	case KindGFE:
		b.gfe()
	default:
		return nil, ketacover.Errorf(ketacover.EINVALID, "letter: unknown document kind %q", k)
	}
	return b.finish()
}
