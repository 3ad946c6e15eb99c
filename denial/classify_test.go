package denial_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover/denial"
)

func TestClassify(t *testing.T) {
	type out struct {
		Class          denial.Class
		Action         denial.Action
		Denial         bool
		ExternalReview bool
		NoAppealRights bool
	}
	tests := []struct {
		group, carc string
		rarcs       []string
		want        out
	}{
		{"CO", "50", nil, out{denial.MedicalNecessity, denial.Appeal, true, true, false}},
		{"CO", "50", []string{"N115"}, out{denial.MedicalNecessity, denial.Appeal, true, true, false}},
		{"CO", "151", []string{"N435"}, out{denial.MedicalNecessity, denial.Appeal, true, true, false}},
		{"CO", "55", []string{"N623"}, out{denial.ExperimentalInvestigational, denial.Appeal, true, true, false}},
		{"CO", "197", []string{"M62"}, out{denial.PriorAuthorization, denial.RetroAuthorization, true, false, false}},
		{"CO", "198", nil, out{denial.PriorAuthorization, denial.RetroAuthorization, true, false, false}},
		{"CO", "284", nil, out{denial.PriorAuthorization, denial.CorrectAndResubmit, true, false, false}},
		{"CO", "16", []string{"M62"}, out{denial.PriorAuthorization, denial.CorrectAndResubmit, true, false, false}},
		{"CO", "16", []string{"N350", "M119"}, out{denial.MissingInformation, denial.CorrectAndResubmit, true, false, false}},
		{"CO", "16", []string{"MA130"}, out{denial.MissingInformation, denial.CorrectAndResubmit, true, false, true}},
		{"CO", "16", nil, out{denial.MissingInformation, denial.CorrectAndResubmit, true, false, false}},
		{"CO", "96", []string{"N130"}, out{denial.NonCovered, denial.Appeal, true, false, false}},
		{"CO", "96", []string{"N623"}, out{denial.ExperimentalInvestigational, denial.Appeal, true, true, false}},
		{"PR", "96", []string{"N130"}, out{denial.NonCovered, denial.BillPatient, true, false, false}},
		{"CO", "204", nil, out{denial.NonCovered, denial.Appeal, true, false, false}},
		{"CO", "119", []string{"N362"}, out{denial.BenefitLimit, denial.Appeal, true, false, false}},
		{"CO", "97", []string{"N20"}, out{denial.Coding, denial.CorrectAndResubmit, true, false, false}},
		{"CO", "167", nil, out{denial.Coding, denial.CorrectAndResubmit, true, false, false}},
		{"CO", "27", nil, out{denial.Eligibility, denial.CorrectAndResubmit, true, false, false}},
		{"CO", "29", nil, out{denial.TimelyFiling, denial.Appeal, true, false, false}},
		{"CO", "242", nil, out{denial.OutOfNetwork, denial.Appeal, true, false, false}},
		{"OA", "18", nil, out{denial.Duplicate, denial.NoAction, true, false, false}},
		{"PR", "1", nil, out{denial.PatientResponsibility, denial.BillPatient, false, false, false}},
		{"PR", "2", []string{"N548"}, out{denial.PatientResponsibility, denial.BillPatient, false, false, false}},
		{"PR", "3", nil, out{denial.PatientResponsibility, denial.BillPatient, false, false, false}},
		// Cost sharing under CO contradicts itself (X12 RFI 2048): a person decides.
		{"CO", "1", nil, out{denial.PatientResponsibility, denial.Review, false, false, false}},
		{"CO", "45", nil, out{"", denial.NoAction, false, false, false}},
		{"OA", "23", nil, out{"", denial.NoAction, false, false, false}},
		{"CO", "253", nil, out{"", denial.NoAction, false, false, false}},
		// A correction reverses an earlier claim: act on the corrected one.
		{"CR", "50", nil, out{denial.MedicalNecessity, denial.NoAction, true, true, false}},
		{"CO", "A1", nil, out{"", denial.Review, false, false, false}},
		{"CO", "A1", []string{"N623"}, out{denial.ExperimentalInvestigational, denial.Appeal, true, true, false}},
		{"CO", "50", []string{"N211"}, out{denial.MedicalNecessity, denial.Review, true, true, true}},
		{"CO", "999", nil, out{"", denial.Review, false, false, false}},
		{" co ", "50 ", []string{" n115"}, out{denial.MedicalNecessity, denial.Appeal, true, true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.group+"-"+tt.carc+"-"+strings.Join(tt.rarcs, "-"), func(t *testing.T) {
			r := denial.Classify(tt.group, tt.carc, tt.rarcs)
			got := out{r.Class, r.Action, r.Denial, r.ExternalReview, r.NoAppealRights}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Classify(%q, %q, %q) (-want +got):\n%s\nreason: %s", tt.group, tt.carc, tt.rarcs, diff, r.Reason)
			}
			if r.Reason == "" || !strings.Contains(r.Reason, "next: "+string(r.Action)) {
				t.Errorf("reason %q does not say the action", r.Reason)
			}
		})
	}
}

// The reason names the codes and what they mean, so a person can check it.
func TestClassifyReason(t *testing.T) {
	r := denial.Classify("CO", "50", []string{"N115"})
	for _, want := range []string{"CO-50", "not medically necessary", "remark N115", "Local Coverage Determination", "next: appeal"} {
		if !strings.Contains(r.Reason, want) {
			t.Errorf("reason %q lacks %q", r.Reason, want)
		}
	}
	if len(r.Codes) != 2 || r.Codes[0].Source != denial.SourceCARC || r.Codes[1].Source != denial.SourceRARC {
		t.Errorf("codes: %+v", r.Codes)
	}
	u := denial.Classify("CO", "999", []string{"X1"})
	if !strings.Contains(u.Reason, "CARC 999 is not in ketacover's table") || !strings.Contains(u.Reason, "remark X1 is not in ketacover's table") {
		t.Errorf("unknown codes reason: %q", u.Reason)
	}
}

func TestCodeTables(t *testing.T) {
	codes := denial.Codes()
	if len(codes) < 100 {
		t.Errorf("%d codes, want the tables to cover at least 100", len(codes))
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if c.Description == "" || c.Source == "" || (c.Kind != "CARC" && c.Kind != "RARC") {
			t.Errorf("incomplete entry %+v", c)
		}
		if seen[c.Kind+c.Code] {
			t.Errorf("duplicate %s %s", c.Kind, c.Code)
		}
		seen[c.Kind+c.Code] = true
	}
	// Every class has at least one CARC that leads to it.
	for _, class := range denial.Classes {
		found := false
		for _, c := range codes {
			if c.Kind == "CARC" && denial.Classify("CO", c.Code, nil).Class == class {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no CARC leads to class %s", class)
		}
	}
	if c, ok := denial.CARC("50"); !ok || c.Kind != "CARC" {
		t.Errorf("CARC(50) = %+v, %v", c, ok)
	}
	if _, ok := denial.RARC("N130"); !ok {
		t.Errorf("RARC(N130) missing")
	}
	if _, ok := denial.CARC("nope"); ok {
		t.Errorf("CARC(nope) found")
	}
	if codes[0].Code != "1" || codes[1].Code != "2" {
		t.Errorf("codes not in numeric order: %s, %s", codes[0].Code, codes[1].Code)
	}
}
