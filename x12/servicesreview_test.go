package x12_test

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/x12"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/278")

func ptr[T any](v T) *T { return &v }

// case278 is a complete case for a 278 request; each test changes what it
// needs.
func case278() *ketacover.Case {
	return &ketacover.Case{
		ID:      "KC-2026-0042",
		Patient: ketacover.Patient{Name: "Jane Q. Doe", BirthDate: ptr(ketacover.MustDate("1985-03-14")), Sex: "female"},
		Plan: ketacover.Plan{Payer: "Northwind Health Plan", Type: ketacover.PlanGroupFullyInsured, MemberID: "NWH987654321",
			Benefit: "medical"},
		Therapy: ketacover.TherapyRequest{Drug: ketacover.TherapyEsketamine, Indication: ketacover.IndicationTRD,
			DoseMg: ptr(84.0), Sessions: ptr(8), StartDate: ptr(ketacover.MustDate("2026-12-01")),
			Site:   ketacover.Site{Name: "Harbor Ketamine Clinic", NPI: "1234567893", TIN: "12-3456789"},
			Prices: ketacover.PriceList{{Code: "J0013", Part: ketacover.PartDrug, Billed: 1050}}},
		History:    ketacover.History{Diagnoses: []ketacover.Diagnosis{{Code: "F33.2"}, {Code: "F41.1"}}},
		Prescriber: ketacover.Prescriber{Name: "Ana Rivera, MD", NPI: "1987654321"},
	}
}

var opts278 = x12.ServicesReviewOptions{PayerID: "NWH01", Control: 42, Date: ketacover.MustDate("2026-11-27"), Time: "1405"}

func TestWrite278Golden(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(c *ketacover.Case, o *x12.ServicesReviewOptions)
		lines  []string // the service lines: code units visits start charge
		header []string // UM and HI as written
	}{
		{"esketamine-commercial", nil,
			[]string{"SV1*HC:J0013*7056*UN*672", "HSD*VS*8", "DTP*472*D8*20261201"},
			[]string{"UM*HS*I*MH", "HI*ABK:F332*ABF:F411"}},
		{"esketamine-medicare", func(c *ketacover.Case, o *x12.ServicesReviewOptions) {
			c.Plan.Type = ketacover.PlanMedicareAdvantage
			c.Therapy.DoseMg = ptr(56.0)
			c.Therapy.Continuation = ptr(true)
			c.Therapy.Prices = nil
			o.Urgent, o.Production = true, true
		},
			[]string{"SV1*HC:G2082*0*UN*8", "HSD*VS*8"},
			[]string{"UM*HS*R*MH***U", "HI*ABK:F332*ABF:F411"}},
		{"ketamine-iv-course", func(c *ketacover.Case, o *x12.ServicesReviewOptions) {
			c.Therapy.Drug = ketacover.TherapyKetamineIV
			c.Therapy.DoseMg, c.Therapy.Sessions = nil, nil
			c.Prescriber = ketacover.Prescriber{}
			c.Therapy.Course = &ketacover.TreatmentPlan{Phases: []ketacover.Phase{{Name: "series", PerWeek: 3, Sessions: 6,
				Lines: []ketacover.CodeLine{{Code: "96365"}, {Code: "96366"}, {Code: "J3490"}}}}}
			c.Therapy.Prices = ketacover.PriceList{{Code: "96365", Part: ketacover.PartService, Billed: 45000},
				{Code: "96366", Part: ketacover.PartService, Billed: 12050}, {Code: "J3490", Part: ketacover.PartDrug, Billed: 3000}}
			c.History.Diagnoses = []ketacover.Diagnosis{{Code: "F33.2"}}
			o.OneLine = true
		},
			[]string{"SV1*HC:96365*2700*UN*6", "SV1*HC:96366*723*UN*6", "SV1*HC:J3490*180*UN*6", "HSD*VS*6"},
			[]string{"UM*HS*I*MH", "HI*ABK:F332"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, o := case278(), opts278
			if tt.edit != nil {
				tt.edit(c, &o)
			}
			r, err := x12.ServicesReviewFor(c, o)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := x12.Write278(&buf, r); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "278", tt.name+".278")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if diff := cmp.Diff(string(want), buf.String()); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
			segs, probs := readBack(t, buf.Bytes())
			if len(probs) != 0 {
				t.Errorf("the tokenizer finds problems in the output: %v", problems(probs))
			}
			for _, s := range append(tt.lines, tt.header...) {
				if !contains(segs, s) {
					t.Errorf("no segment %s in\n%s", s, strings.Join(segs, "\n"))
				}
			}
		})
	}
}

