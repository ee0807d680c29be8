#include "server/image_service_impl.h"

#include <time.h>

#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/metadata_keys.h"
#include "common/method_names.h"
#include "server/stream_plan.h"

namespace image_server {
namespace {

using grpc::ByteBuffer;
using grpc::ServerContext;
using grpc::ServerWriter;
using grpc::Status;
using grpc::StatusCode;

using image_common::kListImagesMethod;
using image_common::kStreamImagesMethod;
using image_common::ToGrpcStatus;

}  // namespace

ImageServiceImpl::ImageServiceImpl(const ImageStore* store,
                                   std::optional<Calibration> calibration,
                                   std::vector<StreamRecordSink*> record_sinks,
                                   std::shared_ptr<ImageCache> cache)
    : calibration_(std::move(calibration)),
      record_sinks_(std::move(record_sinks)),
      cache_(std::move(cache)),
      current_(ServedImages::Borrowing(store, cache_)) {
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

void ImageServiceImpl::Replace(ImageStore store) {
  std::shared_ptr<const ServedImages> next =
      ServedImages::Owning(std::move(store), cache_);
  absl::MutexLock lock(&mutex_);
  current_ = std::move(next);
}

std::shared_ptr<const ServedImages> ImageServiceImpl::Current() const {
  absl::ReaderMutexLock lock(&mutex_);
  return current_;
}

ServiceCounters ImageServiceImpl::counters() const {
  ServiceCounters counters;
  counters.streams_started = streams_started_.load();
  counters.streams_active = streams_active_.load();
  counters.streams_sent_in_full = streams_sent_in_full_.load();
  counters.streams_cancelled = streams_cancelled_.load();
  counters.streams_refused = streams_refused_.load();
  counters.streams_failed = streams_failed_.load();
  counters.images_sent = images_sent_.load();
  return counters;
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
  CallRecorder recorder(kListImagesRpc, record_sinks_);
  if (!CalibrationWait(context, Before::kCall)) {
    return recorder.Finish(
        context,
        Status(StatusCode::CANCELLED, "cancelled during a calibration delay"));
  }
  *response = Current()->encoded_list();
  if (context->client_metadata().count(image_common::kWantServerCpuKey) > 0) {
    timespec cpu;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
    context->AddTrailingMetadata(
        image_common::kServerCpuNanosKey,
        std::to_string(int64_t{cpu.tv_sec} * 1000000000 + cpu.tv_nsec));
  }
  return recorder.Finish(context, Status::OK);
}

Status ImageServiceImpl::StreamImages(ServerContext* context,
                                      const ByteBuffer& request_bytes,
                                      ServerWriter<ByteBuffer>* writer) {
  CallRecorder recorder(kStreamImagesRpc, record_sinks_);
  return recorder.Finish(
      context, ServeStream(context, request_bytes, writer, &recorder));
}

Status ImageServiceImpl::ServeStream(ServerContext* context,
                                     const ByteBuffer& request_bytes,
                                     ServerWriter<ByteBuffer>* writer,
                                     CallRecorder* recorder) {
  ++streams_started_;
  ++streams_active_;
  const absl::Cleanup ended = [this] { --streams_active_; };
  if (!CalibrationWait(context, Before::kCall)) {
    return StreamEndedEarly();
  }

  // Held to the end: a rescan meanwhile must not change or free its images.
  const std::shared_ptr<const ServedImages> served = Current();
  absl::StatusOr<std::vector<int>> order =
      PlanStream(served->store(), request_bytes);
  if (!order.ok()) {
    ++streams_refused_;
    return ToGrpcStatus(order.status());
  }

  for (const int index : *order) {
    if (!CalibrationWait(context, Before::kImage)) {
      return StreamEndedEarly();
    }
    // Write fails once the client cancels or the deadline passes; asking
    // IsCancelled() first cost a zero-timeout poll of the call's queue per
    // image.
    const grpc::ByteBuffer* response = served->in_memory_image(index);
    grpc::ByteBuffer read;
    if (response == nullptr) {
      if (absl::Status from_cache = served->Read(index, &read);
          !from_cache.ok()) {
        ++streams_failed_;
        return ToGrpcStatus(from_cache);
      }
      response = &read;
    }
    const CallRecorder::Clock::time_point began = recorder->BeforeWrite();
    const bool written = writer->Write(*response);
    recorder->AfterWrite(began, written,
                         served->store().images()[index].info.size_in_bytes());
    if (!written) return StreamEndedEarly();
    ++images_sent_;
  }
  ++streams_sent_in_full_;
  return Status::OK;
}

Status ImageServiceImpl::StreamEndedEarly() {
  ++streams_cancelled_;
  return Status(StatusCode::CANCELLED,
                "stream ended early: the client cancelled or its deadline "
                "passed");
}

}  // namespace image_server
