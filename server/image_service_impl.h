// The ImageService RPC handlers, on a raw-bytes synchronous service
// (raw_sync_service.h) so that responses go out as the bytes the store
// encoded at start-up: the generated sync service would serialize (copy)
// every image on every send. The method names and wire format are exactly
// those of image_service.proto.
#ifndef SERVER_IMAGE_SERVICE_IMPL_H_
#define SERVER_IMAGE_SERVICE_IMPL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "image_service.pb.h"
#include "server/calibration.h"
#include "server/call_recorder.h"
#include "server/image_cache.h"
#include "server/image_store.h"
#include "server/raw_sync_service.h"
#include "server/served_images.h"
#include "server/stream_record.h"

namespace image_server {

// What the server can know of its streams. A stream "ended early" when the
// client cancelled, or its deadline passed, before the server had handed its
// last image to gRPC. A client that cancels after that is not counted: every
// image was already on its way (in flight or in the client's buffers), and
// the server learns of no cancel that comes after its last write. A client
// of short streams that cancels them all therefore sees more cancels than the
// server counts; the client's own count is the one to trust for those.
struct ServiceCounters {
  int64_t streams_started = 0;
  int64_t streams_active = 0;
  // Every image of the request was handed to gRPC.
  int64_t streams_sent_in_full = 0;
  int64_t streams_cancelled = 0;  // Ended early, as above.
  // Refused before any image: a malformed request or an unknown name.
  int64_t streams_refused = 0;
  // Ended by an error after it began: an image whose file changed on disk
  // since indexing (with a cache, see image_cache.h).
  int64_t streams_failed = 0;
  int64_t images_sent = 0;
};

class ImageServiceImpl final : public RawSyncService {
 public:
  // `store` must outlive the service (until the first Replace): responses
  // point into its memory. With a calibration, calls and images wait as it
  // says (see calibration.h). Every finished call's StreamRecord goes to
  // each of `record_sinks` (which must outlive the service); with none,
  // calls are not timed at all. With a `cache`, `store` (and every store
  // Replace gives) is an index without content, read through the cache.
  explicit ImageServiceImpl(
      const ImageStore* store,
      std::optional<Calibration> calibration = std::nullopt,
      std::vector<StreamRecordSink*> record_sinks = {},
      std::shared_ptr<ImageCache> cache = nullptr);

  // Serves `store` from now on. Calls already running go on with the images
  // they started with (see served_images.h).
  void Replace(ImageStore store);

  ServiceCounters counters() const;

 private:
  grpc::Status ListImages(grpc::ServerContext* context,
                          const grpc::ByteBuffer& request,
                          grpc::ByteBuffer* response);
  grpc::Status StreamImages(grpc::ServerContext* context,
                            const grpc::ByteBuffer& request,
                            grpc::ServerWriter<grpc::ByteBuffer>* writer);
  grpc::Status ServeStream(grpc::ServerContext* context,
                           const grpc::ByteBuffer& request,
                           grpc::ServerWriter<grpc::ByteBuffer>* writer,
                           CallRecorder* recorder);
  grpc::Status StreamEndedEarly();

  enum class Before { kCall, kImage };
  // With a calibration, waits as it says before a call's answer or an
  // image; false when the call was cancelled while waiting. True at once
  // without one.
  bool CalibrationWait(grpc::ServerContext* context, Before before) const;

  std::shared_ptr<const ServedImages> Current() const;

  const std::optional<Calibration> calibration_;
  const std::vector<StreamRecordSink*> record_sinks_;
  const std::shared_ptr<ImageCache> cache_;
  mutable absl::Mutex mutex_;
  std::shared_ptr<const ServedImages> current_ ABSL_GUARDED_BY(mutex_);

  std::atomic<int64_t> streams_started_{0};
  std::atomic<int64_t> streams_active_{0};
  std::atomic<int64_t> streams_sent_in_full_{0};
  std::atomic<int64_t> streams_cancelled_{0};
  std::atomic<int64_t> streams_refused_{0};
  std::atomic<int64_t> streams_failed_{0};
  std::atomic<int64_t> images_sent_{0};
};

}  // namespace image_server

#endif  // SERVER_IMAGE_SERVICE_IMPL_H_
