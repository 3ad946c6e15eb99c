package crd

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var spliceSeeds = []string{
	`{"resourceType":"ServiceRequest","id":"1","status":"draft","intent":"order","code":{"text":"ketamine"}}`,
	` {"resourceType":"ServiceRequest","extension":[{"url":"http://example.org/x","valueString":"keep"},{"url":"` + extCoverageInformation + `","extension":[]}],"id":"2"} `,
	`{"extension":null,"id":"3"}`,
	`{"extension":[null,5,"s",[],{"URL":"x"}],"id":"4"}`,
	`{"extension":[{"url":5}]}`,
	`{"extension":[{"url":"a","url":"b"}]}`,
	`{"extension":{}}`,
	`{"id":"5","id":"6"}`,
	`{"\u0069d":"7"}`,
	`{}`,
	`[]`,
	`{"a":[1,{"b":"\"\u00e9"}],"extension":[],"n":-1.5e-3}`,
}

// checkSplice fails when spliceExtension accepts an order but its result
// is not one valid JSON object or differs, as JSON, from the map-based
// edit.
func checkSplice(t *testing.T, order []byte) {
	ext := []byte(`{"url":"` + extCoverageInformation + `","extension":[{"url":"covered","valueCode":"covered"}]}`)
	fast, ok := spliceExtension(order, ext)
	if !ok {
		return
	}
	// The answer's writer copies it unchecked (Action.valid).
	if !json.Valid(fast) || fast[0] != '{' || fast[len(fast)-1] != '}' {
		t.Fatalf("splice of %q gave %q, not one JSON object without whitespace around it", order, fast)
	}
	slow, err := replaceExtension(order, ext)
	if err != nil {
		t.Fatalf("splice accepted %q, the map edit fails: %v", order, err)
	}
	if diff := cmp.Diff(decodeAny(t, slow), decodeAny(t, fast)); diff != "" {
		t.Fatalf("splice of %q differs (-map +splice):\n%s", order, diff)
	}
}

func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	return v
}

func TestSpliceExtension(t *testing.T) {
	fast := 0
	for i, s := range spliceSeeds {
		t.Run(strconv.Itoa(i), func(t *testing.T) { checkSplice(t, []byte(s)) })
		ext := []byte(`{"url":"x"}`)
		if _, ok := spliceExtension([]byte(s), ext); ok {
			fast++
		}
	}
	if fast < 5 {
		t.Errorf("only %d seeds took the splice", fast)
	}
}

// FuzzSpliceExtension checks that the splice agrees with the map-based
// edit on every order it accepts.
func FuzzSpliceExtension(f *testing.F) {
	for _, s := range spliceSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkSplice)
}
