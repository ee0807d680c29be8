#include "server/image_store.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/test_util.h"

namespace image_server {
namespace {

namespace fs = std::filesystem;
using ::image_server::testing::EncodeTestImage;
using ::image_server::testing::TempDirectory;
using ::image_server::testing::TestLoadOptions;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::vector<std::string> Names(const ImageStore& store) {
  std::vector<std::string> names;
  for (const StoredImage& image : store.images()) {
    names.push_back(image.info.name());
  }
  return names;
}

std::string ReasonFor(const ImageStore& store, const std::string& name) {
  for (const SkippedFile& skipped : store.skipped()) {
    if (skipped.name == name) return skipped.reason;
  }
  return "(not skipped)";
}

// No control byte: it prints as one line.
bool IsOneLineOfText(absl::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
  });
}

google::protobuf::RepeatedPtrField<std::string> Request(
    const std::vector<std::string>& names) {
  return {names.begin(), names.end()};
}

TEST(ImageStoreTest, NamesAreSortedRelativePathsIncludingSubdirectories) {
  TempDirectory dir;
  dir.WriteFile("zebra.png", EncodeTestImage(8, 8, 3, ".png"));
  dir.WriteFile("b/inner.jpg", EncodeTestImage(8, 8, 3, ".jpg"));
  dir.WriteFile("apple.jpg", EncodeTestImage(8, 8, 3, ".jpg"));
  dir.WriteFile("b/a/deep.bmp", EncodeTestImage(8, 8, 3, ".bmp"));

  absl::StatusOr<ImageStore> store =
      ImageStore::Load(dir.path(), TestLoadOptions());

  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_THAT(Names(*store), ElementsAre("apple.jpg", "b/a/deep.bmp",
                                         "b/inner.jpg", "zebra.png"));
  EXPECT_TRUE(store->skipped().empty());
}

TEST(ImageStoreTest, MetadataAndEncodedResponseMatchTheFile) {
  TempDirectory dir;
  const std::string jpeg = EncodeTestImage(640, 480, 3, ".jpg");
  const std::string gray = EncodeTestImage(33, 17, 1, ".png");
  const std::string rgba = EncodeTestImage(20, 10, 4, ".png");
  dir.WriteFile("photo.JPG", jpeg);
  dir.WriteFile("gray.png", gray);
  dir.WriteFile("alpha.png", rgba);

  absl::StatusOr<ImageStore> store =
      ImageStore::Load(dir.path(), TestLoadOptions());

  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_THAT(Names(*store), ElementsAre("alpha.png", "gray.png", "photo.JPG"));
  const struct {
    const std::string* bytes;
    const char* format;
    int width, height, channels;
  } expected[] = {{&rgba, "png", 20, 10, 4},
                  {&gray, "png", 33, 17, 1},
                  {&jpeg, "jpg", 640, 480, 3}};
  for (int i = 0; i < 3; ++i) {
    const StoredImage& stored = store->images()[i];
    SCOPED_TRACE(stored.info.name());
    EXPECT_EQ(stored.info.format(), expected[i].format);
    EXPECT_EQ(stored.info.size_in_bytes(), expected[i].bytes->size());
    EXPECT_EQ(stored.info.width(), expected[i].width);
    EXPECT_EQ(stored.info.height(), expected[i].height);
    EXPECT_EQ(stored.info.channels(), expected[i].channels);

    image_service::StreamImagesResponse response;
    ASSERT_TRUE(response.ParseFromString(stored.encoded_response));
    EXPECT_EQ(response.image().name(), stored.info.name());
    EXPECT_TRUE(response.image().content() == *expected[i].bytes);
    EXPECT_EQ(response.image().format(), expected[i].format);
    EXPECT_EQ(response.image().size_in_bytes(), expected[i].bytes->size());
    EXPECT_EQ(response.image().width(), expected[i].width);
    EXPECT_EQ(response.image().height(), expected[i].height);
    EXPECT_EQ(response.image().channels(), expected[i].channels);
  }
  EXPECT_EQ(store->total_bytes(), jpeg.size() + gray.size() + rgba.size());
}

