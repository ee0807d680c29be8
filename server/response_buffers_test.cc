#include "server/response_buffers.h"

#include <memory>
#include <vector>

#include "gtest/gtest.h"

namespace image_server {
namespace {

constexpr size_t kMiB = 1 << 20;

TEST(ResponseBuffersTest, AReturnedBufferIsHandedOutAgainForItsSize) {
  std::shared_ptr<ResponseBuffers> buffers = ResponseBuffers::Create(8 * kMiB);
  std::shared_ptr<ResponseBuffer> first = buffers->Take(kMiB);
  first->data()[kMiB - 1] = 'x';  // Writable to its end.
  const char* const address = first->data();
  first.reset();
  EXPECT_EQ(buffers->in_use_bytes(), 0);
  EXPECT_EQ(buffers->mapped_bytes(), static_cast<int64_t>(kMiB));
  // A little smaller still fits; far smaller does not take it.
  std::shared_ptr<ResponseBuffer> again = buffers->Take(kMiB - 4096);
  EXPECT_EQ(again->data(), address);
  EXPECT_EQ(again->bytes().size(), kMiB - 4096);
  std::shared_ptr<ResponseBuffer> small = buffers->Take(kMiB / 4);
  EXPECT_NE(small->data(), address);
}

TEST(ResponseBuffersTest, FreeMappingsNeverKeepTheTotalPastTheCapacity) {
  std::shared_ptr<ResponseBuffers> buffers = ResponseBuffers::Create(2 * kMiB);
  std::vector<std::shared_ptr<ResponseBuffer>> held;
  for (int i = 0; i < 4; ++i) held.push_back(buffers->Take(kMiB));
  // Holders can need more than the capacity; that is theirs to bound.
  EXPECT_EQ(buffers->in_use_bytes(), static_cast<int64_t>(4 * kMiB));
  held.clear();
  EXPECT_EQ(buffers->in_use_bytes(), 0);
  EXPECT_LE(buffers->mapped_bytes(), static_cast<int64_t>(2 * kMiB));
}

TEST(ResponseBuffersTest, SmallBuffersComeFromTheHeapAndStillCount) {
  std::shared_ptr<ResponseBuffers> buffers = ResponseBuffers::Create(kMiB);
  std::shared_ptr<ResponseBuffer> small = buffers->Take(1000);
  EXPECT_EQ(buffers->in_use_bytes(), 1000);
  EXPECT_EQ(buffers->mapped_bytes(), 0);
  small.reset();
  EXPECT_EQ(buffers->in_use_bytes(), 0);
}

TEST(ResponseBuffersTest, ABufferOutlivesThePoolsOtherOwners) {
  std::shared_ptr<ResponseBuffers> buffers = ResponseBuffers::Create(kMiB);
  std::shared_ptr<ResponseBuffer> held = buffers->Take(2 * kMiB);
  buffers.reset();
  held->data()[0] = 'x';
  held.reset();  // Returns into the pool it kept alive, then frees it.
}

}  // namespace
}  // namespace image_server
