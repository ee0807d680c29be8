# frozen_string_literal: true

module PeerClient
  # Unix time with nanosecond steps: the wall clock read once, then moved on
  # by the monotonic clock, so that durations and the start and end times in
  # the result file agree.
  class Clock
    def initialize
      @base_nanos = nanos
      @base_unix_s = Process.clock_gettime(Process::CLOCK_REALTIME, :float_second)
    end

    def nanos
      Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond)
    end

    def unix_seconds(nanos)
      @base_unix_s + (nanos - @base_nanos) / 1e9
    end

    def self.micros(from_nanos, to_nanos)
      (to_nanos - from_nanos) / 1e3
    end
  end
end
