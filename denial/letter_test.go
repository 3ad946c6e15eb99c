package denial_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/denial"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// letterWant is what a person reading each fixture letter finds in it;
// ReadLetter must find the same. Written from the letters, not from the
// reader's output.
type letterWant struct {
	classes    []denial.Class
	notice     string
	member     string
	refs       []string // claim, reference, case, appeal, authorization numbers, in order
	appeal     string   // "180 days receipt", "" for none
	external   string   // external review deadline, "" for none
	expedited  string
	regimes    []string
	policy     string // a substring of one of the policies cited, "" for none
	services   []string
	codeAction string // the action Classify gives the first code the letter quotes, "" when it quotes none
}

var letterWants = map[string]letterWant{
	"01-commercial-erisa-medical-necessity.txt": {
		classes: []denial.Class{denial.MedicalNecessity}, notice: "2026-11-03", member: "NWH987654321",
		refs: []string{"UM-2026-118420"}, appeal: "180 days receipt", expedited: denial.ExpeditedOffered,
		regimes: []string{"erisa"}, policy: "Clinical Policy Bulletin CPB-0917", services: []string{"esketamine", "G2083"},
	},
	"02-dol-model-abd-ketamine-experimental.txt": {
		classes: []denial.Class{denial.ExperimentalInvestigational, denial.NonCovered}, notice: "2026-10-15", member: "CMX-44017-02",
		refs: []string{"CM26-0091345"}, appeal: "180 days receipt", external: "4 months receipt", expedited: denial.ExpeditedOffered,
		regimes: []string{"aca", "erisa"}, policy: "Medical Policy MP-7.01.544", services: []string{"ketamine", "96365", "J3490"},
		codeAction: "appeal",
	},
	"03-ma-notice-of-denial-of-payment-no-auth.txt": {
		classes: []denial.Class{denial.PriorAuthorization}, notice: "2026-12-01", member: "LCM-300-118-22",
		appeal: "65 calendar-days notice-date", expedited: denial.ExpeditedNotAvailable,
		regimes: []string{"medicare-advantage"}, policy: "Evidence of Coverage", services: []string{"esketamine", "G2083"},
	},
	"04-ma-ndmc-medical-necessity-fast.txt": {
		classes: []denial.Class{denial.MedicalNecessity}, notice: "2026-11-12", member: "PHM00771234",
		appeal: "65 calendar-days notice-date", expedited: denial.ExpeditedOffered,
		regimes: []string{"medicare-advantage"}, policy: "Chapter 4, Section 2.1 of your Evidence of Coverage", services: []string{"esketamine"},
	},
	"05-part-d-esketamine-covered-under-part-b.txt": {
		classes: []denial.Class{denial.NonCovered}, notice: "2026-09-30", member: "HRX-55-019-4471",
		appeal: "60 calendar-days notice-date", expedited: denial.ExpeditedOffered,
		regimes: []string{"medicare-part-d"}, services: []string{"esketamine"},
	},
	"06-medicare-summary-notice-coding.txt": {
		classes: []denial.Class{denial.Coding}, notice: "2026-08-14", member: "XXX-XX-7711A",
		refs: []string{"26-180-41172-01"}, appeal: "120 days receipt", expedited: denial.ExpeditedNotMentioned,
		regimes: []string{"medicare-ffs"}, services: []string{"esketamine", "G2083"},
	},
	"07-medi-cal-noabd-benefit-limit.txt": {
		classes: []denial.Class{denial.BenefitLimit}, notice: "2026-10-05", member: "91234567A",
		appeal: "60 days notice-date", expedited: denial.ExpeditedOffered,
		regimes: []string{"medicaid"}, policy: "Welfare and Institutions Code section 14059.5", services: []string{"ketamine"},
	},
	"08-tricare-noncovered-unproven.txt": {
		classes: []denial.Class{denial.NonCovered, denial.ExperimentalInvestigational}, notice: "2026-09-18", member: "1234567890",
		refs: []string{"TW2609180044"}, appeal: "90 days notice-date", expedited: denial.ExpeditedNotAvailable,
		regimes: []string{"tricare"}, policy: "32 CFR 199.4", services: []string{"ketamine"},
	},
	"09-commercial-missing-records.txt": {
		classes: []denial.Class{denial.MissingInformation}, notice: "2026-11-20", member: "BRM-778812-01",
		refs: []string{"HKC-5521", "BR2631100882"}, appeal: "180 days notice-date", expedited: denial.ExpeditedNotMentioned,
		services: []string{"ketamine"}, codeAction: "correct-and-resubmit",
	},
	"10-coding-em-bundled-modifier.txt": {
		classes: []denial.Class{denial.Coding}, notice: "2026-10-30", member: "NWH987654321",
		refs: []string{"NWH26309000123"}, appeal: "180 days notice-date", expedited: denial.ExpeditedNotMentioned,
		services: []string{"ketamine", "esketamine", "G2083", "99214", "G2082"}, codeAction: "correct-and-resubmit",
	},
	"11-eligibility-coverage-terminated.txt": {
		classes: []denial.Class{denial.Eligibility}, notice: "2026-12-02", member: "CMX-90211-01",
		refs: []string{"CM26-0114470"}, appeal: "180 days receipt", expedited: denial.ExpeditedNotMentioned,
		services: []string{"esketamine", "G2082"},
	},
	"12-timely-filing.txt": {
		classes: []denial.Class{denial.TimelyFiling}, notice: "2026-07-08", member: "LCC-552-019-88",
		refs: []string{"LC2618900345"}, appeal: "60 days notice-date", expedited: denial.ExpeditedNotMentioned,
		codeAction: "appeal",
	},
	"13-hmo-out-of-network.txt": {
		classes: []denial.Class{denial.OutOfNetwork}, notice: "2026-10-28", member: "EVG-3318-7702",
		refs: []string{"EVG-UM-55190"}, appeal: "180 days receipt", expedited: denial.ExpeditedOffered,
		services: []string{"ketamine", "esketamine"},
	},
	"14-duplicate-claim.txt": {
		classes: []denial.Class{denial.Duplicate}, notice: "2026-09-09", member: "PHC-0099-1188",
		refs: []string{"PH26240001123"}, expedited: denial.ExpeditedNotMentioned,
	},
	"15-eob-patient-responsibility.txt": {
		classes: []denial.Class{denial.PatientResponsibility}, notice: "2026-11-18", member: "BRM-778812-01",
		refs: []string{"BR2631500017"}, appeal: "180 days receipt", expedited: denial.ExpeditedNotMentioned,
		services: []string{"ketamine", "esketamine", "G2083"},
	},
	"16-commercial-no-prior-authorization.txt": {
		classes: []denial.Class{denial.PriorAuthorization}, notice: "2026-12-04", member: "NWH112233445",
		refs: []string{"NWH26330000456"}, appeal: "180 days receipt", expedited: denial.ExpeditedNotMentioned,
		regimes: []string{"self-funded", "erisa"}, policy: "Pharmacy Policy RX-2026-031", services: []string{"ketamine", "esketamine", "G2082"},
		codeAction: "retro-authorization",
	},
	"17-dol-model-final-internal-upheld.txt": {
		classes: []denial.Class{denial.MedicalNecessity}, notice: "2027-01-12", member: "CMX-90211-01",
		refs: []string{"CM26-0101122", "CMA-27-00042"}, external: "4 months receipt", expedited: denial.ExpeditedOffered,
		regimes: []string{"aca", "erisa"}, policy: "Medical Policy MP-5.01.602", services: []string{"esketamine"},
	},
	"18-ny-medicaid-iad-experimental.txt": {
		classes: []denial.Class{denial.ExperimentalInvestigational}, notice: "2026-10-19", member: "AB12345C",
		refs: []string{"HRC-UM-2026-88173"}, appeal: "60 calendar-days notice-date", expedited: denial.ExpeditedOffered,
		regimes: []string{"medicaid"}, policy: "CP-BH-044", services: []string{"ketamine", "esketamine"},
	},
	"19-commercial-session-limit.txt": {
		classes: []denial.Class{denial.BenefitLimit}, notice: "2027-03-03", member: "KBP-0040127",
		refs: []string{"KB27-0061255"}, appeal: "by 2027-08-30", expedited: denial.ExpeditedNotMentioned,
		regimes: []string{"self-funded", "erisa"}, policy: "Summary Plan Description, Schedule of Benefits", services: []string{"esketamine", "G2083"},
		codeAction: "appeal",
	},
	"20-erisa-tpa-frequency-medical-necessity.txt": {
		classes: []denial.Class{denial.MedicalNecessity}, notice: "2027-02-14", member: "KBP-0077311",
		refs: []string{"KB27-0044190"}, appeal: "180 days receipt", expedited: denial.ExpeditedOffered,
		regimes: []string{"erisa"}, policy: "InterQual", services: []string{"ketamine", "96365"},
	},
	"21-medicaid-ffs-notice-of-action-missing-documentation.txt": {
		classes: []denial.Class{denial.MissingInformation}, notice: "2026-06-01", member: "4412209977",
		refs: []string{"PA-26-0155210"}, appeal: "90 days notice-date", expedited: denial.ExpeditedOffered,
		regimes: []string{"medicaid"}, policy: "42 CFR 440.230", services: []string{"esketamine"},
	},
	"22-prior-auth-exceeded-with-distractor-clocks.txt": {
		classes: []denial.Class{denial.PriorAuthorization}, notice: "2026-08-21", member: "SPH-6617-22",
		refs: []string{"SPA-2026-77120", "SP26225004411"}, appeal: "180 days receipt", external: "4 months receipt", expedited: denial.ExpeditedOffered,
		regimes: []string{"aca"}, services: []string{"esketamine"}, codeAction: "retro-authorization",
	},
}

