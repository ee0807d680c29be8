#include "server/image_store.h"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <limits>
#include <optional>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/one_line.h"
#include "common/utf8.h"
#include "server/response_framing.h"

namespace image_server {
namespace {

namespace fs = std::filesystem;

struct Candidate {
  std::string name;
  fs::path path;
};

struct DirectoryListing {
  std::vector<Candidate> candidates;
  std::vector<SkippedFile> skipped;
};

bool IsInside(const fs::path& path, const fs::path& root) {
  const fs::path relative = path.lexically_relative(root);
  return !relative.empty() && *relative.begin() != "..";
}

// Why a directory entry is not a file to load, or nullopt when it is one.
std::optional<std::string> ReasonToSkip(const fs::directory_entry& entry,
                                        const fs::path& root) {
  std::error_code error;
  if (!entry.is_symlink(error)) {
    if (entry.is_regular_file(error)) return std::nullopt;
    return "not a regular file";
  }
  const fs::path target = fs::canonical(entry.path(), error);
  if (error) return "broken symlink";
  if (!IsInside(target, root)) return "symlink points outside the directory";
  if (!fs::is_regular_file(target, error)) {
    return "symlink to something other than a regular file";
  }
  return std::nullopt;
}

absl::StatusOr<DirectoryListing> ListDirectory(const fs::path& root) {
  DirectoryListing listing;
  std::error_code error;
  fs::recursive_directory_iterator it(
      root, fs::directory_options::skip_permission_denied, error);
  for (; !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    const fs::directory_entry& entry = *it;
    std::error_code ignored;
    // Real subdirectories are walked into; symlinked ones are not followed.
    if (!entry.is_symlink(ignored) && entry.is_directory(ignored)) continue;
    std::string name = entry.path().lexically_relative(root).generic_string();
    // ListImages carries names in protobuf `string` fields, which must be
    // UTF-8: one such name would break the listing for every client.
    if (!image_common::IsValidUtf8(name)) {
      listing.skipped.push_back({std::move(name), "name is not valid UTF-8"});
    } else if (std::optional<std::string> reason = ReasonToSkip(entry, root)) {
      listing.skipped.push_back({std::move(name), *std::move(reason)});
    } else {
      listing.candidates.push_back({std::move(name), entry.path()});
    }
  }
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot list '", root.string(), "': ", error.message()));
  }
  return listing;
}

std::string FormatOf(const fs::path& path, const ImageMetadata& metadata) {
  std::string extension = path.extension().string();
  if (extension.size() > 1) return absl::AsciiStrToLower(extension.substr(1));
  return metadata.sniffed_format.empty() ? "unknown" : metadata.sniffed_format;
}

absl::StatusOr<StoredImage> LoadImage(const Candidate& candidate,
                                      Prober& prober, bool keep_content) {
  // Checked before reading: a huge (or sparse) file is never read whole.
  absl::StatusOr<IndexedFile> file = ReadIndexedFile(
      candidate.path.string(), std::numeric_limits<int32_t>::max());
  if (absl::IsOutOfRange(file.status())) {
    return absl::InvalidArgumentError(
        "larger than 2 GiB, more than size_in_bytes can hold");
  }
  if (!file.ok()) return file.status();
  if (file->bytes.empty()) return absl::InvalidArgumentError("empty file");
  absl::StatusOr<ImageMetadata> metadata = prober.Probe(file->bytes);
  if (!metadata.ok()) return metadata.status();

  StoredImage stored;
  image_service::ImageInfo& info = stored.info;
  info.set_name(candidate.name);
  info.set_format(FormatOf(candidate.path, *metadata));
  info.set_size_in_bytes(static_cast<int32_t>(file->bytes.size()));
  info.set_width(metadata->width);
  info.set_height(metadata->height);
  info.set_channels(metadata->channels);
  stored.path = candidate.path.string();
  stored.file_identity = file->identity;
  if (keep_content) {
    stored.encoded_response =
        EncodeResponse(FramingFor(info, info.size_in_bytes()), file->bytes);
  }
  return stored;
}

// Loads every candidate on `threads` threads, each with a prober of its
// own; results keep candidate order. Fails only if a prober cannot start.
absl::StatusOr<std::vector<absl::StatusOr<StoredImage>>> LoadAll(
    const std::vector<Candidate>& candidates, int threads,
    const LoadOptions& options, absl::Time start) {
  std::vector<absl::StatusOr<StoredImage>> results(candidates.size());
  if (candidates.empty()) return results;
  threads = static_cast<int>(std::min<size_t>(threads, candidates.size()));
  std::vector<absl::Status> starts(threads);
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  // Whichever thread finds the interval over reports (one thread may probe
  // every file while another waits on its prober), one at a time. The count
  // is read under the lock so that reports never go backwards.
  absl::Mutex report_mutex;
  absl::Time next_report = start + options.progress_every;
  auto ReportProgress = [&] {
    absl::MutexLock lock(&report_mutex);
    const absl::Time now = absl::Now();
    if (now < next_report) return;
    options.on_progress(done.load(), candidates.size(), now - start);
    next_report = now + options.progress_every;
  };
  auto work = [&](int thread) {
    absl::StatusOr<std::unique_ptr<Prober>> prober = options.make_prober();
    if (!prober.ok()) {
      starts[thread] = prober.status();
      return;
    }
    for (size_t i = next++; i < candidates.size(); i = next++) {
      results[i] = LoadImage(candidates[i], **prober, options.keep_content);
      ++done;
      if (options.on_progress) ReportProgress();
    }
  };
  std::vector<std::thread> workers;
  for (int i = 1; i < threads; ++i) workers.emplace_back(work, i);
  work(0);
  for (std::thread& worker : workers) worker.join();
  for (const absl::Status& start : starts) {
    if (!start.ok()) return start;
  }
  return results;
}

int ThreadCount(const LoadOptions& options) {
  if (options.threads > 0) return options.threads;
  return std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
}

// A request can hold any bytes, and the message travels back in a header
// whose size gRPC limits: each name is quoted in at most this many bytes.
constexpr size_t kMaxQuotedNameBytes = 200;
// A skip reason is printed on one line of the server's log.
constexpr size_t kMaxReasonBytes = 300;

}  // namespace

