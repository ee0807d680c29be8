#include "server/accept_failure.h"

#include <atomic>
#include <cstdio>
#include <string>

#include "absl/strings/match.h"
#include "common/one_line.h"
#include "grpc/support/log.h"

namespace image_server {
namespace {

// gpr_set_log_function takes a plain function pointer, so what it needs
// lives here; it is written once, before gRPC may call LogLine.
struct Watch {
  std::string program;
  AcceptFailureHandler handler;
  std::atomic<bool> reported{false};
};
Watch& TheWatch() {
  static Watch* const watch = new Watch;
  return *watch;
}

const char* SeverityName(gpr_log_severity severity) {
  switch (severity) {
    case GPR_LOG_SEVERITY_DEBUG:
      return "DEBUG";
    case GPR_LOG_SEVERITY_INFO:
      return "INFO";
    case GPR_LOG_SEVERITY_ERROR:
      return "ERROR";
  }
  return "?";
}

absl::string_view BaseName(absl::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

void LogLine(gpr_log_func_args* args) {
  Watch& watch = TheWatch();
  const std::string message = args->message == nullptr ? "" : args->message;
  std::fprintf(
      stderr, "%s: gRPC %s: %s:%d: %s\n", watch.program.c_str(),
      SeverityName(args->severity),
      std::string(BaseName(args->file == nullptr ? "" : args->file)).c_str(),
      args->line, image_common::OneLine(message, 2000).c_str());
  if (IsAcceptFailure(message) && !watch.reported.exchange(true) &&
      watch.handler != nullptr) {
    watch.handler(message);
  }
}

}  // namespace

bool IsAcceptFailure(absl::string_view message) {
  return absl::StartsWith(message, "Failed accept");
}

void WatchForAcceptFailure(absl::string_view program,
                           AcceptFailureHandler handler) {
  Watch& watch = TheWatch();
  watch.program = std::string(program);
  watch.handler = handler;
  gpr_set_log_function(LogLine);
}

}  // namespace image_server