func deadlineString(d *denial.Deadline) string {
	if d == nil {
		return ""
	}
	if !d.By.IsZero() {
		return "by " + d.By.String()
	}
	return strings.TrimSpace(strings.Join([]string{itoa(d.Amount), d.Unit, d.Anchor}, " "))
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func values(fs []denial.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Value)
	}
	return out
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	return readFixtureB(t, name)
}

func readFixtureB(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "letters", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReadLetterFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "letters", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 20 {
		t.Fatalf("%d fixture letters, want at least 20", len(files))
	}
	covered := map[denial.Class]bool{}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			want, ok := letterWants[name]
			if !ok {
				t.Fatalf("no expectations for %s: add them to letterWants", name)
			}
			text := readFixture(t, name)
			if !strings.HasPrefix(text, "FICTIONAL TEST FIXTURE") {
				t.Errorf("fixture does not start with its FICTIONAL TEST FIXTURE mark")
			}
			l := denial.ReadLetter(text)
			got := letterWant{
				classes: l.Classes, notice: l.NoticeDate.String(), refs: values(l.References),
				appeal: deadlineString(l.AppealDeadline), expedited: l.Expedited.Status,
				regimes: values(l.Regimes), services: values(l.Services),
			}
			if len(l.Members) > 0 {
				got.member = l.Members[0].Value
			}
			for _, d := range l.Deadlines {
				if d.Kind == "external-review" {
					got.external = deadlineString(&d)
					break
				}
			}
			for _, p := range l.Policies {
				if want.policy != "" && strings.Contains(p.Value, want.policy) {
					got.policy = want.policy
				}
			}
			if len(l.Classified) > 0 {
				got.codeAction = string(l.Classified[0].Action)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(letterWant{})); diff != "" {
				t.Errorf("ReadLetter (-want +got):\n%s", diff)
			}
			for _, c := range l.Classes {
				covered[c] = true
			}
			// Every finding shows the sentence behind it, taken from the letter.
			flat := strings.Join(strings.Fields(text), " ")
			for _, fs := range [][]denial.Finding{l.Reasons, l.Policies, l.Dates, l.Members, l.References, l.Regimes, l.Services, l.Expedited.Findings} {
				for _, f := range fs {
					if f.Sentence == "" || f.Line == 0 || f.Rule == "" || !strings.Contains(flat, f.Sentence) {
						t.Errorf("finding %s=%q: sentence %q (line %d, rule %q) is not from the letter", f.Field, f.Value, f.Sentence, f.Line, f.Rule)
					}
				}
			}
		})
	}
	for _, c := range denial.Classes {
		if !covered[c] {
			t.Errorf("no fixture letter is classified %s", c)
		}
	}
}

