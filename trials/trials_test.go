package trials

import (
	"context"
	"flag"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/zips"
)

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ids(ms []Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Study.NCTID())
	}
	return out
}

// replay serves the recorded API responses and checks each request carries
// the query the client should send.
func replay(t *testing.T, wantQuery url.Values) (*httptest.Server, *int) {
	t.Helper()
	calls := 0
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v2/studies", func(w http.ResponseWriter, r *http.Request) {
		calls++
		q := r.URL.Query()
		token := q.Get("pageToken")
		q.Del("pageToken")
		if diff := cmp.Diff(wantQuery, q); diff != "" {
			t.Errorf("request %d query (-want +got):\n%s", calls, diff)
		}
		switch token {
		case "":
			w.Write(mustRead(t, "testdata/api/studies-page-1.json"))
		case "NF0g5JGBlPMuwQY":
			w.Write(mustRead(t, "testdata/api/studies-page-2.json"))
		default:
			http.Error(w, `{"message":"bad page token"}`, http.StatusBadRequest)
		}
	})
	mux.HandleFunc("GET /api/v2/studies/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != "NCT09990001" {
			http.NotFound(w, r)
			return
		}
		w.Write(mustRead(t, "testdata/api/study-NCT09990001.json"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestFetchPages(t *testing.T) {
	near := zips.Point{Lat: 40.75065, Lon: -73.997293}
	want := url.Values{
		"format":               {"json"},
		"query.cond":           {"depression"},
		"query.intr":           {"ketamine OR esketamine"},
		"filter.overallStatus": {"RECRUITING,NOT_YET_RECRUITING"},
		"filter.geo":           {"distance(40.750650,-73.997293,100mi)"},
		"pageSize":             {"4"},
		"countTotal":           {"true"},
	}
	srv, calls := replay(t, want)
	c := &Client{BaseURL: srv.URL + "/api/v2", PageSize: 4}
	res, err := c.Fetch(context.Background(), Query{
		Condition: "depression", Intervention: "ketamine OR esketamine",
		Statuses: []Status{Recruiting, NotYetRecruiting}, Near: &near, WithinMiles: 100,
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range res.Studies {
		got = append(got, s.NCTID())
	}
	if diff := cmp.Diff([]string{"NCT09990001", "NCT09990002", "NCT09990003", "NCT09990004", "NCT09990005", "NCT09990006"}, got); diff != "" {
		t.Errorf("studies (-want +got):\n%s", diff)
	}
	if res.Pages != 2 || *calls != 2 || res.TotalCount != 6 || res.Truncated {
		t.Errorf("pages %d calls %d total %d truncated %v", res.Pages, *calls, res.TotalCount, res.Truncated)
	}
	// MaxPages stops early and says so.
	c.MaxPages = 1
	res, err = c.Fetch(context.Background(), Query{
		Condition: "depression", Intervention: "ketamine OR esketamine",
		Statuses: []Status{Recruiting, NotYetRecruiting}, Near: &near, WithinMiles: 100,
	})
	if err != nil || !res.Truncated || len(res.Studies) != 4 {
		t.Errorf("MaxPages 1: %d studies, truncated %v, %v", len(res.Studies), res.Truncated, err)
	}
}

func TestFetchStudy(t *testing.T) {
	srv, _ := replay(t, nil)
	c := &Client{BaseURL: srv.URL + "/api/v2"}
	s, err := c.FetchStudy(context.Background(), "NCT09990001")
	if err != nil {
		t.Fatal(err)
	}
	if s.Protocol.Identification.BriefTitle != "Esketamine Nasal Spray for Treatment-Resistant Depression in Adults" || len(s.Protocol.ContactsLocations.Locations) != 2 {
		t.Errorf("study = %+v", s.Protocol.Identification)
	}
	if _, err := c.FetchStudy(context.Background(), "NCT09990009"); ketacover.ErrorCode(err) != ketacover.ENOTFOUND {
		t.Errorf("missing study: err = %v, want not found", err)
	}
	if _, err := c.FetchStudy(context.Background(), "nct1"); ketacover.ErrorCode(err) != ketacover.EINVALID {
		t.Errorf("bad id: err = %v, want invalid", err)
	}
}

func TestFetchErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"rate limited", http.StatusTooManyRequests, "", "rate limited (HTTP 429)"},
		{"server error", http.StatusBadGateway, "upstream down", "HTTP 502: upstream down"},
		{"bad record", http.StatusOK, `{"studies":[{"protocolSection":{"identificationModule":{"nctId":"NCT1"}}}]}`, `page 1: record 1 (NCT1): protocolSection.identificationModule.nctId: want "NCT" and 8 digits`},
		{"not JSON", http.StatusOK, `<html>`, "page 1: byte 1: not valid JSON"},
		{"same token twice", http.StatusOK, `{"studies":[],"nextPageToken":"x"}`, "same page token twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			_, err := (&Client{BaseURL: srv.URL}).Fetch(context.Background(), Query{Condition: "depression"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestImportShapes(t *testing.T) {
	for _, f := range []struct {
		path string
		n    int
	}{
		{"testdata/import/ketamine-studies.json", 6},
		{"testdata/api/studies-page-1.json", 4},
		{"testdata/api/study-NCT09990001.json", 1},
	} {
		s, err := Import(f.path, mustRead(t, f.path))
		if err != nil {
			t.Fatalf("%s: %v", f.path, err)
		}
		if len(s) != f.n || len(s[0].Raw) == 0 {
			t.Errorf("%s: %d studies, want %d", f.path, len(s), f.n)
		}
	}
}

func TestImportErrors(t *testing.T) {
	rec := func(body string) string {
		return `{"protocolSection":{"identificationModule":{"nctId":"NCT00000001"},` + body + `}}`
	}
	tests := []struct{ name, in, want string }{
		{"empty", "  ", "f.json: empty file"},
		{"syntax", `{"studies": [}`, "f.json: byte 14: not valid JSON"},
		{"scalar", `42`, "f.json: want a JSON object or array"},
		{"other object", `{"foo": 1}`, `f.json: want a v2 response`},
		{"studies not array", `{"studies": {}}`, "f.json: studies: want an array"},
		{"record not object", `[1]`, "f.json: record 1: want a study record object"},
		{"no nct", `[{"protocolSection":{"identificationModule":{}}}]`, "f.json: record 1: protocolSection.identificationModule.nctId: missing"},
		{"bad nct", `[{"protocolSection":{"identificationModule":{"nctId":"NCT123"}}}]`, `f.json: record 1 (NCT123): protocolSection.identificationModule.nctId: want "NCT" and 8 digits, got "NCT123"`},
		{"nct wrong type", `[{"protocolSection":{"identificationModule":{"nctId":5}}}]`, "f.json: record 1: protocolSection.identificationModule.nctId: want string, got JSON number"},
		{"conditions wrong type", "[" + rec(`"conditionsModule":{"conditions":"Depression"}`) + "]", "record 1 (NCT00000001): protocolSection.conditionsModule.conditions: want []string, got JSON string"},
		{"status", "[" + rec(`"statusModule":{"overallStatus":"recruiting"}`) + "]", `protocolSection.statusModule.overallStatus: want a status such as RECRUITING, got "recruiting"`},
		{"age", "[" + rec(`"eligibilityModule":{"minimumAge":"eighteen"}`) + "]", `protocolSection.eligibilityModule.minimumAge: want an age such as "18 Years"`},
		{"geo", "[" + rec(`"contactsLocationsModule":{"locations":[{"geoPoint":{"lat":95,"lon":0}}]}`) + "]", "protocolSection.contactsLocationsModule.locations[0].geoPoint: want lat"},
		{"geo type", "[" + rec(`"contactsLocationsModule":{"locations":[{"geoPoint":{"lat":"40","lon":0}}]}`) + "]", "protocolSection.contactsLocationsModule.locations.geoPoint.lat: want float64, got JSON string"},
		{"intervention name", "[" + rec(`"armsInterventionsModule":{"interventions":[{"type":"DRUG"}]}`) + "]", "protocolSection.armsInterventionsModule.interventions[0].name: missing"},
		{"duplicate", "[" + rec(`"statusModule":{}`) + "," + rec(`"statusModule":{}`) + "]", "f.json: record 2 (NCT00000001): protocolSection.identificationModule.nctId: duplicate of record 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import("f.json", []byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tc.want)
			}
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Errorf("code %q, want invalid", ketacover.ErrorCode(err))
			}
		})
	}
}

