package crd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// envelopeSeeds are requests that exercise every branch of fastEnvelope:
// the Da Vinci samples, plain requests, and the odd inputs it must leave
// to encoding/json.
func envelopeSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, name := range []string{"crd-order-sign-request.json", "crd-appointment-book-request.json"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "shared", "samples", "fhir", name)); err == nil {
			seeds = append(seeds, b)
		}
	}
	for _, s := range []string{
		`{"hook":"order-sign","hookInstance":"1","context":{"userId":"Practitioner/1","patientId":"1","draftOrders":{"resourceType":"Bundle"}},"prefetch":{"patient":{"resourceType":"Patient","id":"1"},"x":null}}`,
		` {"hook":"order-sign"} `,
		`{"hook":"order-sign"} x`,
		`{"hook":"order-sign","hook":"order-select"}`,
		`{"HOOK":"order-sign"}`,
		`{"hoo\u006b":"order-sign"}`,
		`{"hook":"order-\u0073ign","hookInstance":"caf\u00e9"}`,
		`{"hook":"order-sign","hookInstance":"café"}`,
		"{\"hook\":\"order-sign\",\"hookInstance\":\"\xff\"}",
		`{"hook":5}`,
		`{"hook":null,"context":null,"prefetch":null,"extension":null,"fhirAuthorization":null}`,
		`{"fhirServer":"https://ehr.example/fhir","fhirAuthorization":{"access_token":"t","token_type":"Bearer","expires_in":300,"scope":"patient/*.read","subject":"s"}}`,
		`{"fhirAuthorization":{"expires_in":"300"}}`,
		`{"context":{"userId":"u","patientId":"p","selections":["MedicationRequest/1",null],"appointments":null,"draftOrders":[1,2.5e3,-0.0,true,false,null,"\"\\\/\b\f\n\r\t\u00e9"]}}`,
		`{"context":{"PatientId":"p"}}`,
		`{"context":{"selections":"x"}}`,
		`{"context":[]}`,
		`{"prefetch":{"a":{},"a":[],"b":"s"},"extension":{"davinci-crd.configuration":{"coverage-info":false,"max-cards":2}}}`,
		`{"prefetch":{"\u0061":1}}`,
		`{"prefetch":[]}`,
		`{"other":{"deep":[[[[{"x":[]}]]]]},"Other":1,"ünknown":2}`,
		`null`, `[]`, `{`, `{"hook":}`, `{"hook":"a",}`, `{"a":01}`, `{"a":1.}`, `{"a":tru}`, `{"a":"\x"}`, "{\"a\":\"\x01\"}",
		strings.Repeat(`{"a":`, 600) + "1" + strings.Repeat("}", 600),
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

// checkEnvelope fails when fastEnvelope accepts b but decodes it
// differently from encoding/json.
func checkEnvelope(t *testing.T, b []byte) {
	fast, ok := fastEnvelope(b, false)
	if !ok {
		return
	}
	slow, err := slowEnvelope(b)
	if err != nil {
		t.Fatalf("fast path accepted %q, encoding/json refuses it: %v", b, err)
	}
	if diff := cmp.Diff(slow, fast); diff != "" {
		t.Fatalf("fast path decodes %q differently (-encoding/json +fast):\n%s", b, diff)
	}
	owned, ok := fastEnvelope(bytes.Clone(b), true)
	if diff := cmp.Diff(fast, owned); !ok || diff != "" {
		t.Fatalf("fast path on an owned body decodes %q differently (%v, -copy +owned):\n%s", b, ok, diff)
	}
}

func TestFastEnvelope(t *testing.T) {
	var fast int
	for i, b := range envelopeSeeds(t) {
		t.Run(strconv.Itoa(i), func(t *testing.T) { checkEnvelope(t, b) })
		if _, ok := fastEnvelope(b, false); ok {
			fast++
		}
	}
	// The samples and the plain requests must take the fast path, or the
	// test above proves nothing about it.
	if fast < 8 {
		t.Errorf("only %d seeds took the fast path", fast)
	}
	// The benchmark's request is plain.
	if _, ok := fastEnvelope(mustJSON(t, orderSignRequest(t, history())), false); !ok {
		t.Error("the order-sign request with history does not take the fast path")
	}
}

// FuzzFastEnvelope checks that the fast request decoder agrees with
// encoding/json on every input it accepts.
func FuzzFastEnvelope(f *testing.F) {
	for _, b := range envelopeSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(checkEnvelope)
}

func TestPlainResourceType(t *testing.T) {
	for _, in := range []string{`{"resourceType":"Bundle"}`, `{"id":"x","resourceType":"Patient"}`, `{"resourceType":null}`, `{}`, `{"resourceType":"Bundle","resourceType":"Patient"}`, `{"RESOURCETYPE":"Bundle"}`, `{"resourceType":5}`, `[]`, `"Bundle"`} {
		rt, ok := plainResourceType([]byte(in))
		if !ok {
			continue
		}
		var want struct {
			ResourceType string `json:"resourceType"`
		}
		if err := json.Unmarshal([]byte(in), &want); err != nil || want.ResourceType != rt {
			t.Errorf("plainResourceType(%s) = %q; json.Unmarshal gives %q, %v", in, rt, want.ResourceType, err)
		}
	}
}
