#include "bench/wire/stream_verifier.h"

#include <deque>
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

// A received image whose content arrived in pieces of `piece` bytes.
ImageView View(const std::string& name, const std::string& content,
               size_t piece = 4) {
  static std::deque<std::string>* kept = new std::deque<std::string>();
  kept->push_back(content);
  const std::string& stored = kept->back();
  ImageView view;
  view.name = name;
  view.size_in_bytes = static_cast<int64_t>(content.size());
  view.content_size = static_cast<int64_t>(content.size());
  for (size_t at = 0; at < stored.size(); at += piece) {
    view.content.push_back(absl::string_view(stored).substr(at, piece));
  }
  return view;
}

class StreamVerifierTest : public ::testing::Test {
 protected:
  StreamVerifierTest()
      : images_({MakeImage("a.jpg", "alpha bytes"),
                 MakeImage("b.png", "bravo bytes")}),
        references_(IndexReferences(images_)),
        verifier_({"b.png", "a.jpg", "b.png"}, references_) {}

  std::vector<image_service::Image> images_;
  ReferenceImages references_;
  StreamVerifier verifier_;
  std::string problem_;
};

TEST_F(StreamVerifierTest, AcceptsTheExpectedImagesInOrder) {
  EXPECT_EQ(verifier_.expected_images(), 3);
  EXPECT_TRUE(verifier_.Check(0, View("b.png", "bravo bytes"), &problem_));
  EXPECT_TRUE(verifier_.Check(1, View("a.jpg", "alpha bytes"), &problem_));
  EXPECT_TRUE(verifier_.Check(2, View("b.png", "bravo bytes"), &problem_));
  EXPECT_TRUE(problem_.empty());
}

TEST_F(StreamVerifierTest, RejectsAnImageOutOfOrder) {
  EXPECT_FALSE(verifier_.Check(0, View("a.jpg", "alpha bytes"), &problem_));
  EXPECT_THAT(problem_, HasSubstr("image 1 is 'a.jpg', expected 'b.png'"));
}

TEST_F(StreamVerifierTest, RejectsAWrongSizeInBytes) {
  ImageView image = View("b.png", "bravo bytes");
  image.size_in_bytes = 999;
  EXPECT_FALSE(verifier_.Check(0, image, &problem_));
  EXPECT_THAT(problem_, HasSubstr("size_in_bytes 999 but 11 content bytes"));
}

TEST_F(StreamVerifierTest, RejectsOneFlippedByte) {
  EXPECT_FALSE(verifier_.Check(0, View("b.png", "bravo bytEs", 3), &problem_));
  EXPECT_THAT(problem_, HasSubstr("content differs from the first copy"));
}

TEST_F(StreamVerifierTest, RejectsTruncatedContentWithMatchingSizeField) {
  ImageView image = View("b.png", "bravo");
  EXPECT_FALSE(verifier_.Check(0, image, &problem_));
  EXPECT_THAT(problem_, HasSubstr("content differs"));
}

TEST_F(StreamVerifierTest, RejectsExtraImages) {
  EXPECT_FALSE(verifier_.Check(3, View("b.png", "bravo bytes"), &problem_));
  EXPECT_THAT(problem_, HasSubstr("beyond the 3 requested"));
}

TEST_F(StreamVerifierTest, ResetExpectsTheNewNamesOnly) {
  verifier_.Reset({"a.jpg"}, references_);
  EXPECT_EQ(verifier_.expected_images(), 1);
  EXPECT_TRUE(verifier_.Check(0, View("a.jpg", "alpha bytes"), &problem_));
  EXPECT_FALSE(verifier_.Check(1, View("b.png", "bravo bytes"), &problem_));
  EXPECT_THAT(problem_, HasSubstr("beyond the 1 requested"));

  verifier_.Reset({"b.png", "b.png"}, references_);
  EXPECT_FALSE(verifier_.Check(0, View("a.jpg", "alpha bytes"), &problem_));
  EXPECT_THAT(problem_, HasSubstr("image 1 is 'a.jpg', expected 'b.png'"));
  EXPECT_TRUE(verifier_.Check(1, View("b.png", "bravo bytes"), &problem_));
}

}  // namespace
}  // namespace image_bench
