// CallRecorder inside the real service: a server on an ephemeral port whose
// ImageServiceImpl hands its records to a sink the test reads, and clients
// that read fast, slowly, cancel, or ask for what does not exist.
#include "server/call_recorder.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "image_service.grpc.pb.h"
#include "server/image_service_impl.h"
#include "server/image_store.h"
#include "server/server_start.h"
#include "server/stream_record.h"
#include "server/test_util.h"

namespace image_server {
namespace {

using ::image_service::ImageService;
using ::image_service::ListImagesRequest;
using ::image_service::ListImagesResponse;
using ::image_service::StreamImagesRequest;
using ::image_service::StreamImagesResponse;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class CollectingSink final : public StreamRecordSink {
 public:
  void Add(std::shared_ptr<const StreamRecord> record) override {
    absl::MutexLock lock(&mutex_);
    records_.push_back(*record);
  }
  // The records once there are at least `count`, or as they are at `limit`.
  std::vector<StreamRecord> AtLeast(size_t count, absl::Duration limit) {
    absl::MutexLock lock(&mutex_);
    mutex_.AwaitWithTimeout(
        absl::Condition(
            +[](std::pair<std::vector<StreamRecord>*, size_t>* wanted) {
              return wanted->first->size() >= wanted->second;
            },
            &wanted_),
        limit);
    return records_;
  }
  void Expect(size_t count) {
    absl::MutexLock lock(&mutex_);
    wanted_.second = count;
  }

 private:
  absl::Mutex mutex_;
  std::vector<StreamRecord> records_ ABSL_GUARDED_BY(mutex_);
  std::pair<std::vector<StreamRecord>*, size_t> wanted_ ABSL_GUARDED_BY(mutex_){
      &records_, 0};
};

class CallRecorderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<ImageStore> store =
        ImageStore::Load(IMAGES_DIR, testing::TestLoadOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = new ImageStore(*std::move(store));
  }
  static void TearDownTestSuite() { delete store_; }

  void SetUp() override {
    service_ = std::make_unique<ImageServiceImpl>(
        store_, std::nullopt, std::vector<StreamRecordSink*>{&sink_});
    ServerConfig config;
    config.address = "127.0.0.1:0";
    absl::StatusOr<StartedServer> started = StartServer(config, service_.get());
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    grpc::ChannelArguments arguments;
    arguments.SetMaxReceiveMessageSize(64 << 20);
    stub_ = ImageService::NewStub(grpc::CreateCustomChannel(
        server_.address, grpc::InsecureChannelCredentials(), arguments));
  }
  void TearDown() override {
    server_.Shutdown(std::chrono::system_clock::now());
  }

  std::vector<StreamRecord> Records(size_t count) {
    sink_.Expect(count);
    return sink_.AtLeast(count, absl::Seconds(10));
  }

  const image_service::ImageInfo& Largest() const {
    return std::max_element(store_->images().begin(), store_->images().end(),
                            [](const StoredImage& a, const StoredImage& b) {
                              return a.info.size_in_bytes() <
                                     b.info.size_in_bytes();
                            })
        ->info;
  }

  static StreamImagesRequest Request(const std::string& name, int count) {
    StreamImagesRequest request;
    for (int i = 0; i < count; ++i) request.add_image_names(name);
    return request;
  }

  static ImageStore* store_;
  CollectingSink sink_;
  std::unique_ptr<ImageServiceImpl> service_;
  StartedServer server_;
  std::unique_ptr<ImageService::Stub> stub_;
};

ImageStore* CallRecorderTest::store_ = nullptr;

TEST_F(CallRecorderTest, AStreamIsRecordedBeforeItsClientSeesTheStatus) {
  const std::vector<StoredImage>& images = store_->images();
  StreamImagesRequest request;
  int64_t bytes = 0;
  for (int i = 0; i < 3; ++i) {
    request.add_image_names(images[i].info.name());
    bytes += images[i].info.size_in_bytes();
  }
  const int64_t before_us = absl::GetCurrentTimeNanos() / 1000;
  grpc::ClientContext context;
  auto reader = stub_->StreamImages(&context, request);
  StreamImagesResponse message;
  while (reader->Read(&message)) {
  }
  ASSERT_TRUE(reader->Finish().ok());
  const int64_t after_us = absl::GetCurrentTimeNanos() / 1000;

  // The handler records before it returns, and gRPC sends the status after.
  const std::vector<StreamRecord> records =
      sink_.AtLeast(1, absl::ZeroDuration());
  ASSERT_EQ(records.size(), 1);
  const StreamRecord& record = records[0];
  EXPECT_STREQ(record.rpc, kStreamImagesRpc);
  EXPECT_EQ(record.images, 3);
  EXPECT_EQ(record.bytes, bytes);
  EXPECT_THAT(record.peer, StartsWith("ipv4:127.0.0.1:"));
  EXPECT_THAT(record.user_agent, StartsWith("grpc-c++/"));
  EXPECT_EQ(record.status, "OK");
  EXPECT_EQ(record.message, "");
  EXPECT_GE(record.start_unix_us, before_us);
  EXPECT_LE(record.end_unix_us, after_us);
  EXPECT_EQ(record.end_unix_us - record.start_unix_us, record.duration_us);
  EXPECT_GE(record.first_image_us, 0);
  EXPECT_LE(record.first_image_us, record.duration_us);
  EXPECT_LE(record.write_blocked_us, record.duration_us);
}

TEST_F(CallRecorderTest, ListImagesIsRecordedWithoutImages) {
  grpc::ClientContext context;
  ListImagesResponse response;
  ASSERT_TRUE(stub_->ListImages(&context, ListImagesRequest(), &response).ok());

  const std::vector<StreamRecord> records = Records(1);
  ASSERT_EQ(records.size(), 1);
  EXPECT_STREQ(records[0].rpc, kListImagesRpc);
  EXPECT_EQ(records[0].images, 0);
  EXPECT_EQ(records[0].bytes, 0);
  EXPECT_EQ(records[0].first_image_us, -1);
  EXPECT_EQ(records[0].status, "OK");
}

TEST_F(CallRecorderTest, ARefusedStreamIsRecordedWithItsStatus) {
  grpc::ClientContext context;
  auto reader = stub_->StreamImages(&context, Request("no such\nimage", 1));
  StreamImagesResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);