TEST(ImageStoreTest, ALongLoadReportsProgressAndAQuickOneDoesNot) {
  TempDirectory directory;
  for (int i = 0; i < 6; ++i) {
    directory.WriteFile(absl::StrCat("p", i, ".png"),
                        EncodeTestImage(8, 8, 3, ".png"));
  }
  LoadOptions options = TestLoadOptions();
  std::vector<size_t> reported;
  options.on_progress = [&reported](size_t done, size_t total, absl::Duration) {
    EXPECT_EQ(total, 6u);
    reported.push_back(done);
  };
  ASSERT_TRUE(ImageStore::Load(directory.path(), options).ok());
  EXPECT_TRUE(reported.empty());  // Well within the first 3 s.

  options.progress_every = absl::ZeroDuration();
  ASSERT_TRUE(ImageStore::Load(directory.path(), options).ok());
  ASSERT_FALSE(reported.empty());
  EXPECT_TRUE(std::is_sorted(reported.begin(), reported.end()));
  EXPECT_LE(reported.back(), 6u);
}

TEST(ImageStoreTest, ImagesAreRecognisedByContentNotExtension) {
  TempDirectory dir;
  dir.WriteFile("no_extension", EncodeTestImage(8, 8, 3, ".png"));
  dir.WriteFile("fake.jpg", "this is not a jpeg, just text\n");

  absl::StatusOr<ImageStore> store =
      ImageStore::Load(dir.path(), TestLoadOptions());

  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_THAT(Names(*store), ElementsAre("no_extension"));
  EXPECT_EQ(store->images()[0].info.format(), "png");
  EXPECT_THAT(ReasonFor(*store, "fake.jpg"), HasSubstr("not an image"));
}

TEST(ImageStoreTest, SkipsEachKindOfBadFileWithAReason) {
  TempDirectory dir;
  TempDirectory outside;
  outside.WriteFile("secret.png", EncodeTestImage(8, 8, 3, ".png"));
  dir.WriteFile("good.png", EncodeTestImage(8, 8, 3, ".png"));
  dir.WriteFile("notes.txt", "hello\n");
  dir.WriteFile("empty.jpg", "");
  std::string corrupt_jpeg = EncodeTestImage(64, 64, 3, ".jpg").substr(0, 20);
  dir.WriteFile("corrupt.jpg", corrupt_jpeg);
  std::string corrupt_png = EncodeTestImage(64, 64, 3, ".png");
  corrupt_png.resize(corrupt_png.size() / 2);
  dir.WriteFile("truncated.png", corrupt_png);
  fs::create_symlink(outside.path() + "/secret.png",
                     dir.path() + "/escape.png");
  fs::create_symlink(dir.path() + "/missing.png", dir.path() + "/dangling.png");
  fs::create_symlink(dir.path() + "/good.png", dir.path() + "/alias.png");
  ASSERT_EQ(mkfifo((dir.path() + "/pipe.jpg").c_str(), 0600), 0);

  absl::StatusOr<ImageStore> store =
      ImageStore::Load(dir.path(), TestLoadOptions());

  ASSERT_TRUE(store.ok()) << store.status();
  // A symlink that stays inside the directory is served under its own name.
  EXPECT_THAT(Names(*store), ElementsAre("alias.png", "good.png"));
  EXPECT_THAT(ReasonFor(*store, "notes.txt"), HasSubstr("not an image"));
  EXPECT_THAT(ReasonFor(*store, "empty.jpg"), HasSubstr("empty file"));
  EXPECT_THAT(ReasonFor(*store, "corrupt.jpg"), HasSubstr("corrupt jpg"));
  EXPECT_THAT(ReasonFor(*store, "truncated.png"), HasSubstr("corrupt png"));
  EXPECT_THAT(ReasonFor(*store, "escape.png"), HasSubstr("outside"));
  EXPECT_THAT(ReasonFor(*store, "dangling.png"), HasSubstr("broken symlink"));
  EXPECT_THAT(ReasonFor(*store, "pipe.jpg"), HasSubstr("not a regular file"));
  EXPECT_EQ(store->skipped().size(), 7);
}

