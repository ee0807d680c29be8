// The scenarios of the client matrix (docs/client-matrix-format.md,
// "Scenarios"), in the order they run, and what one scenario measured.
#ifndef CLIENTS_CPP_DEFAULT_SCENARIO_H_
#define CLIENTS_CPP_DEFAULT_SCENARIO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "clients/cpp-default/client_options.h"

namespace cpp_default_client {

enum class Rpc { kListImages, kStreamImages };

struct ScenarioSpec {
  Rpc rpc = Rpc::kListImages;
  int concurrency = 1;
  int images_per_stream = 0;  // 0 for ListImages.
  int calls = 0;              // ListImages: calls in all, over every worker.
  double min_time_s = 0;      // StreamImages: each worker calls until then.
};

// "list" or "stream"; "ListImages" or "StreamImages".
const char* ScenarioName(Rpc rpc);
const char* RpcName(Rpc rpc);

// Every scenario of the full or the quick set, in the contract's order.
std::vector<ScenarioSpec> ScenarioPlan(const RunOptions& options);

// At most this many error samples per result file, each this long at most.
inline constexpr size_t kMaxErrorSamples = 5;
inline constexpr size_t kMaxErrorSampleChars = 200;

struct ScenarioResult {
  ScenarioSpec spec;
  absl::Time started;
  absl::Time ended;
  int64_t calls = 0;   // Completed, with or without error.
  int64_t errors = 0;  // Status not OK, or an image that failed the check.
  int64_t images = 0;  // Received, in every call.
  int64_t bytes = 0;   // Image content bytes received.
  std::vector<double> latency_us;      // One per call.
  std::vector<double> first_image_us;  // One per call that received an image.
  std::vector<std::string> error_samples;  // The first kMaxErrorSamples.
};

}  // namespace cpp_default_client

#endif  // CLIENTS_CPP_DEFAULT_SCENARIO_H_
