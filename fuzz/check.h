// Invariants in a fuzz target. A failed check prints what was expected and
// aborts, which libFuzzer reports as a crash and saves the input that caused
// it; assert() would do nothing under NDEBUG, which every build here sets.
#ifndef FUZZ_CHECK_H_
#define FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"

namespace image_fuzz {

[[noreturn]] inline void FailCheck(const char* condition, const char* file,
                                   int line, const std::string& detail) {
  std::fprintf(stderr, "%s:%d: check failed: %s\n  %s\n", file, line, condition,
               detail.c_str());
  std::abort();
}

}  // namespace image_fuzz

// FUZZ_CHECK(condition, pieces...): the pieces (absl::StrCat arguments, at
// least one) say what was seen; they are only evaluated when the check fails.
#define FUZZ_CHECK(condition, ...)                            \
  do {                                                        \
    if (!(condition)) {                                       \
      ::image_fuzz::FailCheck(#condition, __FILE__, __LINE__, \
                              ::absl::StrCat(__VA_ARGS__));   \
    }                                                         \
  } while (0)

#endif  // FUZZ_CHECK_H_
