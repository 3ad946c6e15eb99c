package cost

import (
	"fmt"
	"math/big"

	"github.com/ketacover/ketacover"
)

// Installment is one month of a loan.
type Installment struct {
	Month     int             `json:"month"`
	Payment   ketacover.Cents `json:"payment"`
	Interest  ketacover.Cents `json:"interest"`
	Principal ketacover.Cents `json:"principal"`
	Balance   ketacover.Cents `json:"balance"` // after this payment
}

// Loan is a fixed-payment installment loan, amortised as a standard annuity.
type Loan struct {
	Principal     ketacover.Cents `json:"principal"`
	APR           ketacover.Rate  `json:"apr"`
	Months        int             `json:"months"`
	Payment       ketacover.Cents `json:"payment"`      // each month but the last
	LastPayment   ketacover.Cents `json:"last_payment"` // settles the rounding
	TotalInterest ketacover.Cents `json:"total_interest"`
	TotalPaid     ketacover.Cents `json:"total_paid"`
	Schedule      []Installment   `json:"schedule"`
}

// Amortize computes a fixed-payment loan: M = P·r·(1+r)^n / ((1+r)^n − 1)
// with r = APR/12 (M = P/n when r = 0), rounded half up to the cent
// (reference §2.3). Each month's interest is the balance times r, rounded to
// the cent; the rest of the payment repays principal, and the last payment
// is whatever settles the balance. The arithmetic is exact (big.Rat), so the
// result does not depend on floating point.
func Amortize(principal ketacover.Cents, apr ketacover.Rate, months int) (Loan, error) {
	switch {
	case principal <= 0:
		return Loan{}, ketacover.Errorf(ketacover.EINVALID, "loan principal: want more than zero, got %s", principal)
	case apr < 0 || apr > ketacover.Percent(100):
		return Loan{}, ketacover.Errorf(ketacover.EINVALID, "loan APR: want 0%% to 100%%, got %s", apr)
	case months < 1 || months > 360:
		return Loan{}, ketacover.Errorf(ketacover.EINVALID, "loan term: want 1 to 360 months, got %d", months)
	}
	r := big.NewRat(int64(apr), 120000) // basis points per year → fraction per month
	p := new(big.Rat).SetInt64(int64(principal))
	var m *big.Rat
	if apr == 0 {
		m = new(big.Rat).Quo(p, big.NewRat(int64(months), 1))
	} else {
		f := new(big.Rat).SetInt64(1) // (1+r)^n
		onePlusR := new(big.Rat).Add(big.NewRat(1, 1), r)
		for i := 0; i < months; i++ {
			f.Mul(f, onePlusR)
		}
		num := new(big.Rat).Mul(p, r)
		num.Mul(num, f)
		den := new(big.Rat).Sub(f, big.NewRat(1, 1))
		m = num.Quo(num, den)
	}
	l := Loan{Principal: principal, APR: apr, Months: months, Payment: roundRat(m)}
	bal := principal
	for i := 1; i <= months; i++ {
		interest := roundRat(new(big.Rat).Mul(new(big.Rat).SetInt64(int64(bal)), r))
		pay := l.Payment
		if i == months || pay > bal+interest {
			pay = bal + interest
		}
		bal -= pay - interest
		l.Schedule = append(l.Schedule, Installment{Month: i, Payment: pay, Interest: interest, Principal: pay - interest, Balance: bal})
		l.TotalInterest += interest
		l.TotalPaid += pay
		l.LastPayment = pay
		if bal == 0 {
			break
		}
	}
	return l, nil
}

// roundRat rounds a non-negative rational number of cents half up.
func roundRat(x *big.Rat) ketacover.Cents {
	n := new(big.Int).Mul(x.Num(), big.NewInt(2))
	n.Add(n, x.Denom())
	n.Quo(n, new(big.Int).Mul(x.Denom(), big.NewInt(2)))
	return ketacover.Cents(n.Int64())
}

// DeferredInterest is a "no interest if paid in full" promotion: no interest
// is charged if the whole balance is paid within the promotional months;
// otherwise interest at the standard APR is charged back to the purchase
// date on the whole amount (reference §2.3).
type DeferredInterest struct {
	Principal ketacover.Cents `json:"principal"`
	APR       ketacover.Rate  `json:"apr"` // the standard APR charged retroactively
	Months    int             `json:"months"`
	Monthly   ketacover.Cents `json:"monthly"` // what the patient plans to pay each month
	// PaymentToAvoid is the monthly payment that clears the balance in time:
	// the principal over the months, rounded up to the cent.
	PaymentToAvoid ketacover.Cents `json:"payment_to_avoid"`
	// BalanceAtEnd is what is left when the promotion ends.
	BalanceAtEnd ketacover.Cents `json:"balance_at_end"`
	// RetroactiveInterest is the interest charged at the end of the
	// promotion when BalanceAtEnd is not zero: each month's interest on the
	// balance at the start of the month, rounded to the cent and summed. A
	// lender accrues daily on the average daily balance, so its figure
	// differs by a little; this shows the size of the trap.
	RetroactiveInterest ketacover.Cents `json:"retroactive_interest"`
}

