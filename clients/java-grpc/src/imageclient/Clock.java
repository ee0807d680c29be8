package imageclient;

import java.time.Instant;

/**
 * Unix time with sub-microsecond steps: the wall clock read once, then moved
 * on by the monotonic clock, so that durations and the start and end times
 * written to the result file agree.
 */
final class Clock {
  private final long baseNanos = System.nanoTime();
  private final double baseUnixS;

  Clock() {
    Instant now = Instant.now();
    baseUnixS = now.getEpochSecond() + now.getNano() / 1e9;
  }

  long nanos() {
    return System.nanoTime();
  }

  double unixSeconds(long nanos) {
    return baseUnixS + (nanos - baseNanos) / 1e9;
  }

  static double micros(long fromNanos, long toNanos) {
    return (toNanos - fromNanos) / 1e3;
  }
}
