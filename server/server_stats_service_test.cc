// ServerStats as a client sees it: a real server on an ephemeral port with
// ImageService, the stats service over a ring the test fills, and
// reflection.
#include "server/server_stats_service.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "image_service.grpc.pb.h"
#include "probe_messages.pb.h"
#include "server/image_service_impl.h"
#include "server/image_store.h"
#include "server/server_start.h"
#include "server/stream_log.h"
#include "server/stream_records.h"
#include "server/test_raw_call.h"
#include "server/test_util.h"
#include "server_stats.grpc.pb.h"

namespace image_server {
namespace {

using ::image_service::GetStreamsRequest;
using ::image_service::GetStreamsResponse;
using ::image_service::ServerStats;
using ::testing::Contains;

std::shared_ptr<const StreamRecord> Record(int64_t end_unix_us,
                                           const char* rpc) {
  auto record = std::make_shared<StreamRecord>();
  record->rpc = rpc;
  record->start_unix_us = end_unix_us - 100;
  record->end_unix_us = end_unix_us;
  record->duration_us = 100;
  record->peer = "ipv4:127.0.0.1:9";
  record->user_agent = "test-agent/1";
  record->images = rpc == kListImagesRpc ? 0 : 2;
  record->bytes = rpc == kListImagesRpc ? 0 : 2000;
  record->first_image_us = rpc == kListImagesRpc ? -1 : 10;
  record->write_blocked_us = 25;
  return record;
}

class ServerStatsServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<ImageStore> store =
        ImageStore::Load(IMAGES_DIR, testing::TestLoadOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = new ImageStore(*std::move(store));
  }
  static void TearDownTestSuite() { delete store_; }

