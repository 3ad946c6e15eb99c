package letter

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/denial"
	"github.com/ketacover/ketacover/document"
)

// caseFiles are every case the content tests run on: the golden cases and
// the project's examples (read in place), which reach every outcome.
func caseFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "cases", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ex, err := filepath.Glob(filepath.Join("..", "examples", "cases", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) == 0 {
		t.Log("no example cases in ../examples/cases; testing the golden cases only")
	}
	return append(files, ex...)
}

// TestEveryCriterionShown checks that the letter of medical necessity and
// the prior-authorization packet show every criterion of the case's policy
// (each leaf's text and section), for every case.
func TestEveryCriterionShown(t *testing.T) {
	w, _ := mustWriter(t)
	for _, f := range caseFiles(t) {
		in := mustInput(t, f)
		in.Date = ketacover.MustDate("2026-11-30")
		leaves := Leaves(in.Determination)
		for _, k := range []Kind{KindLMN, KindPAPacket} {
			t.Run(filepath.Base(f)+"/"+string(k), func(t *testing.T) {
				doc, err := w.Build(k, in)
				if err != nil {
					t.Fatal(err)
				}
				text := squash(allText(doc))
				for _, l := range leaves {
					if !strings.Contains(text, strings.TrimSuffix(squash(l.Text), ".")) {
						t.Errorf("criterion %q is missing", l.Text)
					}
					if l.Section != "" && !strings.Contains(text, squash(l.Section)) {
						t.Errorf("section %q of criterion %q is missing", l.Section, l.ID)
					}
				}
				if !in.Determination.Policy.Stance.Covers() && !strings.Contains(text, stanceWords(in.Determination.Policy.Stance)) {
					t.Errorf("policy's stance %q is not stated", in.Determination.Policy.Stance)
				}
			})
		}
	}
}

// classAnswer is a phrase each denial class's answer must contain, beyond
// its heading, so that an empty section cannot pass.
var classAnswer = map[denial.Class]string{
	denial.MedicalNecessity:            "For each criterion",
	denial.ExperimentalInvestigational: "FDA-approved",
	denial.PriorAuthorization:          "authorization",
	denial.BenefitLimit:                "exception to the limit",
	denial.MissingInformation:          "records the review needs are enclosed",
	denial.Coding:                      "billed with the codes below",
	denial.NonCovered:                  "plan provision relied on",
	denial.Eligibility:                 "enrolled in the plan",
	denial.TimelyFiling:                "filed within the plan's time limit",
	denial.OutOfNetwork:                "network exception",
	denial.Duplicate:                   "not a duplicate",
	denial.PatientResponsibility:       "cost sharing",
}

// TestAppealAnswersEveryClass builds an appeal and an external review
// request for each denial class, alone and all together, and checks that
// each class is answered under its own heading with its argument.
func TestAppealAnswersEveryClass(t *testing.T) {
	w, _ := mustWriter(t)
	base := testCases[0].input(t, variant{kind: KindAppeal, level: 1})
	run := func(t *testing.T, classes []denial.Class) {
		for _, k := range []Kind{KindAppeal, KindExternalReview} {
			in := base
			d := *in.Denial
			d.Classes = classes
			in.Denial = &d
			doc, err := w.Build(k, in)
			if err != nil {
				t.Fatal(err)
			}
			var headings []string
			for _, bl := range doc.Blocks {
				if h, ok := bl.(document.Heading); ok {
					headings = append(headings, h.Text)
				}
			}
			text := flat(t, doc)
			for _, c := range classes {
				if !slices.Contains(headings, classTitle(c)) {
					t.Errorf("%s: no heading %q for class %s", k, classTitle(c), c)
					continue
				}
				section := text[strings.Index(text, classTitle(c))+len(classTitle(c)):]
				if next := strings.Index(section, "The plan's reason:"); next >= 0 {
					section = section[:next]
				}
				if !strings.Contains(section, classAnswer[c]) {
					t.Errorf("%s: the answer to %s lacks %q:\n%s", k, c, classAnswer[c], section)
				}
			}
		}
	}
	for _, c := range denial.Classes {
		t.Run(string(c), func(t *testing.T) { run(t, []denial.Class{c}) })
	}
	t.Run("all", func(t *testing.T) { run(t, denial.Classes) })
}