TEST(ImageStoreTest, SkipsNamesThatAreNotUtf8AndTheListStillParses) {
  TempDirectory dir;
  dir.WriteFile("good.png", EncodeTestImage(8, 8, 3, ".png"));
  dir.WriteFile("bad\xff.png", EncodeTestImage(8, 8, 3, ".png"));
  dir.WriteFile("caf\xc3\xa9.png", EncodeTestImage(8, 8, 3, ".png"));
  dir.WriteFile("latin1_\xe9/a.png", EncodeTestImage(8, 8, 3, ".png"));
  dir.WriteFile("latin1_\xe9/b.png", EncodeTestImage(8, 8, 3, ".png"));

  absl::StatusOr<ImageStore> store =
      ImageStore::Load(dir.path(), TestLoadOptions());

  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_THAT(Names(*store), ElementsAre("caf\xc3\xa9.png", "good.png"));
  EXPECT_EQ(ReasonFor(*store, "bad\xff.png"), "name is not valid UTF-8");
  EXPECT_EQ(ReasonFor(*store, "latin1_\xe9/a.png"), "name is not valid UTF-8");
  EXPECT_EQ(ReasonFor(*store, "latin1_\xe9/b.png"), "name is not valid UTF-8");
  EXPECT_EQ(store->skipped().size(), 3);
  image_service::ListImagesResponse list;
  ASSERT_TRUE(list.ParseFromString(store->encoded_list()));
  EXPECT_THAT(list.image_names(), ElementsAre("caf\xc3\xa9.png", "good.png"));
}

int64_t PeakResidentBytes() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return int64_t{usage.ru_maxrss} * 1024;
}

TEST(ImageStoreTest, SkipsASparseHugeFileWithoutReadingIt) {
  TempDirectory dir;
  dir.WriteFile("good.png", EncodeTestImage(8, 8, 3, ".png"));
  const std::string huge = dir.path() + "/huge.png";
  const int fd = open(huge.c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, int64_t{3} << 30), 0);
  close(fd);

  const absl::Time start = absl::Now();
  absl::StatusOr<ImageStore> store =
      ImageStore::Load(dir.path(), TestLoadOptions());
  const absl::Duration took = absl::Now() - start;

  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_THAT(Names(*store), ElementsAre("good.png"));
  EXPECT_EQ(ReasonFor(*store, "huge.png"),
            "larger than 2 GiB, more than size_in_bytes can hold");
  EXPECT_LT(took, absl::Seconds(2));
  // Reading it whole would have taken 3 GiB of this process's memory.
  EXPECT_LT(PeakResidentBytes(), int64_t{1} << 30);
}

// Turns down "verbose" with more than a log line should hold, over several
// lines, as a decoder's own message might; accepts anything else.
class VerboseProber final : public Prober {
 public:
  absl::StatusOr<ImageMetadata> Probe(absl::string_view bytes) override {
    if (bytes != "verbose") return ImageMetadata{8, 8, 3, "png"};
    return absl::InvalidArgumentError(absl::StrCat(
        "decoder's 'error':\n", std::string(10000, 'x'), "\r\x01"));
  }
};

TEST(ImageStoreTest, SkipReasonsAreOneShortLine) {
  TempDirectory dir;
  dir.WriteFile("good.png", "fine");
  dir.WriteFile("bad.png", "verbose");
  LoadOptions options;
  options.make_prober = []() -> absl::StatusOr<std::unique_ptr<Prober>> {
    return std::make_unique<VerboseProber>();
  };
  absl::StatusOr<ImageStore> store = ImageStore::Load(dir.path(), options);
  ASSERT_TRUE(store.ok()) << store.status();
  const std::string reason = ReasonFor(*store, "bad.png");
  EXPECT_THAT(reason, StartsWith("decoder's 'error':\\x0axxx"));
  EXPECT_THAT(reason, HasSubstr("... (10021 bytes)"));
  EXPECT_LE(reason.size(), 400);
  EXPECT_TRUE(IsOneLineOfText(reason)) << reason;
}

