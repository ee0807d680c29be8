#include "bench/report/bench_reporter.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"

namespace image_bench {
namespace {

constexpr char kDebugLibraryWarning[] = "Library was built as DEBUG";
constexpr char kDebugLibraryNote[] =
    "image_bench: note: the DEBUG warning above is about how Debian built "
    "libbenchmark,\n  not this bench: image_bench is built Release, and its "
    "timing, histograms and RPC code\n  are its own optimised code; gbench "
    "only schedules the runs.\n";

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

BenchReporter::BenchReporter(
    RunLog* log, Outputs outputs,
    std::unique_ptr<benchmark::BenchmarkReporter> display, bool console)
    : log_(log),
      outputs_(std::move(outputs)),
      display_(std::move(display)),
      console_(console) {}

// gbench prints its context (CPU, load, caches) to its error stream, with a
// warning when libbenchmark itself was built without NDEBUG, as Debian's is.
// The warning reads as if it were about this bench, so a line after it says
// what it is about.
bool BenchReporter::ReportContext(const Context& context) {
  std::ostream& errors = display_->GetErrorStream();
  std::ostringstream captured;
  display_->SetErrorStream(&captured);
  const bool ok = display_->ReportContext(context);
  display_->SetErrorStream(&errors);
  errors << captured.str();
  if (captured.str().find(kDebugLibraryWarning) != std::string::npos) {
    errors << kDebugLibraryNote;
  }
  errors.flush();
  return ok;
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
                         entry->wall, std::move(entry->stats), entry->start});
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
