#include "clients/cpp-default/client_options.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/one_line.h"

namespace cpp_default_client {
namespace {

constexpr double kMinTimeSeconds = 1.0;
constexpr double kQuickMinTimeSeconds = 0.2;
constexpr int kListCalls = 200;
constexpr int kQuickListCalls = 50;

std::string Quoted(const std::string& path) {
  return image_common::QuotedForLine(path, 300);
}

}  // namespace

absl::StatusOr<RunOptions> ResolveOptions(const CommandLine& given) {
  RunOptions options;
  options.target = given.target;
  options.settings = given.settings;
  options.out = given.out;
  options.quick = given.quick;
  options.min_time_s = given.min_time_s.value_or(
      given.quick ? kQuickMinTimeSeconds : kMinTimeSeconds);
  options.list_calls =
      given.list_calls.value_or(given.quick ? kQuickListCalls : kListCalls);
  if (options.target.empty()) {
    return absl::InvalidArgumentError("--target must be host:port, got ''");
  }
  if (options.out.empty()) {
    return absl::InvalidArgumentError(
        "--out is required: the file to write the results to");
  }
  // NaN fails both comparisons.
  if (!(options.min_time_s >= 0 && options.min_time_s <= kMaxMinTimeSeconds)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--min_time_s must be from 0 to ", kMaxMinTimeSeconds,
                     " seconds, got ", options.min_time_s));
  }
  if (options.list_calls < 1 || options.list_calls > kMaxListCalls) {
    return absl::InvalidArgumentError(
        absl::StrCat("--list_calls must be from 1 to ", kMaxListCalls, ", got ",
                     options.list_calls));
  }
  return options;
}

absl::Status CheckOutputPath(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--out ", Quoted(path), " is a directory"));
  }
  const size_t slash = path.rfind('/');
  const std::string directory =
      slash == std::string::npos ? "." : path.substr(0, slash + 1);
  if (access(directory.c_str(), W_OK | X_OK) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write --out ", Quoted(path), ": ",
                     Quoted(directory), ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace cpp_default_client
