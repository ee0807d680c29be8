# frozen_string_literal: true

module PeerClient
  # What one call did, as its scenario counts it. first_image_us is nil for
  # ListImages.
  CallRecord = Struct.new(:latency_us, :first_image_us, :images, :bytes, :failed)

  # One ListImages or StreamImages call through the generated stub, timed
  # and checked as docs/client-matrix-format.md says: every image must be the
  # requested one, in order, with its content as long as size_in_bytes; a
  # mismatch or a non-OK status makes the call an error, described in
  # ErrorSamples.
  class ImageCalls
    LIST_REQUEST = ImageService::ListImagesRequest.new.freeze

    def initialize(stub, clock, samples)
      @stub = stub
      @clock = clock
      @samples = samples
    end

    def list
      start = @clock.nanos
      failed = false
      begin
        @stub.list_images(LIST_REQUEST)
      rescue GRPC::BadStatus => e
        @samples.add(ErrorSamples.describe(e))
        failed = true
      end
      CallRecord.new(Clock.micros(start, @clock.nanos), nil, 0, 0, failed)
    end

    # Streams `request`, whose names are `expected`. A call that ends without
    # an image takes its end as its first-response time, so that every call
    # of a stream scenario has one.
    def stream(request, expected)
      start = @clock.nanos
      first_image = nil
      images = 0
      bytes = 0
      problem = nil
      begin
        @stub.stream_images(request).each do |response|
          first_image ||= @clock.nanos
          image = response.image
          # Each read of a bytes field copies it into a new String
          # (google-protobuf 3.21), so content is read once.
          size = image.content.bytesize
          problem ||= check_image(image, size, images, expected)
          images += 1
          bytes += size
        end
        if problem.nil? && images < expected.size
          problem = "the stream ended after #{images} of #{expected.size} images"
        end
      rescue GRPC::BadStatus => e
        problem = ErrorSamples.describe(e)
      end
      finish = @clock.nanos
      @samples.add(problem) if problem
      CallRecord.new(Clock.micros(start, finish), Clock.micros(start, first_image || finish),
                     images, bytes, !problem.nil?)
    end

    private

    def check_image(image, size, index, expected)
      return "more images than the #{expected.size} requested" if index >= expected.size

      want = expected[index]
      if image.name != want
        return "image #{index} is '#{ClientOptions.shorten(image.name)}', " \
               "not the requested '#{ClientOptions.shorten(want)}'"
      end
      return nil if size == image.size_in_bytes

      "image '#{ClientOptions.shorten(want)}' has #{size} content bytes, " \
        "but size_in_bytes says #{image.size_in_bytes}"
    end
  end
end
