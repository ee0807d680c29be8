// A small directory tree that a fuzz input describes, and writing it to disk,
// so that fuzz/image_store_fuzzer.cc can index trees no test thought of:
// names with odd bytes, nested directories, symlinks inside and out, FIFOs,
// and files that are real images cut short or with bytes overwritten.
//
// The input is a sequence of entries; any bytes parse, reading past the end
// gives zeros. Each entry (integers big endian):
//   kind:u8 name_length:u8 name[name_length % 65] body
// and by kind % 5:
//   0 file:      length:u16 content[length]
//   1 directory: (no body)
//   2 template:  template:u8 cut:u16 edit_count:u8 (offset:u16 value:u8)*
//                a file whose content is templates[template % size], cut to
//                `cut` bytes if shorter, then with edit_count % 17 bytes
//                overwritten (offset % its size)
//   3 symlink:   target:u8  to entry target % (entries so far), or to a
//                file outside the tree when that is 0xFF or there is none
//   4 FIFO:      (no body)
// fuzz/generate_corpus writes seed inputs in this format.
#ifndef FUZZ_GENERATED_TREE_H_
#define FUZZ_GENERATED_TREE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace image_fuzz {

struct TreeEntry {
  enum class Kind { kFile, kDirectory, kSymlink, kFifo };
  Kind kind = Kind::kFile;
  // Relative, '/'-separated, with no empty, "." or ".." component and no NUL
  // byte; otherwise any bytes.
  std::string name;
  std::string content;  // kFile only.
  // kSymlink only: an earlier entry's index, or kOutside.
  int target = 0;
  static constexpr int kOutside = -1;
};

constexpr int kMaxEntries = 16;

// The entries `input` describes, at most kMaxEntries. `templates` are the
// contents a template entry starts from; with none, template entries are
// empty files.
std::vector<TreeEntry> ParseTree(absl::string_view input,
                                 const std::vector<std::string>& templates);

// `name` made a safe relative path: split at '/', empty components dropped,
// "." and ".." and NUL bytes replaced by '_'; "_" when nothing is left.
std::string CleanName(absl::string_view name);

// Writes `entries` under the existing directory `root`, in order; symlinks
// point at the absolute path of their target entry (which may be missing) or
// at `outside`. An entry whose path is taken already, or whose parent would
// have to be made through a file or a symlink, is not written. Returns, per
// entry, whether it was written.
std::vector<bool> WriteTree(const std::string& root, const std::string& outside,
                            const std::vector<TreeEntry>& entries);

}  // namespace image_fuzz

#endif  // FUZZ_GENERATED_TREE_H_
