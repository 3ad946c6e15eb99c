package rates

import (
	"errors"
	"testing"

	"github.com/ketacover/ketacover"
)

// FuzzScan feeds the scanner arbitrary bytes. It must never panic or
// hang, must fail only with a *SyntaxError (an EINVALID error), and must
// find the same rows and the same error offset however the stream is cut
// into chunks. Seeds are in testdata/fuzz/FuzzScan.
func FuzzScan(f *testing.F) {
	f.Add([]byte(`{"provider_references":[{"provider_group_id":1,"provider_groups":[{"npi":[1111111111],"tin":{"type":"ein","value":"1"}}]}],"in_network":[{"billing_code":"96365","negotiated_rates":[{"provider_references":[1],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":1.5}]}]}]}`), byte(3))
	q := Query{Codes: []string{"96365", "27447", "CSTM-00"}, NPIs: []string{"1111111111", "1234567890"}, TINs: []string{"11-1111111"}}
	f.Fuzz(func(t *testing.T, data []byte, chunk byte) {
		if len(data) > 1<<16 {
			return
		}
		for _, query := range []Query{{}, q} {
			whole, _, errWhole := scanBytes(t, data, query, 1<<20)
			cut, _, errCut := scanBytes(t, data, query, 1+int(chunk)%17)
			for _, err := range []error{errWhole, errCut} {
				var se *SyntaxError
				if err != nil && (!errors.As(err, &se) || ketacover.ErrorCode(err) != ketacover.EINVALID) {
					t.Fatalf("error %v (%T), want a *SyntaxError", err, err)
				}
			}
			if (errWhole == nil) != (errCut == nil) {
				t.Fatalf("whole: %v; in chunks: %v", errWhole, errCut)
			}
			if errWhole != nil {
				var a, b *SyntaxError
				errors.As(errWhole, &a)
				errors.As(errCut, &b)
				if a.Offset != b.Offset || a.Path != b.Path {
					t.Fatalf("whole: %v; in chunks: %v", errWhole, errCut)
				}
			}
			wi, ci := identities(whole), identities(cut)
			if len(wi) != len(ci) {
				t.Fatalf("whole: %d rows; in chunks: %d", len(wi), len(ci))
			}
			for i := range wi {
				if wi[i] != ci[i] {
					t.Fatalf("row %d: whole %q; in chunks %q", i, wi[i], ci[i])
				}
			}
		}
	})
}
