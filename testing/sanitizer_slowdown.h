// How much slower this build runs than a plain one, for the end-to-end tests
// that bound a wall-clock wait: a sanitizer instruments every load, store and
// allocation, so a bound that holds with room to spare in ./test can be missed
// by a sanitized server on a busy 2-core machine. Tests scale their slack
// (never the behaviour they wait for) by it.
#ifndef TESTING_SANITIZER_SLOWDOWN_H_
#define TESTING_SANITIZER_SLOWDOWN_H_

namespace image_testing {

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define IMAGE_TESTING_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define IMAGE_TESTING_SANITIZED 1
#endif

#ifdef IMAGE_TESTING_SANITIZED
inline constexpr int kSanitizerSlowdown = 4;
#else
inline constexpr int kSanitizerSlowdown = 1;
#endif

}  // namespace image_testing

#endif  // TESTING_SANITIZER_SLOWDOWN_H_
