package main

import (
	"testing"
	"time"
)

func TestNearestRankPicksTheCeilingRank(t *testing.T) {
	values := make([]time.Duration, 10)
	for i := range values {
		values[i] = time.Duration(i+1) * time.Microsecond
	}
	for _, c := range []struct {
		percent int
		want    time.Duration
	}{{0, 1}, {1, 1}, {10, 1}, {11, 2}, {50, 5}, {51, 6}, {90, 9}, {91, 10}, {99, 10}, {100, 10}} {
		if got := NearestRank(values, c.percent); got != c.want*time.Microsecond {
			t.Errorf("NearestRank(1..10 us, %d) = %v, want %v us", c.percent, got, int64(c.want))
		}
	}
}

func TestNearestRankOfOneHundredValuesIsExact(t *testing.T) {
	// 0.99 * 100 is not exactly 99 in floating point; the rank must be.
	values := make([]time.Duration, 100)
	for i := range values {
		values[i] = time.Duration(i + 1)
	}
	if got := NearestRank(values, 99); got != 99 {
		t.Errorf("p99 of 1..100 = %d, want 99", got)
	}
	if got := NearestRank(values, 90); got != 90 {
		t.Errorf("p90 of 1..100 = %d, want 90", got)
	}
}

func TestSummarizeSortsAndReportsMicroseconds(t *testing.T) {
	got := Summarize([]time.Duration{3000, 1000, 2000, 6000})
	want := Summary{Min: 1, P50: 2, P90: 6, P99: 6, Max: 6, Mean: 3}
	if got == nil || *got != want {
		t.Errorf("Summarize = %+v, want %+v", got, want)
	}
}

func TestSummarizeOfNothingIsNil(t *testing.T) {
	if got := Summarize(nil); got != nil {
		t.Errorf("Summarize(nil) = %+v, want nil", got)
	}
}
