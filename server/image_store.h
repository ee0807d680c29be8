// The images the server holds: a directory indexed once at start-up. By
// default each image's StreamImagesResponse is encoded here, once, so serving
// it costs no per-request copy or serialization. An index without content
// keeps only what each file was when indexed; the image cache
// (image_cache.h) reads and encodes the bytes when they are sent.
#ifndef SERVER_IMAGE_STORE_H_
#define SERVER_IMAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "image_service.pb.h"
#include "server/image_file.h"
#include "server/prober.h"

namespace image_server {

struct StoredImage {
  image_service::ImageInfo info;
  // A serialized StreamImagesResponse whose content is the file's bytes;
  // empty in an index without content.
  std::string encoded_response;
  // The file, and what it was when indexed: a cache fill that finds it
  // changed sends nothing of it.
  std::string path;
  FileIdentity file_identity;
};

// A file under the directory that is not served, and why.
struct SkippedFile {
  // As on disk, which may not be valid UTF-8 ("name is not valid UTF-8").
  std::string name;
  // One line, a few hundred bytes at most.
  std::string reason;
};

struct LoadOptions {
  // Files read and probed at once; 0 picks one per core (at least two, since
  // reading waits on the disk).
  int threads = 0;
  // Required: one prober per loading thread. The server uses
  // SubprocessProberFactory, tests InProcessProber.
  ProberFactory make_prober;
  // False: keep metadata only, no encoded responses (for ImageCache). The
  // files are still read whole once, to probe them.
  bool keep_content = true;
  // While indexing runs, called every `progress_every` (never in the first
  // interval, so a quick load says nothing) with the files probed so far,
  // of how many, and the time since the load began.
  std::function<void(size_t done, size_t total, absl::Duration elapsed)>
      on_progress;
  absl::Duration progress_every = absl::Seconds(3);
};

class ImageStore {
 public:
  // Fails with NotFoundError for a missing directory, FailedPrecondition when
  // it holds no servable image, the prober's error when it cannot start.
  // Unservable files are skipped, not fatal.
  static absl::StatusOr<ImageStore> Load(const std::string& directory,
                                         const LoadOptions& options = {});

  // Sorted by name; names are paths relative to the directory, with '/'.
  const std::vector<StoredImage>& images() const { return images_; }
  const std::vector<SkippedFile>& skipped() const { return skipped_; }
  int64_t total_bytes() const { return total_bytes_; }
  // The serialized ListImagesResponse: every name, with its ImageInfo.
  const std::string& encoded_list() const { return encoded_list_; }
  absl::Duration load_time() const { return load_time_; }

  // Indices into images() in request order, duplicates kept; an empty request
  // means every image once. NotFoundError naming the unknown names otherwise:
  // "unknown image 'x'", at most three names, each escaped and cut short, so
  // the message is one line under 1,000 bytes whatever the request.
  absl::StatusOr<std::vector<int>> Resolve(
      const google::protobuf::RepeatedPtrField<std::string>& names) const;

  // The index in images() of the image named `name`, or -1.
  int IndexOf(absl::string_view name) const;
  // The NotFoundError Resolve returns for these unknown names (distinct, in
  // request order), for callers that resolve names one at a time.
  absl::Status UnknownNamesError(
      const std::vector<absl::string_view>& unknown) const;

 private:
  std::vector<StoredImage> images_;
  std::vector<SkippedFile> skipped_;
  absl::flat_hash_map<std::string, int> index_by_name_;
  int64_t total_bytes_ = 0;
  std::string encoded_list_;
  absl::Duration load_time_;
};

}  // namespace image_server

#endif  // SERVER_IMAGE_STORE_H_
