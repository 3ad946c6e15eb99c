package contacts

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
)

var update = flag.Bool("update", false, "rewrite golden files")

func mustDefault(t testing.TB) *Directory {
	t.Helper()
	d, err := Default()
	if err != nil {
		t.Fatalf("embedded contacts do not load:\n%v", err)
	}
	return d
}

// The shipped data covers every state and DC for every plan type: each
// plan type gets at least one contact or an honest gap, and every state
// role the plan type needs is either answered or reported as a gap.
func TestEveryJurisdictionAndPlanType(t *testing.T) {
	d := mustDefault(t)
	if got := len(d.States()); got != 51 {
		t.Fatalf("directory has %d jurisdictions, want 51 (50 states and DC)", got)
	}
	for _, code := range d.States() {
		for _, pt := range ketacover.PlanTypes {
			t.Run(code+"/"+string(pt), func(t *testing.T) {
				h, err := d.Resolve(code, pt)
				if err != nil {
					t.Fatalf("Resolve: %v", err)
				}
				if len(h.Regulators)+len(h.Assistance)+len(h.Gaps) == 0 {
					t.Fatal("no contact and no gap: the output would say nothing")
				}
				ns, _ := needs(pt)
				for _, n := range ns {
					if n.federal || n.onlyIfHave || n.optional {
						continue
					}
					if !hasRole(h, n.role) && !slices.ContainsFunc(h.Gaps, func(g Gap) bool { return g.Role == n.role }) {
						t.Errorf("role %s is neither answered nor reported as a gap", n.role)
					}
				}
				for _, e := range append(slices.Clone(h.Regulators), h.Assistance...) {
					checkContact(t, e.Contact)
					if e.Why == "" {
						t.Errorf("%s: no reason shown", e.Name)
					}
				}
			})
		}
	}
}

func hasRole(h Help, r Role) bool {
	for _, e := range append(slices.Clone(h.Regulators), h.Assistance...) {
		if e.Role == r {
			return true
		}
	}
	return false
}

func checkContact(t *testing.T, c Contact) {
	t.Helper()
	if !httpURL(c.Source) {
		t.Errorf("%s: source %q is not a URL", c, c.Source)
	}
	if c.Seen.IsZero() {
		t.Errorf("%s: no date the source was read", c)
	}
	if !phoneRE.MatchString(c.Phone) {
		t.Errorf("%s: phone %q malformed", c, c.Phone)
	}
	if c.TTY != "" && c.TTY != "711" && !phoneRE.MatchString(c.TTY) {
		t.Errorf("%s: tty %q malformed", c, c.TTY)
	}
	if !httpURL(c.Website) {
		t.Errorf("%s: website %q malformed", c, c.Website)
	}
}

// Every contact in the data, whether or not some plan type shows it.
func TestEveryContactIsSourced(t *testing.T) {
	d := mustDefault(t)
	n := 0
	for _, code := range d.States() {
		s, _ := d.State(code)
		for _, c := range s.Contacts {
			checkContact(t, c)
			n++
		}
		for _, g := range s.Gaps {
			if g.NotApplicable && !httpURL(g.Source) {
				t.Errorf("%s: not-applicable %s without a source", code, g.Role)
			}
		}
	}
	for _, cs := range d.federal {
		for _, c := range cs {
			checkContact(t, c)
			n++
		}
	}
	if n == 0 {
		t.Fatal("no contacts at all")
	}
}

func TestPhoneFormat(t *testing.T) {
	for _, tt := range []struct {
		phone string
		ok    bool
	}{
		{"1-800-633-4227", true},
		{"916-445-5544", true},
		{"1-877-267-2323 ext. 61565", true},
		{"(800) 633-4227", false},
		{"1-800-MEDICARE", false},
		{"1-800-033-4227", false}, // exchange cannot start with 0
		{"1-100-633-4227", false}, // area code cannot start with 1
		{"800-633-42270", false},
		{"", false},
	} {
		if got := phoneRE.MatchString(tt.phone); got != tt.ok {
			t.Errorf("phoneRE(%q) = %v, want %v", tt.phone, got, tt.ok)
		}
	}
}

