// What the user sees: gbench's own display (console table, or JSON/CSV when
// --benchmark_format asks), then the efficiency summary and, with
// repetitions, the repeatability block. On request it also writes the
// histograms behind each reported run (--histogram_out, mergeable) and one
// HdrHistogram .hgrm file per run (--hgrm_dir) for plotting.
#ifndef BENCH_REPORT_BENCH_REPORTER_H_
#define BENCH_REPORT_BENCH_REPORTER_H_

#include <memory>
#include <string>
#include <vector>

#include "bench/report/efficiency.h"
#include "bench/report/recorded_outputs.h"
#include "bench/report/recorded_runs.h"
#include "bench/report/repeatability.h"
#include "bench/stats/run_log.h"
#include "benchmark/benchmark.h"

namespace image_bench {

class BenchReporter : public benchmark::BenchmarkReporter {
 public:
  using Outputs = RecordedOutputs;

  // `display` prints the runs; the summaries follow it on stdout for the
  // console format, on stderr otherwise (to keep JSON/CSV clean).
  BenchReporter(RunLog* log, Outputs outputs,
                std::unique_ptr<benchmark::BenchmarkReporter> display,
                bool console);

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

  // False when an output file could not be written (already reported).
  bool outputs_ok() const { return outputs_ok_; }
  // Runs gbench reported with an error (failed RPCs, bad images, ...).
  int failed_runs() const { return failed_runs_; }

 private:
  void Collect(const Run& run);
  void WriteOutputs();

  RunLog* log_;
  Outputs outputs_;
  std::unique_ptr<benchmark::BenchmarkReporter> display_;
  bool console_;
  EfficiencyInputs efficiency_;
  RepeatabilityInputs repeatability_;
  std::vector<RecordedRun> recorded_;
  bool outputs_ok_ = true;
  int failed_runs_ = 0;
};

}  // namespace image_bench

#endif  // BENCH_REPORT_BENCH_REPORTER_H_