// TestCitationsFromLibrary checks that every citation in every document is
// an evidence-library entry with a References entry, and that a builder
// refuses a document citing anything else.
func TestCitationsFromLibrary(t *testing.T) {
	w, _ := mustWriter(t)
	for _, tc := range testCases {
		for _, v := range variants {
			doc, err := w.Build(v.kind, tc.input(t, v))
			if err != nil {
				t.Fatalf("%s/%s: %v", tc.name, v.name, err)
			}
			refs := map[string]bool{}
			for _, bl := range doc.Blocks {
				if r, ok := bl.(document.References); ok {
					for _, it := range r.Items {
						refs[it.ID] = true
					}
				}
			}
			for _, id := range cites(doc) {
				if _, err := w.ev.Entry(id); err != nil {
					t.Errorf("%s/%s cites %q: %v", tc.name, v.name, id, err)
				}
				if !refs[id] {
					t.Errorf("%s/%s cites %q without a reference", tc.name, v.name, id)
				}
			}
		}
	}
	b := w.newBuilder(KindLMN, Input{Case: &ketacover.Case{}})
	b.para(document.Plain("A claim"), b.cite("no-such-study-2099"), document.Plain("."))
	b.references()
	if _, err := b.finish(); err == nil || !strings.Contains(err.Error(), "no-such-study-2099") {
		t.Errorf("a document citing an entry not in the library: err = %v, want it named", err)
	}
}

// allText is every piece of text of doc in reading order, one per line, so
// that a phrase inside a table cell can be found whole (the plain-text
// rendering interleaves a table's columns).
func allText(doc *document.Doc) string {
	var b strings.Builder
	add := func(t document.Text) {
		for _, r := range t {
			switch r.Kind {
			case document.RunBlank:
				b.WriteString(document.BlankText(r.Text))
			case document.RunCite:
			default:
				b.WriteString(r.Text)
			}
		}
		b.WriteByte('\n')
	}
	for _, bl := range doc.Blocks {
		switch x := bl.(type) {
		case document.Paragraph:
			add(x.Text)
		case document.Heading:
			add(document.PlainText(x.Text))
		case document.List:
			for _, it := range x.Items {
				add(it)
			}
		case document.Checklist:
			for _, it := range x.Items {
				add(it.Text)
				add(document.PlainText(it.Section))
				for _, f := range it.Facts {
					add(f)
				}
			}
		case document.Table:
			for _, r := range x.Rows {
				for _, c := range r {
					add(c)
				}
			}
		case document.Subject:
			add(x.Text)
			for _, f := range x.Fields {
				add(f.Value)
			}
		}
	}
	return b.String()
}

// cites returns every evidence ID cited in doc, by walking its text.
func cites(doc *document.Doc) []string {
	var out []string
	add := func(t document.Text) {
		for _, r := range t {
			if r.Kind == document.RunCite {
				out = append(out, r.Text)
			}
		}
	}
	for _, bl := range doc.Blocks {
		switch b := bl.(type) {
		case document.Paragraph:
			add(b.Text)
		case document.List:
			for _, it := range b.Items {
				add(it)
			}
		case document.Checklist:
			for _, it := range b.Items {
				add(it.Text)
				for _, f := range it.Facts {
					add(f)
				}
			}
		case document.Table:
			for _, r := range b.Rows {
				for _, c := range r {
					add(c)
				}
			}
		}
	}
	return out
}

