package ketacover

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Cents is an amount of US money in integer cents. Every amount ketacover
// computes with is Cents so that sums never drift. In text (a case file,
// JSON) an amount is a string of dollars such as "1250.00" or "$1,250"; a
// bare JSON number is refused because "1250" could mean dollars or cents.
// (A case file read as YAML may write 1250.00 unquoted: YAML keeps the digits
// as written, and they are read as dollars.)
type Cents int64

// Dollars returns d whole dollars as Cents.
func Dollars(d int64) Cents { return Cents(d * 100) }

// String formats c as dollars with thousands separators: "$1,234.56",
// "-$5.00".
func (c Cents) String() string {
	sign := ""
	n := int64(c)
	if n < 0 {
		sign = "-"
		n = -n
	}
	whole := strconv.FormatInt(n/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s$%s.%02d", sign, b.String(), n%100)
}

// ParseDollars parses an amount of dollars: "1250", "1250.5", "1,250.00",
// "$1,250.00". At most two decimals are allowed; amounts are non-negative
// and below ten trillion dollars.
func ParseDollars(s string) (Cents, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "$")
	t = strings.ReplaceAll(t, ",", "")
	whole, frac, hasDot := strings.Cut(t, ".")
	if whole == "" && frac == "" || !digits(whole) || !digits(frac) || hasDot && (frac == "" || len(frac) > 2) || len(whole) > 13 {
		return 0, fmt.Errorf("want an amount like 1250.00, got %q", s)
	}
	var n int64
	for _, c := range whole {
		n = n*10 + int64(c-'0')
	}
	n *= 100
	switch len(frac) {
	case 1:
		n += int64(frac[0]-'0') * 10
	case 2:
		n += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	return Cents(n), nil
}

func digits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// MarshalText writes c as plain dollars, "1234.56".
func (c Cents) MarshalText() ([]byte, error) {
	return []byte(strings.NewReplacer("$", "", ",", "").Replace(c.String())), nil
}

// UnmarshalText reads an amount of dollars (see ParseDollars). The case
// decoder calls it for every money field, so its message is what a person
// sees next to the line of a bad amount.
func (c *Cents) UnmarshalText(b []byte) error {
	v, err := ParseDollars(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// UnmarshalJSON reads a JSON string of dollars and refuses bare numbers.
func (c *Cents) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want an amount like \"1250.00\" as a string, got %s", b)
	}
	return c.UnmarshalText([]byte(s))
}

// Rate is a percentage in basis points (hundredths of a percent): 20% is
// 2000. Coinsurance and APRs are Rates. In text a Rate is written with a
// percent sign, "20%" or "14.9%".
type Rate int64

// Percent returns p percent as a Rate.
func Percent(p int64) Rate { return Rate(p * 100) }

// String formats r as a percentage with no trailing zeros: "20%", "14.9%",
// "32.99%".
func (r Rate) String() string {
	sign := ""
	n := int64(r)
	if n < 0 {
		sign, n = "-", -n
	}
	s := fmt.Sprintf("%d.%02d", n/100, n%100)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return sign + s + "%"
}

// ParseRate parses a percentage with a percent sign and at most two
// decimals: "20%", "14.90%".
func ParseRate(s string) (Rate, error) {
	t := strings.TrimSpace(s)
	num, ok := strings.CutSuffix(t, "%")
	if !ok {
		return 0, fmt.Errorf("want a percentage like 20%%, got %q", s)
	}
	c, err := ParseDollars(strings.TrimSpace(num)) // the same grammar: digits, up to two decimals
	if err != nil || strings.ContainsAny(num, "$,") {
		return 0, fmt.Errorf("want a percentage like 20%%, got %q", s)
	}
	return Rate(c), nil
}

// MarshalText writes r as "20%".
func (r Rate) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads a percentage (see ParseRate).
func (r *Rate) UnmarshalText(b []byte) error {
	v, err := ParseRate(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Of returns r of amount c, rounded half away from zero to the cent (for
// the non-negative amounts of a bill that is half up).
func (r Rate) Of(c Cents) Cents {
	a, b := int64(c)*int64(r), int64(10000)
	if a < 0 {
		return -Cents((-a + b/2) / b)
	}
	return Cents((a + b/2) / b)
}
