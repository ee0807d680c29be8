#include "common/grpc_args.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace image_common {

absl::StatusOr<std::vector<GrpcArg>> ParseGrpcArgs(
    const std::vector<std::string>& items) {
  std::vector<GrpcArg> args;
  for (const std::string& item : items) {
    const size_t equals = item.find('=');
    if (equals == std::string::npos || equals == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--grpc_arg takes key=value (e.g. grpc.http2.bdp_probe=0), got '",
          item, "'"));
    }
    GrpcArg arg{item.substr(0, equals), item.substr(equals + 1)};
    int number = 0;
    if (absl::SimpleAtoi(std::get<std::string>(arg.value), &number)) {
      arg.value = number;
    }
    args.push_back(std::move(arg));
  }
  return args;
}

void ApplyGrpcArgs(const std::vector<GrpcArg>& args,
                   grpc::ChannelArguments* arguments) {
  for (const GrpcArg& arg : args) {
    if (const int* number = std::get_if<int>(&arg.value)) {
      arguments->SetInt(arg.key, *number);
    } else {
      arguments->SetString(arg.key, std::get<std::string>(arg.value));
    }
  }
}

void ApplyGrpcArgs(const std::vector<GrpcArg>& args,
                   grpc::ServerBuilder* builder) {
  for (const GrpcArg& arg : args) {
    if (const int* number = std::get_if<int>(&arg.value)) {
      builder->AddChannelArgument(arg.key, *number);
    } else {
      builder->AddChannelArgument(arg.key, std::get<std::string>(arg.value));
    }
  }
}

}  // namespace image_common
