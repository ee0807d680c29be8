// image_server: serves a directory of images over ImageService until SIGINT
// or SIGTERM; SIGHUP rescans the directory.
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/command_line.h"
#include "common/one_line.h"
#include "common/port_file.h"
#include "common/shutdown_signals.h"
#include "common/tls_credentials.h"
#include "server/accept_failure.h"
#include "server/calibration.h"
#include "server/heap_trimmer.h"
#include "server/image_service_impl.h"
#include "server/image_store.h"
#include "server/rescanner.h"
#include "server/server_start.h"
#include "server/server_stats_service.h"
#include "server/signal_shutdown.h"
#include "server/stream_log.h"
#include "server/stream_records.h"
#include "server/subprocess_prober.h"

ABSL_FLAG(std::string, address, "127.0.0.1:50051",
          "host:port to listen on. Loopback only by default; use "
          "0.0.0.0:PORT or [::]:PORT to listen on all interfaces (IPv4 and "
          "IPv6 alike, in plaintext unless --tls_cert is given), port 0 for "
          "any free port.");
ABSL_FLAG(std::string, images_dir, "images",
          "Directory of images to serve, subdirectories included.");
ABSL_FLAG(double, shutdown_grace_s, 5,
          "On SIGINT/SIGTERM, seconds that running streams get to finish "
          "before they are cancelled.");
ABSL_FLAG(int, max_threads, image_server::ServerConfig::kDefaultMaxThreads,
          "Most threads the server may use for RPCs (each running RPC holds "
          "one); past it new calls fail at once with RESOURCE_EXHAUSTED. 0 "
          "for no limit.");
ABSL_FLAG(int, max_health_watches,
          image_server::HealthService::kDefaultMaxWatches,
          "Most grpc.health.v1 Watch streams open at once (each holds a "
          "thread); past it Watch fails with RESOURCE_EXHAUSTED.");
ABSL_FLAG(int, max_request_bytes, 4 * 1024 * 1024,
          "Largest request accepted, in bytes.");
ABSL_FLAG(std::vector<std::string>, grpc_arg, {},
          "Extra gRPC channel arguments, key=value[,key=value...], e.g. "
          "grpc.http2.max_frame_size=1048576. They override the defaults.");
ABSL_FLAG(std::string, port_file, "",
          "Once listening, write the address actually bound (e.g. "
          "127.0.0.1:43117, newline-terminated) to this file, replacing it "
          "whole, so that scripts can use --address=127.0.0.1:0 without "
          "parsing the start-up line.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain (the server's certificate first): listen "
          "with TLS instead of plaintext. Needs --tls_key.");
ABSL_FLAG(std::string, tls_key, "",
          "PEM private key of the first certificate in --tls_cert "
          "(unencrypted).");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM roots that client certificates must chain to: clients without "
          "such a certificate are refused in the TLS handshake. Needs "
          "--tls_cert and --tls_key.");
ABSL_FLAG(std::string, stream_log, "",
          "Append one JSON line per finished StreamImages and ListImages "
          "call to this file (created if absent): peer, user-agent, images, "
          "content bytes, times, time blocked in Write, status; see "
          "docs/client-matrix-format.md. A thread of its own writes it, so a "
          "slow or full disk never slows serving: when writes fail (a full "
          "disk, ENOSPC, EIO) one warning goes to stderr and records are "
          "dropped and counted, as they are when 10,000 wait for the disk; "
          "the counts are printed at stop, after the records still queued "
          "are written. A path that cannot be opened is an error at start.");
ABSL_FLAG(int, stream_records, image_server::StreamRecords::kDefaultCapacity,
          "Finished calls kept in memory, the latest this many, for "
          "image_service.ServerStats/GetStreams (a few hundred bytes each). 0 "
          "keeps none; with 0 and no --stream_log, calls are not timed at "
          "all.");
ABSL_FLAG(int64_t, max_cache_mb, 0,
          "0: hold every image in memory, encoded once at start-up. N > 0: "
          "index metadata only and read images from disk into a cache of at "
          "most N MB (least recently used out first), for image sets larger "
          "than memory. A file changed on disk after indexing is never sent: "
          "its stream fails, naming it, until SIGHUP rescans.");
