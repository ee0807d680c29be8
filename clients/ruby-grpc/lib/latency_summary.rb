# frozen_string_literal: true

module PeerClient
  # min, p50, p90, p99, max and mean of durations in microseconds.
  # Percentiles are nearest-rank (the smallest value with at least p% of the
  # values at or below it), as docs/client-matrix-format.md asks.
  module LatencySummary
    # The result file's object for `values_us`; nil when there are none.
    def self.of(values_us)
      return nil if values_us.empty?

      sorted = values_us.sort
      { 'min' => sorted.first, 'p50' => nearest_rank(sorted, 50),
        'p90' => nearest_rank(sorted, 90), 'p99' => nearest_rank(sorted, 99),
        'max' => sorted.last, 'mean' => sorted.sum / sorted.size }
    end

    # Integer arithmetic: 0.99 * 100 in floats is not exactly 99.
    def self.nearest_rank(sorted, percent)
      rank = (percent * sorted.size + 99) / 100
      sorted[[rank, 1].max - 1]
    end
  end
end