// fixture builds a directory of 51 minimal states with the given overrides.
func fixture(t *testing.T, override map[string]string) *Directory {
	t.Helper()
	fsys := fstest.MapFS{"d/federal.yaml": {Data: []byte(fixtureFederal)}}
	for code, name := range Jurisdictions {
		body, ok := override[code]
		if !ok {
			body = fmt.Sprintf("state: %s\nname: %s\ncontacts: []\nmissing:\n", code, name)
			for _, r := range StateRoles {
				body += fmt.Sprintf("  - role: %s\n    reason: not yet sourced\n", r)
			}
		}
		fsys["d/states/"+strings.ToLower(code)+".yaml"] = &fstest.MapFile{Data: []byte(body)}
	}
	d, err := Load(fsys, "d")
	if err != nil {
		t.Fatalf("load fixture: %v", err)
	}
	return d
}

const fixtureFederal = `contacts:
  - {role: ebsa, name: EBSA, phone: 1-866-444-3272, website: https://e.example, source: https://e.example/s, seen: 2026-11-27}
  - {role: medicare, name: Medicare, phone: 1-800-633-4227, website: https://m.example, source: https://m.example/s, seen: 2026-11-27}
  - {role: ship-locator, name: SHIP locator, phone: 1-877-839-2675, website: https://s.example, source: https://s.example/s, seen: 2026-11-27}
  - {role: va, name: VA, phone: 1-877-222-8387, website: https://v.example, source: https://v.example/s, seen: 2026-11-27}
`

const fixtureCA = `state: CA
name: California
contacts:
  - {role: insurance-regulator, name: CDI, phone: 1-800-927-4357, website: https://i.example, source: https://i.example/s, seen: 2026-11-27, applies_to: PPO and indemnity policies}
  - {role: managed-care-regulator, name: DMHC, phone: 1-888-466-2219, website: https://d.example, source: https://d.example/s, seen: 2026-11-27}
  - {role: ship, name: HICAP, phone: 1-800-434-0222, website: https://h.example, source: https://h.example/s, seen: 2026-11-27}
  - {role: medicaid-agency, name: Medi-Cal, phone: 1-800-541-5555, website: https://mc.example, source: https://mc.example/s, seen: 2026-11-27}
missing:
  - {role: consumer-assistance, reason: not yet sourced}
not_applicable:
  - {role: medicaid-ombudsman, reason: the test says so, source: https://o.example}
`

