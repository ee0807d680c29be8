#include "bench/load/stream_requests.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace image_bench {
namespace {

using ::testing::AnyOfArray;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The names as the server reads them from the bytes the bench sends.
std::vector<std::string> SentNames(const StreamRequest& request) {
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(request.encoded().Dump(&slices).ok());
  std::string bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  image_service::StreamImagesRequest message;
  EXPECT_TRUE(message.ParseFromString(bytes));
  return {message.image_names().begin(), message.image_names().end()};
}

// The names of `calls` successive calls of `source`, one after the other.
std::vector<std::string> NamesOfCalls(StreamRequestSource& source, int calls) {
  std::vector<std::string> names;
  for (int i = 0; i < calls; ++i) {
    for (const std::string& name : SentNames(source.Next())) {
      names.push_back(name);
    }
  }
  return names;
}

class StreamRequestsTest : public ::testing::Test {
 protected:
  StreamRequestsTest() {
    for (int i = 0; i < 24; ++i) {
      image_service::Image& image = images_.emplace_back();
      image.set_name(absl::StrCat("image_", i, ".jpg"));
      image.set_content(absl::StrCat("content of image ", i));
      image.set_size_in_bytes(static_cast<int>(image.content().size()));
      names_.push_back(image.name());
    }
    references_ = IndexReferences(images_);
  }

  // `name` as it arrives, with its reference content.
  ImageView Received(const std::string& name) const {
    ImageView view;
    view.name = name;
    view.content = {references_.at(name)};
    view.content_size = static_cast<int64_t>(references_.at(name).size());
    view.size_in_bytes = view.content_size;
    return view;
  }

  RandomStreamRequests Random(uint64_t seed, int images_per_stream,
                              int concurrency, int slot) const {
    return RandomStreamRequests(
        &names_, &references_,
        RandomNamesSeed{seed, images_per_stream, concurrency, slot});
  }

