// Makes Debian's abseil synchronization visible to ThreadSanitizer, for
// scripts/sanitize's thread lane, which links this file into every binary.
//
// Why: abseil annotates its Mutex for TSan only when abseil itself is built
// with -fsanitize=thread. Debian's libabsl_synchronization is not, so TSan
// sees none of its locking (a lock is an atomic exchange and a futex in code
// TSan did not instrument) and reports every access to data that a Mutex
// guards, in our code and in gRPC's headers alike, as a race.
//
// How: this file defines the Mutex, CondVar and Notification functions that
// lock, unlock or wait, with the same (mangled) names, in the executable,
// which the dynamic linker prefers to the library's (the library calls its
// own exported functions through its PLT, so its internal calls land here
// too). Each tells TSan what it does, with the annotations abseil's own
// TSan build uses, then calls the library's function, found with
// dlsym(RTLD_NEXT). Between the annotations before and after a call, TSan
// ignores memory accesses, so a Condition that the library evaluates for
// another thread is not reported either.
//
// Checked against abseil 20220623 (Debian 12). A name this file expects and
// the library lacks stops the process at its first lock, saying which.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/base/options.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

#if !defined(__SANITIZE_THREAD__) && defined(__has_feature)
#if !__has_feature(thread_sanitizer)
#error "tsan_absl_sync.cc is for -fsanitize=thread builds only"
#endif
#endif

