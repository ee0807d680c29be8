// absl::Status inside, grpc::Status at the RPC edge. gRPC 1.51 has no
// conversion, but the canonical code numbers are the same.
#ifndef COMMON_GRPC_STATUS_H_
#define COMMON_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace image_common {

// For handlers: the same code and message.
grpc::Status ToGrpcStatus(const absl::Status& status);

// For clients: the same code, and DescribeGrpcStatus as the message, so that
// the code's name survives being printed as the message alone.
absl::Status ToAbslStatus(const grpc::Status& status);

// "NOT_FOUND: unknown image 'x'".
std::string DescribeGrpcStatus(const grpc::Status& status);

}  // namespace image_common

#endif  // COMMON_GRPC_STATUS_H_