  std::vector<image_service::Image> images_;
  std::vector<std::string> names_;
  ReferenceImages references_;
  std::string problem_;
};

TEST_F(StreamRequestsTest, CycleNamesStartsOverAtTheEndOfTheList) {
  EXPECT_THAT(CycleNames({"a", "b", "c"}, 7),
              ElementsAre("a", "b", "c", "a", "b", "c", "a"));
  EXPECT_THAT(CycleNames({"a", "b", "c"}, 2), ElementsAre("a", "b"));
}

TEST_F(StreamRequestsTest, WithoutASeedEverySlotSendsTheSameCycledRequest) {
  ScenarioStreamRequests requests({&names_, 30, 3, &references_, 0});
  const StreamRequest& first = requests.ForSlot(0)->Next();
  EXPECT_EQ(first.images(), 30);
  EXPECT_EQ(SentNames(first), CycleNames(names_, 30));
  for (int slot = 0; slot < 3; ++slot) {
    for (int call = 0; call < 3; ++call) {
      EXPECT_EQ(&requests.ForSlot(slot)->Next(), &first);
    }
  }
}

TEST_F(StreamRequestsTest, EveryRandomNameIsOneOfTheListedNames) {
  RandomStreamRequests random = Random(7, 50, 1, 0);
  for (int call = 0; call < 20; ++call) {
    const StreamRequest& request = random.Next();
    EXPECT_EQ(request.images(), 50);
    const std::vector<std::string> sent = SentNames(request);
    EXPECT_EQ(sent.size(), 50);
    EXPECT_THAT(sent, Each(AnyOfArray(names_)));
  }
}

TEST_F(StreamRequestsTest, TheVerifierExpectsTheNamesSentInTheirOrder) {
  RandomStreamRequests random = Random(7, 10, 1, 0);
  for (int call = 0; call < 5; ++call) {
    const StreamRequest& request = random.Next();
    const std::vector<std::string> sent = SentNames(request);
    ASSERT_NE(request.verifier(), nullptr);
    EXPECT_EQ(request.verifier()->expected_images(), 10);
    for (int i = 0; i < 10; ++i) {
      EXPECT_TRUE(request.verifier()->Check(i, Received(sent[i]), &problem_))
          << problem_;
    }
    // An image the request did not ask for at that position is caught.
    const std::string other = sent[0] == names_[0] ? names_[1] : names_[0];
    EXPECT_FALSE(request.verifier()->Check(0, Received(other), &problem_));
  }
}

TEST_F(StreamRequestsTest, NoReferencesMeansNoVerifier) {
  RandomStreamRequests random(&names_, nullptr, RandomNamesSeed{7, 3, 1, 0});
  EXPECT_EQ(random.Next().verifier(), nullptr);
  ScenarioStreamRequests cycled({&names_, 3, 1, nullptr, 0});
  EXPECT_EQ(cycled.ForSlot(0)->Next().verifier(), nullptr);
}

TEST_F(StreamRequestsTest, TheSameSeedAndSlotDrawTheSameNamesInTheSameOrder) {
  RandomStreamRequests one = Random(42, 5, 8, 3);
  RandomStreamRequests two = Random(42, 5, 8, 3);
  EXPECT_EQ(NamesOfCalls(one, 50), NamesOfCalls(two, 50));
}

TEST_F(StreamRequestsTest, EachCallAsksForNewNames) {
  RandomStreamRequests random = Random(42, 5, 8, 3);
  std::set<std::vector<std::string>> requests;
  for (int call = 0; call < 50; ++call) {
    requests.insert(SentNames(random.Next()));
  }
  EXPECT_EQ(requests.size(), 50);
}

TEST_F(StreamRequestsTest, SlotsSeedsAndScenariosDrawDifferentNames) {
  RandomStreamRequests base = Random(42, 5, 8, 3);
  const std::vector<std::string> names = NamesOfCalls(base, 20);
  std::vector<RandomStreamRequests> others = {
      Random(42, 5, 8, 4), Random(42, 5, 8, 2), Random(43, 5, 8, 3),
      Random(42, 5, 64, 3)};
  for (RandomStreamRequests& other : others) {
    EXPECT_NE(NamesOfCalls(other, 20), names);
  }
  // Another stream length starts elsewhere too, not with a prefix of these.
  RandomStreamRequests longer = Random(42, 10, 8, 3);
  const std::vector<std::string> longer_names = NamesOfCalls(longer, 10);
  EXPECT_NE(
      std::vector<std::string>(longer_names.begin(), longer_names.begin() + 5),
      std::vector<std::string>(names.begin(), names.begin() + 5));
}

TEST_F(StreamRequestsTest, NamesAreDrawnUniformly) {
  // 24,000 draws over 24 names: about 1,000 each, with a standard deviation
  // of about 31; 850 to 1,150 is nearly 5 of them either way.
  RandomStreamRequests random = Random(1, 100, 1, 0);
  std::map<std::string, int> counts;
  for (const std::string& name : NamesOfCalls(random, 240)) ++counts[name];
  EXPECT_EQ(counts.size(), names_.size());
  for (const auto& [name, count] : counts) {
    EXPECT_GT(count, 850) << name;
    EXPECT_LT(count, 1150) << name;
  }
}

TEST_F(StreamRequestsTest, ASlotKeepsItsSequenceAcrossRuns) {
  ScenarioStreamRequests requests({&names_, 4, 8, &references_, 9});
  // The drivers make each run's slots afresh; the scenario's sources stay.
  StreamRequestSource* slot_five = requests.ForSlot(5);
  EXPECT_EQ(requests.ForSlot(5), slot_five);
  EXPECT_NE(requests.ForSlot(2), slot_five);

  std::vector<std::string> across_runs = NamesOfCalls(*requests.ForSlot(5), 3);
  for (const std::string& name : NamesOfCalls(*requests.ForSlot(5), 3)) {
    across_runs.push_back(name);
  }
  RandomStreamRequests alone = Random(9, 4, 8, 5);
  EXPECT_EQ(across_runs, NamesOfCalls(alone, 6));
}

TEST_F(StreamRequestsTest, ResetReplacesTheNamesAndTheVerifier) {
  StreamRequest request(CycleNames(names_, 5), &references_);
  request.Reset({names_[3]}, &references_);
  EXPECT_EQ(request.images(), 1);
  EXPECT_THAT(SentNames(request), ElementsAre(names_[3]));
  EXPECT_EQ(request.verifier()->expected_images(), 1);
  request.Reset({}, nullptr);
  EXPECT_EQ(request.images(), 0);
  EXPECT_THAT(SentNames(request), IsEmpty());
  EXPECT_EQ(request.verifier(), nullptr);
}

TEST(RandomNamesFlagTest, TakesZeroOrAWholeNumberSeed) {
  RandomNamesFlag flag;
  std::string error;
  EXPECT_TRUE(AbslParseFlag("0", &flag, &error));
  EXPECT_EQ(flag.seed, 0);
  EXPECT_TRUE(AbslParseFlag("18446744073709551615", &flag, &error));
  EXPECT_EQ(flag.seed, 18446744073709551615u);
  EXPECT_EQ(AbslUnparseFlag(flag), "18446744073709551615");
  for (const char* bad :
       {"", "-1", "1.5", "seven", "18446744073709551616", "true"}) {
    EXPECT_FALSE(AbslParseFlag(bad, &flag, &error)) << bad;
    EXPECT_THAT(error, HasSubstr("--random_names takes a seed")) << bad;
  }
}

}  // namespace
}  // namespace image_bench
