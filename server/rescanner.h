// Runs rescans of the images directory one at a time, off the thread that
// asks for them: indexing can take long, and the signal thread that asks
// (on SIGHUP) must stay free to see SIGTERM meanwhile. Requests that come
// while a rescan runs are folded into one more rescan after it, since that
// one sees every change they could have asked for.
#ifndef SERVER_RESCANNER_H_
#define SERVER_RESCANNER_H_

#include <functional>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace image_server {

class Rescanner {
 public:
  explicit Rescanner(std::function<void()> rescan);
  // Waits for a running rescan to finish; a pending one is dropped.
  ~Rescanner();
  Rescanner(const Rescanner&) = delete;
  Rescanner& operator=(const Rescanner&) = delete;

  // Never blocks on a rescan.
  void Request();
  // Rescans finished so far (for tests).
  int completed();

 private:
  void Run();

  const std::function<void()> rescan_;
  absl::Mutex mutex_;
  bool pending_ ABSL_GUARDED_BY(mutex_) = false;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  int completed_ ABSL_GUARDED_BY(mutex_) = 0;
  std::thread thread_;
};

}  // namespace image_server

#endif  // SERVER_RESCANNER_H_
