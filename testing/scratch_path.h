// Paths for the files that end-to-end tests make (JSON, histograms, port
// files), unique to the test process so that tests can run in parallel.
#ifndef TESTING_SCRATCH_PATH_H_
#define TESTING_SCRATCH_PATH_H_

#include <string>

namespace image_testing {

// A path under the temp directory, unique to this process and `name`.
std::string ScratchPath(const std::string& name);

}  // namespace image_testing

#endif  // TESTING_SCRATCH_PATH_H_
