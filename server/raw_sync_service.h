// A synchronous grpc::Service whose methods take and send raw bytes, so that
// a handler can answer with bytes encoded once at start-up (a static slice
// per image) instead of having gRPC serialize a message, a copy of every
// image, on every send; and can answer a request that is not a valid message
// with a status that says so.
//
// gRPC 1.51's synchronous API has no raw-bytes method: only the async and
// callback APIs do (RequestAsync... / MarkMethodRawCallback), and generated
// sync services always (de)serialize. Registering such a method by hand takes
// gRPC's private handler types (namespace internal); raw_sync_service.cc is the
// one server file that uses them. Checked against gRPC 1.51.1.
#ifndef SERVER_RAW_SYNC_SERVICE_H_
#define SERVER_RAW_SYNC_SERVICE_H_

#include <functional>

#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/status.h"
#include "grpcpp/support/sync_stream.h"

namespace image_server {

class RawSyncService : public grpc::Service {
 protected:
  using RawUnaryHandler = std::function<grpc::Status(
      grpc::ServerContext* context, const grpc::ByteBuffer& request,
      grpc::ByteBuffer* response)>;
  using RawServerStreamingHandler = std::function<grpc::Status(
      grpc::ServerContext* context, const grpc::ByteBuffer& request,
      grpc::ServerWriter<grpc::ByteBuffer>* writer)>;

  // `method` is the full name ("/package.Service/Method") and must outlive
  // the service; methods must be added before the service is registered.
  void AddRawUnaryMethod(const char* method, RawUnaryHandler handler);
  void AddRawServerStreamingMethod(const char* method,
                                   RawServerStreamingHandler handler);
};

}  // namespace image_server

#endif  // SERVER_RAW_SYNC_SERVICE_H_
