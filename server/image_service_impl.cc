#include "server/image_service_impl.h"

#include <time.h>

#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/time/clock.h"
#include "common/metadata_keys.h"
#include "common/method_names.h"
#include "grpcpp/support/method_handler.h"
#include "server/borrowed_buffer.h"
#include "server/grpc_status.h"

namespace image_server {
namespace {

using grpc::ByteBuffer;
using grpc::ServerContext;
using grpc::ServerWriter;
using grpc::Status;
using grpc::StatusCode;
using grpc::internal::RpcMethod;
using grpc::internal::RpcServiceMethod;
using image_service::ListImagesRequest;
using image_service::StreamImagesRequest;

using image_common::kListImagesMethod;
using image_common::kStreamImagesMethod;

}  // namespace

ImageServiceImpl::ImageServiceImpl(const ImageStore* store,
                                   std::optional<Calibration> calibration)
    : store_(store),
      calibration_(std::move(calibration)),
      encoded_images_(BorrowedImageBuffers(*store)),
      encoded_list_(BorrowedBuffer(store->encoded_list())) {
  AddMethod(new RpcServiceMethod(
      kListImagesMethod, RpcMethod::NORMAL_RPC,
      new grpc::internal::RpcMethodHandler<ImageServiceImpl, ListImagesRequest,
                                           ByteBuffer>(
          [](ImageServiceImpl* service, ServerContext* context,
             const ListImagesRequest* request, ByteBuffer* response) {
            return service->ListImages(context, request, response);
          },
          this)));
  AddMethod(new RpcServiceMethod(
      kStreamImagesMethod, RpcMethod::SERVER_STREAMING,
      new grpc::internal::ServerStreamingHandler<
          ImageServiceImpl, StreamImagesRequest, ByteBuffer>(
          [](ImageServiceImpl* service, ServerContext* context,
             const StreamImagesRequest* request,
             ServerWriter<ByteBuffer>* writer) {
            return service->StreamImages(context, request, writer);
          },
          this)));
}

ServiceCounters ImageServiceImpl::counters() const {
  return {streams_started_.load(), streams_active_.load(),
          streams_cancelled_.load(), images_sent_.load()};
}

// Called at the handler's start, before any of its work, so that a client
// sees exactly the delay on top of the usual service time.
bool ImageServiceImpl::CalibrationWait(ServerContext* context,
                                       Before before) const {
  if (!calibration_.has_value()) return true;
  const absl::Time now = absl::Now();
  return WaitUntil(before == Before::kCall ? calibration_->CallDeadline(now)
                                           : calibration_->ImageDeadline(now),
                   [context] { return context->IsCancelled(); });
}

Status ImageServiceImpl::ListImages(ServerContext* context,
                                    const ListImagesRequest* /*request*/,
                                    ByteBuffer* response) {
  if (!CalibrationWait(context, Before::kCall)) {
    return Status(StatusCode::CANCELLED,
                  "cancelled during a calibration delay");
  }
  *response = encoded_list_;
  if (context->client_metadata().count(image_common::kWantServerCpuKey) > 0) {
    timespec cpu;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    context->AddTrailingMetadata(
        image_common::kServerCpuNanosKey,
        std::to_string(int64_t{cpu.tv_sec} * 1000000000 + cpu.tv_nsec));
  }
  return Status::OK;
}

Status ImageServiceImpl::StreamImages(ServerContext* context,
                                      const StreamImagesRequest* request,
                                      ServerWriter<ByteBuffer>* writer) {
  ++streams_started_;
  ++streams_active_;
  const absl::Cleanup ended = [this] { --streams_active_; };
  if (!CalibrationWait(context, Before::kCall)) {
    return StreamEndedEarly();
  }

  // Every name is checked before the first image goes out, so a bad request
  // costs the client no partial stream.
  absl::StatusOr<std::vector<int>> order =
      store_->Resolve(request->image_names());
  if (!order.ok()) return ToGrpcStatus(order.status());

  for (const int index : *order) {
    if (!CalibrationWait(context, Before::kImage)) {
      return StreamEndedEarly();
    }
    // Write fails once the client cancels or the deadline passes; asking
    // IsCancelled() first cost a zero-timeout poll of the call's queue per
    // image.
    if (!writer->Write(encoded_images_[index])) {
      return StreamEndedEarly();
    }
    ++images_sent_;
  }
  return Status::OK;
}

Status ImageServiceImpl::StreamEndedEarly() {
  ++streams_cancelled_;
  return Status(StatusCode::CANCELLED,
                "stream ended early: the client cancelled or its deadline "
                "passed");
}

}  // namespace image_server