  // A server whose stats service reads `records` and `log` (either null).
  // The fixture keeps both, so that they outlive the server, which TearDown
  // shuts down only after the test's own locals are gone.
  void Serve(std::unique_ptr<StreamRecords> records,
             std::unique_ptr<StreamLog> log) {
    records_ = std::move(records);
    log_ = std::move(log);
    service_ = std::make_unique<ImageServiceImpl>(store_);
    stats_ = std::make_unique<ServerStatsService>(records_.get(), log_.get());
    ServerConfig config;
    config.address = "127.0.0.1:0";
    config.more_services = {stats_.get()};
    absl::StatusOr<StartedServer> started = StartServer(config, service_.get());
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    channel_ = grpc::CreateChannel(server_.address,
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    if (server_.server != nullptr) {
      server_.Shutdown(std::chrono::system_clock::now());
    }
  }

  GetStreamsResponse GetStreams(const GetStreamsRequest& request) {
    grpc::ClientContext context;
    GetStreamsResponse response;
    const grpc::Status status = ServerStats::NewStub(channel_)->GetStreams(
        &context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  static ImageStore* store_;
  std::unique_ptr<StreamRecords> records_;
  std::unique_ptr<StreamLog> log_;
  std::unique_ptr<ImageServiceImpl> service_;
  std::unique_ptr<ServerStatsService> stats_;
  StartedServer server_;
  std::shared_ptr<grpc::Channel> channel_;
};

ImageStore* ServerStatsServiceTest::store_ = nullptr;

std::vector<int64_t> Ends(const GetStreamsResponse& response) {
  std::vector<int64_t> ends;
  for (const auto& record : response.records()) {
    ends.push_back(record.end_unix_us());
  }
  return ends;
}

TEST_F(ServerStatsServiceTest, ListsTheRecentRecordsOldestFirstWithTotals) {
  auto records = std::make_unique<StreamRecords>(3);
  for (int64_t end = 1000; end <= 5000; end += 1000) {
    records->Add(Record(end, kStreamImagesRpc));
  }
  Serve(std::move(records), nullptr);

  const GetStreamsResponse response = GetStreams(GetStreamsRequest());

  EXPECT_THAT(Ends(response), ::testing::ElementsAre(3000, 4000, 5000));
  EXPECT_EQ(response.calls_recorded(), 5);
  EXPECT_EQ(response.records_capacity(), 3);
  EXPECT_FALSE(response.stream_log_on());
  const image_service::StreamRecord& last = response.records(2);
  EXPECT_EQ(last.rpc(), "StreamImages");
  EXPECT_EQ(last.start_unix_us(), 4900);
  EXPECT_EQ(last.peer(), "ipv4:127.0.0.1:9");
  EXPECT_EQ(last.user_agent(), "test-agent/1");
  EXPECT_EQ(last.images(), 2);
  EXPECT_EQ(last.bytes(), 2000);
  EXPECT_EQ(last.duration_us(), 100);
  ASSERT_TRUE(last.has_first_image_us());
  EXPECT_EQ(last.first_image_us(), 10);
  EXPECT_EQ(last.write_blocked_us(), 25);
  EXPECT_DOUBLE_EQ(last.blocked_share(), 0.25);
  EXPECT_EQ(last.status(), "OK");
}

TEST_F(ServerStatsServiceTest, FiltersBySinceRpcAndMaxRecords) {
  auto records = std::make_unique<StreamRecords>();
  records->Add(Record(1000, kStreamImagesRpc));
  records->Add(Record(2000, kListImagesRpc));
  records->Add(Record(3000, kStreamImagesRpc));
  records->Add(Record(4000, kStreamImagesRpc));
  Serve(std::move(records), nullptr);

  GetStreamsRequest request;
  request.set_since_unix_us(2000);
  EXPECT_THAT(Ends(GetStreams(request)),
              ::testing::ElementsAre(2000, 3000, 4000));
  request.set_rpc("StreamImages");
  EXPECT_THAT(Ends(GetStreams(request)), ::testing::ElementsAre(3000, 4000));
  request.set_max_records(1);
  EXPECT_THAT(Ends(GetStreams(request)), ::testing::ElementsAre(4000));

  GetStreamsRequest lists;
  lists.set_rpc("ListImages");
  const GetStreamsResponse response = GetStreams(lists);
  ASSERT_EQ(response.records_size(), 1);
  EXPECT_FALSE(response.records(0).has_first_image_us());
}

TEST_F(ServerStatsServiceTest, WithoutARingItAnswersNoRecordsAndTheLogTotals) {
  absl::StatusOr<std::unique_ptr<StreamLog>> log = StreamLog::Open("/dev/full");
  ASSERT_TRUE(log.ok()) << log.status();
  for (int i = 0; i < 3; ++i) (*log)->Add(Record(1000, kStreamImagesRpc));
  ASSERT_TRUE((*log)->Close(absl::Seconds(10)));
  Serve(nullptr, *std::move(log));

  const GetStreamsResponse response = GetStreams(GetStreamsRequest());

  EXPECT_EQ(response.records_size(), 0);
  EXPECT_EQ(response.records_capacity(), 0);
  EXPECT_TRUE(response.stream_log_on());
  EXPECT_EQ(response.log_lines_written(), 0);
  EXPECT_EQ(response.log_dropped_write_error(), 3);
}

// The reflection messages are copies under another package
// (testdata/probe_messages.proto): the real ones come with the reflection
// library.
TEST_F(ServerStatsServiceTest, ReflectionListsTheStatsService) {
  Serve(std::make_unique<StreamRecords>(), nullptr);
  image_server_test::ServerReflectionRequest request;
  request.set_list_services("");

  const testing::RawResult result = testing::RawCall(
      channel_,
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      request.SerializeAsString());

  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  std::vector<std::string> services;
  for (const std::string& bytes : result.replies) {
    image_server_test::ServerReflectionResponse response;
    ASSERT_TRUE(response.ParseFromString(bytes));
    for (const auto& service : response.list_services_response().service()) {
      services.push_back(service.name());
    }
  }
  EXPECT_THAT(services, Contains("image_service.ServerStats"));
  EXPECT_THAT(services, Contains("image_service.ImageService"));
}

}  // namespace
}  // namespace image_server
