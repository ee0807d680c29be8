// The ImageService RPC handlers, on a raw-bytes synchronous service
// (raw_sync_service.h) so that responses go out as the bytes the store
// encoded at start-up: the generated sync service would serialize (copy)
// every image on every send. The method names and wire format are exactly
// those of image_service.proto.
#ifndef SERVER_IMAGE_SERVICE_IMPL_H_
#define SERVER_IMAGE_SERVICE_IMPL_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "image_service.pb.h"
#include "server/calibration.h"
#include "server/image_store.h"
#include "server/raw_sync_service.h"

namespace image_server {

struct ServiceCounters {
  int64_t streams_started = 0;
  int64_t streams_active = 0;
  // Streams that ended because the client went away or its deadline passed.
  int64_t streams_cancelled = 0;
  int64_t images_sent = 0;
};

class ImageServiceImpl final : public RawSyncService {
 public:
  // `store` must outlive the service: responses point into its memory.
  // With a calibration, calls and images wait as it says (see calibration.h).
  explicit ImageServiceImpl(
      const ImageStore* store,
      std::optional<Calibration> calibration = std::nullopt);

  ServiceCounters counters() const;

 private:
  grpc::Status ListImages(grpc::ServerContext* context,
                          const grpc::ByteBuffer& request,
                          grpc::ByteBuffer* response);
  grpc::Status StreamImages(grpc::ServerContext* context,
                            const grpc::ByteBuffer& request,
                            grpc::ServerWriter<grpc::ByteBuffer>* writer);
  grpc::Status StreamEndedEarly();

  enum class Before { kCall, kImage };
  // With a calibration, waits as it says before a call's answer or an
  // image; false when the call was cancelled while waiting. True at once
  // without one.
  bool CalibrationWait(grpc::ServerContext* context, Before before) const;

  const ImageStore* store_;
  const std::optional<Calibration> calibration_;
  // One buffer per store image, sharing the store's bytes without a copy.
  std::vector<grpc::ByteBuffer> encoded_images_;
  grpc::ByteBuffer encoded_list_;

  std::atomic<int64_t> streams_started_{0};
  std::atomic<int64_t> streams_active_{0};
  std::atomic<int64_t> streams_cancelled_{0};
  std::atomic<int64_t> images_sent_{0};
};

}  // namespace image_server

#endif  // SERVER_IMAGE_SERVICE_IMPL_H_
