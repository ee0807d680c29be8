// How image_server stops on SIGINT or SIGTERM:
//  - before it listens (while it indexes images), at once: nothing is being
//    served, and the image_prober children die with it;
//  - once it listens, gracefully: it stops accepting, running streams get the
//    grace period, then are cancelled;
//  - a second signal during the grace period stops it at once, as the
//    convention for servers goes;
//  - SIGHUP, when it is in the set and the server listens, asks for a
//    rescan (OnRescan) and changes nothing else; before that, and during
//    the grace period, it is ignored;
//  - when the server cannot go on (StopForFailure), as on a first signal,
//    but the process then exits with kFailureExitCode, so that a supervisor
//    restarts it.
#ifndef SERVER_SIGNAL_SHUTDOWN_H_
#define SERVER_SIGNAL_SHUTDOWN_H_

#include <signal.h>

#include <functional>
#include <string>
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

  static constexpr int kFailureExitCode = 3;

  // From now on the first signal shuts `server` down gracefully.
  void Serving(StartedServer* server);
  // Called on the signal thread for each SIGHUP once Serving; it must not
  // block (see rescanner.h).
  void OnRescan(std::function<void()> rescan);
  // Shuts the server down as a first signal would, saying `reason`; from
  // any thread, without blocking. Only once Serving.
  void StopForFailure(const std::string& reason);
  // What main should exit with once the server has stopped.
  int exit_code();

 private:
  void Run();
  // The next SIGINT or SIGTERM; SIGHUPs before it go to the rescan.
  int WaitForStopSignal();

  const sigset_t signals_;
  const absl::Duration grace_;
  absl::Mutex mutex_;
  StartedServer* server_ ABSL_GUARDED_BY(mutex_) = nullptr;
  std::string failure_ ABSL_GUARDED_BY(mutex_);
  std::function<void()> rescan_ ABSL_GUARDED_BY(mutex_);
  std::thread thread_;
};

}  // namespace image_server

#endif  // SERVER_SIGNAL_SHUTDOWN_H_
