package x12_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/x12"
)

// FuzzRead271 checks that the 271 reader never panics, that what it hands
// out points back into its input, and that the mapping to benefits holds
// for any input: every figure names its segments, an amount met is never
// negative, and Apply never panics.
func FuzzRead271(f *testing.F) {
	for _, dir := range []string{filepath.Join("testdata", "271"), samplesDir} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.27*"))
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(isaStar + "GS*HB*S*R*20261120*0915*1*X*005010X279A1~ST*271*0001*005010X279A1~HL*3**22*0~EB*C*FAM*MH^30**P*29*1*0.5**5*Y*N*HC:G2083~SE*4*0001~GE*1*1~IEA*1*000000001~"))
	f.Fuzz(func(t *testing.T, data []byte) {
		members, benefits := 0, 0
		sum, err := x12.Read271(bytes.NewReader(data), x12.Handler271{Member: func(e *x12.Eligibility) error {
			members++
			benefits += len(e.Benefits)
			for _, b := range e.Benefits {
				if b.Offset < 0 || b.Offset >= int64(len(data)) || !bytes.HasPrefix(data[b.Offset:], []byte("EB")) {
					t.Fatalf("benefit at segment %d: offset %d does not point at an EB", b.Segment, b.Offset)
				}
				if b.Percent != nil && (*b.Percent < 0 || *b.Percent > ketacover.Percent(100)) {
					t.Fatalf("EB08 read as %v", *b.Percent)
				}
			}
			for _, st := range []string{"MH", x12.ServiceTypePlan, ""} {
				c := e.Coverage(st)
				for _, fg := range c.Figures {
					if len(fg.From) == 0 {
						t.Fatalf("figure %q names no segment", fg.What)
					}
					if fg.Amount != nil && *fg.Amount < 0 {
						t.Fatalf("figure %q is negative: %v", fg.What, *fg.Amount)
					}
				}
				var b ketacover.Benefits
				var a ketacover.Accumulators
				c.Apply(&b, &a)
			}
			return nil
		}})
		if err != nil {
			var se *x12.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T) is not a *SyntaxError", err, err)
			}
		}
		if sum.Members != members || sum.Benefits != benefits {
			t.Fatalf("summary says %d members %d benefits, handler saw %d and %d", sum.Members, sum.Benefits, members, benefits)
		}
		if len(sum.Problems) > 100 || sum.ProblemCount < len(sum.Problems) {
			t.Fatalf("%d problems kept, %d counted", len(sum.Problems), sum.ProblemCount)
		}
	})
}
