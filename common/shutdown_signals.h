// SIGINT and SIGTERM for a server's orderly stop: blocked in every thread
// (threads inherit the mask from the one that starts them), so that only a
// thread that waits for them with sigwait sees them, never a gRPC thread in
// the middle of its work.
#ifndef COMMON_SHUTDOWN_SIGNALS_H_
#define COMMON_SHUTDOWN_SIGNALS_H_

#include <signal.h>

namespace image_common {

// Call in main before starting any thread; returns the set to wait on.
sigset_t BlockShutdownSignals();

// Blocks until one of `signals` arrives; returns its number.
int WaitForShutdownSignal(const sigset_t& signals);

}  // namespace image_common

#endif  // COMMON_SHUTDOWN_SIGNALS_H_
