#include "bench/stream_verifier.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_bench {
namespace {

using ::testing::HasSubstr;

image_service::Image MakeImage(const std::string& name,
                               const std::string& content) {
  image_service::Image image;
  image.set_name(name);
  image.set_content(content);
  image.set_size_in_bytes(static_cast<int>(content.size()));
  return image;
}

class StreamVerifierTest : public ::testing::Test {
 protected:
  StreamVerifierTest()
      : references_(DigestAll({MakeImage("a.jpg", "alpha bytes"),
                               MakeImage("b.png", "bravo bytes")})),
        verifier_({"b.png", "a.jpg", "b.png"}, references_) {}

  ReferenceDigests references_;
  StreamVerifier verifier_;
  std::string problem_;
};

TEST_F(StreamVerifierTest, AcceptsTheExpectedImagesInOrder) {
  EXPECT_EQ(verifier_.expected_images(), 3);
  EXPECT_TRUE(verifier_.Check(0, MakeImage("b.png", "bravo bytes"), &problem_));
  EXPECT_TRUE(verifier_.Check(1, MakeImage("a.jpg", "alpha bytes"), &problem_));
  EXPECT_TRUE(verifier_.Check(2, MakeImage("b.png", "bravo bytes"), &problem_));
  EXPECT_TRUE(problem_.empty());
}

TEST_F(StreamVerifierTest, RejectsAnImageOutOfOrder) {
  EXPECT_FALSE(
      verifier_.Check(0, MakeImage("a.jpg", "alpha bytes"), &problem_));
  EXPECT_THAT(problem_, HasSubstr("image 1 is 'a.jpg', expected 'b.png'"));
}

TEST_F(StreamVerifierTest, RejectsAWrongSizeInBytes) {
  image_service::Image image = MakeImage("b.png", "bravo bytes");
  image.set_size_in_bytes(999);
  EXPECT_FALSE(verifier_.Check(0, image, &problem_));
  EXPECT_THAT(problem_, HasSubstr("size_in_bytes 999 but 11 content bytes"));
}

TEST_F(StreamVerifierTest, RejectsOneFlippedByte) {
  EXPECT_FALSE(
      verifier_.Check(0, MakeImage("b.png", "bravo bytEs"), &problem_));
  EXPECT_THAT(problem_, HasSubstr("content differs from the first copy"));
}

TEST_F(StreamVerifierTest, RejectsTruncatedContentWithMatchingSizeField) {
  EXPECT_FALSE(verifier_.Check(0, MakeImage("b.png", "bravo"), &problem_));
  EXPECT_THAT(problem_, HasSubstr("content differs"));
}

TEST_F(StreamVerifierTest, RejectsExtraImages) {
  EXPECT_FALSE(
      verifier_.Check(3, MakeImage("b.png", "bravo bytes"), &problem_));
  EXPECT_THAT(problem_, HasSubstr("beyond the 3 requested"));
}

}  // namespace
}  // namespace image_bench
