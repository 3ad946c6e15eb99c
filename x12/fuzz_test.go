package x12_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ketacover/ketacover/x12"
)

// seedFuzz adds the fixtures and, when present, the shared samples to the
// seed corpus (the committed corpus under testdata/fuzz adds more).
func seedFuzz(f *testing.F) {
	for _, dir := range []string{"testdata", samplesDir} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.83*"))
		more, _ := filepath.Glob(filepath.Join(dir, "*.27*"))
		for _, p := range append(paths, more...) {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(isaStar))
	f.Add([]byte(""))
}

// FuzzReader checks that the tokenizer never panics and that what it hands
// out is consistent with its input: numbers count up, offsets point at the
// segment's ID, errors are the documented ones.
func FuzzReader(f *testing.F) {
	seedFuzz(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := x12.NewReaderSize(bytes.NewReader(data), 4096)
		last := int64(-1)
		for n := 1; ; n++ {
			s, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var se *x12.SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("error %v (%T) is not a *SyntaxError", err, err)
				}
				if se.Offset < 0 || se.Offset > int64(len(data)) {
					t.Fatalf("error offset %d outside input of %d bytes", se.Offset, len(data))
				}
				break
			}
			if s.Number != n {
				t.Fatalf("segment %d numbered %d", n, s.Number)
			}
			if s.Offset <= last || s.Offset >= int64(len(data)) {
				t.Fatalf("segment %d at offset %d after %d, input %d bytes", n, s.Offset, last, len(data))
			}
			last = s.Offset
			if !bytes.HasPrefix(data[s.Offset:], s.ID()) {
				t.Fatalf("segment %d: input at %d does not start with ID %q", n, s.Offset, s.ID())
			}
			for i := range s.Len() + 1 {
				_ = s.Component(i, 2)
				for range s.Repetitions(i) {
				}
			}
		}
		if len(r.Problems()) > 100 || r.ProblemCount() < len(r.Problems()) {
			t.Fatalf("%d problems kept, %d counted", len(r.Problems()), r.ProblemCount())
		}
	})
}

// FuzzRead835 checks that the 835 reader never panics and that its summary
// agrees with what it handed out.
func FuzzRead835(f *testing.F) {
	seedFuzz(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		claims, services, remits := 0, 0, 0
		sum, _ := x12.Read835(bytes.NewReader(data), x12.Handler835{
			Claim: func(c *x12.ClaimPayment) error {
				claims++
				services += len(c.Services)
				if c.Remittance == nil {
					t.Fatalf("claim %q has no remittance", c.PatientControlNumber)
				}
				d := c.Clone()
				if d.Imbalance() != c.Imbalance() || len(d.Services) != len(c.Services) {
					t.Fatalf("clone differs from claim")
				}
				return nil
			},
			Remittance: func(rm *x12.Remittance) error { remits++; return nil },
		})
		if sum.Claims != claims || sum.Services != services {
			t.Fatalf("summary says %d claims %d services, handler saw %d and %d", sum.Claims, sum.Services, claims, services)
		}
		if remits > sum.Transactions {
			t.Fatalf("%d remittances ended, %d transactions started", remits, sum.Transactions)
		}
	})
}
