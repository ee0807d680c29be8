#include "clients/cpp-default/channel_settings.h"

#include "grpc/grpc.h"

namespace cpp_default_client {
namespace {

// The default image set holds a 4.7 MB image; gRPC refuses messages over
// 4 MiB unless told otherwise.
constexpr int kMaxReceiveBytes = 64 << 20;

}  // namespace

std::string SettingsName(Settings settings) {
  return settings == Settings::kDefault ? "default" : "recommended";
}

bool AbslParseFlag(absl::string_view text, Settings* settings,
                   std::string* error) {
  if (text == "default") {
    *settings = Settings::kDefault;
    return true;
  }
  if (text == "recommended") {
    *settings = Settings::kRecommended;
    return true;
  }
  *error = "must be 'default' or 'recommended'";
  return false;
}

std::string AbslUnparseFlag(Settings settings) {
  return SettingsName(settings);
}

std::vector<ChannelSetting> ChannelSettingsFor(Settings settings) {
  std::vector<ChannelSetting> out = {
      {GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, kMaxReceiveBytes}};
  if (settings == Settings::kRecommended) {
    // Frames of 1 MiB rather than HTTP/2's 16 KiB; a fixed 4 MiB window per
    // stream rather than one that BDP probing resizes as it goes.
    out.push_back({GRPC_ARG_HTTP2_MAX_FRAME_SIZE, 1 << 20});
    out.push_back({GRPC_ARG_HTTP2_BDP_PROBE, 0});
    out.push_back({GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 4 << 20});
  }
  return out;
}

grpc::ChannelArguments ToChannelArguments(
    const std::vector<ChannelSetting>& settings) {
  grpc::ChannelArguments arguments;
  for (const ChannelSetting& setting : settings) {
    arguments.SetInt(setting.key, setting.value);
  }
  return arguments;
}

}  // namespace cpp_default_client
