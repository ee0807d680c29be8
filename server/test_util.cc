#include "server/test_util.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "opencv2/core.hpp"
#include "opencv2/imgcodecs.hpp"
#include "server/image_probe.h"

namespace image_server::testing {

namespace fs = std::filesystem;

TempDirectory::TempDirectory() {
  std::string pattern = (fs::temp_directory_path() / "image_test_XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  path_ = pattern;
}

TempDirectory::~TempDirectory() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

void TempDirectory::WriteFile(const std::string& relative_path,
                              const std::string& bytes) const {
  const fs::path path = fs::path(path_) / relative_path;
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string EncodeTestImage(int width, int height, int channels,
                            const std::string& extension) {
  cv::Mat image(height, width, CV_8UC(channels));
  cv::RNG rng(width * 31 + height * 7 + channels);
  rng.fill(image, cv::RNG::UNIFORM, 0, 256);
  std::vector<uchar> encoded;
  if (!cv::imencode(extension, image, encoded)) {
    throw std::runtime_error("imencode failed for " + extension);
  }
  return std::string(encoded.begin(), encoded.end());
}

LoadOptions TestLoadOptions() {
  LoadOptions options;
  options.make_prober = InProcessProber();
  return options;
}

}  // namespace image_server::testing
