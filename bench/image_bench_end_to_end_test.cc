// The real image_bench against the real image_server, and against a test
// server that corrupts images: checks what a user reads (exit code, the
// table's efficiency line, the JSON counters).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/report/recorded_runs.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "image_service.grpc.pb.h"
#include "testing/bench_json.h"
#include "testing/scratch_path.h"
#include "testing/subprocess.h"

namespace image_bench {
namespace {

namespace fs = std::filesystem;
using ::google::protobuf::Struct;
using ::image_testing::BenchmarksByName;
using ::image_testing::Number;
using ::image_testing::ScratchPath;
using ::image_testing::ServerProcess;
using ::image_testing::Subprocess;
using ::testing::HasSubstr;

// Bytes of one stream of `count` images cycling through the default set in
// ListImages order.
double BytesPerStream(int count) {
  std::vector<std::pair<std::string, double>> files;
  for (const auto& entry : fs::recursive_directory_iterator(IMAGES_DIR)) {
    if (entry.is_regular_file()) {
      files.emplace_back(
          entry.path().lexically_relative(IMAGES_DIR).generic_string(),
          static_cast<double>(entry.file_size()));
    }
  }
  std::sort(files.begin(), files.end());
  double bytes = 0;
  for (int i = 0; i < count; ++i) bytes += files[i % files.size()].second;
  return bytes;
}

void ExpectPercentilesOrdered(const Struct& run) {
  const double p50 = Number(run, "p50_us"), p90 = Number(run, "p90_us"),
               p99 = Number(run, "p99_us"), p999 = Number(run, "p999_us"),
               max = Number(run, "max_us");
  EXPECT_GT(p50, 0);
  EXPECT_LE(p50, p90);
  EXPECT_LE(p90, p99);
  EXPECT_LE(p99, p999);
  EXPECT_LE(p999, max);
}

TEST(ImageBenchEndToEndTest, JsonCountersArePresentPositiveAndConsistent) {
  ServerProcess server(SERVER_BINARY, {"--images_dir=" IMAGES_DIR});
  const std::optional<std::string> address = server.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server.process().err();
  const std::string json = ScratchPath("run.json");
  const std::string histograms = ScratchPath("histograms.txt");

  Subprocess bench(
      BENCH_BINARY,
      {"--target=" + *address, "--list_concurrency=1,4",
       "--images_per_stream=1,7", "--stream_concurrency=1,3", "--channels=2",
       "--benchmark_filter=^(Baseline|ListImages|StreamImages)",
       "--benchmark_min_time=0.05", "--benchmark_out=" + json,
       "--benchmark_out_format=json", "--histogram_out=" + histograms});
  const std::optional<int> exit_code = bench.WaitForExit(absl::Minutes(3));

  ASSERT_TRUE(exit_code.has_value());
  ASSERT_EQ(*exit_code, 0) << bench.err();
  EXPECT_THAT(bench.out(), HasSubstr("Efficiency against raw loopback TCP"));
  const std::map<std::string, Struct> runs =
      BenchmarksByName(image_common::ReadFile(json).value_or(""));
  int list_runs = 0, stream_runs = 0, ping_pongs = 0;
  for (const auto& [name, run] : runs) {
    SCOPED_TRACE(name);
    if (absl::StartsWith(name, "Baseline/tcp_bulk")) {
      EXPECT_GT(Number(run, "bytes_per_second"), 0);
    } else if (absl::StartsWith(name, "Baseline/tcp_ping_pong") ||
               absl::StartsWith(name, "Baseline/health_check")) {
      ++ping_pongs;
      EXPECT_GT(Number(run, "p50_us"), 0);
    } else if (absl::StartsWith(name, "ListImages/")) {
      ++list_runs;
      ExpectPercentilesOrdered(run);
      EXPECT_GT(Number(run, "rpcs_per_second"), 0);
      EXPECT_EQ(Number(run, "errors"), 0);
    } else if (absl::StartsWith(name, "StreamImages/")) {
      ++stream_runs;
      const int per_stream =
          absl::StrContains(name, "images_per_stream:7/") ? 7 : 1;
      ExpectPercentilesOrdered(run);
      EXPECT_EQ(Number(run, "errors"), 0);
      const double rpcs = Number(run, "rpcs_per_second");
      const double images = Number(run, "images_per_second");
      const double bytes = Number(run, "bytes_per_second");
      ASSERT_GT(rpcs, 0);
      EXPECT_NEAR(images / rpcs, per_stream, per_stream * 1e-6);
      EXPECT_NEAR(bytes / rpcs, BytesPerStream(per_stream),
                  BytesPerStream(per_stream) * 1e-6);
      EXPECT_GT(Number(run, "first_image_p50_us"), 0);
      EXPECT_LE(Number(run, "first_image_p50_us"),
                Number(run, "first_image_p99_us"));
      EXPECT_LE(Number(run, "first_image_p99_us"), Number(run, "max_us"));
      if (per_stream > 1) {
        EXPECT_GT(Number(run, "gap_p50_us"), 0);
        EXPECT_LE(Number(run, "gap_p50_us"), Number(run, "gap_p99_us"));
      }
    }
  }
  EXPECT_EQ(ping_pongs, 2);
  EXPECT_EQ(list_runs, 2);
  EXPECT_EQ(stream_runs, 4);

  absl::StatusOr<std::vector<RecordedRun>> recorded =
      ParseRecordedRuns(image_common::ReadFile(histograms).value_or(""));
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(recorded->size(), 6);
  fs::remove(json);
  fs::remove(histograms);
}

// Serves two images correctly on the first StreamImages call (the bench's
// reference copy) and with one byte flipped on every later call.
class CorruptingService final : public image_service::ImageService::Service {
 public:
  grpc::Status ListImages(
      grpc::ServerContext*, const image_service::ListImagesRequest*,
      image_service::ListImagesResponse* response) override {
    response->add_image_names("one.bin");
    response->add_image_names("two.bin");
    return grpc::Status::OK;
  }
  grpc::Status StreamImages(
      grpc::ServerContext*, const image_service::StreamImagesRequest* request,
      grpc::ServerWriter<image_service::StreamImagesResponse>* writer)
      override {
    const bool corrupt = calls_++ > 0;
    for (const std::string& name : request->image_names()) {
      image_service::StreamImagesResponse response;
      image_service::Image& image = *response.mutable_image();
      std::string content(5000, 'x');
      content += name;
      if (corrupt) content[1234] ^= 1;
      image.set_name(name);
      image.set_size_in_bytes(static_cast<int>(content.size()));
      image.set_content(content);
      writer->Write(response);
    }
    return grpc::Status::OK;
  }

