#include "server/signal_shutdown.h"

#include <cstdio>
#include <cstdlib>

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

void SignalShutdown::Run() {
  const int first = image_common::WaitForShutdownSignal(signals_);
  StartedServer* server;
  {
    absl::MutexLock lock(&mutex_);
    server = server_;
  }
  if (server == nullptr) {
    std::printf("image_server: %s received before listening, stopping\n",
                NameOf(first));
    ExitNow(0);
  }
  std::printf(
      "image_server: %s received, stopping (grace %.1f s; a second "
      "signal stops at once)\n",
      NameOf(first), absl::ToDoubleSeconds(grace_));
  std::fflush(stdout);
  std::thread([signals = signals_] {
    const int second = image_common::WaitForShutdownSignal(signals);
    std::printf("image_server: second signal (%s), stopping now\n",
                NameOf(second));
    ExitNow(128 + second);
  }).detach();
  server->Shutdown(absl::ToChronoTime(absl::Now() + grace_));
}

}  // namespace image_server
