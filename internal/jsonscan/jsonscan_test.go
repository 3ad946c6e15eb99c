package jsonscan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var seeds = []string{
	`{"a":[1,2.5e3,-0.0,true,false,null,"\"\\\/\b\f\n\r\t\u00e9"],"b":{}}`,
	` [ ] `, `""`, `0`, `-1E+2`, `{"a":01}`, `{"a":1.}`, `{"a":tru}`, `{"a":"\x"}`, "\"\x01\"", "\"\xff\"",
	`{"a":1,}`, `[1,]`, `{"a" 1}`, `{1:2}`, `"\u12"`, `nul`, `{"a":1} x`,
	strings.Repeat(`[`, 600) + strings.Repeat(`]`, 600),
}

// FuzzSkipValue checks that SkipValue accepts what encoding/json accepts,
// nesting up to MaxDepth, and that Members splits objects at the same
// places encoding/json does.
func FuzzSkipValue(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		i := SkipWS(b, 0)
		end, ok := SkipValue(b, i)
		ok = ok && SkipWS(b, end) == len(b)
		deep := strings.Count(string(b), "[")+strings.Count(string(b), "{") > MaxDepth
		if valid := json.Valid(b); ok != valid && !(valid && deep) {
			t.Fatalf("SkipValue(%q) = %v, json.Valid = %v", b, ok, valid)
		}
		if !ok || b[i] != '{' {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		var got []Member
		Members(b[i:end], func(mb Member) bool {
			if !PlainKey(mb.Key) {
				t.Fatalf("Members gave the key %q, which is not plain", mb.Key)
			}
			got = append(got, mb)
			return true
		})
		n := map[string]int{}
		for _, mb := range got {
			n[string(mb.Key)]++
		}
		for _, mb := range got {
			if want, ok := m[string(mb.Key)]; !ok || (n[string(mb.Key)] == 1 && string(want) != string(mb.Value)) {
				t.Fatalf("member %q = %s; encoding/json: %s", mb.Key, mb.Value, want)
			}
		}
	})
}

// BenchmarkSkipValue checks the grammar of the Da Vinci order-sign sample.
func BenchmarkSkipValue(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "samples", "fhir", "crd-order-sign-request.json"))
	if err != nil {
		b.Skipf("shared samples not found (they live beside the repository): %v", err)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, ok := SkipValue(body, SkipWS(body, 0)); !ok {
			b.Fatal("not valid")
		}
	}
}
