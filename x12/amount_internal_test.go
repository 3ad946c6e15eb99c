package x12

import "testing"

// FuzzParseCentsFast checks that the fast path of ParseCents reads every
// amount it accepts exactly as the general parser does.
func FuzzParseCentsFast(f *testing.F) {
	for _, s := range []string{"541.00", "0.00", "-9.99", "-0.00", "123456789012345.67", "1234567890123456.78", ".50", "-.50", "1.5", "12x.00", "1.0a", "--1.00", "+1.00", "1..00", "1.000"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, ok := parseCentsFast(b)
		if !ok {
			return
		}
		want, err := parseCents(b)
		if err != nil || v != want {
			t.Fatalf("parseCentsFast(%q) = %d; parseCents gives %d, %v", b, v, want, err)
		}
	})
}
