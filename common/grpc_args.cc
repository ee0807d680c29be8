#include "common/grpc_args.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace image_common {
namespace {

// gRPC reads these as integers and ignores a string value silently, so a
// typo would measure the default while the user believes otherwise.
constexpr absl::string_view kIntegerArgs[] = {
    GRPC_ARG_MAX_CONCURRENT_STREAMS,
    GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH,
    GRPC_ARG_MAX_SEND_MESSAGE_LENGTH,
    GRPC_ARG_HTTP2_BDP_PROBE,
    GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES,
    GRPC_ARG_HTTP2_MAX_FRAME_SIZE,
    GRPC_ARG_HTTP2_WRITE_BUFFER_SIZE,
    GRPC_ARG_HTTP2_HPACK_TABLE_SIZE_DECODER,
    GRPC_ARG_HTTP2_HPACK_TABLE_SIZE_ENCODER,
    GRPC_ARG_MAX_METADATA_SIZE,
    GRPC_ARG_KEEPALIVE_TIME_MS,
    GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
    GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS,
    GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
    GRPC_ARG_TCP_READ_CHUNK_SIZE,
    GRPC_ARG_ALLOW_REUSEPORT,
    GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL,
};

bool IsIntegerArg(absl::string_view key) {
  for (absl::string_view known : kIntegerArgs) {
    if (key == known) return true;
  }
  return false;
}

}  // namespace

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
    } else if (IsIntegerArg(arg.key)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--grpc_arg ", arg.key, " takes an integer, got '",
                       std::get<std::string>(arg.value), "'"));
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
