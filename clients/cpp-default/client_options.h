// The client's command line (docs/client-matrix-format.md, "Command line")
// checked and resolved: --min_time_s and --list_calls default by --quick.
#ifndef CLIENTS_CPP_DEFAULT_CLIENT_OPTIONS_H_
#define CLIENTS_CPP_DEFAULT_CLIENT_OPTIONS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/cpp-default/channel_settings.h"

namespace cpp_default_client {

// The flags as given; unset optionals take the defaults of the mode.
struct CommandLine {
  std::string target = "127.0.0.1:50051";
  Settings settings = Settings::kDefault;
  std::string out;
  bool quick = false;
  std::optional<double> min_time_s;
  std::optional<int> list_calls;
};

struct RunOptions {
  std::string target;
  Settings settings = Settings::kDefault;
  std::string out;
  bool quick = false;
  double min_time_s = 0;
  int list_calls = 0;
};

inline constexpr double kMaxMinTimeSeconds = 3600;
inline constexpr int kMaxListCalls = 1000000;

// InvalidArgument naming the flag and what it takes.
absl::StatusOr<RunOptions> ResolveOptions(const CommandLine& given);

// Whether the result file can be written where `path` says, before any
// scenario runs: its directory exists and is writable, and `path` is not a
// directory. The file itself is written later, whole, by rename.
absl::Status CheckOutputPath(const std::string& path);

}  // namespace cpp_default_client

#endif  // CLIENTS_CPP_DEFAULT_CLIENT_OPTIONS_H_
