#include "bench/image_calls.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/image_client.h"
#include "common/method_names.h"
#include "grpcpp/support/async_stream.h"
#include "grpcpp/support/sync_stream.h"
#include "opencv2/core.hpp"
#include "opencv2/imgcodecs.hpp"

namespace image_bench {
namespace {

using image_service::ImageService;

using image_common::kStreamImagesMethod;

void CheckListImages(const grpc::Status& status,
                     const image_service::ListImagesResponse& response,
                     int listed_images, RpcStats* stats) {
  if (!status.ok()) {
    stats->AddError(absl::StrCat("ListImages: ", DescribeStatus(status)));
  } else if (response.image_names_size() != listed_images) {
    stats->AddError(
        absl::StrCat("ListImages returned ", response.image_names_size(),
                     " names, first call returned ", listed_images));
  }
}

}  // namespace

ListImagesWorker::ListImagesWorker(std::shared_ptr<grpc::Channel> channel,
                                   int listed_images)
    : stub_(ImageService::NewStub(std::move(channel))),
      listed_images_(listed_images) {}

void ListImagesWorker::Call(absl::Time intended_start, RpcStats* stats) {
  grpc::ClientContext context;
  response_.Clear();
  const absl::Time start = absl::Now();
  const grpc::Status status = stub_->ListImages(&context, request_, &response_);
  const absl::Time end = absl::Now();
  stats->rpc_latency.RecordDuration(end - intended_start);
  stats->rpc_latency_uncorrected.RecordDuration(end - start);
  ++stats->rpcs;
  CheckListImages(status, response_, listed_images_, stats);
}

ListImagesSlot::ListImagesSlot(std::shared_ptr<grpc::Channel> channel,
                               int listed_images)
    : stub_(ImageService::NewStub(std::move(channel))),
      listed_images_(listed_images) {}

void ListImagesSlot::Start(grpc::CompletionQueue* cq, void* tag) {
  reader_.reset();  // Before its call goes with the old context.
  context_.emplace();
  response_.Clear();
  reader_ = stub_->AsyncListImages(&*context_, request_, cq);
  reader_->Finish(&response_, &status_, tag);
}

bool ListImagesSlot::Proceed(bool ok, RpcStats* stats) {
  if (!ok) {
    stats->AddError("ListImages: the completion queue dropped the call");
  } else {
    CheckListImages(status_, response_, listed_images_, stats);
  }
  return true;
}

StreamReceiver::StreamReceiver(
    const image_service::StreamImagesRequest* request,
    const StreamVerifier* verifier, bool decode)
    : request_(request), verifier_(verifier), decode_(decode) {}

void StreamReceiver::Begin(absl::Time start) {
  previous_ = start;
  received_ = 0;
}

void StreamReceiver::Receive(grpc::ByteBuffer* buffer, RpcStats* stats) {
  const absl::Time now = absl::Now();
  (received_ == 0 ? stats->first_image : stats->image_gap)
      .RecordDuration(now - previous_);
  previous_ = now;
  const int position = received_++;
  ++stats->images;
  if (const absl::Status parsed = ParseStreamImagesResponse(buffer, &image_);
      !parsed.ok()) {
    stats->AddError(std::string(parsed.message()));
    return;
  }
  stats->bytes += image_.content_size;
  if (verifier_ != nullptr && !verifier_->Check(position, image_, &problem_)) {
    stats->AddError(problem_);
  }
  if (decode_ && !Decodes()) {
    stats->AddError(absl::StrCat("'", image_.name, "' does not decode"));
  }
}

void StreamReceiver::End(const grpc::Status& status, RpcStats* stats) const {
  if (!status.ok()) {
    stats->AddError(absl::StrCat("StreamImages: ", DescribeStatus(status)));
  } else if (received_ != request_->image_names_size()) {
    stats->AddError(absl::StrCat("stream ended after ", received_, " of ",
                                 request_->image_names_size(), " images"));
  }
}

bool StreamReceiver::Decodes() {
  image_.CopyContent(&decode_buffer_);
  const cv::Mat wrapped(1, static_cast<int>(decode_buffer_.size()), CV_8UC1,
                        decode_buffer_.data());
  // Some of OpenCV's decoders throw on corrupt input instead of returning
  // nothing; either way it is an error to report, not a crash.
  try {
    return !cv::imdecode(wrapped, cv::IMREAD_UNCHANGED).empty();
  } catch (const cv::Exception&) {
    return false;
  }
}

StreamImagesWorker::StreamImagesWorker(
    std::shared_ptr<grpc::Channel> channel,
    const image_service::StreamImagesRequest* request,
    const StreamVerifier* verifier, bool decode)
    : channel_(std::move(channel)),
      // Registered on the channel, as generated stubs do, so each call skips
      // the method-name lookup.
      method_(kStreamImagesMethod, grpc::internal::RpcMethod::SERVER_STREAMING,
              channel_),
      receiver_(request, verifier, decode) {}

void StreamImagesWorker::Call(absl::Time intended_start, RpcStats* stats) {
  grpc::ClientContext context;
  const absl::Time start = absl::Now();
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
      grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
          channel_.get(), method_, &context, receiver_.request()));
  receiver_.Begin(start);
  while (reader->Read(&buffer_)) receiver_.Receive(&buffer_, stats);
  const grpc::Status status = reader->Finish();
  const absl::Time end = absl::Now();
  stats->rpc_latency.RecordDuration(end - intended_start);
  stats->rpc_latency_uncorrected.RecordDuration(end - start);
  ++stats->rpcs;
  receiver_.End(status, stats);
}

StreamImagesSlot::StreamImagesSlot(
    std::shared_ptr<grpc::Channel> channel,
    const image_service::StreamImagesRequest* request,
    const StreamVerifier* verifier, bool decode)
    : channel_(std::move(channel)),
      method_(kStreamImagesMethod, grpc::internal::RpcMethod::SERVER_STREAMING,
              channel_),
      receiver_(request, verifier, decode) {}

void StreamImagesSlot::Start(grpc::CompletionQueue* cq, void* tag) {
  reader_.reset();  // Before its call goes with the old context.
  context_.emplace();
  tag_ = tag;
  step_ = Step::kStarting;
  receiver_.Begin(absl::Now());
  reader_.reset(
      grpc::internal::ClientAsyncReaderFactory<grpc::ByteBuffer>::Create(
          channel_.get(), cq, method_, &*context_, receiver_.request(),
          /*start=*/true, tag));
}

bool StreamImagesSlot::Proceed(bool ok, RpcStats* stats) {
  switch (step_) {
    case Step::kStarting:
    case Step::kReading:
      if (step_ == Step::kReading && ok) receiver_.Receive(&buffer_, stats);
      if (ok) {
        step_ = Step::kReading;
        reader_->Read(&buffer_, tag_);
      } else {
        // The stream has ended (or never started): the status says why.
        step_ = Step::kFinishing;
        reader_->Finish(&status_, tag_);
      }
      return false;
    case Step::kFinishing:
      receiver_.End(status_, stats);
      return true;
  }
  return true;
}

}  // namespace image_bench
