#include "server/stream_plan.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "grpcpp/support/slice.h"
#include "gtest/gtest.h"
#include "image_service.pb.h"
#include "server/test_util.h"

namespace image_server {
namespace {

using ::image_server::testing::EncodeTestImage;
using ::image_server::testing::TempDirectory;
using ::image_server::testing::TestLoadOptions;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Three images, so that "in request order" differs from store order.
class StreamPlanTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    TempDirectory dir;
    dir.WriteFile("a.png", EncodeTestImage(4, 4, 3, ".png"));
    dir.WriteFile("b.jpg", EncodeTestImage(8, 8, 3, ".jpg"));
    dir.WriteFile("sub/c.png", EncodeTestImage(2, 3, 1, ".png"));
    absl::StatusOr<ImageStore> store =
        ImageStore::Load(dir.path(), TestLoadOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = new ImageStore(*std::move(store));
  }
  static void TearDownTestSuite() { delete store_; }

  static ImageStore* store_;
};

ImageStore* StreamPlanTest::store_ = nullptr;

// `bytes` as gRPC may hand them to a handler: cut into slices at `cuts`.
grpc::ByteBuffer Buffer(const std::string& bytes,
                        const std::vector<size_t>& cuts = {}) {
  std::vector<grpc::Slice> slices;
  size_t start = 0;
  for (const size_t cut : cuts) {
    slices.emplace_back(bytes.substr(start, cut - start));
    start = cut;
  }
  slices.emplace_back(bytes.substr(start));
  return grpc::ByteBuffer(slices.data(), slices.size());
}

std::string Request(const std::vector<std::string>& names) {
  image_service::StreamImagesRequest request;
  for (const std::string& name : names) request.add_image_names(name);
  return request.SerializeAsString();
}

TEST_F(StreamPlanTest, AnEmptyRequestPlansEveryImageOnceInStoreOrder) {
  absl::StatusOr<std::vector<int>> plan = PlanStream(*store_, Buffer(""));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, ElementsAre(0, 1, 2));
}

TEST_F(StreamPlanTest, NamedImagesArePlannedInRequestOrderWithDuplicates) {
  absl::StatusOr<std::vector<int>> plan =
      PlanStream(*store_, Buffer(Request({"sub/c.png", "a.png", "sub/c.png"})));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, ElementsAre(2, 0, 2));
}

TEST_F(StreamPlanTest, ARequestCutIntoSlicesPlansAsOneSliceDoes) {
  const std::string bytes = Request({"b.jpg", "a.png"});
  absl::StatusOr<std::vector<int>> plan =
      PlanStream(*store_, Buffer(bytes, {1, 2, 7, bytes.size() - 1}));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, ElementsAre(1, 0));
}

TEST_F(StreamPlanTest, AnUnknownNameIsNotFoundAndNothingIsPlanned) {
  absl::StatusOr<std::vector<int>> plan =
      PlanStream(*store_, Buffer(Request({"a.png", "missing.png"})));
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(plan.status().message(),
              HasSubstr("unknown image 'missing.png'"));
}

TEST_F(StreamPlanTest, BytesThatAreNotARequestAreInvalidArgumentSayingWhy) {
  // A length-delimited field 1 that claims more bytes than follow.
  absl::StatusOr<std::vector<int>> plan =
      PlanStream(*store_, Buffer(std::string("\x0a\x05"
                                             "ab",
                                             4),
                                 {3}));
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(plan.status().message(),
            "malformed StreamImagesRequest: not a valid protobuf message of "
            "that type");
}

// Found by fuzz/stream_plan_fuzzer: a tag whose varint the bytes end inside
// was taken for the end of the message, so that garbage streamed every image.
TEST_F(StreamPlanTest, ATagCutShortByTheEndIsMalformedNotTheEnd) {
  for (const std::string& bytes :
       {std::string(8, '\xff'), Request({"a.png"}) + "\x8a"}) {
    absl::StatusOr<std::vector<int>> plan = PlanStream(*store_, Buffer(bytes));
    EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument)
        << absl::CEscape(bytes);
  }
}

TEST_F(StreamPlanTest, ANameThatIsNotUtf8IsInvalidArgumentNamingIt) {
  absl::StatusOr<std::vector<int>> plan =
      PlanStream(*store_, Buffer(Request({"a.png", "bad\xff.png"})));
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(plan.status().message(),
            "malformed StreamImagesRequest: image name 2 is not valid UTF-8: "
            "'bad\\xff.png'");
}

TEST_F(StreamPlanTest, UnknownFieldsAndNamesWithAnotherWireTypeAreSkipped) {
  // Field 7 (varint), then field 1 as a varint, then the real name.
  const std::string bytes =
      std::string("\x38\x05\x08\x01", 4) + Request({"b.jpg"});
  absl::StatusOr<std::vector<int>> plan = PlanStream(*store_, Buffer(bytes));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, ElementsAre(1));
}

TEST_F(StreamPlanTest, AMillionShortNamesPlanAsProtobufWouldParseThem) {
  std::vector<std::string> names(1000000, "a.png");
  names[999999] = "sub/c.png";
  absl::StatusOr<std::vector<int>> plan =
      PlanStream(*store_, Buffer(Request(names), {5, 3000001}));
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 1000000u);
  EXPECT_EQ((*plan)[0], 0);
  EXPECT_EQ((*plan)[999999], 2);
}

TEST_F(StreamPlanTest, ManyUnknownNamesAreNamedOnlyInPart) {
  std::vector<std::string> names;
  for (int i = 0; i < 10000; ++i) names.push_back(std::to_string(i));
  absl::StatusOr<std::vector<int>> plan =
      PlanStream(*store_, Buffer(Request(names)));
  EXPECT_EQ(plan.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(plan.status().message(),
              HasSubstr("unknown images '0', '1', '2' and 9997 more"));
}

}  // namespace
}  // namespace image_server
