#include "server/signal_shutdown.h"

#include <pthread.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "common/shutdown_signals.h"

namespace image_server {
namespace {

const char* NameOf(int signal_number) {
  return signal_number == SIGINT ? "SIGINT" : "SIGTERM";
}

// Exits without gRPC's teardown, which would wait for connections that
// clients still hold open.
[[noreturn]] void ExitNow(int code) {
  std::fflush(nullptr);
  std::_Exit(code);
}

}  // namespace

SignalShutdown::SignalShutdown(const sigset_t& signals, absl::Duration grace)
    : signals_(signals), grace_(grace), thread_([this] { Run(); }) {}

SignalShutdown::~SignalShutdown() { thread_.join(); }

void SignalShutdown::Serving(StartedServer* server) {
  absl::MutexLock lock(&mutex_);
  server_ = server;
}

void SignalShutdown::StopForFailure(const std::string& reason) {
  {
    absl::MutexLock lock(&mutex_);
    if (!failure_.empty()) return;
    failure_ = reason.empty() ? "unknown failure" : reason;
  }
  // Only this object's thread waits for the signal (it is blocked in the
  // others), so this wakes exactly that thread.
  pthread_kill(thread_.native_handle(), SIGTERM);
}

void SignalShutdown::OnRescan(std::function<void()> rescan) {
  absl::MutexLock lock(&mutex_);
  rescan_ = std::move(rescan);
}

int SignalShutdown::WaitForStopSignal() {
  while (true) {
    const int signal_number = image_common::WaitForShutdownSignal(signals_);
    if (signal_number != SIGHUP) return signal_number;
    absl::MutexLock lock(&mutex_);
    if (server_ != nullptr && rescan_) {
      rescan_();
    } else {
      std::printf("image_server: SIGHUP before listening: ignored\n");
      std::fflush(stdout);
    }
  }
}

int SignalShutdown::exit_code() {
  absl::MutexLock lock(&mutex_);
  return failure_.empty() ? 0 : kFailureExitCode;
}

void SignalShutdown::Run() {
  const int first = WaitForStopSignal();
  StartedServer* server;
  std::string failure;
  {
    absl::MutexLock lock(&mutex_);
    server = server_;
    failure = failure_;
  }
  if (server == nullptr) {
    std::printf("image_server: %s received before listening, stopping\n",
                NameOf(first));
    ExitNow(0);
  }
  if (failure.empty()) {
    std::printf(
        "image_server: %s received, stopping (grace %.1f s; a second "
        "signal stops at once)\n",
        NameOf(first), absl::ToDoubleSeconds(grace_));
  } else {
    std::printf(
        "image_server: cannot go on: %s; stopping (grace %.1f s), then "
        "exiting with status %d so that a supervisor can restart it\n",
        failure.c_str(), absl::ToDoubleSeconds(grace_), kFailureExitCode);
  }
  std::fflush(stdout);
  std::thread([signals = signals_] {
    int second = SIGHUP;
    while (second == SIGHUP) {
      second = image_common::WaitForShutdownSignal(signals);
    }
    std::printf("image_server: second signal (%s), stopping now\n",
                NameOf(second));
    ExitNow(128 + second);
  }).detach();
  server->Shutdown(absl::ToChronoTime(absl::Now() + grace_));
}

}  // namespace image_server