// The golden files hold the whole reading of each letter, so that any
// change in what the reader finds shows up in review. Run with -update to
// rewrite them after checking the difference.
func TestReadLetterGolden(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "letters", "*.txt"))
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			l := denial.ReadLetter(readFixture(t, name))
			got, err := json.MarshalIndent(l, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".txt")+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// Sentences that look like deadlines but are the payer's clocks or other
// time limits must not be read as the appeal deadline.
func TestReadLetterDistractors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{"decision clock", "We will decide your appeal within 30 days.", ""},
		{"decision passive", "A decision will be made within 72 hours.", ""},
		{"peer to peer", "Your doctor may request a peer-to-peer review within 14 days of this letter.", ""},
		{"corrected claim", "A corrected claim must be submitted within 90 days of the date of service.", ""},
		{"continuation", "To keep getting services, you must ask for an appeal within 10 days from the date this letter was postmarked.", ""},
		{"authorization period", "Your authorization is valid through August 31, 2026.", ""},
		{"a period, not a deadline", "The plan covers 8 sessions in a 12-month period and your request exceeds it.", ""},
		{"appeal", "You may appeal within 180 days after you receive this notice.", "180 days receipt"},
		{"words and digits", "You must file within sixty (60) days of the date of this notice.", "60 days notice-date"},
		{"calendar days", "Ask for an appeal within 65 calendar days of the date listed at the top of this notice.", "65 calendar-days notice-date"},
		{"calendar date", "Your appeal must be received no later than January 5, 2027.", "by 2027-01-05"},
		{"days from", "You have 120 days from the date you get this notice to file an appeal.", "120 days receipt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := denial.ReadLetter(tt.text)
			if got := deadlineString(l.AppealDeadline); got != tt.want {
				t.Errorf("appeal deadline %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadLetterExpedited(t *testing.T) {
	tests := []struct {
		text string
		want string
	}{
		{"If your situation is urgent, you may ask for an expedited appeal.", denial.ExpeditedOffered},
		{"You can't ask for a fast appeal for a request to pay for care you already received.", denial.ExpeditedNotAvailable},
		{"Expedited reconsideration is only available for denials of prior authorization.", denial.ExpeditedNotAvailable},
		{"You may appeal within 180 days.", denial.ExpeditedNotMentioned},
		{"Fast Appeal - We'll give you a decision on a fast appeal within 72 hours after we get your appeal.", denial.ExpeditedOffered},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := denial.ReadLetter(tt.text).Expedited.Status; got != tt.want {
				t.Errorf("expedited %q, want %q", got, tt.want)
			}
		})
	}
}

