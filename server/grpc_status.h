// absl::Status inside, grpc::Status at the RPC edge: grpc 1.51 has no
// conversion, but the canonical code numbers are the same.
#ifndef SERVER_GRPC_STATUS_H_
#define SERVER_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace image_server {

inline grpc::Status ToGrpcStatus(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace image_server

#endif  // SERVER_GRPC_STATUS_H_
