#include "server/subprocess_prober.h"

#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/probe_wire.h"
#include "server/prober.h"

extern char** environ;

namespace image_server {
namespace {

// The server's environment, with OpenCV's bound on the pixels of an image of
// any format set to the probers' (prober.h) in place of whatever it said.
std::vector<std::string> ChildEnvironment() {
  constexpr absl::string_view kBound = "OPENCV_IO_MAX_IMAGE_PIXELS=";
  std::vector<std::string> environment;
  for (char** variable = environ; *variable != nullptr; ++variable) {
    if (!absl::StartsWith(*variable, kBound)) {
      environment.emplace_back(*variable);
    }
  }
  environment.push_back(absl::StrCat(kBound, kMaxImagePixels));
  return environment;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SubprocessProber>> SubprocessProber::Start(
    const std::string& binary) {
  std::unique_ptr<SubprocessProber> prober(new SubprocessProber(binary));
  if (absl::Status spawned = prober->Spawn(); !spawned.ok()) return spawned;
  return prober;
}

SubprocessProber::~SubprocessProber() { Stop(); }

absl::Status SubprocessProber::Spawn() {
  int ends[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    return absl::UnavailableError(
        absl::StrCat("socketpair for the image prober: ", strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, ends[1], 0);
  posix_spawn_file_actions_adddup2(&actions, ends[1], 1);
  // The server blocks SIGINT and SIGTERM for its signal thread; the child
  // starts with none blocked and default handlers.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  char* argv[] = {const_cast<char*>(binary_.c_str()), nullptr};
  std::vector<std::string> environment = ChildEnvironment();
  std::vector<char*> envp;
  for (std::string& variable : environment) envp.push_back(variable.data());
  envp.push_back(nullptr);
  const int error = posix_spawn(&pid_, binary_.c_str(), &actions, &attributes,
                                argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(ends[1]);
  if (error != 0) {
    close(ends[0]);
    pid_ = -1;
    return absl::UnavailableError(absl::StrCat(
        "cannot run the image prober '", binary_, "': ", strerror(error)));
  }
  socket_ = ends[0];
  return absl::OkStatus();
}

void SubprocessProber::Stop() {
  if (socket_ >= 0) close(socket_);  // The child sees the end of its input.
  socket_ = -1;
  if (pid_ > 0) {
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
}

absl::StatusOr<ImageMetadata> SubprocessProber::Probe(absl::string_view bytes) {
  if (pid_ < 0) {
    if (absl::Status spawned = Spawn(); !spawned.ok()) return spawned;
  }
  absl::Status sent = WriteProbeRequest(socket_, bytes);
  absl::StatusOr<absl::StatusOr<ImageMetadata>> reply =
      sent.ok() ? ReadProbeReply(socket_) : sent;
  if (reply.ok()) return *std::move(reply);
  // The child died on these bytes; the next file gets a new one.
  Stop();
  return absl::InvalidArgumentError(absl::StrCat(
      "the image decoder failed on it (", reply.status().message(), ")"));
}

ProberFactory SubprocessProberFactory(const std::string& binary) {
  return [binary]() -> absl::StatusOr<std::unique_ptr<Prober>> {
    absl::StatusOr<std::unique_ptr<SubprocessProber>> prober =
        SubprocessProber::Start(binary);
    if (!prober.ok()) return prober.status();
    return std::unique_ptr<Prober>(*std::move(prober));
  };
}

std::string ProberNextToThisProgram() {
  char path[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (length <= 0) return "image_prober";
  std::string self(path, static_cast<size_t>(length));
  const size_t slash = self.rfind('/');
  return self.substr(0, slash + 1) + "image_prober";
}

}  // namespace image_server