TEST(ImageStoreTest, SkipsUnreadableFiles) {
  if (geteuid() == 0) {
    GTEST_SKIP() << "root reads files whatever their mode";
  }
  TempDirectory dir;
  dir.WriteFile("good.png", EncodeTestImage(8, 8, 3, ".png"));
  dir.WriteFile("locked.png", EncodeTestImage(8, 8, 3, ".png"));
  ASSERT_EQ(chmod((dir.path() + "/locked.png").c_str(), 0), 0);

  absl::StatusOr<ImageStore> store =
      ImageStore::Load(dir.path(), TestLoadOptions());

  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_THAT(Names(*store), ElementsAre("good.png"));
  EXPECT_THAT(ReasonFor(*store, "locked.png"), HasSubstr("cannot read"));
}

TEST(ImageStoreTest, MissingDirectoryIsNotFoundNamingIt) {
  absl::StatusOr<ImageStore> store =
      ImageStore::Load("/no/such/images_dir", TestLoadOptions());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(store.status().message(), HasSubstr("/no/such/images_dir"));
}

TEST(ImageStoreTest, EmptyDirectoryIsAnError) {
  TempDirectory dir;
  absl::StatusOr<ImageStore> store =
      ImageStore::Load(dir.path(), TestLoadOptions());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("no servable images"));
}

TEST(ImageStoreTest, DirectoryWithOnlyBadFilesIsAnError) {
  TempDirectory dir;
  dir.WriteFile("a.txt", "text");
  dir.WriteFile("b.jpg", "");
  absl::StatusOr<ImageStore> store =
      ImageStore::Load(dir.path(), TestLoadOptions());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("2 files skipped"));
}

TEST(ImageStoreTest, AFileInsteadOfADirectoryIsAnError) {
  TempDirectory dir;
  dir.WriteFile("a.png", EncodeTestImage(8, 8, 3, ".png"));
  absl::StatusOr<ImageStore> store =
      ImageStore::Load(dir.path() + "/a.png", TestLoadOptions());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("not a directory"));
}

TEST(ImageStoreTest, AProberThatCannotStartFailsTheLoadWithItsReason) {
  TempDirectory dir;
  dir.WriteFile("a.png", EncodeTestImage(8, 8, 3, ".png"));
  LoadOptions options;
  options.make_prober = []() -> absl::StatusOr<std::unique_ptr<Prober>> {
    return absl::UnavailableError("cannot run the image prober 'x'");
  };
  absl::StatusOr<ImageStore> store = ImageStore::Load(dir.path(), options);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(store.status().message(), HasSubstr("image prober 'x'"));
}

