package imageclient;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import image_service.ImageServiceGrpc;
import image_service.ImageServiceGrpc.ImageServiceBlockingStub;
import image_service.ImageServiceOuterClass.ListImagesRequest;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The java-grpc peer client of the client matrix: runs the scenarios of
 * docs/client-matrix-format.md over one Netty channel, shared by the worker
 * threads, and writes the result file. Started through clients/java-grpc/run.
 */
public final class ImageClient {
  static final String STACK = "java-grpc";
  private static final int MAX_CONCURRENCY = 8;
  private static final int UNAVAILABLE = 3;

  private ImageClient() {}

  public static void main(String[] args) {
    ClientOptions options;
    try {
      options = ClientOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(STACK + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.println(ClientOptions.USAGE);
      return;
    }
    if (options.check) {
      System.exit(check());
    }
    try {
      System.exit(run(options));
    } catch (FatalError e) {
      System.err.println(STACK + ": " + e.getMessage());
      System.exit(1);
    }
  }

  /**
   * A class from each jar a call needs: grpc-java runs some of its call path
   * on an executor that logs a missing class and leaves the call waiting, so
   * the classes are loaded here first.
   */
  private static final String[] NEEDED_CLASSES = {
    "io.grpc.Channel", "io.grpc.Context", "io.grpc.internal.ClientCallImpl",
    "io.grpc.netty.NettyClientHandler", "io.grpc.protobuf.ProtoUtils",
    "io.grpc.protobuf.lite.ProtoLiteUtils", "io.grpc.stub.ClientCalls",
    "com.google.protobuf.Message", "com.google.common.base.Supplier", "io.perfmark.PerfMark",
    "com.google.gson.JsonElement", "io.netty.buffer.ByteBufAllocator",
    "io.netty.handler.codec.Headers", "io.netty.handler.codec.http.HttpResponseStatus",
    "io.netty.handler.codec.http2.Http2ConnectionHandler", "io.netty.util.AsciiString",
    "io.netty.handler.logging.LogLevel", "io.netty.resolver.AddressResolverGroup",
    "io.netty.channel.socket.nio.NioSocketChannel",
  };

  /**
   * Loads {@link #NEEDED_CLASSES}, then makes one call to a closed port
   * (127.0.0.1:1), which runs the client side of a real call up to the
   * refused connection, so that a class missing from the classpath shows
   * here rather than mid-run.
   */
  private static int check() {
    ManagedChannel channel = null;
    try {
      for (String name : NEEDED_CLASSES) {
        Class.forName(name, true, ImageClient.class.getClassLoader());
      }
      channel = new ChannelSettings("127.0.0.1:1", "recommended").open();
      ImageServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .listImages(ListImagesRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      Throwable missing = linkageCause(e);
      if (missing != null) {
        return unavailable(missing);
      }
    } catch (ClassNotFoundException | LinkageError e) {
      return unavailable(e);
    } finally {
      if (channel != null) {
        channel.shutdownNow();
      }
    }
    System.out.println("ok: " + library() + ", " + runtime());
    return 0;
  }

  private static Throwable linkageCause(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof LinkageError || cause instanceof ClassNotFoundException) {
        return cause;
      }
    }
    return null;
  }

  private static int unavailable(Throwable missing) {
    System.out.println("unavailable: Java class not found at run time: " + missing.getMessage()
        + " (a jar of the classpath from clients/java-grpc/setup is missing)");
    return UNAVAILABLE;
  }

