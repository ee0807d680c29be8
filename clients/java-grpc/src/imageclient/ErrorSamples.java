package imageclient;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;

/** The first few call failures of a run, each one bounded line. */
final class ErrorSamples {
  static final int MAX_SAMPLES = 5;
  static final int MAX_CHARS = 200;

  private final List<String> samples = new ArrayList<>();

  synchronized void add(String sample) {
    if (samples.size() < MAX_SAMPLES) {
      samples.add(bounded(sample));
    }
  }

  synchronized List<String> list() {
    return new ArrayList<>(samples);
  }

  /**
   * "CODE: description", as gRPC gave them, with the cause's message (e.g.
   * "Connection refused" under grpc-java's "io exception").
   */
  static String describe(Status status) {
    String description = status.getDescription();
    String text = status.getCode().name() + (description == null ? "" : ": " + description);
    Throwable cause = status.getCause();
    if (cause != null && cause.getMessage() != null) {
      text += " (" + cause.getMessage() + ")";
    }
    return text;
  }

  private static String bounded(String text) {
    String oneLine = text.replaceAll("[\\r\\n\\t]+", " ");
    return oneLine.length() <= MAX_CHARS ? oneLine : oneLine.substring(0, MAX_CHARS - 3) + "...";
  }
}
