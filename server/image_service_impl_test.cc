// The service as a client sees it: a real server on an ephemeral port, the
// project's default images, and the stub generated from the contract.
#include "server/image_service_impl.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/file_io.h"
#include "common/metadata_keys.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "health.grpc.pb.h"
#include "image_service.grpc.pb.h"
#include "probe_messages.pb.h"
#include "server/calibration.h"
#include "server/image_store.h"
#include "server/server_start.h"
#include "server/test_raw_call.h"
#include "server/test_util.h"

namespace image_server {
namespace {

namespace fs = std::filesystem;
using ::image_server::testing::RawCall;
using ::image_server::testing::RawResult;
using ::image_server::testing::TestLoadOptions;
using ::image_service::ImageService;
using ::image_service::ListImagesRequest;
using ::image_service::ListImagesResponse;
using ::image_service::StreamImagesRequest;
using ::image_service::StreamImagesResponse;
using ::testing::HasSubstr;

constexpr int kDefaultClientLimit = 4 * 1024 * 1024;

// Every file under the default images directory, as names the server uses.
std::vector<std::string> DefaultImageNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(IMAGES_DIR)) {
    if (entry.is_regular_file()) {
      names.push_back(
          entry.path().lexically_relative(IMAGES_DIR).generic_string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

class ImageServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<ImageStore> store =
        ImageStore::Load(IMAGES_DIR, TestLoadOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = new ImageStore(*std::move(store));
  }
  static void TearDownTestSuite() { delete store_; }

  void SetUp() override { Serve(std::nullopt); }
  void TearDown() override {
    server_.Shutdown(std::chrono::system_clock::now());
  }

  // Replaces the fixture's server with one whose service has `calibration`.
  void Serve(std::optional<Calibration> calibration) {
    if (server_.server != nullptr) {
      server_.Shutdown(std::chrono::system_clock::now());
    }
    service_ = std::make_unique<ImageServiceImpl>(store_, calibration);
    ServerConfig config;
    config.address = "127.0.0.1:0";
    absl::StatusOr<StartedServer> started = StartServer(config, service_.get());
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    address_ = server_.address;
  }

  std::shared_ptr<grpc::Channel> Channel(int max_receive = 64 << 20) {
    grpc::ChannelArguments arguments;
    arguments.SetMaxReceiveMessageSize(max_receive);
    return grpc::CreateCustomChannel(
        address_, grpc::InsecureChannelCredentials(), arguments);
  }
  std::unique_ptr<ImageService::Stub> Stub(int max_receive = 64 << 20) {
    return ImageService::NewStub(Channel(max_receive));
  }

  ListImagesResponse ListImages() {
    grpc::ClientContext context;
    ListImagesResponse response;
    const grpc::Status status =
        Stub()->ListImages(&context, ListImagesRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  struct StreamResult {
    std::vector<StreamImagesResponse> messages;
    grpc::Status status;
  };
  StreamResult Stream(const std::vector<std::string>& names,
                      int max_receive = 64 << 20) {
    StreamImagesRequest request;
    for (const std::string& name : names) request.add_image_names(name);
    grpc::ClientContext context;
    auto reader = Stub(max_receive)->StreamImages(&context, request);
    StreamResult result;
    StreamImagesResponse message;
    while (reader->Read(&message)) result.messages.push_back(message);
    result.status = reader->Finish();
    return result;
  }

  // The name and size of the largest default image.
  std::pair<std::string, int> Largest() {
    const ListImagesResponse list = ListImages();
    const auto largest =
        std::max_element(list.images().begin(), list.images().end(),
                         [](const auto& a, const auto& b) {
                           return a.size_in_bytes() < b.size_in_bytes();
                         });
    return {largest->name(), largest->size_in_bytes()};
  }

  // Polls the service until no stream handler is running.
  bool HandlersEndWithin(absl::Duration limit) {
    const absl::Time deadline = absl::Now() + limit;
    while (absl::Now() < deadline) {
      if (service_->counters().streams_active == 0) return true;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return false;
  }

  static ImageStore* store_;
  std::unique_ptr<ImageServiceImpl> service_;
  StartedServer server_;
  std::string address_;
};

ImageStore* ImageServiceTest::store_ = nullptr;

TEST_F(ImageServiceTest, ListImagesIsSortedWithMetadataOfEveryDefaultImage) {
  const ListImagesResponse list = ListImages();
  const std::vector<std::string> expected = DefaultImageNames();

  ASSERT_EQ(list.image_names_size(), expected.size());
  ASSERT_EQ(list.images_size(), expected.size());
  for (int i = 0; i < list.image_names_size(); ++i) {
    SCOPED_TRACE(expected[i]);
    EXPECT_EQ(list.image_names(i), expected[i]);
    EXPECT_EQ(list.images(i).name(), expected[i]);
    EXPECT_EQ(list.images(i).size_in_bytes(),
              fs::file_size(fs::path(IMAGES_DIR) / expected[i]));
    EXPECT_EQ(list.images(i).format(),
              fs::path(expected[i]).extension().string().substr(1));
    EXPECT_GE(list.images(i).width(), 640);
    EXPECT_GE(list.images(i).height(), 480);
    EXPECT_THAT(list.images(i).channels(), ::testing::AnyOf(1, 3, 4));
  }
}

TEST_F(ImageServiceTest, EmptyRequestStreamsEveryImageByteIdentical) {
  const ListImagesResponse list = ListImages();
  const StreamResult result = Stream({});

  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  ASSERT_EQ(result.messages.size(), list.images_size());
  for (int i = 0; i < list.images_size(); ++i) {
    const image_service::Image& image = result.messages[i].image();
    const image_service::ImageInfo& info = list.images(i);
    SCOPED_TRACE(info.name());
    EXPECT_EQ(image.name(), info.name());
    EXPECT_TRUE(
        image.content() ==
        image_common::ReadFile(std::string(IMAGES_DIR) + "/" + info.name())
            .value());
    EXPECT_EQ(image.size_in_bytes(), image.content().size());
    EXPECT_EQ(image.format(), info.format());
    EXPECT_EQ(image.width(), info.width());
    EXPECT_EQ(image.height(), info.height());
    EXPECT_EQ(image.channels(), info.channels());
  }
}

TEST_F(ImageServiceTest, KeepsRequestOrderAndDuplicates) {
  const ListImagesResponse list = ListImages();
  ASSERT_GE(list.image_names_size(), 2);
  const std::string first = list.image_names(0);
  const std::string last = list.image_names(list.image_names_size() - 1);
  const std::vector<std::string> request = {last, first, last, last, first};

  const StreamResult result = Stream(request);

  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  ASSERT_EQ(result.messages.size(), request.size());
  for (size_t i = 0; i < request.size(); ++i) {
    EXPECT_EQ(result.messages[i].image().name(), request[i]);
  }
}

TEST_F(ImageServiceTest, UnknownNameIsNotFoundBeforeAnyImage) {
  const std::string known = ListImages().image_names(0);
  const StreamResult result = Stream({known, "cat.jpg", known});

  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(result.status.error_message(), HasSubstr("'cat.jpg'"));
  EXPECT_TRUE(result.messages.empty());
}

TEST_F(ImageServiceTest, ImageOver4MiBNeedsAndArrivesWithARaisedClientLimit) {
  const auto [name, size] = Largest();
  ASSERT_GT(size, kDefaultClientLimit)
      << "the default set needs an image over 4 MiB";

  const StreamResult limited = Stream({name}, kDefaultClientLimit);
  EXPECT_EQ(limited.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  const StreamResult raised = Stream({name}, 16 << 20);
  ASSERT_TRUE(raised.status.ok()) << raised.status.error_message();
  ASSERT_EQ(raised.messages.size(), 1);
  EXPECT_EQ(raised.messages[0].image().content().size(), size);
}

TEST_F(ImageServiceTest, ClientCancellationEndsTheHandler) {
  StreamImagesRequest request;
  for (int i = 0; i < 2000; ++i) request.add_image_names(Largest().first);
  grpc::ClientContext context;
  auto stub = Stub();
  auto reader = stub->StreamImages(&context, request);
  StreamImagesResponse message;
  ASSERT_TRUE(reader->Read(&message));

  context.TryCancel();
  while (reader->Read(&message)) {
  }

  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(HandlersEndWithin(absl::Seconds(5)));
  EXPECT_EQ(service_->counters().streams_cancelled, 1);
  EXPECT_LT(service_->counters().images_sent, 2000);
}

// Streams cancelled while the server still had images to send are counted
// exactly, whatever the point of the cancel; the rest as sent in full. The
// cancelled streams are far longer than what the buffers between server and
// client hold (socket buffers, and flow-control windows that grow to many
// MB): a shorter stream is all handed to gRPC before a cancel can arrive.
TEST_F(ImageServiceTest, CountersSayHowEveryStreamEnded) {
  const std::string kImage = "meadow_640x480.jpg";
  StreamImagesRequest long_request;
  for (int i = 0; i < 5000; ++i) long_request.add_image_names(kImage);
  auto stub = Stub();
  constexpr int kCancelled = 20;
  int64_t received = 0;
  for (int i = 0; i < kCancelled; ++i) {
    grpc::ClientContext context;
    auto reader = stub->StreamImages(&context, long_request);
    StreamImagesResponse message;
    for (int read = 0; read <= i % 7 && reader->Read(&message); ++read) {
      ++received;
    }
    context.TryCancel();
    while (reader->Read(&message)) ++received;
    ASSERT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  constexpr int kComplete = 5;
  for (int i = 0; i < kComplete; ++i) {
    ASSERT_TRUE(Stream({kImage}, 64 << 20).status.ok());
  }
  ASSERT_EQ(Stream({"no such image"}, 64 << 20).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(HandlersEndWithin(absl::Seconds(5)));

  const ServiceCounters counters = service_->counters();
  EXPECT_EQ(counters.streams_started, kCancelled + kComplete + 1);
  EXPECT_EQ(counters.streams_cancelled, kCancelled);
  EXPECT_EQ(counters.streams_sent_in_full, kComplete);
  EXPECT_EQ(counters.streams_refused, 1);
  // What the client read, plus what was in flight when it cancelled.
  EXPECT_GE(counters.images_sent, received + kComplete);
  EXPECT_LT(counters.images_sent, int64_t{kCancelled} * 5000);
}

// A rescan (Replace) between two reads of a running stream: the stream goes
// on with the bytes it started with; calls made after it see the new set.
TEST_F(ImageServiceTest, ReplacedImagesReachOnlyCallsThatStartAfterward) {
  const std::string kImage = "meadow_640x480.jpg";
  StreamImagesRequest request;
  // Far more than the buffers between server and client hold, so that the
  // server is still writing when the store is replaced.
  for (int i = 0; i < 3000; ++i) request.add_image_names(kImage);
  grpc::ClientContext context;
  auto stub = Stub();
  auto reader = stub->StreamImages(&context, request);
  StreamImagesResponse first;
  ASSERT_TRUE(reader->Read(&first));

  testing::TempDirectory dir;
  const std::string replacement = testing::EncodeTestImage(300, 200, 3, ".jpg");
  dir.WriteFile(kImage, replacement);
  dir.WriteFile("added.png", testing::EncodeTestImage(8, 8, 1, ".png"));
  absl::StatusOr<ImageStore> rescanned =
      ImageStore::Load(dir.path(), TestLoadOptions());
  ASSERT_TRUE(rescanned.ok()) << rescanned.status();
  service_->Replace(*std::move(rescanned));

  int read = 1;
  int changed = 0;
  StreamImagesResponse message;
  while (reader->Read(&message)) {
    ++read;
    changed += message.image().content() != first.image().content();
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(read, 3000);
  EXPECT_EQ(changed, 0);

  const ListImagesResponse list = ListImages();
  ASSERT_EQ(list.image_names_size(), 2);
  EXPECT_EQ(list.image_names(0), "added.png");
  const StreamResult after = Stream({kImage});
  ASSERT_TRUE(after.status.ok()) << after.status.error_message();
  EXPECT_EQ(after.messages[0].image().content(), replacement);
  EXPECT_EQ(Stream({"forest_1280x720.jpg"}).status.error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ImageServiceTest, DeadlineEndsTheHandler) {
  StreamImagesRequest request;
  for (int i = 0; i < 2000; ++i) request.add_image_names(Largest().first);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(300));
  auto stub = Stub();
  auto reader = stub->StreamImages(&context, request);
  // A client that stops reading: flow control stalls the server's writes
  // until the deadline cancels the call.
  absl::SleepFor(absl::Seconds(1));
  StreamImagesResponse message;
  while (reader->Read(&message)) {
  }

  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(HandlersEndWithin(absl::Seconds(5)));
  EXPECT_EQ(service_->counters().streams_cancelled, 1);
}

TEST_F(ImageServiceTest, CalibrationDelaysCallsAndImages) {
  CalibrationOptions options;
  options.delay_per_call_ms = 20;
  options.delay_per_image_ms = 5;
  Serve(Calibration(options, absl::Now()));
  auto stub = Stub();
  ListImagesResponse list;
  {
    grpc::ClientContext context;  // Connects; not timed.
    ASSERT_TRUE(stub->ListImages(&context, ListImagesRequest(), &list).ok());
  }

  std::vector<absl::Duration> latencies;
  for (int i = 0; i < 5; ++i) {
    grpc::ClientContext context;
    const absl::Time start = absl::Now();
    ASSERT_TRUE(stub->ListImages(&context, ListImagesRequest(), &list).ok());
    latencies.push_back(absl::Now() - start);
  }
  StreamImagesRequest request;
  for (int i = 0; i < 3; ++i) request.add_image_names(list.image_names(0));
  grpc::ClientContext context;
  const absl::Time start = absl::Now();
  auto reader = stub->StreamImages(&context, request);
  StreamImagesResponse message;
  ASSERT_TRUE(reader->Read(&message));
  const absl::Duration first_image = absl::Now() - start;
  while (reader->Read(&message)) {
  }
  ASSERT_TRUE(reader->Finish().ok());
  const absl::Duration whole_stream = absl::Now() - start;

  std::sort(latencies.begin(), latencies.end());
  EXPECT_GE(latencies.front(), absl::Milliseconds(20));
  EXPECT_LT(latencies[latencies.size() / 2], absl::Milliseconds(20 + 15));
  EXPECT_GE(first_image, absl::Milliseconds(20 + 5));
  EXPECT_GE(whole_stream, absl::Milliseconds(20 + 3 * 5));
  EXPECT_LT(whole_stream, absl::Milliseconds(20 + 3 * 5 + 100));
}

TEST_F(ImageServiceTest, CalibrationStallHoldsCallsUntilItEndsUnlessCancelled) {
  CalibrationOptions options;
  options.stall_ms = 500;
  options.stall_every_s = 10;
  // A server started one period ago is in its first stall from now on.
  const absl::Time stall_start = absl::Now();
  const absl::Time stall_end = stall_start + absl::Milliseconds(500);
  Serve(Calibration(options, stall_start - absl::Seconds(10)));
  auto stub = Stub();

  grpc::ClientContext cancelled_context;
  cancelled_context.set_deadline(std::chrono::system_clock::now() +
                                 std::chrono::milliseconds(50));
  auto reader = stub->StreamImages(&cancelled_context, StreamImagesRequest());
  StreamImagesResponse message;
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(HandlersEndWithin(absl::Milliseconds(100)));
  EXPECT_EQ(service_->counters().streams_cancelled, 1);
  ASSERT_LT(absl::Now(), stall_end) << "the test outlasted the stall";

  grpc::ClientContext context;
  ListImagesResponse list;
  ASSERT_TRUE(stub->ListImages(&context, ListImagesRequest(), &list).ok());
  const absl::Time answered = absl::Now();
  EXPECT_GE(answered, stall_end);
  EXPECT_LT(answered, stall_end + absl::Milliseconds(50));
}

TEST_F(ImageServiceTest, ReportsItsCpuTimeOnlyWhenAsked) {
  for (const bool ask : {false, true}) {
    grpc::ClientContext context;
    if (ask) context.AddMetadata(image_common::kWantServerCpuKey, "1");
    ListImagesResponse response;
    ASSERT_TRUE(
        Stub()->ListImages(&context, ListImagesRequest(), &response).ok());
    const auto& trailers = context.GetServerTrailingMetadata();
    const auto found = trailers.find(image_common::kServerCpuNanosKey);
    if (!ask) {
      EXPECT_EQ(found, trailers.end());
      continue;
    }
    ASSERT_NE(found, trailers.end());
    int64_t nanos = 0;
    EXPECT_TRUE(absl::SimpleAtoi(
        absl::string_view(found->second.data(), found->second.size()), &nanos));
    EXPECT_GT(nanos, 0);
  }
}

TEST_F(ImageServiceTest, HealthReportsServing) {
  std::unique_ptr<grpc::health::v1::Health::Stub> health =
      grpc::health::v1::Health::NewStub(Channel());
  for (const std::string service : {"", "image_service.ImageService"}) {
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::ClientContext context;
    const grpc::Status status = health->Check(&context, request, &response);
    ASSERT_TRUE(status.ok()) << service << ": " << status.error_message();
    EXPECT_EQ(response.status(),
              grpc::health::v1::HealthCheckResponse::SERVING);
  }
}

// The reflection messages are copies under another package
// (testdata/probe_messages.proto): the real ones are linked in with the
// reflection service.
TEST_F(ImageServiceTest, ReflectionListsTheService) {
  image_server_test::ServerReflectionRequest request;
  request.set_list_services("");
  const RawResult result =
      RawCall(Channel(),
              "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
              request.SerializeAsString());

  EXPECT_TRUE(result.status.ok()) << result.status.error_message();
  std::vector<std::string> services;
  for (const std::string& bytes : result.replies) {
    image_server_test::ServerReflectionResponse response;
    ASSERT_TRUE(response.ParseFromString(bytes));
    for (const auto& service : response.list_services_response().service()) {
      services.push_back(service.name());
    }
  }
  EXPECT_THAT(services, ::testing::Contains("image_service.ImageService"));
}

TEST_F(ImageServiceTest, AMalformedStreamRequestIsInvalidArgumentSayingWhy) {
  const RawResult result =
      RawCall(Channel(), "/image_service.ImageService/StreamImages",
              std::string("\x0a\xff\xff\xff\xff\x0f", 6));

  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(result.status.error_message(),
            "malformed StreamImagesRequest: not a valid protobuf message of "
            "that type");
  EXPECT_TRUE(result.replies.empty());
}

TEST_F(ImageServiceTest, ListImagesAnswersWhateverItsEmptyRequestHolds) {
  const RawResult result =
      RawCall(Channel(), "/image_service.ImageService/ListImages",
              "\x0a\x03"
              "abc");

  EXPECT_TRUE(result.status.ok()) << result.status.error_message();
  ASSERT_EQ(result.replies.size(), 1);
  ListImagesResponse response;
  ASSERT_TRUE(response.ParseFromString(result.replies[0]));
  EXPECT_EQ(response.image_names_size(),
            static_cast<int>(DefaultImageNames().size()));
}

}  // namespace
}  // namespace image_server
