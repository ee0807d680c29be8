#include "server/call_recorder.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/one_line.h"

namespace image_server {
namespace {

constexpr size_t kMaxPeerBytes = 200;
constexpr size_t kMaxUserAgentBytes = 300;
constexpr size_t kMaxMessageBytes = 200;

int64_t Micros(CallRecorder::Clock::duration duration) {
  return std::chrono::duration_cast<std::chrono::microseconds>(duration)
      .count();
}

std::string UserAgent(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  const auto found = metadata.find("user-agent");
  if (found == metadata.end()) return "";
  return image_common::OneLine(
      absl::string_view(found->second.data(), found->second.size()),
      kMaxUserAgentBytes);
}

// The client's cancel (RST_STREAM) reaches the server at or after the
// client's deadline, while the server counts the deadline from when the
// request arrived, a little later: a cancel this close before the server's
// deadline is the deadline.
constexpr std::chrono::milliseconds kDeadlineSlack(100);

bool PastDeadline(const grpc::ServerContext& context) {
  return context.deadline() <=
         std::chrono::system_clock::now() + kDeadlineSlack;
}

// A cancel during the stream makes the handler's Write fail, and it returns
// CANCELLED whether the client cancelled or its deadline passed; the
// deadline tells which. ServerContext::IsCancelled is not asked: in gRPC
// 1.51's sync API it polls the call's completion queue, which cost the
// server more CPU per call than everything else a record takes, and it
// could only catch a cancel that arrives in the microseconds between the
// last Write and the handler's return.
grpc::Status AsTheClientSawIt(const grpc::ServerContext& context,
                              const grpc::Status& status) {
  if (status.error_code() != grpc::StatusCode::CANCELLED) return status;
  if (PastDeadline(context)) {
    return grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                        "the client's deadline passed");
  }
  return status;
}

}  // namespace

CallRecorder::CallRecorder(const char* rpc,
                           const std::vector<StreamRecordSink*>& sinks)
    : rpc_(rpc), sinks_(sinks), on_(!sinks.empty()) {
  if (!on_) return;
  process_cpu_start_ns_ = ProcessCpuNanos();
  start_ = Clock::now();
  start_unix_us_ = absl::GetCurrentTimeNanos() / 1000;
}

CallRecorder::Clock::time_point CallRecorder::BeforeWrite() {
  if (!on_) return {};
  const Clock::time_point now = Clock::now();
  if (first_image_ == Clock::duration::min()) first_image_ = now - start_;
  return now;
}

void CallRecorder::AfterWrite(Clock::time_point began, bool written,
                              int64_t bytes) {
  if (!on_) return;
  write_ += Clock::now() - began;
  if (written) {
    ++images_;
    bytes_ += bytes;
  }
}

grpc::Status CallRecorder::Finish(grpc::ServerContext* context,
                                  grpc::Status status) {
  if (!on_) return status;
  auto record = std::make_shared<StreamRecord>();
  record->rpc = rpc_;
  record->duration_us = Micros(Clock::now() - start_);
  record->server_cpu_us = (ProcessCpuNanos() - process_cpu_start_ns_) / 1000;
  record->start_unix_us = start_unix_us_;
  record->end_unix_us = start_unix_us_ + record->duration_us;
  record->peer = image_common::OneLine(context->peer(), kMaxPeerBytes);
  record->user_agent = UserAgent(*context);
  record->images = images_;
  record->bytes = bytes_;
  if (first_image_ != Clock::duration::min()) {
    record->first_image_us = Micros(first_image_);
  }
  record->write_us = Micros(write_);
  record->write_blocked_us = record->write_us;
  const grpc::Status seen = AsTheClientSawIt(*context, status);
  record->status = absl::StatusCodeToString(
      static_cast<absl::StatusCode>(seen.error_code()));
  record->message =
      image_common::OneLine(seen.error_message(), kMaxMessageBytes);
  const std::shared_ptr<const StreamRecord> finished = std::move(record);
  for (StreamRecordSink* sink : sinks_) sink->Add(finished);
  return status;
}

}  // namespace image_server
