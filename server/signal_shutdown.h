// How image_server stops on SIGINT or SIGTERM:
//  - before it listens (while it indexes images), at once: nothing is being
//    served, and the image_prober children die with it;
//  - once it listens, gracefully: it stops accepting, running streams get the
//    grace period, then are cancelled;
//  - a second signal during the grace period stops it at once, as the
//    convention for servers goes.
#ifndef SERVER_SIGNAL_SHUTDOWN_H_
#define SERVER_SIGNAL_SHUTDOWN_H_

#include <signal.h>

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/server_start.h"

namespace image_server {

class SignalShutdown {
 public:
  // `signals` must already be blocked in every thread
  // (image_common::BlockShutdownSignals), so that only this object's thread
  // receives them.
  SignalShutdown(const sigset_t& signals, absl::Duration grace);
  // Returns once the server has been shut down (after Serving).
  ~SignalShutdown();
  SignalShutdown(const SignalShutdown&) = delete;
  SignalShutdown& operator=(const SignalShutdown&) = delete;

  // From now on the first signal shuts `server` down gracefully.
  void Serving(StartedServer* server);

 private:
  void Run();

  const sigset_t signals_;
  const absl::Duration grace_;
  absl::Mutex mutex_;
  StartedServer* server_ ABSL_GUARDED_BY(mutex_) = nullptr;
  std::thread thread_;
};

}  // namespace image_server

#endif  // SERVER_SIGNAL_SHUTDOWN_H_
