#include "testing/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/port_file.h"
#include "testing/scratch_path.h"

extern char** environ;

namespace image_testing {

Subprocess::Subprocess(const std::string& binary,
                       const std::vector<std::string>& args) {
  std::vector<std::string> all = {binary};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : all) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) !=
      0) {
    pid_ = -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(err[1]);
  stdout_ = out[0];
  stderr_ = err[0];
}

Subprocess::~Subprocess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdout_ >= 0) close(stdout_);
  if (stderr_ >= 0) close(stderr_);
}

void Subprocess::Drain(absl::Duration wait) {
  pollfd fds[2] = {{stdout_, POLLIN, 0}, {stderr_, POLLIN, 0}};
  const int wait_ms =
      static_cast<int>(std::max<int64_t>(0, absl::ToInt64Milliseconds(wait)));
  if (poll(fds, 2, wait_ms) <= 0) return;
  char buffer[1 << 16];
  for (int i = 0; i < 2; ++i) {
    if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
    const ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
    if (n > 0) (i == 0 ? out_ : err_).append(buffer, n);
  }
}

std::optional<std::string> Subprocess::WaitForLine(const std::string& text,
                                                   absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  while (true) {
    for (absl::string_view line : absl::StrSplit(out_, '\n')) {
      if (absl::StrContains(line, text)) return std::string(line);
    }
    if (absl::Now() >= deadline) return std::nullopt;
    if (exited_ || (pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == pid_)) {
      if (!exited_) pid_ = -1, exited_ = true;
      Drain(absl::ZeroDuration());
      if (!absl::StrContains(out_, text)) return std::nullopt;
    }
    Drain(absl::Milliseconds(20));
  }
}

std::optional<int> Subprocess::WaitForExit(absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exited_ = true;
      // Whatever is left in the pipes, up to end of file.
      for (int i = 0; i < 100; ++i) Drain(absl::Milliseconds(5));
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    Drain(absl::Milliseconds(10));
  }
  return std::nullopt;
}

void Subprocess::Signal(int signal_number) {
  if (pid_ > 0) kill(pid_, signal_number);
}

const std::string& Subprocess::out() { return out_; }
const std::string& Subprocess::err() { return err_; }

namespace {

std::vector<std::string> WithPortFile(std::vector<std::string> args,
                                      const std::string& port_file) {
  args.insert(args.begin(), {"--address=127.0.0.1:0",
                             absl::StrCat("--port_file=", port_file)});
  return args;
}

int next_server = 0;

}  // namespace

ServerProcess::ServerProcess(const std::string& binary,
                             std::vector<std::string> args)
    : port_file_(ScratchPath(absl::StrCat("server", next_server++, ".port"))),
      process_(binary, WithPortFile(std::move(args), port_file_)) {}

ServerProcess::~ServerProcess() { std::remove(port_file_.c_str()); }

std::optional<std::string> ServerProcess::WaitForAddress(absl::Duration limit) {
  const absl::Time deadline = absl::Now() + limit;
  while (absl::Now() < deadline) {
    absl::StatusOr<std::string> address =
        image_common::ReadPortFile(port_file_);
    if (address.ok()) return *address;
    if (process_.WaitForExit(absl::Milliseconds(20)).has_value()) break;
  }
  return std::nullopt;
}

}  // namespace image_testing
