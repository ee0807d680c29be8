package imageclient;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import image_service.ImageServiceOuterClass.StreamImagesRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one scenario with {@code c} worker threads sharing the client's one
 * channel, each making blocking calls back to back, and sums what they did
 * into the result file's object for that scenario.
 */
final class ScenarioRunner {
  private final ImageCalls calls;
  private final Clock clock;
  private final ExecutorService workers;

  ScenarioRunner(ImageCalls calls, Clock clock, ExecutorService workers) {
    this.calls = calls;
    this.clock = clock;
    this.workers = workers;
  }

  /** What one worker thread does until {@code deadlineNanos} (a {@link Clock} reading). */
  private interface Worker {
    List<CallRecord> work(long deadlineNanos);
  }

  /** {@code totalCalls} ListImages calls, shared by {@code concurrency} workers. */
  JsonObject list(int concurrency, int totalCalls) throws InterruptedException {
    AtomicInteger left = new AtomicInteger(totalCalls);
    Worker worker =
        deadlineNanos -> {
          List<CallRecord> done = new ArrayList<>();
          while (left.getAndDecrement() > 0) {
            done.add(calls.list());
          }
          return done;
        };
    return run("list", "ListImages", concurrency, 0, 0, worker);
  }

  /**
   * Streams of {@code perStream} images (names cycling through {@code names}),
   * each worker calling until {@code minTimeS} has passed, at least once; a
   * call started before then is finished and counted.
   */
  JsonObject stream(int concurrency, int perStream, List<String> names, double minTimeS)
      throws InterruptedException {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < perStream; i++) {
      expected.add(names.get(i % names.size()));
    }
    StreamImagesRequest request =
        StreamImagesRequest.newBuilder().addAllImageNames(expected).build();
    Worker worker =
        deadlineNanos -> {
          List<CallRecord> done = new ArrayList<>();
          do {
            done.add(calls.stream(request, expected));
          } while (clock.nanos() - deadlineNanos < 0);
          return done;
        };
    return run("stream", "StreamImages", concurrency, perStream, minTimeS, worker);
  }

  private JsonObject run(String scenario, String rpc, int concurrency, int perStream,
      double minTimeS, Worker worker) throws InterruptedException {
    long start = clock.nanos();
    long deadline = start + (long) (minTimeS * 1e9);
    List<Callable<List<CallRecord>>> tasks = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      tasks.add(() -> worker.work(deadline));
    }
    List<Future<List<CallRecord>>> futures = workers.invokeAll(tasks);
    long end = clock.nanos();
    List<CallRecord> records = new ArrayList<>();
    for (Future<List<CallRecord>> future : futures) {
      try {
        records.addAll(future.get());
      } catch (ExecutionException e) {
        throw new IllegalStateException("a " + rpc + " worker failed: " + e.getCause(), e);
      }
    }
    return summary(scenario, rpc, concurrency, perStream, start, end, records);
  }

  private JsonObject summary(String scenario, String rpc, int concurrency, int perStream,
      long start, long end, List<CallRecord> records) {
    long errors = 0;
    long images = 0;
    long bytes = 0;
    double[] latency = new double[records.size()];
    double[] firstImage = new double[records.size()];
    for (int i = 0; i < records.size(); i++) {
      CallRecord record = records.get(i);
      errors += record.failed ? 1 : 0;
      images += record.images;
      bytes += record.bytes;
      latency[i] = record.latencyUs;
      firstImage[i] = record.firstImageUs;
    }
    double startedS = clock.unixSeconds(start);
    double endedS = clock.unixSeconds(end);
    double wallS = endedS - startedS;
    JsonObject out = new JsonObject();
    out.addProperty("scenario", scenario);
    out.addProperty("rpc", rpc);
    out.addProperty("concurrency", concurrency);
    out.addProperty("images_per_stream", perStream);
    out.addProperty("calls", records.size());
    out.addProperty("errors", errors);
    out.addProperty("started_unix_s", startedS);
    out.addProperty("ended_unix_s", endedS);
    out.addProperty("wall_s", wallS);
    out.addProperty("images", images);
    out.addProperty("bytes", bytes);
    out.addProperty("calls_per_s", wallS > 0 ? records.size() / wallS : 0);
    out.addProperty("images_per_s", wallS > 0 ? images / wallS : 0);
    out.addProperty("bytes_per_s", wallS > 0 ? bytes / wallS : 0);
    out.add("latency_us", LatencySummary.of(latency));
    out.add("first_image_us",
        scenario.equals("list") ? JsonNull.INSTANCE : LatencySummary.of(firstImage));
    return out;
  }
}
