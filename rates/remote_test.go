package rates

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A v1 file whose provider_references point at remote provider-reference
// files by location: over HTTP (a loopback test server), and as a path
// relative to the in-network file.
func TestRemoteProviderReferences(t *testing.T) {
	refFile := `{"provider_groups":[{"npi":[1093817465,1222222222],"tin":{"type":"ein","value":"84-1234567"}}],"version":"1.4.0"}`
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if r.URL.Path != "/refs/group-2.json" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(refFile))
	}))
	defer srv.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "group-3.json"), []byte(refFile), 0o644)
	in := `{"version":"1.2.0","plan_name":"p","provider_references":[
	  {"provider_group_id":2,"location":"` + srv.URL + `/refs/group-2.json"},
	  {"provider_group_id":3,"location":"group-3.json"},
	  {"provider_group_id":4,"location":"` + srv.URL + `/refs/missing.json"},
	  {"provider_group_id":5,"location":"` + srv.URL + `/refs/never-used.json"}],
	 "in_network":[
	  {"billing_code_type":"CPT","billing_code":"96365","negotiated_rates":[
	    {"provider_references":[2],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":100,"billing_class":"professional"}]},
	    {"provider_references":[3,4],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":200,"billing_class":"professional"}]}]},
	  {"billing_code_type":"CPT","billing_code":"96366","negotiated_rates":[
	    {"provider_references":[2],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":50,"billing_class":"professional"}]}]}]}`
	src := filepath.Join(dir, "in.json")
	os.WriteFile(src, []byte(in), 0o644)
	var rows []Rate
	res, err := Scan(context.Background(), src, Options{Query: Query{Codes: []string{"96365", "96366"}, NPIs: []string{"1093817465"}}},
		func(b []Rate) error { rows = append(rows, b...); return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"p||||CPT|96365|1093817465|ein|84-1234567|negotiated|100|professional||||",
		"p||||CPT|96365|1093817465|ein|84-1234567|negotiated|200|professional||||",
		"p||||CPT|96366|1093817465|ein|84-1234567|negotiated|50|professional||||",
	}
	if diff := cmp.Diff(want, identities(rows)); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if hits != 2 {
		t.Errorf("%d HTTP requests, want 2 (group 2 once, the missing one once; never-used never)", hits)
	}
	if w := strings.Join(res.Warnings, ";"); !strings.Contains(w, "provider_group_id 4") || !strings.Contains(w, "404") {
		t.Errorf("warnings %q, want one for the missing group 4", w)
	}
}
