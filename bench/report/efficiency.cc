#include "bench/report/efficiency.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/benchmark_names.h"

namespace image_bench {
namespace {

const std::vector<double>* Find(const CounterSamples& samples,
                                const std::string& name) {
  const auto found = samples.find(name);
  return found == samples.end() || found->second.empty() ? nullptr
                                                         : &found->second;
}

}  // namespace

std::string EfficiencySummary(const EfficiencyInputs& inputs) {
  const std::vector<double>* bulk = Find(inputs.bytes_per_second, kTcpBulkName);
  const std::vector<double>* rtt = Find(inputs.p50_us, kTcpPingPongName);
  const std::vector<double>* floor = Find(inputs.p50_us, kHealthCheckName);
  if (bulk == nullptr && rtt == nullptr) {
    return "Efficiency: no TCP baseline in this run (filtered out, or the "
           "target is not loopback).\n";
  }
  std::string text = "Efficiency against raw loopback TCP in this run";
  if (bulk)
    absl::StrAppendFormat(&text, ", bulk %.2f GB/s", Median(*bulk) / 1e9);
  if (rtt)
    absl::StrAppendFormat(&text, ", 64-byte round trip %.1f us", Median(*rtt));
  if (floor) {
    absl::StrAppendFormat(&text, "; gRPC floor (Health/Check) %.1f us",
                          Median(*floor));
  }
  absl::StrAppend(&text, " (medians over repetitions):\n");
  for (const std::string& name : inputs.names) {
    const std::vector<double>* rates = Find(inputs.bytes_per_second, name);
    const std::vector<double>* p50s = Find(inputs.p50_us, name);
    if (bulk && rates && absl::StartsWith(name, kStreamImagesPrefix)) {
      const double rate = Median(*rates);
      absl::StrAppendFormat(&text, "  %-48s %7.2f GB/s  %5.1f %% of TCP bulk\n",
                            name, rate / 1e9, 100 * rate / Median(*bulk));
    } else if (rtt && p50s && absl::StartsWith(name, kListImagesPrefix)) {
      const double p50 = Median(*p50s);
      absl::StrAppendFormat(&text,
                            "  %-48s p50 %7.1f us  %5.2fx TCP round trip", name,
                            p50, p50 / Median(*rtt));
      if (floor) {
        absl::StrAppendFormat(&text, ", %.2fx gRPC floor",
                              p50 / Median(*floor));
      }
      absl::StrAppend(&text, "\n");
    }
  }
  return text;
}

}  // namespace image_bench