// Appeal-rights boilerplate names classes ("medical necessity",
// "experimental") whatever the reason was; it must not become a reason.
func TestReadLetterIgnoresBoilerplateReasons(t *testing.T) {
	text := `Date: 01/02/2026
Reason for Denial: Your coverage ended on December 31, 2025.

If our decision involves a judgment as to medical necessity or whether a treatment is experimental or investigational, you may request an external review.
What if I need help understanding this denial? Call us.`
	l := denial.ReadLetter(text)
	if diff := cmp.Diff([]denial.Class{denial.Eligibility}, l.Classes); diff != "" {
		t.Errorf("classes (-want +got):\n%s", diff)
	}
	if l.NoticeDate != ketacover.MustDate("2026-01-02") {
		t.Errorf("notice date %v", l.NoticeDate)
	}
}

func TestReadLetterDates(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Date: November 3, 2026", "2026-11-03"},
		{"Date: Nov. 3, 2026", "2026-11-03"},
		{"Date: 11/03/2026", "2026-11-03"},
		{"Date: 2026-11-03", "2026-11-03"},
		{"Date: 3 November 2026", "2026-11-03"},
		{"Date: 02/30/2026", ""},
		{"Date of birth: 01/01/1980", ""},
		{"November 3, 2026", "2026-11-03"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := denial.ReadLetter(tt.in).NoticeDate.String(); got != tt.want {
				t.Errorf("notice date %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadLetterEmpty(t *testing.T) {
	l := denial.ReadLetter("")
	if len(l.Classes) != 0 || l.AppealDeadline != nil || l.Expedited.Status != denial.ExpeditedNotMentioned {
		t.Errorf("empty letter: %+v", l)
	}
}

// Text without spaces is cut into bounded pieces; a run of bytes that are
// not UTF-8 (found by fuzzing: it made the cutting loop stand still) must
// not stop the reader.
func TestReadLetterLongRuns(t *testing.T) {
	for _, text := range []string{strings.Repeat("\xbd", 5000), strings.Repeat("a", 5000), "x " + strings.Repeat("é", 3000)} {
		l := denial.ReadLetter(text)
		if len(l.Classes) != 0 {
			t.Errorf("classes from noise: %v", l.Classes)
		}
	}
}
