// The calls the scenarios make, one object per in-flight slot, each reusing
// its messages and buffers from call to call: ListImages and StreamImages on
// the sync API (a thread per call, load_driver.h) and on the async API (one
// thread for all, async_load_driver.h).
#ifndef BENCH_LOAD_IMAGE_CALLS_H_
#define BENCH_LOAD_IMAGE_CALLS_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "bench/load/async_load_driver.h"
#include "bench/load/blocking_raw_stream.h"
#include "bench/load/load_driver.h"
#include "bench/load/stream_requests.h"
#include "bench/stats/rpc_stats.h"
#include "bench/wire/image_wire.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "image_service.grpc.pb.h"

namespace image_bench {

class ListImagesWorker : public RpcWorker {
 public:
  ListImagesWorker(std::shared_ptr<grpc::Channel> channel, int listed_images);
  void Call(absl::Time intended_start, RpcStats* stats) override;

 private:
  std::unique_ptr<image_service::ImageService::Stub> stub_;
  const int listed_images_;
  image_service::ListImagesRequest request_;
  image_service::ListImagesResponse response_;
};

class ListImagesSlot : public AsyncRpcSlot {
 public:
  ListImagesSlot(std::shared_ptr<grpc::Channel> channel, int listed_images);
  void Start(grpc::CompletionQueue* cq, void* tag) override;
  bool Proceed(bool ok, RpcStats* stats) override;

 private:
  std::unique_ptr<image_service::ImageService::Stub> stub_;
  const int listed_images_;
  // The call in flight. The reader lives in the call's memory, so it is
  // declared after the context and goes first.
  std::optional<grpc::ClientContext> context_;
  std::unique_ptr<
      grpc::ClientAsyncResponseReader<image_service::ListImagesResponse>>
      reader_;
  image_service::ListImagesRequest request_;
  image_service::ListImagesResponse response_;
  grpc::Status status_;
};

// What a stream's images go through: parsed from the raw buffer only as far
// as verification needs, compared with the reference copy, decoded if asked.
// Parsing and comparing in place keeps the bench's CPU per byte low (it
// shares the machine with the server it measures).
class StreamReceiver {
 public:
  // Each call asks for the next of `requests`, which must outlive this and
  // say whether answers are verified.
  StreamReceiver(StreamRequestSource* requests, bool decode);

  // A new stream, asking for the next request, begins at `start`.
  void Begin(absl::Time start);
  // The next image arrived in `buffer`; records its gap and any problem.
  void Receive(grpc::ByteBuffer* buffer, RpcStats* stats);
  // The stream ended with `status`; records what went wrong, if anything.
  void End(const grpc::Status& status, RpcStats* stats) const;

  // The request of the stream begun last.
  const grpc::ByteBuffer& request() const { return request_->encoded(); }

 private:
  bool Decodes();

  StreamRequestSource* requests_;
  const StreamRequest* request_ = nullptr;
  const bool decode_;
  absl::Time previous_;
  int received_ = 0;
  ImageView image_;
  std::string problem_;
  std::string decode_buffer_;
};

class StreamImagesWorker : public RpcWorker {
 public:
  StreamImagesWorker(std::shared_ptr<grpc::Channel> channel,
                     StreamRequestSource* requests, bool decode);
  void Call(absl::Time intended_start, RpcStats* stats) override;

 private:
  BlockingRawStream stream_;
  StreamReceiver receiver_;
  grpc::ByteBuffer buffer_;
};

class StreamImagesSlot : public AsyncRpcSlot {
 public:
  StreamImagesSlot(std::shared_ptr<grpc::Channel> channel,
                   StreamRequestSource* requests, bool decode);
  void Start(grpc::CompletionQueue* cq, void* tag) override;
  bool Proceed(bool ok, RpcStats* stats) override;

 private:
  // The request goes out with the call's headers in one write that also
  // half-closes; then the responses are read until the stream ends.
  enum class Step { kSending, kReading, kFinishing };

  grpc::GenericStub stub_;
  StreamReceiver receiver_;
  void* tag_ = nullptr;
  Step step_ = Step::kSending;
  std::optional<grpc::ClientContext> context_;
  // Lives in the call's memory: declared after the context, goes first.
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  grpc::ByteBuffer buffer_;
  grpc::Status status_;
};

}  // namespace image_bench

#endif  // BENCH_LOAD_IMAGE_CALLS_H_
