package deadline

import (
	"fmt"
	"sync"
	"time"

	"github.com/ketacover/ketacover"
)

// HolidaySource is where the federal holiday list comes from. The observed-day practice
// (Saturday holiday observed the Friday before, Sunday holiday the Monday after) is how
// 5 U.S.C. 6103(b) and Executive Order 11582 are applied for Monday-to-Friday employees, as
// OPM publishes it; the holiday list itself is 5 U.S.C. 6103(a).
const HolidaySource = "https://uscode.house.gov/view.xhtml?req=granuleid:USC-prelim-title5-section6103&num=0&edition=prelim"

// MinYear and MaxYear bound the years Holidays knows. Before 1971 the Uniform Monday Holiday
// Act had not moved Washington's Birthday, Memorial Day and Columbus Day to Mondays, so the
// rules below would be wrong; no deadline ketacover computes lies there.
const (
	MinYear = 1971
	MaxYear = 9998
)

// Holiday is one legal public holiday of 5 U.S.C. 6103(a) in a given year.
type Holiday struct {
	Name     string         // the name the statute uses
	Date     ketacover.Date // the day the statute names
	Observed ketacover.Date // the weekday federal offices close instead, when Date is a Saturday or Sunday; else Date
}

// Holidays returns the legal public holidays designated for year, in calendar order. It
// leaves out Inauguration Day, which 5 U.S.C. 6103(c) makes a holiday only for employees in
// the Washington, DC area. The Observed day of New Year's Day can fall in the year before.
func Holidays(year int) ([]Holiday, error) {
	hs, err := holidays(year)
	return append([]Holiday(nil), hs...), err
}

// yearCache keeps each year's list: business-day counting asks for the same year many times.
// It only memoises a pure function, so it changes no result.
var yearCache sync.Map // int -> []Holiday

// holidays returns the shared, never modified list for year.
func holidays(year int) ([]Holiday, error) {
	if year < MinYear || year > MaxYear {
		return nil, ketacover.Errorf(ketacover.EINVALID, "federal holidays: year %d outside %d-%d", year, MinYear, MaxYear)
	}
	if hs, ok := yearCache.Load(year); ok {
		return hs.([]Holiday), nil
	}
	hs := computeHolidays(year)
	yearCache.Store(year, hs)
	return hs, nil
}

func computeHolidays(year int) []Holiday {
	fixed := func(name string, m time.Month, d int) Holiday {
		date := ketacover.Date{Year: year, Month: m, Day: d}
		return Holiday{Name: name, Date: date, Observed: observed(date)}
	}
	nth := func(name string, m time.Month, wd time.Weekday, n int) Holiday {
		date := nthWeekday(year, m, wd, n)
		return Holiday{Name: name, Date: date, Observed: date}
	}
	hs := []Holiday{fixed("New Year's Day", time.January, 1)}
	if year >= 1986 { // Pub. L. 98-144 added Birthday of Martin Luther King, Jr. from 1986
		hs = append(hs, nth("Birthday of Martin Luther King, Jr.", time.January, time.Monday, 3))
	}
	hs = append(hs,
		nth("Washington's Birthday", time.February, time.Monday, 3),
		nth("Memorial Day", time.May, time.Monday, -1),
	)
	if year >= 2021 { // Juneteenth National Independence Day Act, Pub. L. 117-17, June 17, 2021
		hs = append(hs, fixed("Juneteenth National Independence Day", time.June, 19))
	}
	hs = append(hs,
		fixed("Independence Day", time.July, 4),
		nth("Labor Day", time.September, time.Monday, 1),
		nth("Columbus Day", time.October, time.Monday, 2),
	)
	if year <= 1977 { // Pub. L. 90-363 put Veterans Day on the fourth Monday in October 1971-1977
		hs = append(hs, nth("Veterans Day", time.October, time.Monday, 4))
	} else {
		hs = append(hs, fixed("Veterans Day", time.November, 11))
	}
	hs = append(hs,
		nth("Thanksgiving Day", time.November, time.Thursday, 4),
		fixed("Christmas Day", time.December, 25),
	)
	return hs
}

// observed moves a Saturday holiday to the Friday before and a Sunday holiday to the Monday after.
func observed(d ketacover.Date) ketacover.Date {
	switch d.Weekday() {
	case time.Saturday:
		return d.AddDays(-1)
	case time.Sunday:
		return d.AddDays(1)
	}
	return d
}

// nthWeekday returns the n-th weekday wd of month m (n = -1: the last one).
func nthWeekday(year int, m time.Month, wd time.Weekday, n int) ketacover.Date {
	if n < 0 {
		last := ketacover.NewDate(year, m+1, 0)
		back := (int(last.Weekday()) - int(wd) + 7) % 7
		return last.AddDays(-back)
	}
	first := ketacover.Date{Year: year, Month: m, Day: 1}
	ahead := (int(wd) - int(first.Weekday()) + 7) % 7
	return first.AddDays(ahead + 7*(n-1))
}

// FederalHoliday reports whether d is a federal holiday, and which. With observed false only
// the statutory day counts (2026-07-04, a Saturday); with observed true the day offices close
// instead counts too (Friday 2026-07-03). Which reading a regulation means is often unsettled
// (regulations-verified.md §1.1), so Compute uses the statutory day and reports the other.
func FederalHoliday(d ketacover.Date, observed bool) (Holiday, bool, error) {
	for _, y := range []int{d.Year, d.Year + 1} { // New Year's Day may be observed on Dec 31
		if y > MaxYear {
			continue
		}
		hs, err := holidays(y)
		if err != nil {
			return Holiday{}, false, err
		}
		for _, h := range hs {
			if h.Date == d || (observed && h.Observed == d) {
				return h, true, nil
			}
		}
	}
	return Holiday{}, false, nil
}

// BusinessDay reports whether d is a Monday-to-Friday day that is not a federal holiday.
func BusinessDay(d ketacover.Date, observed bool) (bool, error) {
	switch d.Weekday() {
	case time.Saturday, time.Sunday:
		return false, nil
	}
	_, h, err := FederalHoliday(d, observed)
	return !h, err
}

// nonBusinessReason says why d is not a business day ("a Sunday", "Independence Day").
func nonBusinessReason(d ketacover.Date, observed bool) string {
	switch d.Weekday() {
	case time.Saturday, time.Sunday:
		return "a " + d.Weekday().String()
	}
	if h, ok, _ := FederalHoliday(d, observed); ok {
		if h.Date != d {
			return fmt.Sprintf("the observed %s", h.Name)
		}
		return h.Name
	}
	return "a business day"
}
