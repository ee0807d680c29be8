// image_server --max_cache_mb as a user runs it: images read from disk
// through a cache smaller than the set, byte for byte, and a file changed on
// disk after indexing failing its stream with a status that names it.
#include <signal.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/file_io.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "image_service.grpc.pb.h"
#include "server/test_util.h"
#include "testing/subprocess.h"

namespace image_server {
namespace {

using ::image_testing::ServerProcess;
using ::image_testing::Subprocess;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr int kImages = 10;

std::string Name(int i) { return absl::StrCat("noise", i, ".png"); }

// Ten noise PNGs of about 270 KB: 2.7 MB against a 1 MB cache.
class ImageCacheEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < kImages; ++i) {
      directory_.WriteFile(Name(i),
                           testing::EncodeTestImage(300 + i, 300, 3, ".png"));
    }
    server_.emplace(SERVER_BINARY, std::vector<std::string>{
                                       "--images_dir=" + directory_.path(),
                                       "--max_cache_mb=1"});
    const std::optional<std::string> address = server_->WaitForAddress();
    ASSERT_TRUE(address.has_value()) << server_->process().err();
    grpc::ChannelArguments arguments;
    arguments.SetMaxReceiveMessageSize(64 << 20);
    stub_ = image_service::ImageService::NewStub(grpc::CreateCustomChannel(
        *address, grpc::InsecureChannelCredentials(), arguments));
  }

  std::string FileBytes(int i) const {
    return image_common::ReadFile(directory_.path() + "/" + Name(i)).value();
  }

  // Stops the server and returns what it printed.
  std::string Stop() {
    Subprocess& process = server_->process();
    process.Signal(SIGTERM);
    EXPECT_EQ(process.WaitForExit(absl::Seconds(10)), 0);
    return process.out();
  }

  testing::TempDirectory directory_;
  std::optional<ServerProcess> server_;
  std::unique_ptr<image_service::ImageService::Stub> stub_;
};

TEST_F(ImageCacheEndToEndTest, ServesEveryByteThroughACacheSmallerThanTheSet) {
  image_service::StreamImagesRequest request;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < kImages; ++i) request.add_image_names(Name(i));
  }
  grpc::ClientContext context;
  auto reader = stub_->StreamImages(&context, request);
  image_service::StreamImagesResponse message;
  for (int n = 0; n < request.image_names_size(); ++n) {
    ASSERT_TRUE(reader->Read(&message)) << n;
    EXPECT_EQ(message.image().name(), Name(n % kImages));
    EXPECT_EQ(message.image().content(), FileBytes(n % kImages)) << n;
  }
  EXPECT_FALSE(reader->Read(&message));
  EXPECT_TRUE(reader->Finish().ok());

  const std::string out = Stop();
  EXPECT_THAT(out, HasSubstr("images, 2.7 MB on disk, cache 1 MB, loaded in"));
  // A scan of 2.7 MB through 1 MB misses every time.
  EXPECT_THAT(out, HasSubstr("cache: 0 hits, 30 reads from disk"));
  EXPECT_THAT(out, MatchesRegex("(.|\n)*evicted; 0\\.[0-9] MB held(.|\n)*"));
}

TEST_F(ImageCacheEndToEndTest, AFileChangedAfterIndexingFailsItsStreamByName) {
  directory_.WriteFile(Name(4), testing::EncodeTestImage(20, 20, 3, ".png"));
  image_service::StreamImagesRequest request;
  request.add_image_names(Name(3));
  request.add_image_names(Name(4));
  grpc::ClientContext context;
  auto reader = stub_->StreamImages(&context, request);
  image_service::StreamImagesResponse message;
  ASSERT_TRUE(reader->Read(&message));
  EXPECT_EQ(message.image().content(), FileBytes(3));
  EXPECT_FALSE(reader->Read(&message));
  const grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(),
              HasSubstr("image '" + Name(4) +
                        "' changed on disk since the server indexed it"));
  EXPECT_THAT(Stop(), HasSubstr("0 refused, 1 failed; 1 images sent"));
}

}  // namespace
}  // namespace image_server
