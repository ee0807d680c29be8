// image_bench: measures an ImageService server's ListImages and StreamImages
// with Google Benchmark, beside same-run raw TCP baselines. gbench's own
// --benchmark_* flags work unchanged; the flags below choose the target and
// the scenarios.
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "bench/baselines/grpc_floor.h"
#include "bench/baselines/local_costs.h"
#include "bench/baselines/tcp_benchmarks.h"
#include "bench/client/image_client.h"
#include "bench/load/scenarios.h"
#include "bench/load/stream_requests.h"
#include "bench/report/bench_reporter.h"
#include "bench/report/compact_console.h"
#include "bench/start/start_barrier.h"
#include "benchmark/benchmark.h"
#include "common/command_line.h"
#include "common/tls_credentials.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051",
          "host:port of the ImageService server to measure.");
ABSL_FLAG(int, channels, 8,
          "TCP connections the in-flight RPCs of a benchmark are spread over "
          "(never more than the concurrency).");
ABSL_FLAG(std::vector<std::string>, images, {},
          "Comma-separated image names that streams cycle through; default: "
          "every image ListImages returns.");
ABSL_FLAG(image_bench::RandomNamesFlag, random_names, {},
          "SEED: every StreamImages call asks for names drawn at random, "
          "uniformly and with replacement, from --images (default: every "
          "image), new names for each call, repeatably from SEED; 0 (the "
          "default): every call asks for the same names, cycling through "
          "--images. For a server whose images do not all fit its cache. "
          "Give each of several bench processes its own SEED.");
ABSL_FLAG(bool, verify, true,
          "Check every received image: order, size_in_bytes, and content "
          "against the first copy received. Mismatches are errors.");
ABSL_FLAG(bool, decode, false,
          "Decode every received image with OpenCV in the receive loop.");
ABSL_FLAG(std::vector<std::string>, grpc_arg, {},
          "Extra gRPC channel arguments for the bench's channels, "
          "key=value[,key=value...], e.g. grpc.http2.lookahead_bytes=1048576. "
          "They override the bench's defaults.");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM roots the server's certificate must chain to: connect with TLS "
          "instead of plaintext. Every gRPC benchmark and the gRPC floor "
          "(Baseline/health_check) then use TLS; the TCP baselines stay raw "
          "TCP.");
ABSL_FLAG(std::string, tls_server_name, "",
          "With --tls_ca: the name the server's certificate must be for, when "
          "it is not the --target host (e.g. a certificate for a DNS name "
          "reached by IP address).");
ABSL_FLAG(std::string, tls_cert, "",
          "With --tls_ca: a PEM client certificate chain, for servers that "
          "require one. Needs --tls_key.");
ABSL_FLAG(std::string, tls_key, "",
          "With --tls_cert: its PEM private key (unencrypted).");
ABSL_FLAG(double, rate, 0,
          "Open loop: start this many calls (ListImages) or streams "
          "(StreamImages) per second, whether or not earlier ones finished, "
          "and count latency from each call's intended start. 0: closed loop.");
ABSL_FLAG(std::string, arrival, "constant",
          "Open-loop arrivals: constant (evenly spaced) or poisson.");
ABSL_FLAG(double, open_loop_duration_s, 10,
          "Open loop: length of each benchmark run, in seconds.");
ABSL_FLAG(double, connect_timeout_s, 5,
          "Seconds to wait for the server to accept a connection.");
ABSL_FLAG(bool, quick, false,
          "A short profile for CI: fewer scenarios and a 0.05 s minimum time "
          "(unless --benchmark_min_time is given).");
ABSL_FLAG(std::vector<std::string>, list_concurrency, {},
          "ListImages RPCs in flight, e.g. 1,8,64 (the default).");
ABSL_FLAG(std::vector<std::string>, images_per_stream, {},
          "Images per StreamImages call, e.g. 1,10,100,1000 (the default).");
ABSL_FLAG(std::vector<std::string>, stream_concurrency, {},
          "StreamImages calls in flight, e.g. 1,8,64 (the default).");
