#include "bench/load/image_calls.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/image_decode.h"
#include "common/method_names.h"
#include "grpcpp/support/async_stream.h"
#include "grpcpp/support/sync_stream.h"
#include "opencv2/imgcodecs.hpp"

namespace image_bench {
namespace {

using image_service::ImageService;

using image_common::kStreamImagesMethod;

void CheckListImages(const grpc::Status& status,
                     const image_service::ListImagesResponse& response,
                     int listed_images, RpcStats* stats) {
  if (!status.ok()) {
    stats->AddError(
        absl::StrCat("ListImages: ", image_common::DescribeGrpcStatus(status)));
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

StreamReceiver::StreamReceiver(StreamRequestSource* requests, bool decode)
    : requests_(requests), decode_(decode) {}

void StreamReceiver::Begin(absl::Time start) {
  request_ = &requests_->Next();
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
  if (const StreamVerifier* verifier = request_->verifier();
      verifier != nullptr && !verifier->Check(position, image_, &problem_)) {
    stats->AddError(problem_);
  }
  if (decode_ && !Decodes()) {
    stats->AddError(absl::StrCat("'", image_.name, "' does not decode"));
  }
}

void StreamReceiver::End(const grpc::Status& status, RpcStats* stats) const {
  if (!status.ok()) {
    stats->AddError(absl::StrCat("StreamImages: ",
                                 image_common::DescribeGrpcStatus(status)));
  } else if (received_ != request_->images()) {
    stats->AddError(absl::StrCat("stream ended after ", received_, " of ",
                                 request_->images(), " images"));
  }
}

bool StreamReceiver::Decodes() {
  image_.CopyContent(&decode_buffer_);
  return !image_common::DecodeImage(decode_buffer_, cv::IMREAD_UNCHANGED)
              .empty();
}

StreamImagesWorker::StreamImagesWorker(std::shared_ptr<grpc::Channel> channel,
                                       StreamRequestSource* requests,
                                       bool decode)
    : stream_(std::move(channel), kStreamImagesMethod),
      receiver_(requests, decode) {}

void StreamImagesWorker::Call(absl::Time intended_start, RpcStats* stats) {
  grpc::ClientContext context;
  const absl::Time start = absl::Now();
  receiver_.Begin(start);
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader =
      stream_.Start(&context, receiver_.request());
  while (reader->Read(&buffer_)) receiver_.Receive(&buffer_, stats);
  const grpc::Status status = reader->Finish();
  const absl::Time end = absl::Now();
  stats->rpc_latency.RecordDuration(end - intended_start);
  stats->rpc_latency_uncorrected.RecordDuration(end - start);
  ++stats->rpcs;
  receiver_.End(status, stats);
}

StreamImagesSlot::StreamImagesSlot(std::shared_ptr<grpc::Channel> channel,
                                   StreamRequestSource* requests, bool decode)
    : stub_(std::move(channel)), receiver_(requests, decode) {}

void StreamImagesSlot::Start(grpc::CompletionQueue* cq, void* tag) {
  call_.reset();  // Before its call goes with the old context.
  context_.emplace();
  // The headers wait for the request, so that both go out in one write.
  context_->set_initial_metadata_corked(true);
  tag_ = tag;
  step_ = Step::kSending;
  receiver_.Begin(absl::Now());
  call_ = stub_.PrepareCall(&*context_, kStreamImagesMethod, cq);
  call_->StartCall(nullptr);  // Corked: completes with the write below.
  call_->Write(receiver_.request(), grpc::WriteOptions().set_last_message(),
               tag);
}

bool StreamImagesSlot::Proceed(bool ok, RpcStats* stats) {
  switch (step_) {
    case Step::kSending:
    case Step::kReading:
      if (step_ == Step::kReading && ok) receiver_.Receive(&buffer_, stats);
      if (ok) {
        step_ = Step::kReading;
        call_->Read(&buffer_, tag_);
      } else {
        // The stream has ended (or never started): the status says why.
        step_ = Step::kFinishing;
        call_->Finish(&status_, tag_);
      }
      return false;
    case Step::kFinishing:
      receiver_.End(status_, stats);
      return true;
  }
  return true;
}

}  // namespace image_bench