TEST(ImageStoreTest, LoadingWithoutAProberIsAnError) {
  TempDirectory dir;
  dir.WriteFile("a.png", EncodeTestImage(8, 8, 3, ".png"));
  EXPECT_EQ(ImageStore::Load(dir.path()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// What a prober says about a file is what the store publishes, and its
// errors become the skip reason.
class FixedProber final : public Prober {
 public:
  absl::StatusOr<ImageMetadata> Probe(absl::string_view bytes) override {
    if (bytes == "bad") return absl::InvalidArgumentError("decoder gave up");
    return ImageMetadata{7, 5, 4, "webp"};
  }
};

TEST(ImageStoreTest, UsesWhatTheProberSays) {
  TempDirectory dir;
  dir.WriteFile("good", "anything");
  dir.WriteFile("bad.png", "bad");
  LoadOptions options;
  options.make_prober = []() -> absl::StatusOr<std::unique_ptr<Prober>> {
    return std::make_unique<FixedProber>();
  };
  absl::StatusOr<ImageStore> store = ImageStore::Load(dir.path(), options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_THAT(Names(*store), ElementsAre("good"));
  const image_service::ImageInfo& info = store->images()[0].info;
  EXPECT_EQ(info.width(), 7);
  EXPECT_EQ(info.height(), 5);
  EXPECT_EQ(info.channels(), 4);
  EXPECT_EQ(info.format(), "webp");  // No extension: the sniffed format.
  EXPECT_THAT(ReasonFor(*store, "bad.png"), HasSubstr("decoder gave up"));
}

class ResolveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.WriteFile("a.png", EncodeTestImage(8, 8, 3, ".png"));
    dir_.WriteFile("b.png", EncodeTestImage(9, 9, 3, ".png"));
    dir_.WriteFile("c.png", EncodeTestImage(10, 10, 3, ".png"));
    absl::StatusOr<ImageStore> store =
        ImageStore::Load(dir_.path(), TestLoadOptions());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  TempDirectory dir_;
  ImageStore store_;
};

TEST_F(ResolveTest, KeepsRequestOrderAndDuplicates) {
  absl::StatusOr<std::vector<int>> order =
      store_.Resolve(Request({"c.png", "a.png", "c.png", "c.png"}));
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_THAT(*order, ElementsAre(2, 0, 2, 2));
}

TEST_F(ResolveTest, EmptyRequestMeansEveryImageOnce) {
  absl::StatusOr<std::vector<int>> order = store_.Resolve(Request({}));
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_THAT(*order, ElementsAre(0, 1, 2));
}

TEST_F(ResolveTest, UnknownNamesAreNotFoundAndNamed) {
  absl::StatusOr<std::vector<int>> order =
      store_.Resolve(Request({"a.png", "cat.jpg", "a.png", "cat.jpg"}));
  EXPECT_EQ(order.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(order.status().message(), HasSubstr("unknown image 'cat.jpg'"));

  order = store_.Resolve(Request({"w", "x", "y", "z", "a.png", "w"}));
  EXPECT_EQ(order.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(order.status().message(),
              HasSubstr("unknown images 'w', 'x', 'y' and 1 more"));
}

// A request holds whatever bytes a client sent; the answer must still be a
// NOT_FOUND a client receives, whose message fits in gRPC's metadata.
void ExpectBoundedNotFound(const absl::StatusOr<std::vector<int>>& order) {
  EXPECT_EQ(order.status().code(), absl::StatusCode::kNotFound);
  const std::string message(order.status().message());
  EXPECT_THAT(message, StartsWith("unknown image"));
  EXPECT_LT(message.size(), 1000);
  EXPECT_TRUE(IsOneLineOfText(message));
}

TEST_F(ResolveTest, HugeNamesAreCutAndTheirSizeGiven) {
  const std::string huge(100 * 1024, 'n');
  absl::StatusOr<std::vector<int>> order =
      store_.Resolve(Request({huge, huge + "2", huge + "3", huge + "4"}));
  ExpectBoundedNotFound(order);
  EXPECT_THAT(order.status().message(), HasSubstr("nnn... (102400 bytes)'"));
  EXPECT_THAT(order.status().message(), HasSubstr("and 1 more"));
}

TEST_F(ResolveTest, OddBytesInNamesAreEscaped) {
  absl::StatusOr<std::vector<int>> order =
      store_.Resolve(Request({"two\nlines\xff.png"}));
  ExpectBoundedNotFound(order);
  EXPECT_THAT(order.status().message(),
              HasSubstr("unknown image 'two\\x0alines\\xff.png'"));

  order = store_.Resolve(Request({"it's caf\xc3\xa9\\"}));
  EXPECT_THAT(order.status().message(), HasSubstr("'it\\'s caf\xc3\xa9\\\\'"));

  // Escaping a name of control bytes four-fold stays within the bound too.
  order = store_.Resolve(
      Request({std::string(100 * 1024, '\x01'), std::string(100 * 1024, '\x02'),
               std::string(100 * 1024, '\xfe')}));
  ExpectBoundedNotFound(order);
}

TEST_F(ResolveTest, ThousandsOfUnknownNamesNameThreeAndCountTheRest) {
  std::vector<std::string> names;
  for (int i = 0; i < 1000; ++i) {
    names.push_back(absl::StrCat(std::string(400, 'x'), i));
  }
  absl::StatusOr<std::vector<int>> order = store_.Resolve(Request(names));
  ExpectBoundedNotFound(order);
  EXPECT_THAT(order.status().message(), HasSubstr("and 997 more"));
  EXPECT_THAT(order.status().message(), Not(HasSubstr("\n")));
}

}  // namespace
}  // namespace image_server