 private:
  std::atomic<int> calls_{0};
};

// Concurrency 1 reads on its own thread, more run on the async driver: both
// must catch the flipped byte.
TEST(ImageBenchEndToEndTest, CorruptedImageIsReportedAsAnError) {
  for (const std::string concurrency : {"1", "3"}) {
    SCOPED_TRACE(concurrency + " in flight");
    CorruptingService service;
    int port = 0;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                             &port);
    builder.RegisterService(&service);
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    const std::string json = ScratchPath("corrupt.json");

    Subprocess bench(
        BENCH_BINARY,
        {absl::StrCat("--target=127.0.0.1:", port), "--images_per_stream=3",
         "--stream_concurrency=" + concurrency,
         "--benchmark_filter=^StreamImages", "--benchmark_min_time=0.01",
         "--benchmark_out=" + json, "--benchmark_out_format=json"});
    const std::optional<int> exit_code = bench.WaitForExit(absl::Minutes(1));

    ASSERT_TRUE(exit_code.has_value());
    EXPECT_NE(*exit_code, 0);
    EXPECT_THAT(bench.err(), HasSubstr("benchmark runs reported errors"));
    const std::map<std::string, Struct> runs =
        BenchmarksByName(image_common::ReadFile(json).value_or(""));
    ASSERT_EQ(runs.size(), 1);
    const Struct& run = runs.begin()->second;
    EXPECT_TRUE(run.fields().at("error_occurred").bool_value());
    EXPECT_THAT(run.fields().at("error_message").string_value(),
                HasSubstr("'one.bin': content differs from the first copy"));
    server->Shutdown(std::chrono::system_clock::now());
    fs::remove(json);
  }
}

// The default images by file size (the content the server sends).
std::map<int64_t, std::string> NamesBySize() {
  std::map<int64_t, std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(IMAGES_DIR)) {
    if (entry.is_regular_file()) {
      names[static_cast<int64_t>(entry.file_size())] =
          entry.path().lexically_relative(IMAGES_DIR).generic_string();
    }
  }
  return names;
}

Struct ParseJson(const std::string& json) {
  Struct parsed;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok())
      << json.substr(0, 200);
  return parsed;
}

std::string Text(const Struct& object, const std::string& key) {
  const auto found = object.fields().find(key);
  return found == object.fields().end() ? "" : found->second.string_value();
}

