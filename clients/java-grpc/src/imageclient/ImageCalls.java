package imageclient;

import image_service.ImageServiceGrpc.ImageServiceBlockingStub;
import image_service.ImageServiceOuterClass.Image;
import image_service.ImageServiceOuterClass.ListImagesRequest;
import image_service.ImageServiceOuterClass.StreamImagesRequest;
import image_service.ImageServiceOuterClass.StreamImagesResponse;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.List;

/**
 * One ListImages or StreamImages call, timed and checked as
 * docs/client-matrix-format.md says: every image must be the requested one,
 * in order, with {@code len(content) == size_in_bytes}; a mismatch or a
 * non-OK status makes the call an error, described in {@link ErrorSamples}.
 */
final class ImageCalls {
  private static final ListImagesRequest LIST_REQUEST = ListImagesRequest.getDefaultInstance();

  private final ImageServiceBlockingStub stub;
  private final Clock clock;
  private final ErrorSamples samples;

  ImageCalls(ImageServiceBlockingStub stub, Clock clock, ErrorSamples samples) {
    this.stub = stub;
    this.clock = clock;
    this.samples = samples;
  }

  CallRecord list() {
    long start = clock.nanos();
    boolean failed = false;
    try {
      stub.listImages(LIST_REQUEST);
    } catch (StatusRuntimeException e) {
      samples.add(ErrorSamples.describe(e.getStatus()));
      failed = true;
    }
    return new CallRecord(Clock.micros(start, clock.nanos()), Double.NaN, 0, 0, failed);
  }

  /**
   * Streams {@code request}, whose names are {@code expected}. A call that
   * ends without an image takes its end as its first-response time, so that
   * every call of a stream scenario has one.
   */
  CallRecord stream(StreamImagesRequest request, List<String> expected) {
    long start = clock.nanos();
    long firstImage = -1;
    long images = 0;
    long bytes = 0;
    String problem = null;
    try {
      Iterator<StreamImagesResponse> responses = stub.streamImages(request);
      while (responses.hasNext()) {
        Image image = responses.next().getImage();
        if (firstImage < 0) {
          firstImage = clock.nanos();
        }
        if (problem == null) {
          problem = checkImage(image, images, expected);
        }
        images++;
        bytes += image.getContent().size();
      }
      if (problem == null && images < expected.size()) {
        problem = "the stream ended after " + images + " of " + expected.size() + " images";
      }
    } catch (StatusRuntimeException e) {
      problem = ErrorSamples.describe(e.getStatus());
    }
    long end = clock.nanos();
    if (problem != null) {
      samples.add(problem);
    }
    double firstUs = Clock.micros(start, firstImage < 0 ? end : firstImage);
    return new CallRecord(Clock.micros(start, end), firstUs, images, bytes, problem != null);
  }

  private static String checkImage(Image image, long index, List<String> expected) {
    if (index >= expected.size()) {
      return "more images than the " + expected.size() + " requested";
    }
    String want = expected.get((int) index);
    if (!image.getName().equals(want)) {
      return "image " + index + " is '" + ClientOptions.shorten(image.getName())
          + "', not the requested '" + ClientOptions.shorten(want) + "'";
    }
    int size = image.getContent().size();
    if (size != image.getSizeInBytes()) {
      return "image '" + ClientOptions.shorten(want) + "' has " + size
          + " content bytes, but size_in_bytes says " + image.getSizeInBytes();
    }
    return null;
  }
}
