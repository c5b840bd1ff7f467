package engine

import (
	"fmt"
	"time"
)

// Today is the language's today(): the date of the turn in nlp.timezone,
// as 2026-11-30.
func (t *Turn) Today() string { return t.Now().Format(time.DateOnly) }

// Weekday is the language's weekday(date): the English name of the day of
// a date (2026-11-30) or of a time as the datetime entity writes it, in
// nlp.timezone; anything else fails the body at at.
func (t *Turn) Weekday(at, date string) string {
	return t.date(at, date).Weekday().String()
}

// DaysUntil is the language's days_until(date): the days from the turn's
// date to date, both in nlp.timezone (negative for a past date).
func (t *Turn) DaysUntil(at, date string) float64 {
	d := t.date(at, date)
	now := t.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	return day.Sub(today).Hours() / 24
}

// date reads a date or a time of the language: 2026-11-30, or RFC 3339 as
// now() and the datetime entity write it, taken in nlp.timezone.
func (t *Turn) date(at, s string) time.Time {
	loc := t.s.e.loc
	if d, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return d
	}
	if d, err := time.Parse(time.RFC3339, s); err == nil {
		return d.In(loc)
	}
	t.Fail(at, fmt.Errorf("%q is not a date (write 2026-11-30, or a time as now() writes it)", s))
	return time.Time{}
}
