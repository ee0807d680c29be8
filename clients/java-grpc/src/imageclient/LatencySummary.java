package imageclient;

import com.google.gson.JsonObject;
import java.util.Arrays;

/**
 * min, p50, p90, p99, max and mean of a set of durations in microseconds.
 * Percentiles are nearest-rank (the smallest value with at least p% of the
 * values at or below it), as docs/client-matrix-format.md asks.
 */
final class LatencySummary {
  private LatencySummary() {}

  /** The summary as the result file's object; null when there are no values. */
  static JsonObject of(double[] valuesUs) {
    if (valuesUs.length == 0) {
      return null;
    }
    double[] sorted = valuesUs.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (double value : sorted) {
      sum += value;
    }
    JsonObject out = new JsonObject();
    out.addProperty("min", sorted[0]);
    out.addProperty("p50", nearestRank(sorted, 50));
    out.addProperty("p90", nearestRank(sorted, 90));
    out.addProperty("p99", nearestRank(sorted, 99));
    out.addProperty("max", sorted[sorted.length - 1]);
    out.addProperty("mean", sum / sorted.length);
    return out;
  }

  static double nearestRank(double[] sorted, int percent) {
    // Integer arithmetic: 0.99 * 100 in doubles is not exactly 99.
    long rank = ((long) percent * sorted.length + 99) / 100;
    return sorted[(int) Math.max(rank, 1) - 1];
  }
}