// The server's StreamImages records of streams of `images` images (its
// --stream_log file, one JSON object a line): their byte counts, each
// record's status checked.
std::vector<int64_t> StreamBytes(const std::string& log, int images) {
  std::vector<int64_t> bytes;
  const std::string text = image_common::ReadFile(log).value_or("");
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    const Struct record = ParseJson(std::string(line));
    if (Text(record, "rpc") != "StreamImages" ||
        Number(record, "images") != images) {
      continue;
    }
    EXPECT_EQ(Text(record, "status"), "OK") << line;
    bytes.push_back(static_cast<int64_t>(Number(record, "bytes")));
  }
  return bytes;
}

// --random_names, on the sync path (1 in flight) and the async one (3): the
// server is asked for many different images, where one cycled request
// would ask for the same few again and again, and every image still
// verifies. The server's records hold no names, but a one-image stream's
// bytes are that image's size, and the default images' sizes all differ:
// the sizes the server sent are the names it was asked for.
TEST(ImageBenchEndToEndTest, RandomNamesAskTheServerForManyDifferentImages) {
  const std::map<int64_t, std::string> names_by_size = NamesBySize();
  ASSERT_EQ(names_by_size.size(), 24) << "two default images share a size";
  const std::string log = ScratchPath("random_names_calls.jsonl");
  fs::remove(log);
  ServerProcess server(SERVER_BINARY,
                       {"--images_dir=" IMAGES_DIR, "--stream_log=" + log});
  const std::optional<std::string> address = server.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server.process().err();
  const std::string json = ScratchPath("random_names.json");

  Subprocess bench(
      BENCH_BINARY,
      {"--target=" + *address, "--random_names=7", "--images_per_stream=1,4",
       "--stream_concurrency=1,3", "--channels=2",
       "--benchmark_filter=^StreamImages", "--benchmark_min_time=0.3",
       "--benchmark_out=" + json, "--benchmark_out_format=json"});
  const std::optional<int> exit_code = bench.WaitForExit(absl::Minutes(3));
  ASSERT_TRUE(exit_code.has_value());
  ASSERT_EQ(*exit_code, 0) << bench.err();
  server.process().Signal(SIGTERM);  // Writes the rest of the log.
  ASSERT_TRUE(server.process().WaitForExit(absl::Seconds(20)).has_value());

  EXPECT_THAT(bench.err(), HasSubstr("\nrandom_names: 7\n"));
  const std::string report = image_common::ReadFile(json).value_or("");
  EXPECT_EQ(Text(ParseJson(report).fields().at("context").struct_value(),
                 "random_names"),
            "7");
  const std::map<std::string, Struct> runs = BenchmarksByName(report);
  EXPECT_EQ(runs.size(), 4);
  for (const auto& [name, run] : runs) {
    SCOPED_TRACE(name);
    EXPECT_EQ(Number(run, "errors"), 0);
    const int per_stream =
        absl::StrContains(name, "images_per_stream:4/") ? 4 : 1;
    EXPECT_NEAR(
        Number(run, "images_per_second") / Number(run, "rpcs_per_second"),
        per_stream, per_stream * 1e-6);
  }

  const std::vector<int64_t> singles = StreamBytes(log, 1);
  // A slow (sanitized) build makes few calls: 10 uniform draws over 24
  // images give fewer than 5 distinct ones 0.4 % of the time (more draws,
  // far less), and a cycled request gives 1.
  ASSERT_GE(singles.size(), 10);
  std::set<int64_t> sizes;
  for (const int64_t bytes : singles) {
    EXPECT_TRUE(names_by_size.count(bytes)) << bytes << " bytes: no image";
    sizes.insert(bytes);
  }
  // One cycled request would have asked for one image only.
  EXPECT_GE(sizes.size(), 5);
  const std::vector<int64_t> fours = StreamBytes(log, 4);
  ASSERT_GE(fours.size(), 10);
  EXPECT_GE(std::set<int64_t>(fours.begin(), fours.end()).size(), 5);
  fs::remove(log);
  fs::remove(json);
}

TEST(ImageBenchEndToEndTest, UnreachableTargetIsOneLineAndAQuickFailure) {
  const absl::Time start = absl::Now();
  Subprocess bench(BENCH_BINARY,
                   {"--target=127.0.0.1:1", "--connect_timeout_s=1"});
  const std::optional<int> exit_code = bench.WaitForExit(absl::Seconds(20));

  ASSERT_TRUE(exit_code.has_value());
  EXPECT_NE(*exit_code, 0);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_THAT(bench.err(), HasSubstr("cannot connect to 127.0.0.1:1"));
  EXPECT_EQ(std::count(bench.err().begin(), bench.err().end(), '\n'), 1)
      << bench.err();
}

}  // namespace
}  // namespace image_bench