func TestResolve(t *testing.T) {
	d := fixture(t, map[string]string{"CA": fixtureCA})
	type got struct {
		Regulators, Assistance, Gaps []string
	}
	names := func(h Help) got {
		var g got
		for _, e := range h.Regulators {
			g.Regulators = append(g.Regulators, e.Name)
		}
		for _, e := range h.Assistance {
			g.Assistance = append(g.Assistance, e.Name)
		}
		for _, x := range h.Gaps {
			s := string(x.Role)
			if x.NotApplicable {
				s += " (n/a)"
			}
			g.Gaps = append(g.Gaps, s)
		}
		return g
	}
	tests := []struct {
		state string
		plan  ketacover.PlanType
		want  got
	}{
		{"CA", ketacover.PlanERISASelfFunded, got{Regulators: []string{"EBSA"}, Gaps: []string{"consumer-assistance"}}},
		{"CA", ketacover.PlanIndividual, got{Regulators: []string{"CDI", "DMHC"}, Gaps: []string{"consumer-assistance"}}},
		{"ca", ketacover.PlanGroupFullyInsured, got{Regulators: []string{"CDI", "DMHC", "EBSA"}, Gaps: []string{"consumer-assistance"}}},
		{"CA", ketacover.PlanMedicareAdvantage, got{Regulators: []string{"Medicare"}, Assistance: []string{"HICAP"}}},
		{"CA", ketacover.PlanMedicaidManaged, got{Regulators: []string{"Medi-Cal"}, Gaps: []string{"medicaid-ombudsman (n/a)"}}},
		{"CA", ketacover.PlanVA, got{Regulators: []string{"VA"}}},
		{"CA", ketacover.PlanFEHB, got{Gaps: []string{"opm"}}},
		{"TX", ketacover.PlanMedicarePartD, got{Regulators: []string{"Medicare"}, Assistance: []string{"SHIP locator"}, Gaps: []string{"ship"}}},
		{"TX", ketacover.PlanIndividual, got{Gaps: []string{"insurance-regulator", "consumer-assistance"}}},
		{"TX", ketacover.PlanGovernmentNonFed, got{Gaps: []string{"insurance-regulator", "cms-nonfederal", "consumer-assistance"}}},
	}
	for _, tt := range tests {
		t.Run(tt.state+"/"+string(tt.plan), func(t *testing.T) {
			h, err := d.Resolve(tt.state, tt.plan)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, names(h)); diff != "" {
				t.Errorf("Resolve (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := d.Resolve("ZZ", ketacover.PlanIndividual); ketacover.ErrorCode(err) != ketacover.ENOTFOUND {
		t.Errorf("unknown state: error %v, want ENOTFOUND", err)
	}
	if _, err := d.Resolve("CA", "cash"); ketacover.ErrorCode(err) != ketacover.EINVALID || !strings.Contains(err.Error(), "erisa-self-funded") {
		t.Errorf("unknown plan type: error %v, want EINVALID listing the plan types", err)
	}
}

func TestTextGolden(t *testing.T) {
	d := fixture(t, map[string]string{"CA": fixtureCA})
	for _, tt := range []struct {
		state string
		plan  ketacover.PlanType
	}{
		{"CA", ketacover.PlanGroupFullyInsured},
		{"TX", ketacover.PlanMedicarePartD},
		{"CA", ketacover.PlanMedicaidManaged},
	} {
		name := strings.ToLower(tt.state) + "-" + string(tt.plan)
		t.Run(name, func(t *testing.T) {
			h, err := d.Resolve(tt.state, tt.plan)
			if err != nil {
				t.Fatal(err)
			}
			got := Text(h)
			path := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("Text (-want +got):\n%s", diff)
			}
			for _, line := range strings.Split(got, "\n") {
				if len(line) > 78 && !strings.Contains(line, "Source:") {
					t.Errorf("line over 78 columns: %q", line)
				}
			}
			if !strings.Contains(got, "not legal advice") {
				t.Error("text lacks the not-legal-advice note")
			}
		})
	}
}

const goodState = `state: VT
name: Vermont
contacts:
  - role: insurance-regulator
    name: Vermont DFR
    phone: 1-800-964-1784
    website: https://dfr.vermont.gov
    source: https://dfr.vermont.gov/contact
    seen: 2026-11-27
missing:
  - role: consumer-assistance
    reason: not yet sourced
  - role: ship
    reason: not yet sourced
  - role: medicaid-agency
    reason: not yet sourced
  - role: medicaid-ombudsman
    reason: not yet sourced
`

func TestParseStateErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown field", strings.Replace(goodState, "    seen:", "    fax: 1-802-555-0100\n    seen:", 1), `f.yaml:9: unknown field "fax"`},
		{"bad phone", strings.Replace(goodState, "1-800-964-1784", "(800) 964-1784", 1), `f.yaml:6: contact "Vermont DFR": phone "(800) 964-1784" is malformed`},
		{"no source", strings.Replace(goodState, "    source: https://dfr.vermont.gov/contact\n", "", 1), `f.yaml:4: contact "Vermont DFR": source is missing`},
		{"source not a URL", strings.Replace(goodState, "https://dfr.vermont.gov/contact", "their website", 1), `f.yaml:8: contact "Vermont DFR": source "their website" is not an absolute http(s) URL`},
		{"bad date", strings.Replace(goodState, "2026-11-27", "27/11/2026", 1), `f.yaml:9: contact "Vermont DFR": seen "27/11/2026" is malformed`},
		{"no date", strings.Replace(goodState, "    seen: 2026-11-27\n", "", 1), `f.yaml:4: contact "Vermont DFR": seen is missing`},
		{"federal role in a state", strings.Replace(goodState, "role: insurance-regulator", "role: ebsa", 1), `f.yaml:4: contact "Vermont DFR": role "ebsa" is not allowed here`},
		{"role unaccounted", strings.Replace(goodState, "  - role: ship\n    reason: not yet sourced\n", "", 1), "role ship has no contact"},
		{"role twice", strings.Replace(goodState, "missing:\n", "missing:\n  - role: insurance-regulator\n    reason: x\n", 1), "role insurance-regulator has a contact and is also listed"},
		{"not applicable without source", goodState + "not_applicable:\n  - role: medicaid-ombudsman\n    reason: none\n", "not_applicable needs a source URL"},
		{"wrong name", strings.Replace(goodState, "name: Vermont\n", "name: Vermount\n", 1), `f.yaml:2: name "Vermount" does not match state VT`},
		{"unknown state", strings.Replace(goodState, "state: VT", "state: PR", 1), `f.yaml:1: state "PR" is not a USPS code`},
		{"empty", "", "f.yaml: empty file"},
		{"syntax", "state: [\n", "f.yaml:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseState("f.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatalf("ParseState succeeded, want error containing %q", tt.want)
			}
			if ketacover.ErrorCode(err) != ketacover.EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error (%s)\n%v\nwant it to contain %q", ketacover.ErrorCode(err), err, tt.want)
			}
		})
	}
	if _, err := ParseState("f.yaml", []byte(goodState)); err != nil {
		t.Fatalf("good state: %v", err)
	}
}

