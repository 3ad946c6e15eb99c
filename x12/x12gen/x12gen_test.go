package x12gen_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover/x12"
	"github.com/ketacover/ketacover/x12/x12gen"
)

// The generator's promise: valid envelopes, balanced claims, lines and
// transactions, and the counts it reports.
func TestWrite835Valid(t *testing.T) {
	tests := []struct {
		name string
		cfg  x12gen.Config
	}{
		{"default delimiters", x12gen.Config{Size: 200 << 10, Seed: 1, ClaimsPerTransaction: 50}},
		{"other delimiters with newlines", x12gen.Config{Size: 50 << 10, Seed: 2, ClaimsPerTransaction: 7,
			Element: '|', Component: '>', Repetition: '}', Segment: '\n', LineBreaks: false}},
		{"line breaks", x12gen.Config{Seed: 3, ClaimsPerTransaction: 10, LineBreaks: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			st, err := x12gen.Write835(&buf, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if st.Bytes != int64(buf.Len()) || st.Bytes < tt.cfg.Size {
				t.Errorf("stats say %d bytes, wrote %d, asked for at least %d", st.Bytes, buf.Len(), tt.cfg.Size)
			}
			var claims, services int
			var paid int64
			sum, err := x12.Read835(&buf, x12.Handler835{
				Claim: func(c *x12.ClaimPayment) error {
					claims++
					services += len(c.Services)
					paid += c.Paid
					if d := c.Imbalance(); d != 0 {
						t.Errorf("claim %s does not balance by %d", c.PatientControlNumber, d)
					}
					for i := range c.Services {
						if d := c.Services[i].Imbalance(); d != 0 {
							t.Errorf("claim %s line %d does not balance by %d", c.PatientControlNumber, i+1, d)
						}
					}
					return nil
				},
				Remittance: func(rm *x12.Remittance) error {
					if d := rm.Imbalance(); d != 0 {
						t.Errorf("transaction %s does not balance by %d", rm.ControlNumber, d)
					}
					return nil
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if sum.ProblemCount != 0 {
				t.Errorf("problems in generated 835: %v", sum.Problems)
			}
			got := []int{sum.Segments, sum.Transactions, claims, services}
			want := []int{st.Segments, st.Transactions, st.Claims, st.Services}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("segments, transactions, claims, services (-generator +reader):\n%s", diff)
			}
			if paid != st.Paid {
				t.Errorf("paid %d, generator says %d", paid, st.Paid)
			}
		})
	}
}

func TestWrite835Deterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	cfg := x12gen.Config{Size: 20 << 10, Seed: 9, ClaimsPerTransaction: 20}
	if _, err := x12gen.Write835(&a, cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := x12gen.Write835(&b, cfg); err != nil {
		t.Fatal(err)
	}
	cfg.Seed = 10
	if _, err := x12gen.Write835(&c, cfg); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same seed wrote different files")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("different seeds wrote the same file")
	}
}
