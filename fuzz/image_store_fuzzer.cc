// The directory indexer (ImageStore::Load) on trees a fuzz input describes
// (generated_tree.h), written under a scratch directory and removed after
// each input. Probing is in process (InProcessProber) so that a crash in
// decoding shows here rather than in a child. Each file's fate is predicted
// from what was written, with the kernel resolving symlinks and ProbeImage
// judging contents, and the store must match it exactly: every servable file
// served with the bytes written and the probe's metadata, everything else
// skipped with a bounded one-line reason.
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/one_line.h"
#include "common/utf8.h"
#include "fuzz/check.h"
#include "fuzz/generated_tree.h"
#include "image_service.pb.h"
#include "server/image_probe.h"
#include "server/image_store.h"
#include "server/test_util.h"

namespace image_fuzz {
namespace {

namespace fs = std::filesystem;
using image_server::ImageMetadata;
using image_server::ImageStore;
using image_server::kMaxImagePixels;
using image_server::StoredImage;

// What a template entry starts from, in the order its template byte picks
// (the seeds in fuzz/corpus depend on it); "" where this OpenCV cannot
// encode the format, so that the others keep their place.
std::vector<std::string> EncodeTemplates() {
  struct Spec {
    int width, height, channels;
    const char* extension;
  };
  const Spec specs[] = {{9, 7, 4, ".png"},  {17, 9, 3, ".jpg"},
                        {8, 8, 1, ".jpg"},  {5, 3, 3, ".bmp"},
                        {4, 4, 1, ".tiff"}, {6, 6, 3, ".webp"}};
  std::vector<std::string> templates;
  for (const Spec& spec : specs) {
    try {
      templates.push_back(image_server::testing::EncodeTestImage(
          spec.width, spec.height, spec.channels, spec.extension));
    } catch (const std::exception&) {
      templates.emplace_back();
    }
  }
  return templates;
}

// The scratch directory: `root` is the tree, rebuilt for every input;
// `outside` a servable image beside it, for symlinks that leave the tree.
struct Scratch {
  std::string base;
  std::string root;
  std::string outside;
  std::vector<std::string> templates;
};

void RemoveScratch();

// ProbeImage here must judge as the server's image_prober children do, which
// start with OpenCV's pixel bound set to kMaxImagePixels (prober.h).
void CheckPixelBound() {
  const char* bound = std::getenv("OPENCV_IO_MAX_IMAGE_PIXELS");
  FUZZ_CHECK(
      bound != nullptr && std::string(bound) == absl::StrCat(kMaxImagePixels),
      "run with OPENCV_IO_MAX_IMAGE_PIXELS=", kMaxImagePixels,
      " (scripts/fuzz sets it), as image_server's probers have it");
}

const Scratch& TheScratch() {
  static const Scratch* const scratch = [] {
    CheckPixelBound();
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp ? tmp : "/tmp") +
                          "/image_store_fuzzer_XXXXXX";
    FUZZ_CHECK(mkdtemp(pattern.data()) != nullptr, "mkdtemp ", pattern);
    auto* made = new Scratch;
    made->base = fs::canonical(pattern).string();
    made->root = made->base + "/tree";
    made->outside = made->base + "/outside.png";
    made->templates = EncodeTemplates();
    const std::vector<TreeEntry> outside = {
        {TreeEntry::Kind::kFile, "outside.png", made->templates[0]}};
    FUZZ_CHECK(WriteTree(made->base, made->outside, outside)[0], "writing ",
               made->outside);
    std::atexit(RemoveScratch);
    return made;
  }();
  return *scratch;
}

void RemoveScratch() {
  std::error_code ignored;
  fs::remove_all(TheScratch().base, ignored);
}

// What the store should make of one file: served with `metadata`, or
// skipped for `reason`.
struct Expected {
  std::string content;
  std::optional<ImageMetadata> metadata;
  std::string reason;
};

Expected FromContent(const std::string& content) {
  Expected expected{content, std::nullopt, ""};
  if (content.empty()) {
    expected.reason = "empty file";
    return expected;
  }
  absl::StatusOr<ImageMetadata> metadata = image_server::ProbeImage(content);
  if (metadata.ok()) {
    expected.metadata = *metadata;
  } else {
    // As the store shortens it for its log line.
    expected.reason = image_common::OneLine(metadata.status().message(), 300);
  }
  return expected;
}

Expected Skipped(std::string reason) { return {"", std::nullopt, reason}; }

// A symlink's fate, from where the kernel says it leads.
Expected FromSymlink(const std::string& link,
                     const std::map<std::string, const TreeEntry*>& written) {
  char resolved[PATH_MAX];
  if (realpath(link.c_str(), resolved) == nullptr) {
    return Skipped("broken symlink");
  }
  const std::string inside = TheScratch().root + "/";
  if (!absl::StartsWith(resolved, inside)) {
    return Skipped("symlink points outside the directory");
  }
  const std::string relative = std::string(resolved).substr(inside.size());
  struct stat status;
  if (stat(resolved, &status) != 0 || !S_ISREG(status.st_mode)) {
    return Skipped("symlink to something other than a regular file");
  }
  const auto target = written.find(relative);
  FUZZ_CHECK(target != written.end(), "a file nobody wrote: ", relative);
  return FromContent(target->second->content);
}

std::map<std::string, Expected> Predict(const std::vector<TreeEntry>& entries,
                                        const std::vector<bool>& written) {
  std::map<std::string, const TreeEntry*> by_name;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (written[i]) by_name[entries[i].name] = &entries[i];
  }
  std::map<std::string, Expected> expected;
  for (const auto& [name, entry] : by_name) {
    if (entry->kind == TreeEntry::Kind::kDirectory) continue;
    if (!image_common::IsValidUtf8(name)) {
      expected[name] = Skipped("name is not valid UTF-8");
    } else if (entry->kind == TreeEntry::Kind::kFifo) {
      expected[name] = Skipped("not a regular file");
    } else if (entry->kind == TreeEntry::Kind::kSymlink) {
      expected[name] = FromSymlink(TheScratch().root + "/" + name, by_name);
    } else {
      expected[name] = FromContent(entry->content);
    }
  }
  return expected;
}