// Deferred computes what a deferred-interest promotion costs a patient who
// pays monthly each month.
func Deferred(principal ketacover.Cents, apr ketacover.Rate, months int, monthly ketacover.Cents) (DeferredInterest, error) {
	switch {
	case principal <= 0:
		return DeferredInterest{}, ketacover.Errorf(ketacover.EINVALID, "promotion amount: want more than zero, got %s", principal)
	case apr < 0 || apr > ketacover.Percent(100):
		return DeferredInterest{}, ketacover.Errorf(ketacover.EINVALID, "promotion APR: want 0%% to 100%%, got %s", apr)
	case months < 1 || months > 120:
		return DeferredInterest{}, ketacover.Errorf(ketacover.EINVALID, "promotion length: want 1 to 120 months, got %d", months)
	case monthly < 0:
		return DeferredInterest{}, ketacover.Errorf(ketacover.EINVALID, "monthly payment: want 0 or more, got %s", monthly)
	}
	d := DeferredInterest{Principal: principal, APR: apr, Months: months, Monthly: monthly,
		PaymentToAvoid: ketacover.Cents((int64(principal) + int64(months) - 1) / int64(months))}
	bal := principal
	var accrued ketacover.Cents
	for i := 0; i < months && bal > 0; i++ {
		accrued += ketacover.Cents(divRound(int64(bal)*int64(apr), 120000))
		bal -= min(bal, monthly)
	}
	d.BalanceAtEnd = bal
	if bal > 0 {
		d.RetroactiveInterest = accrued
	}
	return d, nil
}

// Offer is a financing product with its terms, as a source reported them.
type Offer struct {
	Name        string          `json:"name"`
	Deferred    bool            `json:"deferred"` // deferred interest ("no interest if paid in full") rather than a fixed-payment loan
	Months      int             `json:"months"`
	APR         ketacover.Rate  `json:"apr"`
	MinPurchase ketacover.Cents `json:"min_purchase,omitempty"`
	Source      string          `json:"source"`
}

// ExampleOffers are medical-credit terms reported by secondary and weak
// sources (reference §2.3); they show the arithmetic and must be checked
// against the lender's current terms before anyone relies on them.
var ExampleOffers = []Offer{
	{"CareCredit deferred interest, 6 months", true, 6, 3299, ketacover.Dollars(200), carecreditDeferred},
	{"CareCredit deferred interest, 12 months", true, 12, 3299, ketacover.Dollars(200), carecreditDeferred},
	{"CareCredit deferred interest, 18 months", true, 18, 3299, ketacover.Dollars(200), carecreditDeferred},
	{"CareCredit deferred interest, 24 months", true, 24, 3299, ketacover.Dollars(200), carecreditDeferred},
	{"CareCredit reduced APR, 24 months", false, 24, 1490, ketacover.Dollars(1000), carecreditReduced},
	{"CareCredit reduced APR, 48 months", false, 48, 1690, ketacover.Dollars(1000), carecreditReduced},
}

const (
	carecreditDeferred = "promotional periods and $200 minimum: Aatma provider training text and CareCredit payment-calculator disclosure; standard APR 32.99% per ora.it.com (older pages say 29.99%) — weak, verify on carecredit.com"
	carecreditReduced  = "example rates from calculator.city (weak), usually on purchases of $1,000 or more — verify on carecredit.com"
)

// Financing is one offer applied to an amount.
type Financing struct {
	Offer    Offer             `json:"offer"`
	Eligible bool              `json:"eligible"` // the amount meets the offer's minimum purchase
	Loan     *Loan             `json:"loan,omitempty"`
	Deferred *DeferredInterest `json:"deferred,omitempty"`
}

// Finance applies each offer to amount. For a deferred-interest offer the
// patient is assumed to pay the minimum that looks "affordable" — the
// fixed-loan payment over the same months at the offer's APR — and the
// trap is shown for paying only half the payment that clears the balance.
func Finance(amount ketacover.Cents, offers []Offer) ([]Financing, error) {
	var out []Financing
	for _, o := range offers {
		f := Financing{Offer: o, Eligible: amount >= o.MinPurchase}
		if o.Deferred {
			avoid := ketacover.Cents((int64(amount) + int64(o.Months) - 1) / int64(o.Months))
			d, err := Deferred(amount, o.APR, o.Months, avoid/2)
			if err != nil {
				return nil, fmt.Errorf("offer %q: %w", o.Name, err)
			}
			f.Deferred = &d
		} else {
			l, err := Amortize(amount, o.APR, o.Months)
			if err != nil {
				return nil, fmt.Errorf("offer %q: %w", o.Name, err)
			}
			l.Schedule = nil // the summary is enough here; Amortize gives the schedule
			f.Loan = &l
		}
		out = append(out, f)
	}
	return out, nil
}

// divRound divides a by b (b > 0), rounding half away from zero.
func divRound(a, b int64) int64 {
	if a < 0 {
		return -divRound(-a, b)
	}
	return (a + b/2) / b
}
