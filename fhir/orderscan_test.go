package fhir

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// orderSeeds are orders and bundles that exercise the fast decoders: the
// Da Vinci samples' draft orders and appointments (whole bundles and each
// entry), orders with every field ClassifyOrder reads, and the odd inputs
// they must leave to encoding/json.
func orderSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, name := range []string{"crd-order-sign-request.json", "crd-appointment-book-request.json", "pas-request-bundle.json"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "shared", "samples", "fhir", name))
		if err != nil {
			continue
		}
		var req struct {
			Context map[string]json.RawMessage
		}
		if json.Unmarshal(b, &req) == nil && req.Context != nil {
			for _, k := range []string{"draftOrders", "appointments"} {
				if raw := req.Context[k]; raw != nil {
					seeds = append(seeds, raw)
				}
			}
		} else {
			seeds = append(seeds, b)
		}
	}
	for _, raw := range seeds {
		var bd Bundle
		if json.Unmarshal(raw, &bd) == nil {
			for _, e := range bd.Entry {
				seeds = append(seeds, e.Resource)
			}
		}
	}
	for _, s := range []string{
		`{"resourceType":"MedicationRequest","id":"x","status":"draft","intent":"order","medicationCodeableConcept":{"text":"Spravato","coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"2201625","display":"esketamine Nasal Spray [Spravato]"}]},"subject":{"reference":"Patient/p1"},"dosageInstruction":[{"text":"84 mg","timing":{"repeat":{"frequency":2,"period":1,"periodUnit":"wk"}},"doseAndRate":[{"doseQuantity":{"value":84,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}},{}]}],"reasonCode":[{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F33.2"}]}]}`,
		`{"resourceType":"ServiceRequest","id":"s","code":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"96365"}],"text":"ketamine infusion"},"occurrencePeriod":{"start":"2026-12-01","end":"2026-12-31"},"occurrenceDateTime":"2026-12-01T10:00:00-05:00","extension":[{"url":"x"}]}`,
		`{"resourceType":"Appointment","id":"a","serviceType":[{"text":"ketamine"},null,{}],"appointmentType":{"text":"x"},"basedOn":[{"reference":"ServiceRequest/1","display":"d"},null],"start":"2026-12-01T09:00:00Z"}`,
		` {"resourceType":"ServiceRequest","code":null,"reasonCode":[],"basedOn":null,"dosageInstruction":[],"occurrencePeriod":null} `,
		`{"dosageInstruction":[{"timing":{"repeat":null},"doseAndRate":[]},{"timing":null,"doseAndRate":[{"doseQuantity":null},null]},null]}`,
		`{"dosageInstruction":[{"doseAndRate":[{"doseQuantity":{"value":-1.5e-3}}]}]}`,
		`{"dosageInstruction":[{"doseAndRate":[{"doseQuantity":{"value":1e400}}]}]}`,
		`{"dosageInstruction":[{"doseAndRate":[{"doseQuantity":{"value":"84"}}]}]}`,
		`{"id":"caf\u00e9","code":{"text":"a\"b\\c\/d\n"}}`,
		"{\"id\":\"\xff\"}",
		`{"id":"1","id":"2"}`,
		`{"ID":"1"}`,
		`{"Code":{"text":"ketamine"}}`,
		`{"code":{"TEXT":"x"}}`,
		`{"\u0069d":"1"}`,
		`{"code":"ketamine"}`,
		`{"code":[]}`,
		`{"serviceType":{}}`,
		`{"id":5}`,
		`{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:1","resource":{"resourceType":"ServiceRequest"}},{"resource":null},{},null]}`,
		`{"resourceType":"Bundle","entry":[]}`,
		`{"resourceType":"Bundle","entry":null,"type":null}`,
		`{"resourceType":"Bundle","entry":[{"resource":1,"fullUrl":"x","other":[1,{"a":2}]}]}`,
		`{"resourceType":"Bundle","entry":[{"Resource":{}}]}`,
		`{"resourceType":"Bundle","entry":[{"fullUrl":1}]}`,
		`{"resourceType":"Bundle","entry":{}}`,
		`{"resourceType":"Bundle","entry":[1]}`,
		`null`, `[]`, `""`, ``, `{`, `{"id":"1"} x`, `{"id":"1",}`, `{"a":01}`,
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// checkOrderView fails when a fast decoder accepts b but decodes it
// differently from json.Unmarshal.
func checkOrderView(t *testing.T, b []byte) {
	var fast orderView
	if fastOrderView(b, &fast) {
		var slow orderView
		if err := json.Unmarshal(b, &slow); err != nil {
			t.Fatalf("fast order decoder accepted %q, encoding/json refuses it: %v", b, err)
		}
		if diff := cmp.Diff(slow, fast); diff != "" {
			t.Fatalf("fast order decoder decodes %q differently (-encoding/json +fast):\n%s", b, diff)
		}
	}
	var fb Bundle
	if fastBundle(b, &fb) {
		var slow Bundle
		if err := json.Unmarshal(b, &slow); err != nil {
			t.Fatalf("fast bundle decoder accepted %q, encoding/json refuses it: %v", b, err)
		}
		if diff := cmp.Diff(slow, fb); diff != "" {
			t.Fatalf("fast bundle decoder decodes %q differently (-encoding/json +fast):\n%s", b, diff)
		}
	}
}

func TestFastOrderView(t *testing.T) {
	var orders, bundles int
	for i, b := range orderSeeds(t) {
		t.Run(strconv.Itoa(i), func(t *testing.T) { checkOrderView(t, b) })
		var v orderView
		if fastOrderView(b, &v) && v.ResourceType != "" && v.ResourceType != "Bundle" {
			orders++
		}
		var bd Bundle
		if fastBundle(b, &bd) && len(bd.Entry) > 0 {
			bundles++
		}
	}
	// The samples and the plain orders must take the fast paths, or the
	// test above proves nothing about them. Without ../shared only the
	// orders written here are checked.
	wantOrders, wantBundles := 6, 4
	if _, err := os.Stat(filepath.Join("..", "..", "shared", "samples", "fhir")); err != nil {
		t.Log("../shared/samples/fhir is absent: the Da Vinci samples are not among the inputs")
		wantOrders, wantBundles = 4, 2
	}
	if orders < wantOrders || bundles < wantBundles {
		t.Errorf("only %d orders and %d bundles with entries took the fast path, want %d and %d", orders, bundles, wantOrders, wantBundles)
	}
}

// FuzzOrderView checks that the fast order and bundle decoders agree with
// encoding/json on every input they accept.
func FuzzOrderView(f *testing.F) {
	for _, b := range orderSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(checkOrderView)
}
