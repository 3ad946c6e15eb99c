package letter

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/denial"
)

func TestParseDenial(t *testing.T) {
	recv := ketacover.MustDate("2026-12-21")
	tests := []struct {
		name string
		in   string
		want *Denial
		errs []string // each must appear in the error
	}{
		{
			name: "full record",
			in: `date: 2026-12-18
received: 2026-12-21
classes: [medical-necessity, missing-information]
reason: Does not meet criteria.
reference: PA-1
claim: C-2
authorization: A-3
policy: Esketamine policy
service: pre-service
service_dates: [2026-12-14]
amount: "1,250.00"
level: 1
reviewer: Dr. Grant
address: [Appeals, PO Box 1]
peer_to_peer: (800) 555-0123
codes:
  - {group: CO, carc: "50", rarc: [N130]}
`,
			want: &Denial{Date: ketacover.MustDate("2026-12-18"), Received: &recv, Classes: []denial.Class{denial.MedicalNecessity, denial.MissingInformation},
				Reason: "Does not meet criteria.", Reference: "PA-1", Claim: "C-2", Authorization: "A-3", Policy: "Esketamine policy", Service: PreService,
				ServiceDates: []ketacover.Date{ketacover.MustDate("2026-12-14")}, Amount: 125000, Level: 1, Reviewer: "Dr. Grant",
				Address: []string{"Appeals", "PO Box 1"}, PeerToPeer: "(800) 555-0123", Codes: []Adjustment{{Group: "CO", CARC: "50", RARCs: []string{"N130"}}}},
		},
		{
			name: "JSON",
			in:   `{"date": "2026-12-18", "classes": ["coding"]}`,
			want: &Denial{Date: ketacover.MustDate("2026-12-18"), Classes: []denial.Class{denial.Coding}},
		},
		{name: "empty", in: "", errs: []string{"d.yaml:1: file is empty"}},
		{name: "syntax", in: "date: [", errs: []string{"d.yaml:1: syntax error"}},
		{name: "unknown field", in: "date: 2026-12-18\nclasses: [coding]\ndeadline: 30\n", errs: []string{"d.yaml:3: deadline"}},
		{name: "no date, no classes", in: "reason: x\n", errs: []string{"date: required", "classes: required"}},
		{name: "bad class", in: "date: 2026-12-18\nclasses:\n  - medical-necessity\n  - rude\n", errs: []string{`d.yaml:4: classes[1]: want one of medical-necessity`, `got "rude"`}},
		{name: "class twice", in: "date: 2026-12-18\nclasses: [coding, coding]\n", errs: []string{"classes[1]: coding is listed twice"}},
		{name: "bad date", in: "date: 12/18/2026\nclasses: [coding]\n", errs: []string{"d.yaml:1: date", "YYYY-MM-DD"}},
		{name: "received before date", in: "date: 2026-12-18\nreceived: 2026-12-01\nclasses: [coding]\n", errs: []string{"d.yaml:2: received: the notice was received (2026-12-01) before its date (2026-12-18)"}},
		{name: "bad service and level", in: "date: 2026-12-18\nclasses: [coding]\nservice: later\nlevel: 4\n", errs: []string{"d.yaml:3: service: want pre-service or post-service", "d.yaml:4: level: want 0"}},
		{name: "code without carc", in: "date: 2026-12-18\nclasses: [coding]\ncodes:\n  - {group: CO}\n", errs: []string{"codes[0].carc: required"}},
		{name: "negative amount", in: "date: 2026-12-18\nclasses: [coding]\namount: \"-5\"\n", errs: []string{"d.yaml:3: amount"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDenial("d.yaml", []byte(tt.in))
			if tt.errs == nil {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.errs)
			}
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Errorf("code %q, want %q", ketacover.ErrorCode(err), ketacover.EINVALID)
			}
			for _, e := range tt.errs {
				if !strings.Contains(err.Error(), e) {
					t.Errorf("error %q lacks %q", err, e)
				}
			}
		})
	}
}

func TestDenialPostService(t *testing.T) {
	tests := []struct {
		d    Denial
		want bool
	}{
		{Denial{}, false},
		{Denial{Claim: "C"}, true},
		{Denial{ServiceDates: []ketacover.Date{ketacover.MustDate("2026-12-01")}}, true},
		{Denial{Claim: "C", Service: PreService}, false},
		{Denial{Service: PostService}, true},
	}
	for _, tt := range tests {
		if got := tt.d.postService(); got != tt.want {
			t.Errorf("%+v: postService = %v, want %v", tt.d, got, tt.want)
		}
	}
}

// FuzzParseDenial checks that any input either parses into a valid denial
// or fails with an EINVALID error naming the file, never a panic.
func FuzzParseDenial(f *testing.F) {
	f.Add([]byte("date: 2026-12-18\nclasses: [medical-necessity]\nreason: x\n"))
	f.Add([]byte(`{"date": "2026-12-18", "classes": ["coding"], "codes": [{"carc": "16", "rarc": ["N350"]}]}`))
	f.Add([]byte("date: 2026-12-18\nreceived: 2026-12-01\nclasses: [coding, coding]\nlevel: 9\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDenial("f.yaml", data)
		if err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Fatalf("error code %q: %v", ketacover.ErrorCode(err), err)
			}
			if !strings.Contains(err.Error(), "f.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("parsed a denial that does not validate: %v", err)
		}
	})
}
