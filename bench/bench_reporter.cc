#include "bench/bench_reporter.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace image_bench {
namespace {

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    std::fprintf(stderr, "image_bench: cannot write '%s'\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace

BenchReporter::BenchReporter(
    RunLog* log, Outputs outputs,
    std::unique_ptr<benchmark::BenchmarkReporter> display, bool console)
    : log_(log),
      outputs_(std::move(outputs)),
      display_(std::move(display)),
      console_(console) {}

bool BenchReporter::ReportContext(const Context& context) {
  return display_->ReportContext(context);
}

void BenchReporter::ReportRuns(const std::vector<Run>& runs) {
  display_->ReportRuns(runs);
  for (const Run& run : runs) {
    if (run.run_type != Run::RT_Iteration) continue;
    if (run.error_occurred) {
      ++failed_runs_;
    } else {
      Collect(run);
    }
  }
}

void BenchReporter::Collect(const Run& run) {
  const std::string& name = run.run_name.function_name;
  if (std::find(efficiency_.names.begin(), efficiency_.names.end(), name) ==
      efficiency_.names.end()) {
    efficiency_.names.push_back(name);
  }
  const auto bytes = run.counters.find("bytes_per_second");
  if (bytes != run.counters.end()) {
    efficiency_.bytes_per_second[name].push_back(bytes->second.value);
  }
  const auto p50 = run.counters.find("p50_us");
  if (p50 != run.counters.end()) {
    efficiency_.p50_us[name].push_back(p50->second.value);
  }
  if (std::optional<RunLog::Entry> entry = log_->Claim(name, run.iterations)) {
    recorded_.push_back({run.benchmark_name(), run.repetition_index,
                         entry->wall, std::move(entry->stats)});
  }
}

void BenchReporter::Finalize() {
  display_->Finalize();
  std::ostream& out = console_ ? display_->GetOutputStream() : std::cerr;
  out << "\n" << EfficiencySummary(efficiency_);
  out.flush();
  WriteOutputs();
}

void BenchReporter::WriteOutputs() {
  if (!outputs_.histogram_out.empty()) {
    outputs_ok_ &=
        WriteFile(outputs_.histogram_out, FormatRecordedRuns(recorded_));
  }
  if (outputs_.hgrm_dir.empty()) return;
  std::error_code error;
  std::filesystem::create_directories(outputs_.hgrm_dir, error);
  for (const RecordedRun& run : recorded_) {
    const std::string file =
        absl::StrCat(absl::StrReplaceAll(run.name, {{"/", "__"}, {":", "_"}}),
                     ".rep", run.repetition, ".hgrm");
    outputs_ok_ &= WriteFile(outputs_.hgrm_dir + "/" + file,
                             run.stats.rpc_latency.ToHgrm());
  }
}

}  // namespace image_bench
