#include "server/image_cache.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/image_store.h"
#include "server/test_util.h"

namespace image_server {
namespace {

using ::image_server::testing::EncodeTestImage;
using ::image_server::testing::TempDirectory;
using ::image_server::testing::TestLoadOptions;
using ::testing::HasSubstr;

// Eight noisy PNGs of about 30 KB each, indexed both ways.
class ImageCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 8; ++i) {
      directory_.WriteFile("image" + std::to_string(i) + ".png",
                           EncodeTestImage(100 + i, 100, 3, ".png"));
    }
    LoadOptions without_content = TestLoadOptions();
    without_content.keep_content = false;
    absl::StatusOr<ImageStore> index =
        ImageStore::Load(directory_.path(), without_content);
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = std::make_unique<ImageStore>(*std::move(index));
    absl::StatusOr<ImageStore> in_memory =
        ImageStore::Load(directory_.path(), TestLoadOptions());
    ASSERT_TRUE(in_memory.ok()) << in_memory.status();
    in_memory_ = std::make_unique<ImageStore>(*std::move(in_memory));
  }

  int64_t ResponseSize(int i) const {
    return static_cast<int64_t>(
        in_memory_->images()[i].encoded_response.size());
  }

  TempDirectory directory_;
  std::unique_ptr<ImageStore> index_;
  std::unique_ptr<ImageStore> in_memory_;
};

TEST_F(ImageCacheTest, AnIndexWithoutContentHoldsNoBytes) {
  ASSERT_EQ(index_->images().size(), 8u);
  for (const StoredImage& image : index_->images()) {
    EXPECT_TRUE(image.encoded_response.empty());
    EXPECT_EQ(image.file_identity.size, image.info.size_in_bytes());
  }
  EXPECT_EQ(index_->encoded_list(), in_memory_->encoded_list());
}

TEST_F(ImageCacheTest, ServesTheBytesTheInMemoryStoreEncodes) {
  ImageCache cache(int64_t{1} << 30);
  for (int i = 0; i < 8; ++i) {
    absl::StatusOr<std::shared_ptr<const CachedResponse>> got =
        cache.Get(index_->images()[i]);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ((*got)->bytes(), in_memory_->images()[i].encoded_response) << i;
  }
  EXPECT_EQ(cache.stats().misses, 8);
  ASSERT_TRUE(cache.Get(index_->images()[3]).ok());
  EXPECT_EQ(cache.stats().hits, 1);
}

TEST_F(ImageCacheTest, HoldsNoMoreThanItsCapacity) {
  // Room for about three responses.
  const int64_t capacity = ResponseSize(0) * 3 + ResponseSize(0) / 2;
  ImageCache cache(capacity);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 8; ++i) {
      ASSERT_TRUE(cache.Get(index_->images()[i]).ok());
      EXPECT_LE(cache.stats().cached_bytes, capacity);
      EXPECT_LE(cache.stats().resident_bytes, capacity);
    }
  }
  const ImageCache::Stats stats = cache.stats();
  EXPECT_EQ(stats.entries, 3);
  // A cyclic scan larger than an LRU cache misses every time.
  EXPECT_EQ(stats.misses, 24);
  EXPECT_EQ(stats.evictions, 21);
  // The most recent three are the ones kept.
  ASSERT_TRUE(cache.Get(index_->images()[7]).ok());
  EXPECT_EQ(cache.stats().hits, 1);
}

TEST_F(ImageCacheTest, AResponseBeingSentOutlivesItsEvictionAndCounts) {
  const int64_t capacity = ResponseSize(0) * 2 + ResponseSize(0) / 2;
  ImageCache cache(capacity);
  absl::StatusOr<std::shared_ptr<const CachedResponse>> held =
      cache.Get(index_->images()[0]);
  ASSERT_TRUE(held.ok());
  ASSERT_TRUE(cache.Get(index_->images()[1]).ok());
  ASSERT_TRUE(cache.Get(index_->images()[2]).ok());
  // Evicting image 0 freed nothing, since it is still held, so image 1 went
  // too: only one response fits beside the one being sent.
  EXPECT_EQ(cache.stats().evictions, 2);
  EXPECT_EQ(cache.stats().entries, 1);
  EXPECT_EQ((*held)->bytes(), in_memory_->images()[0].encoded_response);
  EXPECT_LE(cache.stats().resident_bytes, capacity);
  held->reset();
  EXPECT_EQ(cache.stats().resident_bytes, cache.stats().cached_bytes);
}

TEST_F(ImageCacheTest, StreamsShareAResponseASenderStillHolds) {
  // Room for one response: the held one is evicted by the next fill.
  ImageCache cache(ResponseSize(0) + ResponseSize(0) / 2);
  absl::StatusOr<std::shared_ptr<const CachedResponse>> held =
      cache.Get(index_->images()[0]);
  ASSERT_TRUE(held.ok());
  ASSERT_TRUE(cache.Get(index_->images()[1]).ok());
  absl::StatusOr<std::shared_ptr<const CachedResponse>> again =
      cache.Get(index_->images()[0]);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), held->get());
  EXPECT_EQ(cache.stats().misses, 2);
}

TEST_F(ImageCacheTest, SendersHoldingMoreThanTheCapacityLeaveNothingCached) {
  ImageCache cache(ResponseSize(0) * 2 + ResponseSize(0) / 2);
  std::vector<std::shared_ptr<const CachedResponse>> being_sent;
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<std::shared_ptr<const CachedResponse>> got =
        cache.Get(index_->images()[i]);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ((*got)->bytes(), in_memory_->images()[i].encoded_response);
    being_sent.push_back(*std::move(got));
  }
  EXPECT_EQ(cache.stats().entries, 0);
  being_sent.clear();
  EXPECT_EQ(cache.stats().resident_bytes, 0);
}

TEST_F(ImageCacheTest, AnImageLargerThanTheCacheIsServedUncached) {
  ImageCache cache(100);
  absl::StatusOr<std::shared_ptr<const CachedResponse>> got =
      cache.Get(index_->images()[2]);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)->bytes(), in_memory_->images()[2].encoded_response);
  EXPECT_EQ(cache.stats().entries, 0);
  EXPECT_EQ(cache.stats().cached_bytes, 0);
}

TEST_F(ImageCacheTest, AChangedFileIsNeverServedButACachedCopyIs) {
  ImageCache cache(int64_t{1} << 30);
  const StoredImage& cached = index_->images()[0];
  const StoredImage& uncached = index_->images()[1];
  ASSERT_TRUE(cache.Get(cached).ok());
  directory_.WriteFile(cached.info.name(), "new bytes");
  directory_.WriteFile(uncached.info.name(), "new bytes");

  absl::StatusOr<std::shared_ptr<const CachedResponse>> old = cache.Get(cached);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ((*old)->bytes(), in_memory_->images()[0].encoded_response);
  const absl::Status changed = cache.Get(uncached).status();
  EXPECT_EQ(changed.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(changed.message(), HasSubstr("image '" + uncached.info.name() +
                                           "' changed on disk"));
  std::remove(
      (directory_.path() + "/" + index_->images()[2].info.name()).c_str());
  EXPECT_THAT(cache.Get(index_->images()[2]).status().message(),
              HasSubstr("was removed"));
}

}  // namespace
}  // namespace image_server
