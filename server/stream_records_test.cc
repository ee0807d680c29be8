#include "server/stream_records.h"

#include <memory>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_server {
namespace {

std::shared_ptr<const StreamRecord> EndingAt(
    int64_t end_unix_us, const char* rpc = kStreamImagesRpc) {
  auto record = std::make_shared<StreamRecord>();
  record->rpc = rpc;
  record->end_unix_us = end_unix_us;
  return record;
}

std::vector<int64_t> Ends(
    const std::vector<std::shared_ptr<const StreamRecord>>& records) {
  std::vector<int64_t> ends;
  for (const auto& record : records) ends.push_back(record->end_unix_us);
  return ends;
}

TEST(StreamRecordsTest, KeepsTheLatestOldestFirst) {
  StreamRecords records(3);
  for (int end = 1; end <= 5; ++end) records.Add(EndingAt(end));

  EXPECT_THAT(Ends(records.Recent(0, 0, "")), ::testing::ElementsAre(3, 4, 5));
  EXPECT_EQ(records.added(), 5);
  EXPECT_EQ(records.capacity(), 3);
}

TEST(StreamRecordsTest, MaxRecordsTakesTheMostRecent) {
  StreamRecords records(10);
  for (int end = 1; end <= 5; ++end) records.Add(EndingAt(end));

  EXPECT_THAT(Ends(records.Recent(2, 0, "")), ::testing::ElementsAre(4, 5));
  EXPECT_THAT(Ends(records.Recent(9, 0, "")),
              ::testing::ElementsAre(1, 2, 3, 4, 5));
}

TEST(StreamRecordsTest, SinceAndRpcFilterBeforeMaxRecords) {
  StreamRecords records(10);
  records.Add(EndingAt(10));
  records.Add(EndingAt(20, kListImagesRpc));
  records.Add(EndingAt(30));
  records.Add(EndingAt(40, kListImagesRpc));
  records.Add(EndingAt(50));

  EXPECT_THAT(Ends(records.Recent(0, 30, "")),
              ::testing::ElementsAre(30, 40, 50));
  EXPECT_THAT(Ends(records.Recent(0, 0, "StreamImages")),
              ::testing::ElementsAre(10, 30, 50));
  EXPECT_THAT(Ends(records.Recent(1, 15, "ListImages")),
              ::testing::ElementsAre(40));
  EXPECT_TRUE(records.Recent(0, 51, "").empty());
}

TEST(StreamRecordsTest, EmptyAtFirst) {
  StreamRecords records;
  EXPECT_TRUE(records.Recent(0, 0, "").empty());
  EXPECT_EQ(records.added(), 0);
  EXPECT_EQ(records.capacity(), StreamRecords::kDefaultCapacity);
}

}  // namespace
}  // namespace image_server