func TestParseAge(t *testing.T) {
	good := map[string]float64{"18 Years": 18 * 365.25, "1 Year": 365.25, "6 Months": 6 * 30.4375, "2 Weeks": 14, "30 Days": 30, "": -1, "N/A": -1}
	for s, want := range good {
		if got, err := ParseAge(s); err != nil || math.Abs(got-want) > 1e-9 {
			t.Errorf("ParseAge(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"18", "Years", "18 years old", "-1 Years", "18 Decades"} {
		if _, err := ParseAge(s); err == nil {
			t.Errorf("ParseAge(%q): want an error", s)
		}
	}
}

func testIndex(t testing.TB) *Index {
	t.Helper()
	studies, err := Import("ketamine-studies.json", mustRead(t, "testdata/import/ketamine-studies.json"))
	if err != nil {
		t.Fatal(err)
	}
	zt, err := zips.Default()
	if err != nil {
		t.Fatal(err)
	}
	return NewIndex(studies, zt)
}

func TestSearch(t *testing.T) {
	ix := testIndex(t)
	zt, _ := zips.Default()
	at := func(zip string) *zips.Point {
		p, err := zt.Lookup(zip)
		if err != nil {
			t.Fatal(err)
		}
		return &p
	}
	age := func(n int) *int { return &n }
	tests := []struct {
		name string
		f    Filter
		want []string
	}{
		{"everything, by NCT number", Filter{}, []string{"NCT09990001", "NCT09990002", "NCT09990003", "NCT09990004", "NCT09990005", "NCT09990006"}},
		{"condition substring matches conditions, MeSH and titles", Filter{Condition: "depress"}, []string{"NCT09990001", "NCT09990002", "NCT09990004", "NCT09990006"}},
		{"ketamine is a whole word: not esketamine, not arketamine", Filter{Interventions: []string{"ketamine"}}, []string{"NCT09990002", "NCT09990003", "NCT09990005"}},
		{"esketamine found through otherNames too", Filter{Interventions: []string{"SPRAVATO"}}, []string{"NCT09990001", "NCT09990004"}},
		{"both drugs, recruiting, depression", Filter{Condition: "depress", Interventions: []string{"ketamine", "esketamine"}, Statuses: []Status{Recruiting}}, []string{"NCT09990001", "NCT09990002"}},
		{"open statuses", Filter{Statuses: Open}, []string{"NCT09990001", "NCT09990002", "NCT09990003", "NCT09990004", "NCT09990006"}},
		{"age 16: adolescent study only among depression trials", Filter{Condition: "depress", AgeYears: age(16)}, []string{"NCT09990004"}},
		{"age 70: over 64 and 65 limits", Filter{AgeYears: age(70)}, []string{"NCT09990002", "NCT09990003"}},
		{"age 64 is within an upper limit of 64 Years", Filter{Condition: "treatment", AgeYears: age(64)}, []string{"NCT09990001"}},
		// From ZIP 10001 (Manhattan): New York site ≈ 1.2 mi, Newark ≈ 10 mi,
		// New Haven ≈ 70 mi, Philadelphia (ZIP fallback) ≈ 83 mi; Boston ≈ 190 mi.
		{"within 100 miles of 10001, nearest first", Filter{Near: at("10001"), WithinMiles: 100}, []string{"NCT09990001", "NCT09990002", "NCT09990006"}},
		{"within 100 miles, recruiting ketamine", Filter{Near: at("10001"), WithinMiles: 100, Interventions: []string{"ketamine"}, Statuses: Open}, []string{"NCT09990002"}},
		{"near without a limit sorts every study by distance", Filter{Near: at("98101")}, []string{"NCT09990005", "NCT09990004", "NCT09990003", "NCT09990002", "NCT09990001", "NCT09990006"}},
		{"nothing within 5 miles of Anchorage", Filter{Near: at("99501"), WithinMiles: 5}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, ids(ix.Search(tc.f))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestSearchDistances(t *testing.T) {
	ix := testIndex(t)
	zt, _ := zips.Default()
	p, _ := zt.Lookup("10001")
	ms := ix.Search(Filter{Near: &p, WithinMiles: 100})
	for _, m := range ms {
		var want float64
		if m.Site.GeoPoint != nil {
			want = zips.Miles(p, zips.Point{Lat: m.Site.GeoPoint.Lat, Lon: m.Site.GeoPoint.Lon})
		} else {
			q, _ := zt.Lookup(m.Site.Zip)
			want = zips.Miles(p, q)
		}
		if m.Miles != want || m.Miles > 100 {
			t.Errorf("%s: %.3f mi, want %.3f", m.Study.NCTID(), m.Miles, want)
		}
	}
	// The Newark site of NCT09990002 is nearer than its Philadelphia site.
	if ms[1].Site.City != "Newark" {
		t.Errorf("nearest site of %s = %s", ms[1].Study.NCTID(), ms[1].Site.City)
	}
	// Philadelphia has no geoPoint: from 19103 it is placed by ZIP centroid.
	q, _ := zt.Lookup("19103")
	ms = ix.Search(Filter{Near: &q, WithinMiles: 10})
	if len(ms) != 1 || ms[0].Site.City != "Philadelphia" || ms[0].Miles > 3 {
		t.Errorf("Philadelphia by ZIP: %+v", ms)
	}
}

func FuzzImport(f *testing.F) {
	for _, p := range []string{"testdata/api/study-NCT09990001.json", "testdata/api/studies-page-2.json"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`[{"protocolSection":{"identificationModule":{"nctId":"NCT00000001"},"eligibilityModule":{"minimumAge":"18 Years"}}}]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		studies, err := Import("fuzz.json", in)
		if err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Fatalf("error without EINVALID code: %v", err)
			}
			if !strings.HasPrefix(err.Error(), "fuzz.json: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		// Whatever was accepted must be searchable.
		age := 30
		NewIndex(studies, nil).Search(Filter{Condition: "a", Interventions: []string{"ketamine"}, AgeYears: &age, Near: &zips.Point{Lat: 40, Lon: -74}, WithinMiles: 50})
	})
}

func TestExportRoundTrip(t *testing.T) {
	studies, err := Import("in.json", mustRead(t, "testdata/import/ketamine-studies.json"))
	if err != nil {
		t.Fatal(err)
	}
	// One record without Raw is marshalled from its fields.
	studies[2].Raw = nil
	out, err := Export(studies)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Import("out.json", out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(studies, back, cmpopts.EquateEmpty(), cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Raw" }, cmp.Ignore())); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestParseMiles(t *testing.T) {
	good := map[string]float64{"100mi": 100, "100 mi": 100, "25.5": 25.5, "160.9344km": 100, " 5MI ": 5}
	for s, want := range good {
		if got, err := ParseMiles(s); err != nil || math.Abs(got-want) > 1e-9 {
			t.Errorf("ParseMiles(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "mi", "-5mi", "0", "100 miles", "NaN", "1e9"} {
		if _, err := ParseMiles(s); ketacover.ErrorCode(err) != ketacover.EINVALID {
			t.Errorf("ParseMiles(%q): err = %v, want invalid", s, err)
		}
	}
}

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func TestTextGolden(t *testing.T) {
	ix := testIndex(t)
	zt, _ := zips.Default()
	p, _ := zt.Lookup("10001")
	got := Text(ix.Search(Filter{Near: &p, WithinMiles: 100, Statuses: Open}))
	if *update {
		os.WriteFile("testdata/near-10001.txt", []byte(got), 0o644)
	}
	want := string(mustRead(t, "testdata/near-10001.txt"))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if Text(nil) == "" || !strings.HasPrefix(Text(nil), "No studies match.") {
		t.Errorf("empty: %q", Text(nil))
	}
}
