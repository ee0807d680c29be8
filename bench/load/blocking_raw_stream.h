// A blocking server-streaming call whose messages arrive as raw bytes: the
// bench's one-stream path, which reads on its own thread with gRPC's sync API
// and parses responses in place (wire/image_wire.h) instead of copying each
// image into a protobuf message.
//
// This is the bench's one use of gRPC's private API (namespace internal, kept
// to blocking_raw_stream.cc): gRPC 1.51 has no public blocking call that reads
// a stream as raw bytes. grpc::GenericStub is async or callback only, and a
// CompletionQueue-driven reader was measurably slower for one stream on the
// same server (see docs/performance.md). Checked against gRPC 1.51.1.
#ifndef BENCH_LOAD_BLOCKING_RAW_STREAM_H_
#define BENCH_LOAD_BLOCKING_RAW_STREAM_H_

#include <memory>

#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/sync_stream.h"

namespace image_bench {

class BlockingRawStream {
 public:
  // `method` is a full method name ("/package.Service/Method") of a
  // server-streaming method; it must outlive this object.
  BlockingRawStream(std::shared_ptr<grpc::Channel> channel, const char* method);
  ~BlockingRawStream();

  // Starts a call that sends `request` (an encoded request message) and
  // half-closes; read the responses from the returned reader, then Finish it.
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> Start(
      grpc::ClientContext* context, const grpc::ByteBuffer& request);

 private:
  struct Method;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Method> method_;
};

}  // namespace image_bench

#endif  // BENCH_LOAD_BLOCKING_RAW_STREAM_H_
