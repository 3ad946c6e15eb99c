package ketacover_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ketacover/ketacover"
)

func TestCentsString(t *testing.T) {
	tests := map[ketacover.Cents]string{0: "$0.00", 5: "$0.05", 100: "$1.00", 123456: "$1,234.56", 100000000: "$1,000,000.00", -500: "-$5.00"}
	for c, want := range tests {
		if got := c.String(); got != want {
			t.Errorf("Cents(%d) = %q, want %q", int64(c), got, want)
		}
	}
}

func TestParseDollars(t *testing.T) {
	good := map[string]ketacover.Cents{"1250": 125000, "1250.5": 125050, "1,250.00": 125000, "$1,250.00": 125000, " 0.07 ": 7, ".5": 50}
	for s, want := range good {
		if got, err := ketacover.ParseDollars(s); err != nil || got != want {
			t.Errorf("ParseDollars(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "$", "12.345", "1.", "-5", "12a", "1e3", "99999999999999"} {
		_, err := ketacover.ParseDollars(s)
		// The case decoder shows this message next to the line of the
		// amount, so its wording is part of the file format's help.
		if want := "want an amount like 1250.00, got "; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ParseDollars(%q) = %v, want an error starting %q", s, err, want)
		}
	}
}

func TestRate(t *testing.T) {
	good := map[string]ketacover.Rate{"20%": 2000, "14.9%": 1490, "32.99%": 3299, "0%": 0, "100 %": 10000}
	for s, want := range good {
		if got, err := ketacover.ParseRate(s); err != nil || got != want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"20", "0.2", "$20%", "1,000%", "%"} {
		if _, err := ketacover.ParseRate(s); err == nil {
			t.Errorf("ParseRate(%q): want an error", s)
		}
	}
	for r, want := range map[ketacover.Rate]string{2000: "20%", 1490: "14.9%", 3299: "32.99%", 5: "0.05%"} {
		if r.String() != want {
			t.Errorf("Rate(%d) = %q, want %q", int64(r), r.String(), want)
		}
	}
	// Rounding half up to the cent: 20% of $0.03 is 0.6¢ → 1¢; 20% of $0.02 is 0.4¢ → 0.
	if ketacover.Percent(20).Of(3) != 1 || ketacover.Percent(20).Of(2) != 0 || ketacover.Rate(2500).Of(2) != 1 {
		t.Error("Rate.Of does not round half up")
	}
}

func TestMoneyJSON(t *testing.T) {
	var v struct {
		Amount ketacover.Cents `json:"amount"`
		Rate   ketacover.Rate  `json:"rate"`
	}
	if err := json.Unmarshal([]byte(`{"amount":"$1,250.50","rate":"20%"}`), &v); err != nil || v.Amount != 125050 || v.Rate != 2000 {
		t.Fatalf("decode = %+v, %v", v, err)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"amount":"1250.50","rate":"20%"}` {
		t.Errorf("encode = %s", b)
	}
	err := json.Unmarshal([]byte(`{"amount":1250}`), &v)
	if err == nil || !strings.Contains(err.Error(), "as a string") {
		t.Errorf("bare number: err = %v, want a refusal", err)
	}
}

func FuzzParseDollars(f *testing.F) {
	for _, s := range []string{"1250", "$1,250.00", ".5", "12.345", "-5", "99999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ketacover.ParseDollars(s)
		if err != nil {
			return
		}
		if c < 0 {
			t.Fatalf("ParseDollars(%q) = %d, negative", s, c)
		}
		// What String prints parses back to the same amount.
		back, err := ketacover.ParseDollars(c.String())
		if err != nil || back != c {
			t.Fatalf("round trip of %q: %s → %d, %v", s, c, back, err)
		}
		if r, err := ketacover.ParseRate(s + "%"); err == nil && int64(r) != int64(c) && !strings.ContainsAny(s, "$,") {
			t.Fatalf("ParseRate(%q%%) = %d, ParseDollars = %d", s, r, c)
		}
	})
}