// readBack tokenizes a written interchange and checks its envelope: one
// ISA/GS/ST each, SE01 equal to the segments from ST to SE, GE01 and IEA01
// equal to 1, control numbers matching.
func readBack(t *testing.T, b []byte) ([]string, []x12.Problem) {
	t.Helper()
	r := x12.NewReader(bytes.NewReader(b))
	var segs []string
	st := 0
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("reading back: %v", err)
		}
		segs = append(segs, s.String())
		switch {
		case s.Is("ST"):
			st = s.Number
			if string(s.Element(1)) != "278" || string(s.Element(3)) != x12.Version278 {
				t.Errorf("ST %s", s)
			}
		case s.Is("GS"):
			if string(s.Element(1)) != "HI" || string(s.Element(8)) != x12.Version278 {
				t.Errorf("GS %s", s)
			}
		case s.Is("SE"):
			if n := string(s.Element(1)); n != strconv.Itoa(s.Number-st+1) {
				t.Errorf("SE01 %s, want %d", n, s.Number-st+1)
			}
		}
	}
	if i := bytes.IndexByte(b, '~'); i != 105 {
		t.Errorf("ISA is %d bytes, want the fixed 106", i+1)
	}
	return segs, r.Problems()
}

func contains(segs []string, s string) bool {
	for _, x := range segs {
		if x == s {
			return true
		}
	}
	return false
}

// Every field a case lacks for a 278 is named in one error.
func TestServicesReviewForMissing(t *testing.T) {
	tests := []struct {
		name string
		edit func(c *ketacover.Case, o *x12.ServicesReviewOptions)
		want []string
	}{
		{"empty case", func(c *ketacover.Case, o *x12.ServicesReviewOptions) {
			*c = ketacover.Case{Therapy: ketacover.TherapyRequest{Drug: ketacover.TherapyEsketamine}}
			o.PayerID = ""
		}, []string{
			"payer ID: required", "plan.member_id: required", "patient.name: required", "prescriber.npi: required",
			"therapy.site.tin: want the treating site's 9-digit EIN", "history.diagnoses: required",
			"therapy.sessions: required", "therapy.start_date: required", "therapy.dose_mg: required",
		}},
		{"dependent", func(c *ketacover.Case, o *x12.ServicesReviewOptions) { c.Plan.Subscriber = "John Doe" },
			[]string{"plan.subscriber: the patient is a dependent of John Doe: that needs loop 2000D"}},
		{"pharmacy benefit", func(c *ketacover.Case, o *x12.ServicesReviewOptions) { c.Plan.Benefit = "pharmacy" },
			[]string{"plan.benefit: pharmacy: a pharmacy-benefit prior authorization goes by NCPDP SCRIPT ePA"}},
		{"bad codes", func(c *ketacover.Case, o *x12.ServicesReviewOptions) {
			c.History.Diagnoses = []ketacover.Diagnosis{{Code: "F33*2"}}
			c.Plan.MemberID = "NWH~1"
		}, []string{`subscriber.member_id: "NWH~1" contains a delimiter`, `diagnoses[0]: want an ICD-10-CM code such as F33.2, got "F33*2"`}},
		{"course without dates", func(c *ketacover.Case, o *x12.ServicesReviewOptions) {
			c.Therapy.StartDate = nil
			c.Therapy.Course = &ketacover.TreatmentPlan{Phases: []ketacover.Phase{{PerWeek: 2, Sessions: 8, Lines: []ketacover.CodeLine{{Code: "G2083"}}}}}
		}, []string{"therapy.course.start: want the date of the first session"}},
		{"envelope", func(c *ketacover.Case, o *x12.ServicesReviewOptions) {
			o.Control, o.Time, o.SenderID = 0, "2460", "A-SENDER-ID-LONGER-THAN-15"
		}, []string{"envelope.sender: \"A-SENDER-ID-LONGER-THAN-15\" is longer than 15 characters", "envelope.control: want 1 to 999999999, got 0", `envelope.time: want HHMM, got "2460"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, o := case278(), opts278
			tt.edit(c, &o)
			r, err := x12.ServicesReviewFor(c, o)
			if err == nil {
				t.Fatalf("no error; request %+v", r)
			}
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Errorf("code %q, want EINVALID", ketacover.ErrorCode(err))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%s", w, err)
				}
			}
		})
	}
}

// Write278 refuses an invalid request and writes nothing.
func TestWrite278Invalid(t *testing.T) {
	var buf bytes.Buffer
	err := x12.Write278(&buf, &x12.ServicesReview{})
	if err == nil || buf.Len() != 0 {
		t.Fatalf("err %v, wrote %d bytes", err, buf.Len())
	}
	for _, w := range []string{"envelope.sender: required", "reference: required", "requester.npi: want a 10-digit NPI", "services: want at least one service", "certification: want I (initial) or R (renewal)"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%s", w, err)
		}
	}
}
