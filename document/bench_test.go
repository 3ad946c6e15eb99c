package document

import (
	"io"

	"bytes"
	"github.com/go-pdf/fpdf"
	"syscall"
	"testing"
	"time"
)

// pageCount counts the page objects fpdf writes.
func pageCount(pdf []byte) int { return bytes.Count(pdf, []byte("<</Type /Page\n")) }

// cpuTime is the CPU time the process has used, user and system. On a
// machine shared with other work, CPU time per operation says more about
// the code than wall-clock time, which includes waiting for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchmarkRender(b *testing.B, render func(*Doc) ([]byte, error)) []byte {
	d := sampleDoc()
	var out []byte
	b.ReportAllocs()
	start, n := cpuTime(), 0
	for b.Loop() {
		var err error
		if out, err = render(d); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(n), "cpu-ns/op")
	b.ReportMetric(float64(len(out)), "bytes/doc")
	return out
}

// BenchmarkPDF renders the three-page sample letter to PDF (target: under
// 20 ms).
func BenchmarkPDF(b *testing.B) {
	out := benchmarkRender(b, (*Doc).PDF)
	b.ReportMetric(float64(pageCount(out)), "pages")
}

// BenchmarkText renders the sample letter as plain text.
func BenchmarkText(b *testing.B) { benchmarkRender(b, (*Doc).Text) }

// BenchmarkHTML renders the sample letter as HTML.
func BenchmarkHTML(b *testing.B) { benchmarkRender(b, (*Doc).HTML) }

// BenchmarkPDFFontFloor measures what fpdf spends on the embedded fonts
// alone for one document: parsing the two faces, then subsetting and
// compressing them, with one line of text per face. It is the floor under
// BenchmarkPDF that layout work cannot remove.
func BenchmarkPDFFontFloor(b *testing.B) {
	start, n := cpuTime(), 0
	b.ReportAllocs()
	for b.Loop() {
		f := fpdf.New("P", "mm", "Letter", "")
		f.SetCompression(false) // as PDF does
		f.AddPage()
		for _, st := range []faceStyle{0, styleBold} {
			f.AddUTF8FontFromBytes(faceFamily, st.fpdfStyle(), faceTTF[st.face()])
			f.SetFont(faceFamily, st.fpdfStyle(), sizeBody)
			f.Text(marginX, marginTop+float64(st)*10, "Member ID W123456789 — criteria ≥ 2 (Section 1.c)")
		}
		if err := f.Output(io.Discard); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(cpuTime()-start)/float64(n), "cpu-ns/op")
}