ABSL_FLAG(double, local_cost_min_time_s, 0.05,
          "Minimum time of each LocalCost benchmark (one per image and kind).");
ABSL_FLAG(std::string, histogram_out, "",
          "Write every run's latency histograms and counts to this file, in a "
          "form scripts/merge combines exactly across bench processes.");
ABSL_FLAG(bool, full_table, false,
          "Show Google Benchmark's own console table, every counter in a "
          "column (200+ columns wide), instead of the compact one. The JSON "
          "(--benchmark_out) always has every counter.");
ABSL_FLAG(std::string, start_at, "",
          "Begin the timed work at this wall-clock instant, in seconds since "
          "the Unix epoch (fraction allowed), e.g. $(( $(date +%s) + 10 )): "
          "give several bench processes the same value and their timed "
          "windows overlap, for scripts/merge. Connecting and warming up "
          "happen before it; only the first timed run is held. Use it with "
          "open loop (--rate, --open_loop_duration_s), whose runs last alike "
          "in every process.");
ABSL_FLAG(std::string, hgrm_dir, "",
          "Write each run's RPC latency distribution as an HdrHistogram .hgrm "
          "file into this directory, for plotting.");

namespace {

using image_bench::ScenarioMatrix;
using image_bench::ScenarioSettings;
using image_bench::StartBarrier;

constexpr char kProgram[] = "image_bench";

int Fail(absl::string_view message) {
  return image_common::FailWith(kProgram, message);
}

// gbench's display flags, read before gbench consumes them: our reporter
// wraps the display gbench would have made.
struct DisplayFlags {
  std::string format = "console";
  std::string color = "auto";
  // gbench's own console table, every counter in a column of its own.
  bool full_table = false;
};

// --quick lowers gbench's minimum time unless the user chose one; gbench
// reads it from argv, so it is added there before gbench parses.
std::vector<char*> PreParse(int argc, char** argv, DisplayFlags* display) {
  std::vector<char*> args(argv, argv + argc);
  bool quick = false;
  bool min_time_given = false;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    quick |= arg == "--quick" || arg == "--quick=true";
    min_time_given |= absl::StartsWith(arg, "--benchmark_min_time");
    display->full_table |=
        absl::StartsWith(arg, "--benchmark_counters_tabular") ||
        arg == "--full_table" || arg == "--full_table=true";
    if (absl::ConsumePrefix(&arg, "--benchmark_format=")) {
      display->format = std::string(arg);
    } else if (absl::ConsumePrefix(&arg, "--benchmark_color=")) {
      display->color = std::string(arg);
    }
  }
  static char kQuickMinTime[] = "--benchmark_min_time=0.05";
  if (quick && !min_time_given) args.push_back(kQuickMinTime);
  args.push_back(nullptr);
  return args;
}

std::unique_ptr<benchmark::BenchmarkReporter> MakeDisplay(
    const DisplayFlags& flags) {
  if (flags.format == "json")
    return std::make_unique<benchmark::JSONReporter>();
  if (flags.format == "csv") return std::make_unique<benchmark::CSVReporter>();
  if (!flags.full_table)
    return std::make_unique<image_bench::CompactConsoleReporter>();
  const bool color = flags.color == "true" || flags.color == "yes" ||
                     (flags.color == "auto" && isatty(STDOUT_FILENO));
  return std::make_unique<benchmark::ConsoleReporter>(
      color ? benchmark::ConsoleReporter::OO_ColorTabular
            : benchmark::ConsoleReporter::OO_Tabular);
}

// Parses a comma list of positive integers from a flag, or keeps `fallback`.
absl::StatusOr<std::vector<int>> Counts(const std::vector<std::string>& values,
                                        const char* flag,
                                        std::vector<int> fallback) {
  if (values.empty()) return fallback;
  std::vector<int> counts;
  for (const std::string& value : values) {
    int count = 0;
    if (!absl::SimpleAtoi(value, &count) || count <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--", flag, " takes positive integers, got '", value, "'"));
    }
    counts.push_back(count);
  }
  return counts;
}

