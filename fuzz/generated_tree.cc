#include "fuzz/generated_tree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace image_fuzz {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxNameBytes = 64;
constexpr int kMaxEdits = 16;

// Reads the input front to back; past its end every read gives zeros (or
// fewer bytes), so that every input describes some tree.
class Reader {
 public:
  explicit Reader(absl::string_view input) : input_(input) {}

  bool done() const { return input_.empty(); }
  uint8_t Byte() {
    if (input_.empty()) return 0;
    const uint8_t byte = static_cast<uint8_t>(input_[0]);
    input_.remove_prefix(1);
    return byte;
  }
  uint16_t Uint16() {
    const uint16_t high = Byte();
    return static_cast<uint16_t>((high << 8) | Byte());
  }
  absl::string_view Bytes(size_t count) {
    const absl::string_view bytes = input_.substr(0, count);
    input_.remove_prefix(bytes.size());
    return bytes;
  }

 private:
  absl::string_view input_;
};

std::string TemplateContent(Reader& reader,
                            const std::vector<std::string>& templates) {
  const uint8_t which = reader.Byte();
  const uint16_t cut = reader.Uint16();
  const int edits = reader.Byte() % (kMaxEdits + 1);
  std::string content =
      templates.empty() ? "" : templates[which % templates.size()];
  if (cut < content.size()) content.resize(cut);
  for (int i = 0; i < edits; ++i) {
    const uint16_t offset = reader.Uint16();
    const char value = static_cast<char>(reader.Byte());
    if (!content.empty()) content[offset % content.size()] = value;
  }
  return content;
}

TreeEntry ParseEntry(Reader& reader, const std::vector<std::string>& templates,
                     int entries_so_far) {
  TreeEntry entry;
  const uint8_t kind = reader.Byte() % 5;
  entry.name = CleanName(reader.Bytes(reader.Byte() % (kMaxNameBytes + 1)));
  switch (kind) {
    case 0:
      entry.content = std::string(reader.Bytes(reader.Uint16()));
      break;
    case 1:
      entry.kind = TreeEntry::Kind::kDirectory;
      break;
    case 2:
      entry.content = TemplateContent(reader, templates);
      break;
    case 3: {
      entry.kind = TreeEntry::Kind::kSymlink;
      const uint8_t target = reader.Byte();
      entry.target = target == 0xFF || entries_so_far == 0
                         ? TreeEntry::kOutside
                         : target % entries_so_far;
      break;
    }
    default:
      entry.kind = TreeEntry::Kind::kFifo;
      break;
  }
  return entry;
}

// True when every existing ancestor of `path` below `root` is a real
// directory: creating the rest then cannot write through a symlink or fail
// on a file.
bool ParentsAreDirectories(const fs::path& root, const fs::path& path) {
  fs::path at = root;
  for (const fs::path& component :
       path.parent_path().lexically_relative(root)) {
    if (component == ".") continue;
    at /= component;
    std::error_code error;
    const fs::file_status status = fs::symlink_status(at, error);
    if (status.type() == fs::file_type::not_found) return true;
    if (status.type() != fs::file_type::directory) return false;
  }
  return true;
}

bool WriteFile(const fs::path& path, const std::string& content) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) return false;
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n =
        write(fd, content.data() + written, content.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  close(fd);
  if (written == content.size()) return true;
  unlink(path.c_str());  // Not written means not there.
  return false;
}

bool WriteEntry(const fs::path& root, const std::string& outside,
                const std::vector<TreeEntry>& entries, const TreeEntry& entry) {
  const fs::path path = root / entry.name;
  std::error_code error;
  if (!ParentsAreDirectories(root, path)) return false;
  fs::create_directories(path.parent_path(), error);
  if (error) return false;
  if (fs::symlink_status(path, error).type() != fs::file_type::not_found) {
    return false;
  }
  switch (entry.kind) {
    case TreeEntry::Kind::kFile:
      return WriteFile(path, entry.content);
    case TreeEntry::Kind::kDirectory:
      return mkdir(path.c_str(), 0755) == 0;
    case TreeEntry::Kind::kSymlink: {
      const std::string target =
          entry.target == TreeEntry::kOutside
              ? outside
              : (root / entries[entry.target].name).string();
      return symlink(target.c_str(), path.c_str()) == 0;
    }
    case TreeEntry::Kind::kFifo:
      return mkfifo(path.c_str(), 0644) == 0;
  }
  return false;
}

}  // namespace

std::string CleanName(absl::string_view name) {
  std::vector<std::string> components;
  for (absl::string_view piece : absl::StrSplit(name, '/', absl::SkipEmpty())) {
    std::string component(piece);
    if (component == "." || component == "..") component = "_";
    for (char& c : component) {
      if (c == '\0') c = '_';
    }
    components.push_back(std::move(component));
  }
  if (components.empty()) return "_";
  return absl::StrJoin(components, "/");
}

std::vector<TreeEntry> ParseTree(absl::string_view input,
                                 const std::vector<std::string>& templates) {
  Reader reader(input);
  std::vector<TreeEntry> entries;
  while (!reader.done() && static_cast<int>(entries.size()) < kMaxEntries) {
    entries.push_back(
        ParseEntry(reader, templates, static_cast<int>(entries.size())));
  }
  return entries;
}

std::vector<bool> WriteTree(const std::string& root, const std::string& outside,
                            const std::vector<TreeEntry>& entries) {
  std::vector<bool> written;
  written.reserve(entries.size());
  for (const TreeEntry& entry : entries) {
    written.push_back(WriteEntry(root, outside, entries, entry));
  }
  return written;
}

}  // namespace image_fuzz