absl::StatusOr<ImageStore> ImageStore::Load(const std::string& directory,
                                            const LoadOptions& options) {
  if (!options.make_prober) {
    return absl::InvalidArgumentError("ImageStore::Load: no prober given");
  }
  const absl::Time start = absl::Now();
  std::error_code error;
  if (!fs::exists(directory, error)) {
    return absl::NotFoundError(
        absl::StrCat("images directory '", directory, "' does not exist"));
  }
  if (!fs::is_directory(directory, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("'", directory, "' is not a directory"));
  }
  const fs::path root = fs::canonical(directory, error);
  absl::StatusOr<DirectoryListing> listing = ListDirectory(root);
  if (!listing.ok()) return listing.status();

  ImageStore store;
  store.skipped_ = std::move(listing->skipped);
  absl::StatusOr<std::vector<absl::StatusOr<StoredImage>>> all =
      LoadAll(listing->candidates, ThreadCount(options), options, start);
  if (!all.ok()) return all.status();
  std::vector<absl::StatusOr<StoredImage>>& loaded = *all;
  for (size_t i = 0; i < loaded.size(); ++i) {
    if (loaded[i].ok()) {
      store.images_.push_back(*std::move(loaded[i]));
    } else {
      store.skipped_.push_back(
          {listing->candidates[i].name,
           image_common::OneLine(loaded[i].status().message(),
                                 kMaxReasonBytes)});
    }
  }
  if (store.images_.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("no servable images in '", directory, "' (",
                     store.skipped_.size(), " files skipped)"));
  }
  std::sort(store.images_.begin(), store.images_.end(),
            [](const StoredImage& a, const StoredImage& b) {
              return a.info.name() < b.info.name();
            });
  std::sort(store.skipped_.begin(), store.skipped_.end(),
            [](const SkippedFile& a, const SkippedFile& b) {
              return a.name < b.name;
            });
  image_service::ListImagesResponse list;
  for (int i = 0; i < static_cast<int>(store.images_.size()); ++i) {
    const image_service::ImageInfo& info = store.images_[i].info;
    store.index_by_name_[info.name()] = i;
    store.total_bytes_ += info.size_in_bytes();
    list.add_image_names(info.name());
    *list.add_images() = info;
  }
  store.encoded_list_ = list.SerializeAsString();
  // Loading freed a file buffer per image; hand that memory back.
  malloc_trim(0);
  store.load_time_ = absl::Now() - start;
  return store;
}

absl::StatusOr<std::vector<int>> ImageStore::Resolve(
    const google::protobuf::RepeatedPtrField<std::string>& names) const {
  std::vector<int> indices;
  if (names.empty()) {
    indices.resize(images_.size());
    for (int i = 0; i < static_cast<int>(indices.size()); ++i) indices[i] = i;
    return indices;
  }
  indices.reserve(names.size());
  std::vector<absl::string_view> unknown;
  absl::flat_hash_set<absl::string_view> unknown_seen;
  for (const std::string& name : names) {
    const int index = IndexOf(name);
    if (index >= 0) {
      indices.push_back(index);
    } else if (unknown_seen.insert(name).second) {
      unknown.push_back(name);
    }
  }
  if (unknown.empty()) return indices;
  return UnknownNamesError(unknown);
}

int ImageStore::IndexOf(absl::string_view name) const {
  const auto found = index_by_name_.find(name);
  return found == index_by_name_.end() ? -1 : found->second;
}

absl::Status ImageStore::UnknownNamesError(
    const std::vector<absl::string_view>& unknown) const {
  constexpr size_t kNamed = 3;
  std::vector<std::string> quoted;
  for (size_t i = 0; i < std::min(kNamed, unknown.size()); ++i) {
    quoted.push_back(
        image_common::QuotedForLine(unknown[i], kMaxQuotedNameBytes));
  }
  std::string message =
      absl::StrCat(unknown.size() == 1 ? "unknown image " : "unknown images ",
                   absl::StrJoin(quoted, ", "));
  if (unknown.size() > kNamed) {
    absl::StrAppend(&message, " and ", unknown.size() - kNamed, " more");
  }
  absl::StrAppend(&message, " (ListImages names the ", images_.size(),
                  " images served)");
  return absl::NotFoundError(message);
}

}  // namespace image_server
