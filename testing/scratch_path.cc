#include "testing/scratch_path.h"

#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"

namespace image_testing {

std::string ScratchPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          absl::StrCat("image_test_", getpid(), "_", name))
      .string();
}

}  // namespace image_testing
