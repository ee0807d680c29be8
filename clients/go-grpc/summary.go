package main

import (
	"sort"
	"time"
)

// Summary is the latency_us object of the result file: nearest-rank
// percentiles over every call of a scenario, in microseconds.
type Summary struct {
	Min  float64 `json:"min"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

// Summarize returns the summary of durations, or nil when there are none.
// It sorts durations in place.
func Summarize(durations []time.Duration) *Summary {
	if len(durations) == 0 {
		return nil
	}
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	var total time.Duration
	for _, d := range durations {
		total += d
	}
	return &Summary{
		Min:  micros(durations[0]),
		P50:  micros(NearestRank(durations, 50)),
		P90:  micros(NearestRank(durations, 90)),
		P99:  micros(NearestRank(durations, 99)),
		Max:  micros(durations[len(durations)-1]),
		Mean: micros(total) / float64(len(durations)),
	}
}

// NearestRank is the smallest value with at least percent % of the sorted,
// non-empty values at or below it: the value at rank ceil(percent/100 * n),
// computed in integers so that no rounding moves a rank.
func NearestRank(sorted []time.Duration, percent int) time.Duration {
	rank := (percent*len(sorted) + 99) / 100
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

func micros(d time.Duration) float64 {
	return float64(d.Nanoseconds()) / 1e3
}