absl::StatusOr<ScenarioMatrix> Matrix() {
  const bool quick = absl::GetFlag(FLAGS_quick);
  ScenarioMatrix matrix;
  if (quick) matrix = {{1, 8}, {1, 100}, {1, 8}};
  absl::StatusOr<std::vector<int>> counts =
      Counts(absl::GetFlag(FLAGS_list_concurrency), "list_concurrency",
             matrix.list_concurrency);
  if (!counts.ok()) return counts.status();
  matrix.list_concurrency = *counts;
  counts = Counts(absl::GetFlag(FLAGS_images_per_stream), "images_per_stream",
                  matrix.images_per_stream);
  if (!counts.ok()) return counts.status();
  matrix.images_per_stream = *counts;
  counts = Counts(absl::GetFlag(FLAGS_stream_concurrency), "stream_concurrency",
                  matrix.stream_concurrency);
  if (!counts.ok()) return counts.status();
  matrix.stream_concurrency = *counts;
  return matrix;
}

// Names streams use: --images, checked against the server's list.
absl::StatusOr<std::vector<std::string>> ChooseImages(
    const image_service::ListImagesResponse& listed) {
  const std::vector<std::string> all(listed.image_names().begin(),
                                     listed.image_names().end());
  std::vector<std::string> chosen = absl::GetFlag(FLAGS_images);
  if (chosen.empty()) chosen = all;
  std::vector<std::string> unknown;
  for (const std::string& name : chosen) {
    if (std::find(all.begin(), all.end(), name) == all.end()) {
      unknown.push_back(name);
    }
  }
  if (!unknown.empty()) {
    return absl::NotFoundError(
        absl::StrCat("--images names what the server does not have: '",
                     absl::StrJoin(unknown, "', '"), "'"));
  }
  if (chosen.empty()) return absl::NotFoundError("the server lists no images");
  return chosen;
}

// Smallest and largest, enough for a quick profile of local costs.
std::vector<image_service::Image> Extremes(
    const std::vector<image_service::Image>& images) {
  auto [smallest, largest] = std::minmax_element(
      images.begin(), images.end(), [](const auto& a, const auto& b) {
        return a.content().size() < b.content().size();
      });
  if (smallest == largest) return {*smallest};
  return {*smallest, *largest};
}

absl::Status CheckFlags() {
  if (absl::GetFlag(FLAGS_channels) <= 0) {
    return absl::InvalidArgumentError("--channels must be > 0");
  }
  if (absl::GetFlag(FLAGS_connect_timeout_s) <= 0) {
    return absl::InvalidArgumentError("--connect_timeout_s must be > 0");
  }
  if (absl::GetFlag(FLAGS_rate) < 0) {
    return absl::InvalidArgumentError("--rate must be >= 0");
  }
  const std::string arrival = absl::GetFlag(FLAGS_arrival);
  if (arrival != "constant" && arrival != "poisson") {
    return absl::InvalidArgumentError(absl::StrCat(
        "--arrival must be constant or poisson, got '", arrival, "'"));
  }
  if (absl::GetFlag(FLAGS_open_loop_duration_s) <= 0) {
    return absl::InvalidArgumentError("--open_loop_duration_s must be > 0");
  }
  if (absl::GetFlag(FLAGS_local_cost_min_time_s) <= 0) {
    return absl::InvalidArgumentError("--local_cost_min_time_s must be > 0");
  }
  return absl::OkStatus();
}

// --start_at, checked now (before connecting) so that a bad value fails at
// once; an empty flag is a barrier that never waits.
absl::Status MakeStartBarrier(std::unique_ptr<StartBarrier>* barrier) {
  const std::string text = absl::GetFlag(FLAGS_start_at);
  if (text.empty()) {
    *barrier = std::make_unique<StartBarrier>();
    return absl::OkStatus();
  }
  absl::StatusOr<absl::Time> start_at =
      image_bench::ParseStartAt(text, absl::Now());
  if (!start_at.ok()) return start_at.status();
  *barrier =
      std::make_unique<StartBarrier>(*start_at, [](const std::string& line) {
        std::fprintf(stderr, "%s: %s\n", kProgram, line.c_str());
      });
  benchmark::AddCustomContext("start_at",
                              image_bench::FormatUnixSeconds(*start_at));
  if (absl::GetFlag(FLAGS_rate) <= 0) {
    std::fprintf(stderr,
                 "%s: note: --start_at without --rate: gbench sizes each "
                 "closed-loop run in each process on its own after the "
                 "start, so the reported windows of the processes drift "
                 "apart; --rate and --open_loop_duration_s give every "
                 "process one run of the same length\n",
                 kProgram);
  }
  return absl::OkStatus();
}