// TestIVKetamineNeverFDAApproved checks that no document about IV ketamine
// calls it FDA-approved for depression: every sentence that says
// "FDA-approved" about ketamine says it is approved only as an anesthetic,
// or that it is not approved.
func TestIVKetamineNeverFDAApproved(t *testing.T) {
	w, _ := mustWriter(t)
	sentence := regexp.MustCompile(`[^.!?]*FDA[- ]approved[^.!?]*[.!?]?`)
	files := []string{filepath.Join("testdata", "cases", "ketamine-iv.yaml")}
	ex, _ := filepath.Glob(filepath.Join("..", "examples", "cases", "ketamine-iv-*.yaml"))
	for _, f := range append(files, ex...) {
		in := mustInput(t, f)
		in.Date = ketacover.MustDate("2027-01-10")
		for _, v := range variants {
			in := in
			in.Level, in.Expedited = v.level, v.expedited
			if v.kind == KindAppeal || v.kind == KindExternalReview || v.kind == KindP2P {
				in.Denial = &Denial{Date: ketacover.MustDate("2027-01-05"), Classes: []denial.Class{denial.ExperimentalInvestigational, denial.MedicalNecessity}}
			}
			doc, err := w.Build(v.kind, in)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sentence.FindAllString(flat(t, doc), -1) {
				l := strings.ToLower(s)
				if !strings.Contains(l, "ketamine") || strings.Contains(l, "esketamine") && !strings.Contains(l, " ketamine") {
					continue
				}
				if !strings.Contains(l, "only as an anesthetic") && !strings.Contains(l, "not fda-approved") {
					t.Errorf("%s %s: %q", filepath.Base(f), v.name, s)
				}
			}
		}
	}
}

// TestBlanksForMissingFacts checks that facts the case lacks become blanks
// named after them, never guesses.
func TestBlanksForMissingFacts(t *testing.T) {
	w, _ := mustWriter(t)
	in := testCases[0].input(t, variant{kind: KindLMN})
	c := *in.Case
	c.History.Trials = append([]ketacover.Trial(nil), c.History.Trials...)
	c.History.Trials[0].DoseMg = nil
	c.Patient.BirthDate = nil
	c.Prescriber.NPI = ""
	c.Therapy.Site.Address = ""
	in.Case = &c
	doc, err := w.Build(KindLMN, in)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range doc.Blanks() {
		if !slices.Contains(got, m.Label) {
			got = append(got, m.Label)
		}
	}
	want := []string{"clinic street address", "patient's date of birth", "daily dose of sertraline", "prescriber's NPI"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("blanks (-want +got):\n%s", diff)
	}
}

// TestBuildErrors checks the inputs a kind needs.
func TestBuildErrors(t *testing.T) {
	w, _ := mustWriter(t)
	in := testCases[0].input(t, variant{kind: KindLMN})
	tests := []struct {
		name string
		kind Kind
		in   func(Input) Input
		want string
	}{
		{"no case", KindLMN, func(in Input) Input { in.Case = nil; return in }, "no case"},
		{"no determination", KindLMN, func(in Input) Input { in.Determination = nil; return in }, "needs the case's determination"},
		{"appeal without denial", KindAppeal, func(in Input) Input { in.Denial = nil; return in }, "answers a denial"},
		{"bad level", KindAppeal, func(in Input) Input { in.Level = 3; return in }, "appeal level 3"},
		{"bad denial", KindAppeal, func(in Input) Input { in.Denial = &Denial{Classes: []denial.Class{"bogus"}}; return in }, "date: required"},
		{"unknown kind", Kind("memo"), func(in Input) Input { return in }, "unknown document kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.Build(tt.kind, tt.in(in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Errorf("code = %q, want %q", ketacover.ErrorCode(err), ketacover.EINVALID)
			}
		})
	}
	if _, err := ParseKind("memo"); err == nil {
		t.Error("ParseKind(memo) = nil error")
	}
	for _, k := range Kinds {
		if got, err := ParseKind(string(k)); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
	}
}

