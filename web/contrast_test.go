package web

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestContrast: the stylesheet's text colours meet WCAG 2.1 AA contrast
// (4.5:1 for normal text) on the backgrounds they are used on. The
// colours are read from the stylesheet's custom properties.
func TestContrast(t *testing.T) {
	css, err := os.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"white": "#ffffff"}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6})`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	pairs := []struct{ fg, bg string }{
		{"ink", "paper"}, {"ink", "wash"},
		{"muted", "paper"}, {"muted", "wash"},
		{"brand", "paper"}, {"brand", "wash"}, {"brand-dark", "paper"},
		{"white", "brand"}, {"white", "brand-dark"},
		{"good", "good-bg"}, {"bad", "bad-bg"}, {"unsure", "unsure-bg"},
		{"bad", "paper"}, {"muted", "unsure-bg"}, {"muted", "good-bg"}, {"muted", "bad-bg"},
	}
	for _, p := range pairs {
		fg, ok1 := vars[p.fg]
		bg, ok2 := vars[p.bg]
		if !ok1 || !ok2 {
			t.Errorf("colour --%s or --%s not in the stylesheet", p.fg, p.bg)
			continue
		}
		if r := contrast(fg, bg); r < 4.5 {
			t.Errorf("--%s (%s) on --%s (%s): contrast %.2f:1, want at least 4.5:1", p.fg, fg, p.bg, bg, r)
		}
	}
}

// contrast is the WCAG 2.1 contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the relative luminance of a #rrggbb colour (WCAG 2.1).
func luminance(hex string) float64 {
	ch := func(i int) float64 {
		v, _ := strconv.ParseUint(hex[i:i+2], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(1) + 0.7152*ch(3) + 0.0722*ch(5)
}
