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

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    return absl::UnavailableError(absl::StrCat("cannot write '", path, "'"));
  }
  return absl::OkStatus();
}

void AddName(const std::string& name, std::vector<std::string>* names) {
  if (std::find(names->begin(), names->end(), name) == names->end()) {
    names->push_back(name);
  }
}

void AddSample(const benchmark::BenchmarkReporter::Run& run, const char* key,
               CounterSamples* samples) {
  const auto counter = run.counters.find(key);
  if (counter != run.counters.end()) {
    (*samples)[run.run_name.function_name].push_back(counter->second.value);
  }
}

}  // namespace

absl::Status WriteRecordedOutputs(const std::vector<RecordedRun>& runs,
                                  const RecordedOutputs& outputs) {
  if (!outputs.histogram_out.empty()) {
    absl::Status written =
        WriteFile(outputs.histogram_out, FormatRecordedRuns(runs));
    if (!written.ok()) return written;
  }
  if (outputs.hgrm_dir.empty()) return absl::OkStatus();
  // A failure here shows up as the first file that cannot be written.
  std::error_code ignored;
  std::filesystem::create_directories(outputs.hgrm_dir, ignored);
  for (const RecordedRun& run : runs) {
    const std::string file =
        absl::StrCat(absl::StrReplaceAll(run.name, {{"/", "__"}, {":", "_"}}),
                     ".rep", run.repetition, ".hgrm");
    absl::Status written = WriteFile(outputs.hgrm_dir + "/" + file,
                                     run.stats.rpc_latency.ToHgrm());
    if (!written.ok()) return written;
  }
  return absl::OkStatus();
}

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
  AddName(name, &efficiency_.names);
  AddSample(run, "bytes_per_second", &efficiency_.bytes_per_second);
  AddSample(run, "p50_us", &efficiency_.p50_us);
  AddName(name, &repeatability_.names);
  AddSample(run, "bytes_per_second", &repeatability_.bytes_per_second);
  AddSample(run, "rpcs_per_second", &repeatability_.rpcs_per_second);
  AddSample(run, "p99_us", &repeatability_.p99_us);
  if (std::optional<RunLog::Entry> entry = log_->Claim(name, run.iterations)) {
    recorded_.push_back({run.benchmark_name(), run.repetition_index,
                         entry->wall, std::move(entry->stats)});
  }
}

void BenchReporter::Finalize() {
  display_->Finalize();
  std::ostream& out = console_ ? display_->GetOutputStream() : std::cerr;
  out << "\n" << EfficiencySummary(efficiency_);
  const std::string repeatability = RepeatabilitySummary(repeatability_);
  if (!repeatability.empty()) out << "\n" << repeatability;
  out.flush();
  WriteOutputs();
}

void BenchReporter::WriteOutputs() {
  const absl::Status written = WriteRecordedOutputs(recorded_, outputs_);
  if (!written.ok()) {
    std::fprintf(stderr, "image_bench: %s\n",
                 std::string(written.message()).c_str());
    outputs_ok_ = false;
  }
}

}  // namespace image_bench
