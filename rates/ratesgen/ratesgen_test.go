package ratesgen

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestWrite: every shape is valid JSON of about the size asked for, the
// same seed gives the same bytes, and the planted codes and clinic are in.
func TestWrite(t *testing.T) {
	for _, cfg := range []Config{
		{Seed: 1, Size: 200 << 10, CodeEvery: 3},
		{Seed: 1, Size: 200 << 10, CodeEvery: 3, RefsLast: true},
		{Seed: 1, Size: 200 << 10, CodeEvery: 3, Version: "1.0.0", Inline: true},
		{Seed: 1, Size: 200 << 10, CodeEvery: 3, Pretty: true},
	} {
		var a, b bytes.Buffer
		st, err := Write(&a, cfg)
		if err != nil {
			t.Fatal(err)
		}
		Write(&b, cfg)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%+v: two runs with one seed differ", cfg)
		}
		if !json.Valid(a.Bytes()) {
			t.Fatalf("%+v: not valid JSON", cfg)
		}
		if st.Bytes != int64(a.Len()) || st.Bytes < cfg.Size {
			t.Errorf("%+v: stats say %d bytes, wrote %d, asked %d", cfg, st.Bytes, a.Len(), cfg.Size)
		}
		var doc struct {
			InNetwork []struct {
				BillingCode string `json:"billing_code"`
			} `json:"in_network"`
		}
		json.Unmarshal(a.Bytes(), &doc)
		planted := 0
		for _, it := range doc.InNetwork {
			if isKetamine(it.BillingCode) {
				planted++
			}
		}
		if planted == 0 || planted != st.Planted || len(doc.InNetwork) != st.Items {
			t.Errorf("%+v: %d items, %d planted; stats say %d, %d", cfg, len(doc.InNetwork), planted, st.Items, st.Planted)
		}
		if !bytes.Contains(a.Bytes(), []byte(ClinicNPI)) {
			t.Errorf("%+v: the clinic's NPI is not in the file", cfg)
		}
	}
}