bool IsOneLine(absl::string_view text) {
  return image_common::OneLine(text, text.size() + 1) == text;
}

void CheckServed(const ImageStore& store, int index, const Expected& expected) {
  const StoredImage& stored = store.images()[index];
  const image_service::ImageInfo& info = stored.info;
  FUZZ_CHECK(expected.metadata.has_value(), "served ", info.name(),
             " which should be skipped: ", expected.reason);
  FUZZ_CHECK(info.width() == expected.metadata->width &&
                 info.height() == expected.metadata->height &&
                 info.channels() == expected.metadata->channels,
             "metadata of ", info.name());
  FUZZ_CHECK(
      info.size_in_bytes() == static_cast<int64_t>(expected.content.size()),
      "size of ", info.name());
  FUZZ_CHECK(!info.format().empty() && image_common::IsValidUtf8(info.format()),
             "format of ", info.name());
  image_service::StreamImagesResponse response;
  FUZZ_CHECK(response.ParseFromString(stored.encoded_response),
             "encoded response of ", info.name());
  FUZZ_CHECK(response.image().name() == info.name() &&
                 response.image().content() == expected.content &&
                 response.image().format() == info.format(),
             "encoded response of ", info.name());
  google::protobuf::RepeatedPtrField<std::string> request;
  request.Add(std::string(info.name()));
  absl::StatusOr<std::vector<int>> resolved = store.Resolve(request);
  FUZZ_CHECK(resolved.ok() && *resolved == std::vector<int>{index},
             "Resolve of ", info.name());
}

void CheckStore(const ImageStore& store,
                const std::map<std::string, Expected>& expected) {
  size_t served = 0;
  for (const auto& [name, fate] : expected) served += fate.metadata.has_value();
  FUZZ_CHECK(store.images().size() == served, store.images().size(),
             " served, ", served, " servable");
  FUZZ_CHECK(store.skipped().size() == expected.size() - served,
             store.skipped().size(), " skipped");
  image_service::ListImagesResponse list;
  FUZZ_CHECK(list.ParseFromString(store.encoded_list()) &&
                 list.images_size() == static_cast<int>(served),
             "encoded list");
  for (int i = 0; i < static_cast<int>(store.images().size()); ++i) {
    const std::string& name = store.images()[i].info.name();
    FUZZ_CHECK(i == 0 || store.images()[i - 1].info.name() < name,
               "not sorted at ", name);
    const auto fate = expected.find(name);
    FUZZ_CHECK(fate != expected.end(),
               "served a name nobody wrote: ", image_common::OneLine(name));
    CheckServed(store, i, fate->second);
    FUZZ_CHECK(list.image_names(i) == name &&
                   list.images(i).SerializeAsString() ==
                       store.images()[i].info.SerializeAsString(),
               "list entry ", i);
  }
  for (const image_server::SkippedFile& skipped : store.skipped()) {
    const auto fate = expected.find(skipped.name);
    FUZZ_CHECK(fate != expected.end() && !fate->second.metadata.has_value(),
               "skipped ", image_common::OneLine(skipped.name),
               " for: ", skipped.reason);
    FUZZ_CHECK(skipped.reason == fate->second.reason, "skipped ",
               image_common::OneLine(skipped.name), " for '", skipped.reason,
               "', not '", fate->second.reason, "'");
    FUZZ_CHECK(!skipped.reason.empty() && skipped.reason.size() <= 400 &&
                   IsOneLine(skipped.reason),
               "reason: ", image_common::OneLine(skipped.reason));
  }
}

void FuzzOne(absl::string_view input) {
  const Scratch& scratch = TheScratch();
  const std::vector<TreeEntry> entries = ParseTree(input, scratch.templates);
  std::error_code error;
  fs::remove_all(scratch.root, error);
  FUZZ_CHECK(fs::create_directory(scratch.root, error), "mkdir ", scratch.root);
  const std::vector<bool> written =
      WriteTree(scratch.root, scratch.outside, entries);
  const std::map<std::string, Expected> expected = Predict(entries, written);

  image_server::LoadOptions options;
  // One loading thread: the same input then always runs the same code,
  // which libFuzzer's coverage feedback needs.
  options.threads = 1;
  options.make_prober = image_server::InProcessProber();
  const absl::StatusOr<ImageStore> store =
      ImageStore::Load(scratch.root, options);
  fs::remove_all(scratch.root, error);

  if (store.ok()) {
    CheckStore(*store, expected);
    return;
  }
  const absl::string_view message = store.status().message();
  FUZZ_CHECK(absl::IsFailedPrecondition(store.status()) &&
                 absl::StartsWith(message, "no servable images in"),
             store.status().ToString());
  FUZZ_CHECK(message.size() < 1000 && IsOneLine(message),
             image_common::OneLine(message));
  for (const auto& [name, fate] : expected) {
    FUZZ_CHECK(!fate.metadata.has_value(), "refused a tree where ",
               image_common::OneLine(name), " is servable");
  }
}

}  // namespace
}  // namespace image_fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  image_fuzz::FuzzOne(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