  const std::vector<StreamRecord> records = Records(1);
  ASSERT_EQ(records.size(), 1);
  EXPECT_EQ(records[0].status, "NOT_FOUND");
  EXPECT_EQ(records[0].message,
            "unknown image 'no such\\x0aimage' (ListImages names the 24 "
            "images served)");
  EXPECT_EQ(records[0].images, 0);
  EXPECT_EQ(records[0].first_image_us, -1);
}

TEST_F(CallRecorderTest, AStreamTheClientCancelsIsRecordedAsCancelled) {
  grpc::ClientContext context;
  auto reader = stub_->StreamImages(&context, Request(Largest().name(), 1000));
  StreamImagesResponse message;
  ASSERT_TRUE(reader->Read(&message));
  context.TryCancel();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);

  const std::vector<StreamRecord> records = Records(1);
  ASSERT_EQ(records.size(), 1);
  EXPECT_EQ(records[0].status, "CANCELLED");
  EXPECT_GE(records[0].images, 1);
  EXPECT_LT(records[0].images, 1000);
  EXPECT_EQ(records[0].bytes, records[0].images * Largest().size_in_bytes());
}

TEST_F(CallRecorderTest, AStreamPastItsDeadlineIsRecordedAsDeadlineExceeded) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(500));
  auto reader = stub_->StreamImages(&context, Request(Largest().name(), 1000));
  // Not reading: the server fills the windows and waits in Write until the
  // deadline ends the call.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  StreamImagesResponse message;
  while (reader->Read(&message)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);

  const std::vector<StreamRecord> records = Records(1);
  ASSERT_EQ(records.size(), 1);
  EXPECT_EQ(records[0].status, "DEADLINE_EXCEEDED");
  EXPECT_LT(records[0].images, 1000);
}

// The largest image (several MB), many times: HTTP/2 windows and loopback
// socket buffers hold a few megabytes, so small images would all fit in
// them and the server would never wait. With these the server soon waits in
// Write for the client to read.
TEST_F(CallRecorderTest, AClientThatReadsSlowlyKeepsTheServerBlocked) {
  constexpr int kImages = 24;
  grpc::ClientContext context;
  auto reader =
      stub_->StreamImages(&context, Request(Largest().name(), kImages));
  StreamImagesResponse message;
  int received = 0;
  while (reader->Read(&message)) {
    ++received;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_EQ(received, kImages);

  const std::vector<StreamRecord> records = Records(1);
  ASSERT_EQ(records.size(), 1);
  EXPECT_EQ(records[0].images, kImages);
  EXPECT_GT(records[0].blocked_share(), 0.8)
      << "blocked " << records[0].write_blocked_us << " us of "
      << records[0].duration_us;
  EXPECT_LE(records[0].write_blocked_us, records[0].write_us);
  // How busy the server was takes a server in a process of its own
  // (stream_log_end_to_end_test); here the client's threads count too.
  EXPECT_GT(records[0].server_cpu_us, 0);
}

TEST_F(CallRecorderTest, AServiceWithoutSinksServesAsBefore) {
  ImageServiceImpl quiet(store_);
  ServerConfig config;
  config.address = "127.0.0.1:0";
  absl::StatusOr<StartedServer> started = StartServer(config, &quiet);
  ASSERT_TRUE(started.ok()) << started.status();
  auto stub = ImageService::NewStub(grpc::CreateChannel(
      started->address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  auto reader =
      stub->StreamImages(&context, Request(store_->images()[0].info.name(), 2));
  StreamImagesResponse message;
  int received = 0;
  while (reader->Read(&message)) ++received;
  EXPECT_TRUE(reader->Finish().ok());
  EXPECT_EQ(received, 2);
  started->Shutdown(std::chrono::system_clock::now());
  EXPECT_TRUE(sink_.AtLeast(0, absl::ZeroDuration()).empty());
}

}  // namespace
}  // namespace image_server
