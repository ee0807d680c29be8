// generate_image_set: many synthetic images of one size and format, for the
// scale measurements (image sets larger than the server's cache, indexing a
// hundred thousand files). Each image is deterministic noise, so a PNG's size
// follows its pixel count and no two images are alike. Files go into
// sub-directories of --per_directory files each, as archives are laid out,
// and are named by index: DIR/0000/img_0000000.png.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/command_line.h"
#include "opencv2/core.hpp"
#include "opencv2/imgcodecs.hpp"

ABSL_FLAG(std::string, out_dir, "",
          "Directory to write the images into; created if missing. Existing "
          "files with the same names are overwritten.");
ABSL_FLAG(int, count, 1000, "Images to write.");
ABSL_FLAG(int, width, 256, "Width of each image in pixels.");
ABSL_FLAG(int, height, 256, "Height of each image in pixels.");
ABSL_FLAG(std::string, format, "png",
          "png (noise, about 3 bytes per pixel) or jpg (quality 90).");
ABSL_FLAG(int, per_directory, 1000, "Images per sub-directory.");

namespace {

constexpr char kProgram[] = "generate_image_set";
constexpr int kMaxCount = 10000000;
constexpr int kMaxSide = 10000;

std::string FlagProblem() {
  if (absl::GetFlag(FLAGS_out_dir).empty()) return "--out_dir is required";
  const int count = absl::GetFlag(FLAGS_count);
  if (count < 1 || count > kMaxCount) {
    return absl::StrFormat("--count must be from 1 to %d", kMaxCount);
  }
  for (const int side :
       {absl::GetFlag(FLAGS_width), absl::GetFlag(FLAGS_height)}) {
    if (side < 1 || side > kMaxSide) {
      return absl::StrFormat("--width and --height must be from 1 to %d",
                             kMaxSide);
    }
  }
  const std::string format = absl::GetFlag(FLAGS_format);
  if (format != "png" && format != "jpg") return "--format must be png or jpg";
  if (absl::GetFlag(FLAGS_per_directory) < 1) {
    return "--per_directory must be >= 1";
  }
  return "";
}

// Writes image `index`, noise seeded by it; false with `error` set.
bool WriteImage(int index, cv::Mat& pixels, std::string* error) {
  cv::RNG rng(static_cast<uint64_t>(index) + 1);
  rng.fill(pixels, cv::RNG::UNIFORM, 0, 256);
  const int per_directory = absl::GetFlag(FLAGS_per_directory);
  const std::filesystem::path directory =
      std::filesystem::path(absl::GetFlag(FLAGS_out_dir)) /
      absl::StrFormat("%04d", index / per_directory);
  std::error_code failed;
  std::filesystem::create_directories(directory, failed);
  const std::string format = absl::GetFlag(FLAGS_format);
  const std::string path =
      (directory / absl::StrFormat("img_%07d.%s", index, format)).string();
  std::vector<int> parameters;
  if (format == "jpg") parameters = {cv::IMWRITE_JPEG_QUALITY, 90};
  // Fast compression: noise does not compress, and 100k files must be quick.
  if (format == "png") parameters = {cv::IMWRITE_PNG_COMPRESSION, 1};
  if (failed || !cv::imwrite(path, pixels, parameters)) {
    *error = absl::StrFormat("cannot write '%s'", path);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  image_common::HandleHelpAndVersion(
      argc, argv,
      {kProgram,
       "Writes --count noise images of one size and format into "
       "sub-directories of --out_dir, for measuring the server on image sets "
       "larger than its cache and on many files.",
       "generate_image_set --out_dir=DIR [--count=N] [--width=W --height=H] "
       "[--format=png|jpg]"});
  if (const absl::Status arguments =
          image_common::CheckNoArguments(absl::ParseCommandLine(argc, argv));
      !arguments.ok()) {
    return image_common::FailWith(kProgram, arguments.message());
  }
  if (const std::string problem = FlagProblem(); !problem.empty()) {
    return image_common::FailWith(kProgram, problem);
  }
  const int count = absl::GetFlag(FLAGS_count);
  cv::Mat pixels(absl::GetFlag(FLAGS_height), absl::GetFlag(FLAGS_width),
                 CV_8UC3);
  const absl::Time start = absl::Now();
  absl::Time last_report = start;
  for (int i = 0; i < count; ++i) {
    std::string error;
    if (!WriteImage(i, pixels, &error)) {
      return image_common::FailWith(kProgram, error);
    }
    if (absl::Now() - last_report >= absl::Seconds(3)) {
      last_report = absl::Now();
      std::fprintf(stderr, "%s: %d of %d images written, %.0f s\n", kProgram,
                   i + 1, count, absl::ToDoubleSeconds(last_report - start));
    }
  }
  std::printf("%s: %d %dx%d %s images in '%s', %.1f s\n", kProgram, count,
              absl::GetFlag(FLAGS_width), absl::GetFlag(FLAGS_height),
              absl::GetFlag(FLAGS_format).c_str(),
              absl::GetFlag(FLAGS_out_dir).c_str(),
              absl::ToDoubleSeconds(absl::Now() - start));
  return 0;
}
