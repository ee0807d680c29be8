'use strict';
// Latency summaries as the result file has them: min, nearest-rank p50, p90,
// p99, max and mean over every call of a scenario, in microseconds.

// The nearest-rank percentile p (0-100) of `sorted` (ascending, not empty).
function nearestRank(sorted, p) {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

// The summary of `samplesUs`, or null for no samples.
function summarize(samplesUs) {
  if (samplesUs.length === 0) return null;
  const sorted = Float64Array.from(samplesUs).sort();
  const round = (us) => Math.round(us * 10) / 10;
  let sum = 0;
  for (const us of sorted) sum += us;
  return {
    min: round(sorted[0]),
    p50: round(nearestRank(sorted, 50)),
    p90: round(nearestRank(sorted, 90)),
    p99: round(nearestRank(sorted, 99)),
    max: round(sorted[sorted.length - 1]),
    mean: round(sum / sorted.length),
  };
}

module.exports = { nearestRank, summarize };
