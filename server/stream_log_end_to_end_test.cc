// The real image_server's records of calls, as a user reads them: the
// --stream_log file against image_bench's own counts, a full disk, a path
// that cannot be opened, and ServerStats on the running binary.
#include <signal.h>

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bench/report/recorded_runs.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "image_service.grpc.pb.h"
#include "server_stats.grpc.pb.h"
#include "testing/scratch_path.h"
#include "testing/subprocess.h"

namespace image_server {
namespace {

using ::google::protobuf::Struct;
using ::image_testing::ScratchPath;
using ::image_testing::ServerProcess;
using ::image_testing::Subprocess;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The log's lines, each parsed; a line that is not JSON fails the test.
std::vector<Struct> ReadLog(const std::string& path) {
  std::vector<Struct> records;
  const std::string text = image_common::ReadFile(path).value_or("");
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    Struct record;
    EXPECT_TRUE(
        google::protobuf::util::JsonStringToMessage(std::string(line), &record)
            .ok())
        << line;
    records.push_back(record);
  }
  return records;
}

double Number(const Struct& record, const std::string& key) {
  const auto found = record.fields().find(key);
  return found == record.fields().end() ? -1 : found->second.number_value();
}

std::string Text(const Struct& record, const std::string& key) {
  const auto found = record.fields().find(key);
  return found == record.fields().end() ? "" : found->second.string_value();
}

// Stops the server gracefully, which writes what is still queued.
void Stop(ServerProcess& server) {
  server.process().Signal(SIGTERM);
  const std::optional<int> exit_code =
      server.process().WaitForExit(absl::Seconds(20));
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 0) << server.process().err();
}

struct Counts {
  int64_t rpcs = 0;
  int64_t images = 0;
  int64_t bytes = 0;
};

// The server's StreamImages records of streams of `images_per_stream`
// images over the connection that started last: each of the bench's runs
// opens connections of its own after its warm-up and earlier runs, so the
// last one is the run the bench reports.
Counts LastConnectionsCounts(const std::vector<Struct>& records,
                             int images_per_stream) {
  std::map<std::string, double> first_start_by_peer;
  for (const Struct& record : records) {
    if (Text(record, "rpc") != "StreamImages" ||
        Number(record, "images") != images_per_stream) {
      continue;
    }
    const std::string peer = Text(record, "peer");
    const double start = Number(record, "start_unix_us");
    if (!first_start_by_peer.count(peer) || start < first_start_by_peer[peer]) {
      first_start_by_peer[peer] = start;
    }
  }
  std::string last_peer;
  double last_start = -1;
  for (const auto& [peer, start] : first_start_by_peer) {
    if (start > last_start) {
      last_start = start;
      last_peer = peer;
    }
  }
  Counts counts;
  for (const Struct& record : records) {
    if (Text(record, "rpc") == "StreamImages" &&
        Text(record, "peer") == last_peer) {
      ++counts.rpcs;
      counts.images += static_cast<int64_t>(Number(record, "images"));
      counts.bytes += static_cast<int64_t>(Number(record, "bytes"));
    }
  }
  return counts;
}

TEST(StreamLogEndToEndTest, TheServersRecordsCountWhatTheBenchCounted) {
  const std::string log = ScratchPath("bench_streams.jsonl");
  std::remove(log.c_str());
  ServerProcess server(SERVER_BINARY,
                       {"--images_dir=" IMAGES_DIR, "--stream_log=" + log});
  const std::optional<std::string> address = server.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server.process().err();
  const std::string histograms = ScratchPath("bench_streams.histograms");

  Subprocess bench(
      BENCH_BINARY,
      {"--target=" + *address, "--images_per_stream=1,7",
       "--stream_concurrency=1", "--benchmark_filter=^StreamImages",
       "--benchmark_min_time=0.05", "--histogram_out=" + histograms});
  const std::optional<int> bench_exit = bench.WaitForExit(absl::Minutes(2));
  ASSERT_TRUE(bench_exit.has_value());
  ASSERT_EQ(*bench_exit, 0) << bench.err();
  Stop(server);

  absl::StatusOr<std::vector<image_bench::RecordedRun>> runs =
      image_bench::ParseRecordedRuns(
          image_common::ReadFile(histograms).value_or(""));
  ASSERT_TRUE(runs.ok()) << runs.status();
  ASSERT_EQ(runs->size(), 2);
  const std::vector<Struct> records = ReadLog(log);
  for (const image_bench::RecordedRun& run : *runs) {
    SCOPED_TRACE(run.name);
    const int per_stream =
        absl::StrContains(run.name, "images_per_stream:7/") ? 7 : 1;
    const Counts server_counts = LastConnectionsCounts(records, per_stream);
    EXPECT_GT(run.stats.rpcs, 0);
    EXPECT_EQ(server_counts.rpcs, run.stats.rpcs);
    EXPECT_EQ(server_counts.images, run.stats.images);
    EXPECT_EQ(server_counts.bytes, run.stats.bytes);
  }
  for (const Struct& record : records) {
    EXPECT_EQ(Text(record, "status"), "OK");
    EXPECT_THAT(Text(record, "user_agent"), StartsWith("grpc-c++/"));
  }
  EXPECT_THAT(server.process().out(),
              HasSubstr("image_server: stream log '" + log +
                        "': " + std::to_string(records.size()) +
                        " records written, 0 dropped"));
  std::remove(log.c_str());
  std::remove(histograms.c_str());
}

