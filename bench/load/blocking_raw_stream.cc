#include "bench/load/blocking_raw_stream.h"

#include <utility>

#include "grpcpp/impl/rpc_method.h"

namespace image_bench {

// Registered on the channel, as generated stubs do, so that each call skips
// the method-name lookup.
struct BlockingRawStream::Method {
  grpc::internal::RpcMethod rpc;
};

BlockingRawStream::BlockingRawStream(std::shared_ptr<grpc::Channel> channel,
                                     const char* method)
    : channel_(std::move(channel)),
      method_(new Method{grpc::internal::RpcMethod(
          method, grpc::internal::RpcMethod::SERVER_STREAMING, channel_)}) {}

BlockingRawStream::~BlockingRawStream() = default;

std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> BlockingRawStream::Start(
    grpc::ClientContext* context, const grpc::ByteBuffer& request) {
  return std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>>(
      grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
          channel_.get(), method_->rpc, context, request));
}

}  // namespace image_bench
