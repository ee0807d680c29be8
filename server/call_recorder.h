// Times one call on its handler's thread and, when it ends, hands its
// StreamRecord to the sinks (stream_record.h). With no sinks it reads no
// clock and allocates nothing: a handler pays one branch per image.
#ifndef SERVER_CALL_RECORDER_H_
#define SERVER_CALL_RECORDER_H_

#include <chrono>
#include <cstdint>
#include <vector>

#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "server/process_cpu.h"
#include "server/stream_record.h"

namespace image_server {

class CallRecorder {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts the call's clock. `rpc` (kStreamImagesRpc, kListImagesRpc) and
  // `sinks` must outlive the recorder; nothing is recorded when `sinks` is
  // empty.
  CallRecorder(const char* rpc, const std::vector<StreamRecordSink*>& sinks);

  // Around each Write of an image:
  //   const CallRecorder::Clock::time_point began = recorder.BeforeWrite();
  //   const bool written = writer->Write(image);
  //   recorder.AfterWrite(began, written, content_bytes);
  // The first BeforeWrite is the call's first image (first_image_us).
  Clock::time_point BeforeWrite();
  void AfterWrite(Clock::time_point began, bool written, int64_t bytes);

  // Records the call and returns `status` unchanged, for the handler to
  // return. A CANCELLED status (a Write failed: the call was cancelled) is
  // recorded as DEADLINE_EXCEEDED when the server's view of the deadline
  // had passed, or was less than 100 ms away (the client's cancel at its
  // deadline arrives before the server's own deadline, which counts from
  // the request's arrival). A cancel after the last Write is not seen: the
  // record then says OK (see call_recorder.cc).
  grpc::Status Finish(grpc::ServerContext* context, grpc::Status status);

 private:
  const char* const rpc_;
  const std::vector<StreamRecordSink*>& sinks_;
  const bool on_;
  Clock::time_point start_;
  int64_t start_unix_us_ = 0;
  Clock::duration first_image_ = Clock::duration::min();
  Clock::duration write_ = Clock::duration::zero();
  int64_t process_cpu_start_ns_ = 0;
  int64_t images_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace image_server

#endif  // SERVER_CALL_RECORDER_H_