std::unique_ptr<image_service::ImageService::Stub> ImageStub(
    const std::string& address) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  return image_service::ImageService::NewStub(grpc::CreateCustomChannel(
      address, grpc::InsecureChannelCredentials(), arguments));
}

// A server's stderr without its indexing progress lines, which a slow
// machine (or a sanitizer) shows even for the default images.
std::string WithoutProgress(const std::string& err) {
  std::string kept;
  for (absl::string_view line : absl::StrSplit(err, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "image_server: indexing: ")) continue;
    absl::StrAppend(&kept, line, "\n");
  }
  return kept;
}

bool StreamAll(image_service::ImageService::Stub& stub) {
  grpc::ClientContext context;
  auto reader =
      stub.StreamImages(&context, image_service::StreamImagesRequest());
  image_service::StreamImagesResponse message;
  while (reader->Read(&message)) {
  }
  return reader->Finish().ok();
}

image_service::GetStreamsResponse GetStreams(const std::string& address) {
  auto stub = image_service::ServerStats::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  image_service::GetStreamsResponse response;
  const grpc::Status status =
      stub->GetStreams(&context, image_service::GetStreamsRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

// The largest default image, 24 times: HTTP/2 windows and socket buffers
// hold a few MB, so smaller ones would never make the server wait.
image_service::StreamImagesRequest LargestImageTimes24() {
  image_service::StreamImagesRequest request;
  for (int i = 0; i < 24; ++i) {
    request.add_image_names("glacier_hq_3840x2160.jpg");
  }
  return request;
}

// Only a server in a process of its own says how busy it was: in process,
// the client's gRPC threads would count too.
TEST(StreamLogEndToEndTest, ASlowReaderLeavesTheServerIdleAndBlocked) {
  ServerProcess server(SERVER_BINARY, {"--images_dir=" IMAGES_DIR});
  const std::optional<std::string> address = server.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server.process().err();
  auto stub = ImageStub(*address);
  {
    grpc::ClientContext context;
    auto reader = stub->StreamImages(&context, LargestImageTimes24());
    image_service::StreamImagesResponse message;
    int received = 0;
    while (reader->Read(&message)) {
      ++received;
      absl::SleepFor(absl::Milliseconds(50));
    }
    ASSERT_TRUE(reader->Finish().ok());
    ASSERT_EQ(received, 24);
  }
  const image_service::GetStreamsResponse stats = GetStreams(*address);
  ASSERT_EQ(stats.records_size(), 1);
  const image_service::StreamRecord& slow = stats.records(0);
  EXPECT_EQ(slow.images(), 24);
  EXPECT_GT(slow.blocked_share(), 0.8);
  EXPECT_LE(slow.write_blocked_us(), slow.write_us());
  // About 113 MB sent over at least 1.2 s: a small part of one core.
  EXPECT_LT(slow.server_cpu_us(), slow.duration_us() / 4)
      << "server CPU " << slow.server_cpu_us() << " us of "
      << slow.duration_us();
  Stop(server);
}

TEST(StreamLogEndToEndTest, AFullDiskKeepsServingAndCountsTheDroppedRecords) {
  ServerProcess server(SERVER_BINARY,
                       {"--images_dir=" IMAGES_DIR, "--stream_log=/dev/full"});
  const std::optional<std::string> address = server.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server.process().err();
  auto stub = ImageStub(*address);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(StreamAll(*stub));

  // The writer tries within its flush interval; serving never waits on it.
  image_service::GetStreamsResponse stats = GetStreams(*address);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (stats.log_dropped_write_error() < 3 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
    stats = GetStreams(*address);
  }
  EXPECT_TRUE(stats.stream_log_on());
  EXPECT_EQ(stats.log_dropped_write_error(), 3);
  EXPECT_EQ(stats.log_lines_written(), 0);
  EXPECT_EQ(stats.records_size(), 3);
  EXPECT_TRUE(StreamAll(*stub));
  Stop(server);

  EXPECT_EQ(WithoutProgress(server.process().err()),
            "image_server: warning: cannot write the stream log '/dev/full': "
            "No space left on device; its records are dropped and counted "
            "while writes fail, serving goes on\n");
  EXPECT_THAT(server.process().out(),
              HasSubstr("image_server: stream log '/dev/full': 0 records "
                        "written, 4 dropped (0 queue full, 4 write errors, 0 "
                        "at stop)\n"));
  EXPECT_THAT(server.process().out(),
              HasSubstr("stopped after 4 streams: 4 sent in full"));
}

TEST(StreamLogEndToEndTest, APathThatCannotBeOpenedIsOneLineBeforeLoading) {
  // The images directory is missing too: the log is checked first.
  Subprocess server(SERVER_BINARY,
                    {"--address=127.0.0.1:0", "--images_dir=/no/such/dir",
                     "--stream_log=/no/such/dir/streams.jsonl"});
  const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(10));

  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 1);
  EXPECT_EQ(server.err(),
            "image_server: --stream_log: cannot open "
            "'/no/such/dir/streams.jsonl' to append: No such file or "
            "directory\n");
  EXPECT_EQ(server.out(), "");
}