// What gbench's context block (and the JSON's "context") says about this run
// beyond the machine: what was measured, with which build.
void AddRunContext(const ScenarioSettings& settings,
                   const std::vector<image_service::Image>& images) {
  int64_t bytes = 0;
  for (const image_service::Image& image : images) {
    bytes += static_cast<int64_t>(image.content().size());
  }
  benchmark::AddCustomContext("target", settings.channel.target);
  benchmark::AddCustomContext(
      "transport", settings.channel.tls.has_value()
                       ? image_common::DescribeChannelTls(*settings.channel.tls)
                       : "plaintext");
  benchmark::AddCustomContext("images", absl::StrCat(images.size()));
  benchmark::AddCustomContext("image_bytes", absl::StrCat(bytes));
  benchmark::AddCustomContext("random_names",
                              absl::StrCat(settings.random_names_seed));
  benchmark::AddCustomContext(
      "stream_names",
      settings.random_names_seed == 0
          ? "cycled (every call of a StreamImages scenario asks for the same "
            "names)"
          : absl::StrCat("random (every StreamImages call asks for its own "
                         "names, drawn uniformly from the images; seed ",
                         settings.random_names_seed, ")"));
  benchmark::AddCustomContext("build", image_common::VersionText(kProgram));
}

// Connects, lists and fetches reference copies; registers every benchmark.
absl::Status Prepare(const ScenarioMatrix& matrix, StartBarrier* start,
                     image_bench::RunLog* log) {
  auto settings = std::make_shared<ScenarioSettings>();
  settings->start_barrier = start;
  settings->channel.target = absl::GetFlag(FLAGS_target);
  settings->channel.connect_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_connect_timeout_s));
  settings->channels = absl::GetFlag(FLAGS_channels);
  absl::StatusOr<std::vector<image_common::GrpcArg>> grpc_args =
      image_common::ParseGrpcArgs(absl::GetFlag(FLAGS_grpc_arg));
  if (!grpc_args.ok()) return grpc_args.status();
  settings->channel.grpc_args = *std::move(grpc_args);
  absl::StatusOr<std::optional<image_common::ChannelTls>> tls =
      image_common::LoadChannelTls(
          {absl::GetFlag(FLAGS_tls_ca), absl::GetFlag(FLAGS_tls_server_name),
           absl::GetFlag(FLAGS_tls_cert), absl::GetFlag(FLAGS_tls_key)});
  if (!tls.ok()) return tls.status();
  settings->channel.tls = *std::move(tls);
  settings->verify = absl::GetFlag(FLAGS_verify);
  settings->decode = absl::GetFlag(FLAGS_decode);
  settings->random_names_seed = absl::GetFlag(FLAGS_random_names).seed;
  settings->rate = absl::GetFlag(FLAGS_rate);
  settings->arrival = absl::GetFlag(FLAGS_arrival) == "poisson"
                          ? image_bench::Arrival::kPoisson
                          : image_bench::Arrival::kConstant;
  settings->open_loop_duration =
      absl::Seconds(absl::GetFlag(FLAGS_open_loop_duration_s));

  absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> channels =
      image_bench::ConnectChannels(settings->channel, 1);
  if (!channels.ok()) return channels.status();
  const std::shared_ptr<grpc::Channel>& channel = channels->front();
  absl::StatusOr<image_service::ListImagesResponse> listed =
      image_bench::ListImages(channel, absl::Seconds(30));
  if (!listed.ok()) return listed.status();
  absl::StatusOr<std::vector<std::string>> names = ChooseImages(*listed);
  if (!names.ok()) return names.status();
  auto images = std::make_shared<std::vector<image_service::Image>>();
  absl::StatusOr<std::vector<image_service::Image>> fetched =
      image_bench::FetchImages(channel, *names, absl::Minutes(5));
  if (!fetched.ok()) return fetched.status();
  *images = *std::move(fetched);

  settings->names = *names;
  settings->reference_images = images;
  settings->references = image_bench::IndexReferences(*images);
  settings->listed_images = listed->image_names_size();
  AddRunContext(*settings, *images);

  if (image_bench::IsLoopbackTarget(settings->channel.target)) {
    image_bench::RegisterTcpBaselines(images, start);
    if (settings->channel.tls.has_value()) {
      std::fprintf(stderr,
                   "image_bench: note: the gRPC benchmarks and the gRPC floor "
                   "use TLS; the TCP baselines are raw TCP, so %% of TCP "
                   "includes what TLS costs\n");
    }
  } else {
    std::fprintf(stderr,
                 "image_bench: note: %s is not loopback, so the raw TCP "
                 "baselines (measured on loopback) are skipped\n",
                 settings->channel.target.c_str());
  }
  image_bench::RegisterGrpcFloor(settings->channel, start);
  image_bench::RegisterGrpcBenchmarks(settings, matrix, log);
  image_bench::RegisterLocalCosts(
      absl::GetFlag(FLAGS_quick)
          ? std::make_shared<std::vector<image_service::Image>>(
                Extremes(*images))
          : images,
      absl::GetFlag(FLAGS_local_cost_min_time_s), start);
  return absl::OkStatus();
}