ABSL_FLAG(int, load_threads, 0,
          "Threads that index the directory at start-up; 0 for one per core.");
// Calibration: known, deliberate slowness for checking that a client or a
// network path measures correctly. Never for normal serving.
ABSL_FLAG(double, calibration_delay_per_call_ms, 0,
          "CALIBRATION ONLY, not a feature: milliseconds added to every "
          "ListImages and StreamImages call before it answers (for streams, "
          "before the first image), to check that a client measures latency "
          "correctly. 0 = off.");
ABSL_FLAG(double, calibration_delay_per_image_ms, 0,
          "CALIBRATION ONLY, not a feature: milliseconds added before each "
          "image of a stream. 0 = off.");
ABSL_FLAG(double, calibration_stall_ms, 0,
          "CALIBRATION ONLY, not a feature: a periodic stall, like a GC "
          "pause: every --calibration_stall_every_s seconds the server answers "
          "nothing for this many milliseconds. 0 = off.");
ABSL_FLAG(double, calibration_stall_every_s, 5,
          "CALIBRATION ONLY: seconds between the starts of stalls, counted "
          "from server start (the first stall begins this long after start).");

namespace {

constexpr char kProgram[] = "image_server";
constexpr double kMaxGraceSeconds = 3600;
constexpr int kMaxStreamRecords = 1000000;
constexpr int64_t kMaxCacheMegabytes = int64_t{1} << 30;

int Fail(absl::string_view message) {
  return image_common::FailWith(kProgram, message);
}

// Once the signal thread runs, main cannot return (its destructor would wait
// for a signal): errors from there on end the process here.
[[noreturn]] void FailNow(absl::string_view message) {
  Fail(message);
  std::fflush(nullptr);
  std::_Exit(1);
}

image_server::CalibrationOptions CalibrationFlags() {
  image_server::CalibrationOptions options;
  options.delay_per_call_ms =
      absl::GetFlag(FLAGS_calibration_delay_per_call_ms);
  options.delay_per_image_ms =
      absl::GetFlag(FLAGS_calibration_delay_per_image_ms);
  options.stall_ms = absl::GetFlag(FLAGS_calibration_stall_ms);
  options.stall_every_s = absl::GetFlag(FLAGS_calibration_stall_every_s);
  return options;
}

std::string FlagProblem() {
  // NaN fails every comparison; infinity and huge values overflowed the
  // deadline into the past, i.e. no grace at all.
  const double grace = absl::GetFlag(FLAGS_shutdown_grace_s);
  if (!(grace >= 0 && grace <= kMaxGraceSeconds)) {
    return absl::StrCat("--shutdown_grace_s must be from 0 to ",
                        kMaxGraceSeconds, " seconds, got ", grace);
  }
  const int max_threads = absl::GetFlag(FLAGS_max_threads);
  if (max_threads < 0 || max_threads == 1) {
    // One thread polls for calls, so with one in all no call ever runs.
    return absl::StrCat(
        "--max_threads must be 0 (no limit) or at least 2 (one polls, the "
        "others run calls), got ",
        max_threads);
  }
  if (absl::GetFlag(FLAGS_max_health_watches) < 0) {
    return "--max_health_watches must be >= 0";
  }
  if (absl::GetFlag(FLAGS_max_cache_mb) < 0 ||
      absl::GetFlag(FLAGS_max_cache_mb) > kMaxCacheMegabytes) {
    return absl::StrCat(
        "--max_cache_mb must be from 0 (no cache: all in "
        "memory) to ",
        kMaxCacheMegabytes);
  }
  if (absl::GetFlag(FLAGS_load_threads) < 0)
    return "--load_threads must be >= 0";
  const int records = absl::GetFlag(FLAGS_stream_records);
  if (records < 0 || records > kMaxStreamRecords) {
    return absl::StrCat("--stream_records must be from 0 to ",
                        kMaxStreamRecords, ", got ", records);
  }
  if (absl::GetFlag(FLAGS_max_request_bytes) <= 0) {
    return "--max_request_bytes must be > 0";
  }
  if (const absl::Status calibration =
          image_server::ValidateCalibrationOptions(CalibrationFlags());
      !calibration.ok()) {
    return std::string(calibration.message());
  }
  return "";
}

absl::StatusOr<std::optional<image_common::ServerTls>> TlsFlags() {
  return image_common::LoadServerTls({absl::GetFlag(FLAGS_tls_cert),
                                      absl::GetFlag(FLAGS_tls_key),
                                      absl::GetFlag(FLAGS_tls_client_ca)});
}

// Said on its own line after the start-up line so that nobody takes a
// calibrated server's latencies for a normal server's.
void AnnounceCalibration(const image_server::CalibrationOptions& options) {
  if (!options.enabled()) return;
  std::printf(
      "image_server: CALIBRATION ON: %s; answers are deliberately slowed, "
      "for checking measurements only\n",
      image_server::DescribeCalibration(options).c_str());
}

// The start-up line names files as they are: a name may hold a newline or
// bytes that would forge or garble lines that scripts read.
void WarnAboutSkipped(const image_server::ImageStore& store) {
  for (const image_server::SkippedFile& skipped : store.skipped()) {
    std::fprintf(stderr, "image_server: warning: skipping '%s': %s\n",
                 image_common::OneLine(skipped.name, 300).c_str(),
                 image_common::OneLine(skipped.reason, 300).c_str());
  }
}

// With --max_cache_mb: the cache.
std::shared_ptr<image_server::ImageCache> MakeCache() {
  const int64_t megabytes = absl::GetFlag(FLAGS_max_cache_mb);
  if (megabytes == 0) return nullptr;
  return std::make_shared<image_server::ImageCache>(megabytes * 1000000);
}

// SIGHUP: the directory indexed again, served from then on by new calls.
// Running streams keep the images they started with.
void Rescan(const std::string& directory,
            const image_server::LoadOptions& options,
            image_server::ImageServiceImpl* service) {
  absl::StatusOr<image_server::ImageStore> fresh =
      image_server::ImageStore::Load(directory, options);
  if (!fresh.ok()) {
    std::fprintf(stderr,
                 "image_server: rescan failed, still serving the images of "
                 "the scan before: %s\n",
                 image_common::OneLine(fresh.status().message(), 500).c_str());
    return;
  }
  WarnAboutSkipped(*fresh);
  const size_t count = fresh->images().size();
  const double megabytes = fresh->total_bytes() / 1e6;
  const double seconds = absl::ToDoubleSeconds(fresh->load_time());
  service->Replace(*std::move(fresh));
  std::printf(
      "image_server: rescanned: %zu images, %.1f MB, loaded in %.2f s\n", count,
      megabytes, seconds);
  std::fflush(stdout);
}

absl::StatusOr<std::unique_ptr<image_server::StreamLog>> OpenStreamLog() {
  const std::string path = absl::GetFlag(FLAGS_stream_log);
  if (path.empty()) return nullptr;
  image_server::StreamLogOptions options;
  options.warn = [](const std::string& line) {
    std::fprintf(stderr, "image_server: warning: %s\n", line.c_str());
  };
  absl::StatusOr<std::unique_ptr<image_server::StreamLog>> log =
      image_server::StreamLog::Open(path, std::move(options));
  if (!log.ok()) {
    return absl::Status(log.status().code(),
                        absl::StrCat("--stream_log: ", log.status().message()));
  }
  return log;
}

// After the last call ended: what is still queued is written first.
void CloseStreamLog(image_server::StreamLog* log) {
  if (log == nullptr) return;
  const bool flushed = log->Close(image_server::StreamLog::kCloseLimit);
  const image_server::StreamLogTotals totals = log->totals();
  std::printf(
      "image_server: stream log %s: %lld records written, %lld dropped (%lld "
      "queue full, %lld write errors, %lld at stop)%s\n",
      image_common::QuotedForLine(log->path(), 300).c_str(),
      static_cast<long long>(totals.written),
      static_cast<long long>(totals.dropped()),
      static_cast<long long>(totals.dropped_queue_full),
      static_cast<long long>(totals.dropped_write_error),
      static_cast<long long>(totals.dropped_at_close),
      flushed ? "" : "; the writer was still stuck in a write at stop");
}

// Clients that open connections and never send a byte used to exhaust the
// descriptors; the hard limit is what the machine allows this process.
void RaiseOpenFileLimit() {
  rlimit limit;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
      limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  image_common::HandleHelpAndVersion(
      argc, argv,
      {kProgram,
       "Serves a directory of images over gRPC (image_service.ImageService, "
       "with grpc.health.v1, image_service.ServerStats (the records of "
       "finished calls) and reflection) until SIGINT or SIGTERM. SIGHUP "
       "rescans the directory: new calls see what changed, running streams "
       "keep the images they started with.",
       "image_server [--address=HOST:PORT] [--images_dir=DIR] "
       "[--tls_cert=FILE --tls_key=FILE] [flags]"});
  absl::ParseCommandLine(argc, argv);
  if (const std::string problem = FlagProblem(); !problem.empty()) {
    return Fail(problem);
  }
  // Checked before the images load, which can take long.
  absl::StatusOr<std::vector<image_common::GrpcArg>> grpc_args =
      image_common::ParseGrpcArgs(absl::GetFlag(FLAGS_grpc_arg));
  if (!grpc_args.ok()) return Fail(grpc_args.status().message());
  absl::StatusOr<std::optional<image_common::ServerTls>> tls = TlsFlags();
  if (!tls.ok()) return Fail(tls.status().message());
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (absl::Status cleared = image_common::ClearPortFile(port_file);
      !cleared.ok()) {
    return Fail(cleared.message());
  }
  // Opened (and created) before the images load, so that a bad path fails
  // at once.
  absl::StatusOr<std::unique_ptr<image_server::StreamLog>> stream_log =
      OpenStreamLog();
  if (!stream_log.ok()) return Fail(stream_log.status().message());
  const int record_capacity = absl::GetFlag(FLAGS_stream_records);
  std::unique_ptr<image_server::StreamRecords> stream_records;
  if (record_capacity > 0) {
    stream_records =
        std::make_unique<image_server::StreamRecords>(record_capacity);
  }
  std::vector<image_server::StreamRecordSink*> record_sinks;
  if (stream_records != nullptr) record_sinks.push_back(stream_records.get());
  if (*stream_log != nullptr) record_sinks.push_back(stream_log->get());

  RaiseOpenFileLimit();
  // From here a signal stops loading at once (the probers die with us), and
  // once the server listens it stops it gracefully.
  image_server::SignalShutdown shutdown(
      image_common::BlockShutdownSignals({SIGHUP}),
      absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_s)));

  image_server::LoadOptions load_options;
  load_options.threads = absl::GetFlag(FLAGS_load_threads);
  load_options.make_prober = image_server::SubprocessProberFactory(
      image_server::ProberNextToThisProgram());
  load_options.on_progress = [](size_t done, size_t total,
                                absl::Duration elapsed) {
    std::fprintf(stderr,
                 "image_server: indexing: %zu of %zu files probed (%.0f %%), "
                 "%.0f s\n",
                 done, total, 100.0 * done / total,
                 absl::ToDoubleSeconds(elapsed));
  };
  std::shared_ptr<image_server::ImageCache> cache = MakeCache();
  load_options.keep_content = cache == nullptr;
  absl::StatusOr<image_server::ImageStore> store =
      image_server::ImageStore::Load(absl::GetFlag(FLAGS_images_dir),
                                     load_options);
  if (!store.ok()) FailNow(store.status().message());
  WarnAboutSkipped(*store);

  // Stalls are counted from here, milliseconds before the server listens.
  const image_server::CalibrationOptions calibration_options =
      CalibrationFlags();
  std::optional<image_server::Calibration> calibration;
  if (calibration_options.enabled()) {
    calibration.emplace(calibration_options, absl::Now());
  }
  image_server::ImageServiceImpl service(&*store, calibration, record_sinks,
                                         cache);
  image_server::ServerStatsService stats(stream_records.get(),
                                         stream_log->get());
  image_server::ServerConfig config;
  config.more_services = {&stats};
  config.address = absl::GetFlag(FLAGS_address);
  config.max_threads = absl::GetFlag(FLAGS_max_threads);
  config.max_health_watches = absl::GetFlag(FLAGS_max_health_watches);
  config.max_request_bytes = absl::GetFlag(FLAGS_max_request_bytes);
  config.grpc_args = *std::move(grpc_args);
  if (tls->has_value()) config.credentials = (*tls)->credentials;
  absl::StatusOr<image_server::StartedServer> started =
      image_server::StartServer(config, &service);
  if (!started.ok()) FailNow(started.status().message());

  // Plaintext keeps the line scripts have always read; TLS says so before
  // the first comma.
  const std::string transport =
      tls->has_value()
          ? absl::StrCat(" (", image_common::DescribeServerTls(**tls), ")")
          : "";
  const std::string held =
      cache == nullptr ? ""
                       : absl::StrCat(" on disk, cache ",
                                      absl::GetFlag(FLAGS_max_cache_mb), " MB");
  std::printf(
      "image_server: listening on %s%s, %zu images, %.1f MB%s, "
      "loaded in %.2f s\n",
      started->address.c_str(), transport.c_str(), store->images().size(),
      store->total_bytes() / 1e6, held.c_str(),
      absl::ToDoubleSeconds(store->load_time()));
  AnnounceCalibration(calibration_options);
  std::fflush(stdout);
  // Last, so that whoever waits for the file also finds the lines above.
  if (absl::Status written =
          image_common::WritePortFile(port_file, started->address);
      !written.ok()) {
    FailNow(written.message());
  }

  image_server::Rescanner rescanner([&service, &load_options] {
    Rescan(absl::GetFlag(FLAGS_images_dir), load_options, &service);
  });
  shutdown.OnRescan([&rescanner] { rescanner.Request(); });
  shutdown.Serving(&*started);
  image_server::WatchForAcceptFailure(
      kProgram, [&shutdown](const std::string& message) {
        shutdown.StopForFailure(absl::StrCat(
            "accepting new connections failed (",
            image_common::OneLine(message, 200),
            ") and gRPC does not retry; raise the open-file limit (ulimit "
            "-n)"));
      });
  // Bursts of calls free memory in arenas that glibc keeps otherwise.
  image_server::HeapTrimmer heap_trimmer(
      absl::Seconds(1), image_server::HeapTrimmer::kDefaultMinGrowth);
  started->server->Wait();

  const image_server::ServiceCounters counters = service.counters();
  // "Ended early": a client cancel, a deadline or the end of the grace
  // period came before the last image was sent (see ServiceCounters).
  std::printf(
      "image_server: stopped after %lld streams: %lld sent in full, %lld "
      "ended early, %lld refused, %lld failed; %lld images sent\n",
      static_cast<long long>(counters.streams_started),
      static_cast<long long>(counters.streams_sent_in_full),
      static_cast<long long>(counters.streams_cancelled),
      static_cast<long long>(counters.streams_refused),
      static_cast<long long>(counters.streams_failed),
      static_cast<long long>(counters.images_sent));
  if (cache != nullptr) {
    const image_server::ImageCache::Stats cached = cache->stats();
    std::printf(
        "image_server: cache: %lld hits, %lld reads from disk, %lld "
        "evicted; %.1f MB held at the end\n",
        static_cast<long long>(cached.hits),
        static_cast<long long>(cached.misses),
        static_cast<long long>(cached.evictions), cached.cached_bytes / 1e6);
  }
  CloseStreamLog(stream_log->get());
  // Every RPC has ended. gRPC's own teardown at exit would wait up to 10 s
  // for connections that clients still hold open (its iomgr shutdown
  // deadline), so leave without it.
  std::fflush(nullptr);
  std::_Exit(shutdown.exit_code());
}