TEST(StreamLogEndToEndTest, StreamRecordsOutOfRangeIsOneLine) {
  for (const std::string flag :
       {"--stream_records=-1", "--stream_records=1000001"}) {
    SCOPED_TRACE(flag);
    Subprocess server(SERVER_BINARY, {"--images_dir=" IMAGES_DIR, flag});
    const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(10));
    ASSERT_TRUE(exit_code.has_value());
    EXPECT_EQ(*exit_code, 1);
    EXPECT_THAT(server.err(),
                StartsWith("image_server: --stream_records must be from 0 to "
                           "1000000, got "));
    EXPECT_EQ(server.err().find('\n'), server.err().size() - 1);
  }
}

TEST(StreamLogEndToEndTest, GetStreamsListsTheRunningServersRecentCalls) {
  ServerProcess server(SERVER_BINARY, {"--images_dir=" IMAGES_DIR});
  const std::optional<std::string> address = server.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server.process().err();
  auto stub = ImageStub(*address);
  ASSERT_TRUE(StreamAll(*stub));
  grpc::ClientContext context;
  image_service::ListImagesResponse list;
  ASSERT_TRUE(
      stub->ListImages(&context, image_service::ListImagesRequest(), &list)
          .ok());

  const image_service::GetStreamsResponse stats = GetStreams(*address);

  ASSERT_EQ(stats.records_size(), 2);
  EXPECT_EQ(stats.records(0).rpc(), "StreamImages");
  EXPECT_EQ(stats.records(0).images(), list.images_size());
  EXPECT_EQ(stats.records(1).rpc(), "ListImages");
  EXPECT_EQ(stats.calls_recorded(), 2);
  EXPECT_EQ(stats.records_capacity(), 10000);
  EXPECT_FALSE(stats.stream_log_on());
}

TEST(StreamLogEndToEndTest, HelpSaysWhatAFullDiskDoes) {
  Subprocess help(SERVER_BINARY, {"--help"});
  ASSERT_EQ(help.WaitForExit(absl::Seconds(10)), 0);
  EXPECT_THAT(help.out(), HasSubstr("--stream_log"));
  EXPECT_THAT(help.out(), HasSubstr("--stream_records"));
  EXPECT_THAT(help.out(), HasSubstr("full"));
}

}  // namespace
}  // namespace image_server