func TestLoadNeedsEveryJurisdiction(t *testing.T) {
	fsys := fstest.MapFS{
		"d/federal.yaml":   {Data: []byte(fixtureFederal)},
		"d/states/vt.yaml": {Data: []byte(goodState)},
	}
	_, err := Load(fsys, "d")
	if err == nil || !strings.Contains(err.Error(), "no file for AK, AL") {
		t.Fatalf("Load error = %v, want it to name the missing states", err)
	}
	fsys["d/states/vx.yaml"] = &fstest.MapFile{Data: []byte(goodState)}
	if _, err := Load(fsys, "d"); err == nil || !strings.Contains(err.Error(), "belongs in vt.yaml") {
		t.Fatalf("misnamed file: error = %v", err)
	}
}

func FuzzParseState(f *testing.F) {
	f.Add([]byte(goodState))
	f.Add([]byte(fixtureCA))
	f.Add([]byte("state: VT\ncontacts: [{role: ship, phone: 1}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseState("fuzz.yaml", data)
		if err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINVALID || !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("bad error %q (%s)", err, ketacover.ErrorCode(err))
			}
			return
		}
		for _, c := range s.Contacts {
			if !phoneRE.MatchString(c.Phone) || !httpURL(c.Source) || c.Seen.IsZero() {
				t.Fatalf("accepted an unsourced or malformed contact: %+v", c)
			}
		}
	})
}

func BenchmarkLoadEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := Load(dataFS, "data"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkResolveAll(b *testing.B) {
	d := mustDefault(b)
	states := d.States()
	for b.Loop() {
		for _, s := range states {
			for _, p := range ketacover.PlanTypes {
				if _, err := d.Resolve(s, p); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

func BenchmarkText(b *testing.B) {
	d := mustDefault(b)
	h, err := d.Resolve("CA", ketacover.PlanGroupFullyInsured)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		_ = Text(h)
	}
}
