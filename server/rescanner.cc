#include "server/rescanner.h"

#include <utility>

namespace image_server {

Rescanner::Rescanner(std::function<void()> rescan)
    : rescan_(std::move(rescan)), thread_([this] { Run(); }) {}

Rescanner::~Rescanner() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  thread_.join();
}

void Rescanner::Request() {
  absl::MutexLock lock(&mutex_);
  pending_ = true;
}

int Rescanner::completed() {
  absl::MutexLock lock(&mutex_);
  return completed_;
}

void Rescanner::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      mutex_.Await(absl::Condition(
          +[](Rescanner* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mutex_) {
            return self->pending_ || self->stopping_;
          },
          this));
      if (stopping_) return;
      pending_ = false;
    }
    rescan_();
    absl::MutexLock lock(&mutex_);
    ++completed_;
  }
}

}  // namespace image_server