// TestStoredCaseEvents checks the documents of a stored case: the denial,
// the sessions given and the payments come from its timeline.
func TestStoredCaseEvents(t *testing.T) {
	w, _ := mustWriter(t)
	in := testCases[0].input(t, variant{kind: KindSuperbill})
	in.Denial = nil
	d := func(s string) ketacover.Date { return ketacover.MustDate(s) }
	in.Events = []ketacover.Event{
		{Seq: 1, Kind: ketacover.EventPASubmitted, Date: d("2026-11-30")},
		{Seq: 2, Kind: ketacover.EventPAApproved, Date: d("2026-12-03"), Details: ketacover.Details{Reference: "AUTH-77120", Units: 8}},
		{Seq: 3, Kind: ketacover.EventSession, Date: d("2026-12-07"), Details: ketacover.Details{Units: 1}},
		{Seq: 4, Kind: ketacover.EventSession, Date: d("2026-12-10"), Details: ketacover.Details{Units: 1, Codes: []string{"J0013"}}},
		{Seq: 5, Kind: ketacover.EventPatientPaid, Date: d("2026-12-10"), Details: ketacover.Details{AmountCents: 150000}},
		{Seq: 6, Kind: ketacover.EventClaimDenied, Date: d("2027-01-12"), Details: ketacover.Details{Reference: "CLM-9", Group: "CO", CARC: []string{"50"}}},
	}
	doc, err := w.Build(KindSuperbill, in)
	if err != nil {
		t.Fatal(err)
	}
	text := flat(t, doc)
	for _, want := range []string{"12/07/2026", "12/10/2026", "AUTH-77120", "$1,500.00", "Total charge"} {
		if !strings.Contains(text, want) {
			t.Errorf("superbill lacks %q", want)
		}
	}
	// Session 1 bills the plan's J0013 × 84 and 99215; session 2 only J0013.
	if n := strings.Count(text, "$1,260.00"); n != 2 {
		t.Errorf("J0013 charge appears %d times, want 2", n)
	}
	for _, m := range doc.Blanks() {
		if strings.HasPrefix(m.Label, "date of session") || m.Label == "amount the patient paid" {
			t.Errorf("blank %q, but the timeline has it", m.Label)
		}
	}
	in.Date = d("2027-01-15")
	doc, err = w.Build(KindAppeal, in)
	if err != nil {
		t.Fatalf("appeal from the timeline's denial: %v", err)
	}
	text = flat(t, doc)
	for _, want := range []string{"January 12, 2027", "claim CLM-9", classTitle(denial.MedicalNecessity)} {
		if !strings.Contains(text, want) {
			t.Errorf("appeal lacks %q", want)
		}
	}
}

