// gRPC channel arguments given on the command line as key=value, for the
// server (--grpc_arg) and the bench's client channels (--grpc_arg), so that
// any transport knob can be tried without a rebuild.
#ifndef COMMON_GRPC_ARGS_H_
#define COMMON_GRPC_ARGS_H_

#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace image_common {

struct GrpcArg {
  std::string key;
  // An integer when the text parses as one, otherwise the text.
  std::variant<int, std::string> value;
};

// Each item is "key=value", e.g. "grpc.http2.lookahead_bytes=1048576".
absl::StatusOr<std::vector<GrpcArg>> ParseGrpcArgs(
    const std::vector<std::string>& items);

void ApplyGrpcArgs(const std::vector<GrpcArg>& args,
                   grpc::ChannelArguments* arguments);
void ApplyGrpcArgs(const std::vector<GrpcArg>& args,
                   grpc::ServerBuilder* builder);

}  // namespace image_common

#endif  // COMMON_GRPC_ARGS_H_
