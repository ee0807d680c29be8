// SIGINT and SIGTERM for a server's orderly stop: blocked in every thread
// (threads inherit the mask from the one that starts them), so that only a
// thread that waits for them with sigwait sees them, never a gRPC thread in
// the middle of its work.
#ifndef COMMON_SHUTDOWN_SIGNALS_H_
#define COMMON_SHUTDOWN_SIGNALS_H_

#include <signal.h>

#include <initializer_list>

namespace image_common {

// Call in main before starting any thread; returns the set to wait on.
// `also` adds signals the caller waits for in the same way (image_server's
// SIGHUP, which asks for a rescan).
sigset_t BlockShutdownSignals(std::initializer_list<int> also = {});

// Blocks until one of `signals` arrives; returns its number.
int WaitForShutdownSignal(const sigset_t& signals);

}  // namespace image_common

#endif  // COMMON_SHUTDOWN_SIGNALS_H_