  private static int run(ClientOptions options) throws FatalError {
    Path out = Paths.get(options.out);
    checkWritable(out);
    Clock clock = new Clock();
    double startedS = clock.unixSeconds(clock.nanos());
    ChannelSettings settings = new ChannelSettings(options.target, options.settings);
    ManagedChannel channel = settings.open();
    ExecutorService workers = Executors.newFixedThreadPool(MAX_CONCURRENCY);
    try {
      ImageServiceBlockingStub stub = ImageServiceGrpc.newBlockingStub(channel);
      List<String> names = imageNames(stub, options.target);
      ErrorSamples samples = new ErrorSamples();
      JsonArray results = runScenarios(
          new ScenarioRunner(new ImageCalls(stub, clock, samples), clock, workers), options, names);
      JsonObject doc = header(options, settings, names.size(), startedS);
      doc.addProperty("ended_unix_s", clock.unixSeconds(clock.nanos()));
      long errors = 0;
      for (int i = 0; i < results.size(); i++) {
        errors += results.get(i).getAsJsonObject().get("errors").getAsLong();
      }
      doc.addProperty("errors", errors);
      JsonArray sampleArray = new JsonArray();
      samples.list().forEach(sampleArray::add);
      doc.add("error_samples", sampleArray);
      doc.add("results", results);
      write(out, doc);
      return 0;
    } catch (InterruptedException e) {
      throw new FatalError("interrupted");
    } finally {
      workers.shutdownNow();
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The names the server holds, from the one ListImages call that starts a run. */
  private static List<String> imageNames(ImageServiceBlockingStub stub, String target)
      throws FatalError {
    try {
      List<String> names = stub.listImages(ListImagesRequest.getDefaultInstance())
          .getImageNamesList();
      if (names.isEmpty()) {
        throw new FatalError("the server at " + target + " holds no images");
      }
      return names;
    } catch (StatusRuntimeException e) {
      throw new FatalError("ListImages at " + target + " failed: "
          + ErrorSamples.describe(e.getStatus()));
    }
  }

  private static JsonArray runScenarios(ScenarioRunner runner, ClientOptions options,
      List<String> names) throws InterruptedException {
    JsonArray results = new JsonArray();
    results.add(runner.list(1, options.listCalls()));
    results.add(runner.list(MAX_CONCURRENCY, options.listCalls()));
    for (int concurrency : new int[] {1, MAX_CONCURRENCY}) {
      for (int perStream : options.streamSizes(concurrency)) {
        results.add(runner.stream(concurrency, perStream, names, options.minTimeS()));
      }
    }
    return results;
  }

  private static JsonObject header(ClientOptions options, ChannelSettings settings,
      int imagesInSet, double startedS) {
    JsonObject doc = new JsonObject();
    doc.addProperty("schema", "image-client/1");
    doc.addProperty("stack", STACK);
    doc.addProperty("library", library());
    doc.addProperty("runtime", runtime());
    doc.addProperty("settings", options.settings);
    JsonObject channelOptions = new JsonObject();
    settings.options.forEach(channelOptions::addProperty);
    doc.add("channel_options", channelOptions);
    doc.addProperty("target", options.target);
    doc.addProperty("images_in_set", imagesInSet);
    doc.addProperty("started_unix_s", startedS);
    doc.addProperty("notes",
        "blocking stubs on one Netty channel (NIO transport: Debian's netty ships no native"
            + " epoll library) shared by " + MAX_CONCURRENCY + " worker threads; no JIT"
            + " warm-up before the first scenario");
    return doc;
  }

  /** grpc-java's version from its jar's manifest, with the Netty it runs on. */
  static String library() {
    String grpc = NettyChannelBuilder.class.getPackage().getImplementationVersion();
    io.netty.util.Version netty = io.netty.util.Version.identify().get("netty-codec-http2");
    return "grpc-java " + (grpc == null ? "(version unknown)" : grpc)
        + " (netty " + (netty == null ? "(version unknown)" : netty.artifactVersion()) + ")";
  }

  static String runtime() {
    String name = System.getProperty("java.runtime.name", "Java");
    return name.replace(" Runtime Environment", "") + " " + System.getProperty("java.version");
  }

  private static void checkWritable(Path out) throws FatalError {
    Path dir = out.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)
        || (Files.exists(out) && !Files.isWritable(out))) {
      throw new FatalError("cannot write " + out + " (no such directory, or not writable)");
    }
  }

  private static void write(Path out, JsonObject doc) throws FatalError {
    Gson gson = new GsonBuilder().setPrettyPrinting().serializeNulls().create();
    try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      gson.toJson(doc, writer);
      writer.write("\n");
    } catch (IOException e) {
      throw new FatalError("cannot write " + out + ": " + e.getMessage());
    }
  }

  /** A reason to stop the whole run, said in one line. */
  static final class FatalError extends Exception {
    private static final long serialVersionUID = 1L;

    FatalError(String message) {
      super(message);
    }
  }
}
