// generate_size_sweep: one image per size, for the image-size sweep of
// scripts/bench (images/s and GB/s against image size). Each image is an RGB
// PNG of deterministic noise, which PNG cannot compress, so its file size
// follows its pixel count: from a 1x1 PNG (per-message cost only) to 16 MB
// (bandwidth only), including the ~2 KB and ~64 KB payloads that earlier RPC
// benchmarks used. Each size goes in a directory of its own, DIR/<label>/.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "common/command_line.h"
#include "opencv2/core.hpp"
#include "opencv2/imgcodecs.hpp"

ABSL_FLAG(std::string, out_dir, "",
          "Directory to write the sizes into, one sub-directory per size "
          "(1px, 2KB, 16KB, 64KB, 256KB, 1MB, 4MB, 16MB); created if missing.");

namespace {

constexpr char kProgram[] = "generate_size_sweep";

struct Size {
  const char* label;
  double bytes;  // The target file size; the side of the square follows.
};

constexpr Size kSizes[] = {
    {"1px", 0},       {"2KB", 2e3}, {"16KB", 16e3}, {"64KB", 64e3},
    {"256KB", 256e3}, {"1MB", 1e6}, {"4MB", 4e6},   {"16MB", 16e6},
};

// Noise PNG costs about three bytes per pixel.
int SideFor(double bytes) {
  return std::max(1, static_cast<int>(std::lround(std::sqrt(bytes / 3))));
}

bool Write(const Size& size, const std::string& out_dir, std::string* error) {
  const int side = SideFor(size.bytes);
  cv::Mat image(side, side, CV_8UC3);
  cv::RNG rng(side);
  rng.fill(image, cv::RNG::UNIFORM, 0, 256);
  const std::filesystem::path directory =
      std::filesystem::path(out_dir) / size.label;
  std::error_code failed;
  std::filesystem::create_directories(directory, failed);
  const std::string path =
      (directory / absl::StrCat("noise_", size.label, ".png")).string();
  if (failed || !cv::imwrite(path, image)) {
    *error = absl::StrCat("cannot write '", path, "'");
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  image_common::HandleHelpAndVersion(
      argc, argv,
      {kProgram,
       "Writes one noise PNG per size, from 1x1 pixel to 16 MB, each in a "
       "directory of its own, for scripts/bench's image-size sweep.",
       "generate_size_sweep --out_dir=DIR"});
  if (const absl::Status arguments =
          image_common::CheckNoArguments(absl::ParseCommandLine(argc, argv));
      !arguments.ok()) {
    return image_common::FailWith(kProgram, arguments.message());
  }
  const std::string out_dir = absl::GetFlag(FLAGS_out_dir);
  if (out_dir.empty()) {
    return image_common::FailWith(kProgram, "--out_dir is required");
  }
  for (const Size& size : kSizes) {
    std::string error;
    if (!Write(size, out_dir, &error)) {
      return image_common::FailWith(kProgram, error);
    }
  }
  return 0;
}
