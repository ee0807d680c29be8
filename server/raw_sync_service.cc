#include "server/raw_sync_service.h"

#include <utility>

#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/support/method_handler.h"

namespace image_server {

using grpc::ByteBuffer;
using grpc::ServerContext;
using grpc::ServerWriter;
using grpc::Status;
using grpc::internal::RpcMethod;
using grpc::internal::RpcServiceMethod;

void RawSyncService::AddRawUnaryMethod(const char* method,
                                       RawUnaryHandler handler) {
  AddMethod(new RpcServiceMethod(
      method, RpcMethod::NORMAL_RPC,
      new grpc::internal::RpcMethodHandler<RawSyncService, ByteBuffer,
                                           ByteBuffer>(
          [handler = std::move(handler)](
              RawSyncService*, ServerContext* context,
              const ByteBuffer* request, ByteBuffer* response) {
            return handler(context, *request, response);
          },
          this)));
}

void RawSyncService::AddRawServerStreamingMethod(
    const char* method, RawServerStreamingHandler handler) {
  AddMethod(new RpcServiceMethod(
      method, RpcMethod::SERVER_STREAMING,
      new grpc::internal::ServerStreamingHandler<RawSyncService, ByteBuffer,
                                                 ByteBuffer>(
          [handler = std::move(handler)](
              RawSyncService*, ServerContext* context,
              const ByteBuffer* request, ServerWriter<ByteBuffer>* writer) {
            return handler(context, *request, writer);
          },
          this)));
}

}  // namespace image_server
