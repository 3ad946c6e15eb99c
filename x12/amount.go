package x12

import (
	"errors"
	"time"

	"github.com/ketacover/ketacover"
)

var (
	errAmount = errors.New("want a decimal amount such as 123.45")
	errDate   = errors.New("want a date as CCYYMMDD")
)

// ParseCents parses an X12 decimal amount ("541.00", "-9", ".5") into
// integer cents without going through floating point, so that sums balance
// exactly. More than two decimals are accepted only when the extra digits
// are zeros; more than 15 integer digits are refused (X12 R amounts are at
// most 18 characters).
func ParseCents(b []byte) (int64, error) {
	if v, ok := parseCentsFast(b); ok {
		return v, nil
	}
	return parseCents(b)
}

// parseCents is ParseCents for any input.
func parseCents(b []byte) (int64, error) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg = true
		b = b[1:]
	}
	n, ok := parseFixed(b, 2, 15)
	if !ok {
		return 0, errAmount
	}
	if neg {
		n = -n
	}
	return n, nil
}

// parseFixed reads an unsigned decimal ("541", "541.5", ".25") as an
// integer count of 10^-scale units, without floating point: at most
// maxInt integer digits, and decimals beyond scale only when they are
// zeros. ok is false for anything else, including no digit at all.
func parseFixed(b []byte, scale, maxInt int) (n int64, ok bool) {
	digits, frac, seenDot := 0, 0, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if seenDot {
				frac++
				if frac > scale {
					if c != '0' {
						return 0, false
					}
					continue
				}
			} else if digits >= maxInt {
				return 0, false
			}
			digits++
			n = n*10 + int64(c-'0')
		case c == '.' && !seenDot:
			seenDot = true
		default:
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	for f := min(frac, scale); f < scale; f++ {
		n *= 10
	}
	return n, true
}

// parseCentsFast parses the form nearly every amount has, an optional
// minus, 1 to 15 digits, a point and two digits ("541.00"), without
// ParseCents' per-byte state; ok is false for anything else, which
// ParseCents then reads (or refuses) the long way.
func parseCentsFast(b []byte) (v int64, ok bool) {
	n := len(b)
	if n < 4 || b[n-3] != '.' {
		return 0, false
	}
	k := 0
	if b[0] == '-' {
		k = 1
	}
	if n-3-k < 1 || n-3-k > 15 {
		return 0, false
	}
	for _, c := range b[k : n-3] {
		c -= '0'
		if c > 9 {
			return 0, false
		}
		v = v*10 + int64(c)
	}
	d1, d2 := b[n-2]-'0', b[n-1]-'0'
	if d1 > 9 || d2 > 9 {
		return 0, false
	}
	v = v*100 + int64(d1)*10 + int64(d2)
	if k == 1 {
		v = -v
	}
	return v, true
}

// ParseDate parses an X12 date CCYYMMDD (date format qualifier D8) into a
// civil date, refusing impossible dates such as 20250230.
func ParseDate(b []byte) (ketacover.Date, error) {
	if len(b) != 8 || !allDigits(b) {
		return ketacover.Date{}, errDate
	}
	y := int(b[0]-'0')*1000 + int(b[1]-'0')*100 + int(b[2]-'0')*10 + int(b[3]-'0')
	m := int(b[4]-'0')*10 + int(b[5]-'0')
	d := int(b[6]-'0')*10 + int(b[7]-'0')
	if m < 1 || m > 12 || d < 1 || d > ketacover.DaysIn(y, time.Month(m)) {
		return ketacover.Date{}, errDate
	}
	return ketacover.Date{Year: y, Month: time.Month(m), Day: d}, nil
}
