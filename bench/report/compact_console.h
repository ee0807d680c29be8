// The bench's default console display: one line per run, in a 120-column
// terminal, with what a person reads first: rate, GB/s, share of the same
// run's TCP bulk rate, p50, p99 and errors. gbench's own table (every
// counter, 200+ columns) is in the JSON, or on the console with --full_table.
#ifndef BENCH_REPORT_COMPACT_CONSOLE_H_
#define BENCH_REPORT_COMPACT_CONSOLE_H_

#include <optional>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"

namespace image_bench {

// A run's name as the user typed it in a filter, without gbench's suffixes
// ("/process_time", "/manual_time", "/min_time:0.300", "/iterations:500").
std::string DisplayName(const std::string& benchmark_name);

class CompactConsoleReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;

  // One formatted row, without the newline; public for tests.
  std::string Row(const Run& run) const;
  std::string Header() const;

 private:
  // Baseline/tcp_bulk's bytes per second in this run, once it has run
  // (its median with repetitions).
  std::optional<double> tcp_bulk_;
  std::vector<double> tcp_bulk_samples_;
  bool header_printed_ = false;
};

}  // namespace image_bench

#endif  // BENCH_REPORT_COMPACT_CONSOLE_H_
