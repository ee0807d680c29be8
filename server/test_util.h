// Fixtures shared by the server's tests: scratch directories and small
// synthetic images written with OpenCV.
#ifndef SERVER_TEST_UTIL_H_
#define SERVER_TEST_UTIL_H_

#include <string>

#include "server/image_store.h"

namespace image_server::testing {

// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDirectory {
 public:
  TempDirectory();
  ~TempDirectory();
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;

  const std::string& path() const { return path_; }
  // Writes `bytes` to `relative_path`, creating parent directories.
  void WriteFile(const std::string& relative_path,
                 const std::string& bytes) const;

 private:
  std::string path_;
};

// Encodes a noisy width x height image with `channels` (1, 3 or 4) in the
// format named by `extension` (".jpg", ".png", ...).
std::string EncodeTestImage(int width, int height, int channels,
                            const std::string& extension);

// Load options that probe in this process (InProcessProber).
LoadOptions TestLoadOptions();

}  // namespace image_server::testing

#endif  // SERVER_TEST_UTIL_H_
