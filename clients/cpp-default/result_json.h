// The result file of one client run (docs/client-matrix-format.md, "The
// result file", schema image-client/1) from what the scenarios measured.
#ifndef CLIENTS_CPP_DEFAULT_RESULT_JSON_H_
#define CLIENTS_CPP_DEFAULT_RESULT_JSON_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "clients/cpp-default/channel_settings.h"
#include "clients/cpp-default/scenario.h"

namespace cpp_default_client {

struct RunReport {
  std::string library;  // e.g. "grpc++ 1.51.1"
  std::string runtime;  // e.g. "GCC 12.2.0"
  Settings settings = Settings::kDefault;
  std::vector<ChannelSetting> channel_options;
  std::string target;
  int images_in_set = 0;
  absl::Time started;
  absl::Time ended;
  std::string notes;
  std::vector<ScenarioResult> results;
};

// The whole file, newline-terminated. Errors are totalled over the results;
// error_samples are the first kMaxErrorSamples of the results, in order.
std::string ResultJson(const RunReport& report);

}  // namespace cpp_default_client

#endif  // CLIENTS_CPP_DEFAULT_RESULT_JSON_H_
