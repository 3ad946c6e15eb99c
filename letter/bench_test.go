package letter

import (
	"syscall"
	"testing"
	"time"

	"github.com/ketacover/ketacover/document"
)

// cpuTime is the process's user and system CPU time. On a shared machine
// wall time mostly measures waiting for a core, so the benchmarks also
// report CPU time per operation (as document's benchmarks do).
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkRender builds and renders every kind of document for the case
// that meets its policy (testdata/cases/met.yaml), in each format. The
// case is loaded and judged once, outside the timer: what is measured is
// what "ketacover letter" does after the check.
func BenchmarkRender(b *testing.B) {
	w, _ := mustWriter(b)
	tc := testCases[0]
	for _, v := range variants {
		in := tc.input(b, v)
		for _, f := range []document.Format{document.FormatText, document.FormatHTML, document.FormatPDF} {
			b.Run(v.name+"/"+string(f), func(b *testing.B) {
				b.ReportAllocs()
				var size, n int
				start := cpuTime(b)
				for b.Loop() {
					n++
					doc, err := w.Build(v.kind, in)
					if err != nil {
						b.Fatal(err)
					}
					var out []byte
					switch f {
					case document.FormatText:
						out, err = doc.Text()
					case document.FormatHTML:
						out, err = doc.HTML()
					default:
						out, err = doc.PDF()
					}
					if err != nil {
						b.Fatal(err)
					}
					size = len(out)
				}
				b.ReportMetric(float64(cpuTime(b)-start)/float64(n), "cpu-ns/op")
				b.ReportMetric(float64(size), "bytes/doc")
			})
		}
	}
}

// BenchmarkBuild measures building the document model alone (citations,
// deadlines, help contacts), without rendering.
func BenchmarkBuild(b *testing.B) {
	w, _ := mustWriter(b)
	tc := testCases[0]
	for _, v := range variants {
		in := tc.input(b, v)
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := w.Build(v.kind, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