// TestDenialFromEvents checks which decision of a timeline is under
// dispute.
func TestDenialFromEvents(t *testing.T) {
	d := func(s string) ketacover.Date { return ketacover.MustDate(s) }
	denied := ketacover.Event{Seq: 1, Kind: ketacover.EventPADenied, Date: d("2026-12-04"), Details: ketacover.Details{Reference: "UM-1", Reason: "not medically necessary", DenialClass: "medical-necessity"}}
	filed := ketacover.Event{Seq: 2, Kind: ketacover.EventAppealFiled, Date: d("2026-12-10"), Details: ketacover.Details{Level: 1}}
	upheld := ketacover.Event{Seq: 3, Kind: ketacover.EventAppealDecided, Date: d("2027-01-05"), Details: ketacover.Details{Level: 1, Outcome: ketacover.Upheld, Reference: "APL-1"}}
	claim := ketacover.Event{Seq: 1, Kind: ketacover.EventClaimDenied, Date: d("2027-01-12"), Details: ketacover.Details{Reference: "CLM-9", Group: "CO", CARC: []string{"197"}, AmountCents: 276000}}
	tests := []struct {
		name   string
		events []ketacover.Event
		want   Denial
		ok     bool
	}{
		{"none", nil, Denial{}, false},
		{"pa denied", []ketacover.Event{denied}, Denial{Date: d("2026-12-04"), Classes: []denial.Class{denial.MedicalNecessity}, Reason: "not medically necessary", Reference: "UM-1", Service: PreService}, true},
		{"appeal pending", []ketacover.Event{denied, filed}, Denial{Date: d("2026-12-04"), Classes: []denial.Class{denial.MedicalNecessity}, Reason: "not medically necessary", Reference: "UM-1", Service: PreService}, true},
		{"upheld", []ketacover.Event{denied, filed, upheld}, Denial{Date: d("2027-01-05"), Classes: []denial.Class{denial.MedicalNecessity}, Reason: "not medically necessary", Reference: "APL-1", Service: PreService, Level: 1}, true},
		{"claim", []ketacover.Event{claim}, Denial{Date: d("2027-01-12"), Classes: []denial.Class{denial.PriorAuthorization}, Claim: "CLM-9", Service: PostService, Amount: 276000, Codes: []Adjustment{{Group: "CO", CARC: "197"}}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := DenialFromEvents(tt.events)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestFromLetter reads the denial package's fixture letters (in place) and
// checks that what a letter needs comes through.
func TestFromLetter(t *testing.T) {
	dir := filepath.Join("..", "denial", "testdata", "letters")
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		t.Skipf("no fixture letters in %s", dir)
	}
	tests := []struct {
		file    string
		date    string
		classes []denial.Class
	}{
		{"01-commercial-erisa-medical-necessity.txt", "", []denial.Class{denial.MedicalNecessity}},
		{"02-dol-model-abd-ketamine-experimental.txt", "", []denial.Class{denial.ExperimentalInvestigational, denial.NonCovered}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			l := denial.ReadLetter(string(b))
			d := FromLetter(l)
			if diff := cmp.Diff(l.Classes, d.Classes); diff != "" {
				t.Errorf("classes (-letter +denial):\n%s", diff)
			}
			if d.Date != l.NoticeDate {
				t.Errorf("date = %s, want the notice date %s", d.Date, l.NoticeDate)
			}
			if len(l.Reasons) > 0 && !strings.Contains(d.Reason, l.Reasons[0].Sentence) {
				t.Errorf("reason %q lacks the letter's first reason %q", d.Reason, l.Reasons[0].Sentence)
			}
			if tt.date != "" && d.Date.String() != tt.date {
				t.Errorf("date = %s, want %s", d.Date, tt.date)
			}
			if tt.classes != nil {
				if diff := cmp.Diff(tt.classes, d.Classes); diff != "" {
					t.Errorf("classes (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestPlainWhenUnknown checks that what ketacover cannot know is said
// plainly: a deadline with no rule on file, a program with no external
// review, a state with no help contacts, a patient with no state.
func TestPlainWhenUnknown(t *testing.T) {
	w, _ := mustWriter(t)
	den := &Denial{Date: ketacover.MustDate("2026-12-15"), Classes: []denial.Class{denial.MedicalNecessity}}
	tests := []struct {
		name  string
		kind  Kind
		level int
		edit  func(*ketacover.Case)
		want  []string
		blank string
	}{
		{name: "second level with no rule on file", kind: KindAppeal, level: 2,
			want: []string{"could not be computed", "The deadline printed on the notice of December 15, 2026 governs"}},
		{name: "medicaid has a hearing, not external review", kind: KindExternalReview,
			edit: func(c *ketacover.Case) { c.Plan.Type = ketacover.PlanMedicaidManaged },
			want: []string{"the next step on file is the hearing request window", "42 CFR 438.408(f)(2)"}},
		{name: "state with no help data", kind: KindAppeal,
			edit: func(c *ketacover.Case) { c.Patient.State = "PR" },
			want: []string{"its directory has no entry for PR", "This is information, not legal advice."}},
		{name: "no state", kind: KindAppeal,
			edit:  func(c *ketacover.Case) { c.Patient.State = "" },
			blank: "patient's state"},
		{name: "filed late", kind: KindAppeal,
			edit:  func(c *ketacover.Case) { c.Plan.Type = ketacover.PlanMedicaidManaged },
			want:  []string{"The last day to file is February 13, 2027", "This request is dated after that day"},
			blank: "date the notice was received, or the good cause for filing late"},
		{name: "notice received later than its date", kind: KindAppeal,
			want: []string{"180 calendar days from receipt of the notice December 30, 2026", "The last day to file is June 28, 2027"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := testCases[0].input(t, variant{kind: KindAppeal})
			c := *in.Case
			if tt.edit != nil {
				tt.edit(&c)
			}
			in.Case, in.Level = &c, tt.level
			d := *den
			if strings.HasPrefix(tt.name, "notice received") {
				r := ketacover.MustDate("2026-12-30")
				d.Received = &r
			}
			in.Denial, in.Date = &d, ketacover.MustDate("2027-01-04")
			if tt.name == "filed late" {
				in.Date = ketacover.MustDate("2027-03-01")
			}
			doc, err := w.Build(tt.kind, in)
			if err != nil {
				t.Fatal(err)
			}
			text := flat(t, doc)
			for _, s := range tt.want {
				if !strings.Contains(text, s) {
					t.Errorf("lacks %q", s)
				}
			}
			if tt.blank != "" && !slices.ContainsFunc(doc.Blanks(), func(m document.Missing) bool { return m.Label == tt.blank }) {
				t.Errorf("no blank %q in %v", tt.blank, doc.Blanks())
			}
		})
	}
}
