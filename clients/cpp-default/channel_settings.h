// The two channel configurations of the client matrix
// (docs/client-matrix-format.md, "Settings"): gRPC's own defaults with only
// the receive limit raised, and the transport settings README recommends for
// C-core stacks. The same list both configures the channel and is written to
// the result file, so that the file says exactly what was set.
#ifndef CLIENTS_CPP_DEFAULT_CHANNEL_SETTINGS_H_
#define CLIENTS_CPP_DEFAULT_CHANNEL_SETTINGS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "grpcpp/support/channel_arguments.h"

namespace cpp_default_client {

enum class Settings { kDefault, kRecommended };

// "default" or "recommended", as on the command line and in the result file.
std::string SettingsName(Settings settings);

// absl flag marshalling, so that --settings is parsed and checked by absl.
bool AbslParseFlag(absl::string_view text, Settings* settings,
                   std::string* error);
std::string AbslUnparseFlag(Settings settings);

struct ChannelSetting {
  std::string key;  // A gRPC channel argument, e.g. "grpc.http2.bdp_probe".
  int value;
};

// What `settings` changes from gRPC's defaults, in the order it is applied.
std::vector<ChannelSetting> ChannelSettingsFor(Settings settings);

// grpc::ChannelArguments holding exactly `settings`.
grpc::ChannelArguments ToChannelArguments(
    const std::vector<ChannelSetting>& settings);

}  // namespace cpp_default_client

#endif  // CLIENTS_CPP_DEFAULT_CHANNEL_SETTINGS_H_
