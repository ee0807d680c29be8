#include "server/image_service_impl.h"

#include <time.h>

#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/metadata_keys.h"
#include "common/method_names.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "server/borrowed_buffer.h"

namespace image_server {
namespace {

using grpc::ByteBuffer;
using grpc::ServerContext;
using grpc::ServerWriter;
using grpc::Status;
using grpc::StatusCode;
using image_service::StreamImagesRequest;

using image_common::kListImagesMethod;
using image_common::kStreamImagesMethod;
using image_common::ToGrpcStatus;

// InvalidArgument naming the message when `bytes` do not parse as it.
absl::Status ParseRequest(const ByteBuffer& bytes,
                          google::protobuf::Message* message) {
  ByteBuffer readable(bytes);  // Shares the slices; the reader consumes it.
  grpc::ProtoBufferReader reader(&readable);
  if (!message->ParseFromZeroCopyStream(&reader)) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed ", message->GetDescriptor()->name(),
                     ": not a valid protobuf message of that type"));
  }
  return absl::OkStatus();
}

}  // namespace

ImageServiceImpl::ImageServiceImpl(const ImageStore* store,
                                   std::optional<Calibration> calibration)
    : store_(store),
      calibration_(std::move(calibration)),
      encoded_images_(BorrowedImageBuffers(*store)),
      encoded_list_(BorrowedBuffer(store->encoded_list())) {
  AddRawUnaryMethod(kListImagesMethod,
                    [this](ServerContext* context, const ByteBuffer& request,
                           ByteBuffer* response) {
                      return ListImages(context, request, response);
                    });
  AddRawServerStreamingMethod(
      kStreamImagesMethod,
      [this](ServerContext* context, const ByteBuffer& request,
             ServerWriter<ByteBuffer>* writer) {
        return StreamImages(context, request, writer);
      });
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

// The request is empty by contract; its bytes are not even parsed, so any
// client's ListImages costs the same.
Status ImageServiceImpl::ListImages(ServerContext* context,
                                    const ByteBuffer& /*request*/,
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
                                      const ByteBuffer& request_bytes,
                                      ServerWriter<ByteBuffer>* writer) {
  ++streams_started_;
  ++streams_active_;
  const absl::Cleanup ended = [this] { --streams_active_; };
  if (!CalibrationWait(context, Before::kCall)) {
    return StreamEndedEarly();
  }

  StreamImagesRequest request;
  if (absl::Status parsed = ParseRequest(request_bytes, &request);
      !parsed.ok()) {
    return ToGrpcStatus(parsed);
  }
  // Every name is checked before the first image goes out, so a bad request
  // costs the client no partial stream.
  absl::StatusOr<std::vector<int>> order =
      store_->Resolve(request.image_names());
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
