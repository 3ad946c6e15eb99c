package document

import (
	"math"
	"testing"

	"github.com/go-pdf/fpdf"
)

// TestMetricsMatchFPDF checks that the widths the layout measures with are
// the widths fpdf writes into the PDF (and so the widths the viewer
// advances by), for every style: italic uses its upright face's widths.
func TestMetricsMatchFPDF(t *testing.T) {
	m := loadMetrics()
	const s = "Member ID W123456789 — criteria ≥ 2, naïve “quotes” § Ελληνικά Кириллица"
	for _, st := range []faceStyle{0, styleBold, styleItalic, styleBold | styleItalic} {
		f := fpdf.New("P", "pt", "Letter", "")
		f.AddUTF8FontFromBytes(faceFamily, st.fpdfStyle(), faceTTF[st.face()])
		f.SetFont(faceFamily, st.fpdfStyle(), 1000)
		if f.Err() {
			t.Fatal(f.Error())
		}
		want := f.GetStringWidth(s)
		got := 0.0
		for _, r := range s {
			w, ok := m.width(st, r)
			if !ok {
				t.Fatalf("style %q: no glyph for %q", st.fpdfStyle(), r)
			}
			got += w
		}
		if math.Abs(got-want) > 1e-6 {
			t.Errorf("style %q: layout width %.1f, fpdf width %.1f (thousandths of an em)", st.fpdfStyle(), got, want)
		}
	}
}

func TestMetricsCoverage(t *testing.T) {
	m := loadMetrics()
	for _, tc := range []struct {
		r    rune
		face bool // in every style of the Go fonts
		sym  bool // drawn from ZapfDingbats
	}{
		{'a', true, false}, {'—', true, false}, {'≥', true, false}, {'§', true, false}, {'Ж', true, false},
		{'✓', false, true}, {'✗', false, true}, {'✔', false, true},
		{'漢', false, false}, {'😀', false, false}, {0x85, false, false},
	} {
		_, face := m.width(0, tc.r)
		_, sym := dingbats[tc.r]
		if face != tc.face || sym != tc.sym {
			t.Errorf("%q: in face %v, dingbat %v; want %v, %v", tc.r, face, sym, tc.face, tc.sym)
		}
	}
}

func TestParseTTFRejectsGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("not a font"), faceTTF[0][:100]} {
		if _, err := parseTTF(b); err == nil {
			t.Errorf("parseTTF(%d bytes) = nil error, want one", len(b))
		}
	}
}