// gRPC reads each socket into freshly allocated buffers. With many streams in
// flight glibc kept returning that memory to the kernel and faulting it back
// in on the next read; keeping it costs memory the bench has anyway and
// saves a page fault per read (docs/performance.md has the counts).
void KeepFreedMemory() {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  image_common::HandleHelpAndVersion(
      argc, argv,
      {kProgram,
       "Measures an ImageService server (ListImages, StreamImages) with "
       "Google Benchmark, beside raw loopback TCP baselines and gRPC's own "
       "floor measured in the same run. With --tls_ca the gRPC benchmarks "
       "and the floor use TLS and the TCP baselines stay raw TCP. Google "
       "Benchmark's --benchmark_* flags (listed after the bench's own) work "
       "unchanged.",
       "image_bench [--target=HOST:PORT] [--quick] "
       "[--benchmark_out=r.json --benchmark_out_format=json] [flags]"},
      benchmark::PrintDefaultHelp);
  KeepFreedMemory();
  DisplayFlags display;
  std::vector<char*> args = PreParse(argc, argv, &display);
  int arg_count = static_cast<int>(args.size()) - 1;
  benchmark::Initialize(&arg_count, args.data());
  absl::ParseCommandLine(arg_count, args.data());
  if (absl::Status flags = CheckFlags(); !flags.ok()) {
    return Fail(flags.message());
  }
  absl::StatusOr<ScenarioMatrix> matrix = Matrix();
  if (!matrix.ok()) return Fail(matrix.status().message());

  std::unique_ptr<StartBarrier> start;
  if (absl::Status made = MakeStartBarrier(&start); !made.ok()) {
    return Fail(made.message());
  }

  image_bench::RunLog log;
  if (absl::Status prepared = Prepare(*matrix, start.get(), &log);
      !prepared.ok()) {
    return Fail(prepared.message());
  }
  image_bench::BenchReporter reporter(
      &log, {absl::GetFlag(FLAGS_histogram_out), absl::GetFlag(FLAGS_hgrm_dir)},
      MakeDisplay(display), display.format == "console");
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  if (!reporter.outputs_ok()) return 1;
  if (reporter.failed_runs() > 0) {
    return Fail(absl::StrCat(reporter.failed_runs(),
                             " benchmark runs reported errors (see above)"));
  }
  return 0;
}