namespace {

#define TSAN_ABSL_STRINGIFY(x) #x
#define TSAN_ABSL_STRING(x) TSAN_ABSL_STRINGIFY(x)

// The library's definition of the function whose mangled name is
// `nested_prefix` ("_ZN" or "_ZNK"), then the abseil namespace, then `rest`:
// the namespace is written out from the configured inline namespace, so
// that only the fixed part of each name is spelled below.
void* Real(const char* nested_prefix, const char* rest) {
  const char* inline_namespace =
      TSAN_ABSL_STRING(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string name = std::string(nested_prefix) + "4absl" +
                           std::to_string(std::strlen(inline_namespace)) +
                           inline_namespace + rest;
  void* function = dlsym(RTLD_NEXT, name.c_str());
  if (function == nullptr) {
    std::fprintf(stderr, "tsan_absl_sync: no %s in the loaded abseil\n",
                 name.c_str());
    std::abort();
  }
  return function;
}

template <typename Function>
Function RealAs(const char* nested_prefix, const char* rest) {
  return reinterpret_cast<Function>(Real(nested_prefix, rest));
}

using MutexCall = void (*)(absl::Mutex*);
using MutexTry = bool (*)(absl::Mutex*);
using MutexWhen = void (*)(absl::Mutex*, const absl::Condition&);
using MutexWhenTimeout = bool (*)(absl::Mutex*, const absl::Condition&,
                                  absl::Duration);
using MutexWhenDeadline = bool (*)(absl::Mutex*, const absl::Condition&,
                                   absl::Time);

// The library implements some of these functions with others of them
// (WaitWithTimeout calls WaitWithDeadline, WaitForNotification calls
// LockWhen), through the same PLT: only the outermost call on a thread
// annotates.
thread_local int calls_in_progress = 0;

class Outermost {
 public:
  Outermost() : outermost_(calls_in_progress++ == 0) {}
  ~Outermost() { --calls_in_progress; }
  Outermost(const Outermost&) = delete;
  Outermost& operator=(const Outermost&) = delete;
  explicit operator bool() const { return outermost_; }

 private:
  const bool outermost_;
};

// A call that takes `mu` (`flags`: __tsan_mutex_read_lock for a shared lock).
// With __tsan_mutex_try_lock in `flags`, `locked` says whether it did.
void BeforeLock(const Outermost& outermost, void* mu, unsigned flags) {
  if (outermost) __tsan_mutex_pre_lock(mu, flags);
}
void AfterLock(const Outermost& outermost, void* mu, unsigned flags,
               bool locked = true) {
  if (!outermost) return;
  if (!locked) flags |= __tsan_mutex_try_lock_failed;
  __tsan_mutex_post_lock(mu, flags, 0);
}

// A call that releases `mu`.
void BeforeUnlock(const Outermost& outermost, void* mu, unsigned flags) {
  if (outermost) __tsan_mutex_pre_unlock(mu, flags);
}
void AfterUnlock(const Outermost& outermost, void* mu, unsigned flags) {
  if (outermost) __tsan_mutex_post_unlock(mu, flags);
}

// A call that releases `mu` and holds it again when it returns (Await,
// CondVar::Wait).
void BeforeWait(const Outermost& outermost, void* mu) {
  BeforeUnlock(outermost, mu, 0);
}
void AfterWait(const Outermost& outermost, void* mu) {
  AfterUnlock(outermost, mu, 0);
  BeforeLock(outermost, mu, 0);
  AfterLock(outermost, mu, 0);
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  static const auto real = RealAs<MutexCall>("_ZN", "5Mutex4LockEv");
  const Outermost outermost;
  BeforeLock(outermost, this, 0);
  real(this);
  AfterLock(outermost, this, 0);
}

void Mutex::ReaderLock() {
  static const auto real = RealAs<MutexCall>("_ZN", "5Mutex10ReaderLockEv");
  const Outermost outermost;
  BeforeLock(outermost, this, __tsan_mutex_read_lock);
  real(this);
  AfterLock(outermost, this, __tsan_mutex_read_lock);
}

bool Mutex::TryLock() {
  static const auto real = RealAs<MutexTry>("_ZN", "5Mutex7TryLockEv");
  const Outermost outermost;
  BeforeLock(outermost, this, __tsan_mutex_try_lock);
  const bool locked = real(this);
  AfterLock(outermost, this, __tsan_mutex_try_lock, locked);
  return locked;
}

bool Mutex::ReaderTryLock() {
  static const auto real = RealAs<MutexTry>("_ZN", "5Mutex13ReaderTryLockEv");
  const unsigned flags = __tsan_mutex_read_lock | __tsan_mutex_try_lock;
  const Outermost outermost;
  BeforeLock(outermost, this, flags);
  const bool locked = real(this);
  AfterLock(outermost, this, flags, locked);
  return locked;
}

void Mutex::Unlock() {
  static const auto real = RealAs<MutexCall>("_ZN", "5Mutex6UnlockEv");
  const Outermost outermost;
  BeforeUnlock(outermost, this, 0);
  real(this);
  AfterUnlock(outermost, this, 0);
}

void Mutex::ReaderUnlock() {
  static const auto real = RealAs<MutexCall>("_ZN", "5Mutex12ReaderUnlockEv");
  const Outermost outermost;
  BeforeUnlock(outermost, this, __tsan_mutex_read_lock);
  real(this);
  AfterUnlock(outermost, this, __tsan_mutex_read_lock);
}

void Mutex::LockWhen(const Condition& cond) {
  static const auto real =
      RealAs<MutexWhen>("_ZN", "5Mutex8LockWhenERKNS0_9ConditionE");
  const Outermost outermost;
  BeforeLock(outermost, this, 0);
  real(this, cond);
  AfterLock(outermost, this, 0);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  static const auto real =
      RealAs<MutexWhen>("_ZN", "5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  const Outermost outermost;
  BeforeLock(outermost, this, __tsan_mutex_read_lock);
  real(this, cond);
  AfterLock(outermost, this, __tsan_mutex_read_lock);
}

// The timed forms hold the mutex on return whether or not the condition
// became true.
bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  static const auto real = RealAs<MutexWhenTimeout>(
      "_ZN", "5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const Outermost outermost;
  BeforeLock(outermost, this, 0);
  const bool met = real(this, cond, timeout);
  AfterLock(outermost, this, 0);
  return met;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
  static const auto real = RealAs<MutexWhenDeadline>(
      "_ZN", "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const Outermost outermost;
  BeforeLock(outermost, this, 0);
  const bool met = real(this, cond, deadline);
  AfterLock(outermost, this, 0);
  return met;
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, Duration timeout) {
  static const auto real = RealAs<MutexWhenTimeout>(
      "_ZN",
      "5Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const Outermost outermost;
  BeforeLock(outermost, this, __tsan_mutex_read_lock);
  const bool met = real(this, cond, timeout);
  AfterLock(outermost, this, __tsan_mutex_read_lock);
  return met;
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, Time deadline) {
  static const auto real = RealAs<MutexWhenDeadline>(
      "_ZN", "5Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const Outermost outermost;
  BeforeLock(outermost, this, __tsan_mutex_read_lock);
  const bool met = real(this, cond, deadline);
  AfterLock(outermost, this, __tsan_mutex_read_lock);
  return met;
}

void Mutex::Await(const Condition& cond) {
  static const auto real =
      RealAs<MutexWhen>("_ZN", "5Mutex5AwaitERKNS0_9ConditionE");
  const Outermost outermost;
  BeforeWait(outermost, this);
  real(this, cond);
  AfterWait(outermost, this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  static const auto real = RealAs<MutexWhenTimeout>(
      "_ZN", "5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const Outermost outermost;
  BeforeWait(outermost, this);
  const bool met = real(this, cond, timeout);
  AfterWait(outermost, this);
  return met;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
  static const auto real = RealAs<MutexWhenDeadline>(
      "_ZN", "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const Outermost outermost;
  BeforeWait(outermost, this);
  const bool met = real(this, cond, deadline);
  AfterWait(outermost, this);
  return met;
}

void CondVar::Wait(Mutex* mu) {
  using Call = void (*)(CondVar*, Mutex*);
  static const auto real = RealAs<Call>("_ZN", "7CondVar4WaitEPNS0_5MutexE");
  const Outermost outermost;
  BeforeWait(outermost, mu);
  real(this, mu);
  AfterWait(outermost, mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  using Call = bool (*)(CondVar*, Mutex*, Duration);
  static const auto real = RealAs<Call>(
      "_ZN", "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  const Outermost outermost;
  BeforeWait(outermost, mu);
  const bool timed_out = real(this, mu, timeout);
  AfterWait(outermost, mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  using Call = bool (*)(CondVar*, Mutex*, Time);
  static const auto real =
      RealAs<Call>("_ZN", "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  const Outermost outermost;
  BeforeWait(outermost, mu);
  const bool timed_out = real(this, mu, deadline);
  AfterWait(outermost, mu);
  return timed_out;
}

// A waiter that finds the notification already given returns without
// taking the notification's mutex: a release and an acquire on the
// notification itself order what came before Notify with what follows the
// wait.
void Notification::Notify() {
  using Call = void (*)(Notification*);
  static const auto real = RealAs<Call>("_ZN", "12Notification6NotifyEv");
  const Outermost outermost;
  if (outermost) __tsan_release(this);
  real(this);
}

void Notification::WaitForNotification() const {
  using Call = void (*)(const Notification*);
  static const auto real =
      RealAs<Call>("_ZNK", "12Notification19WaitForNotificationEv");
  const Outermost outermost;
  real(this);
  if (outermost) __tsan_acquire(const_cast<Notification*>(this));
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  using Call = bool (*)(const Notification*, Duration);
  static const auto real = RealAs<Call>(
      "_ZNK", "12Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  const Outermost outermost;
  const bool notified = real(this, timeout);
  if (outermost && notified) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  using Call = bool (*)(const Notification*, Time);
  static const auto real = RealAs<Call>(
      "_ZNK", "12Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  const Outermost outermost;
  const bool notified = real(this, deadline);
  if (outermost && notified) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}

ABSL_NAMESPACE_END
}  // namespace absl
