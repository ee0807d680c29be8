// A child process for end-to-end tests: the real server and bench binaries,
// with stdout and stderr captured.
#ifndef TESTING_SUBPROCESS_H_
#define TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace image_testing {

class Subprocess {
 public:
  // Starts `binary` with `args`; check started() before use.
  Subprocess(const std::string& binary, const std::vector<std::string>& args);
  // Kills the child if it is still running.
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  bool started() const { return pid_ > 0 || exited_; }
  // The child's process id while it runs, -1 after it exited.
  pid_t pid() const { return pid_; }

  // Reads stdout until a line containing `text`; nullopt at `limit`.
  std::optional<std::string> WaitForLine(const std::string& text,
                                         absl::Duration limit);
  // The exit code (128 + signal if killed), or nullopt if still running at
  // `limit`. Keeps draining stdout and stderr meanwhile so the child never
  // blocks on a full pipe.
  std::optional<int> WaitForExit(absl::Duration limit);
  void Signal(int signal_number);

  // What the child wrote so far (all of it once it has exited).
  const std::string& out();
  const std::string& err();

 private:
  void Drain(absl::Duration wait);

  pid_t pid_ = -1;
  bool exited_ = false;
  int stdout_ = -1;
  int stderr_ = -1;
  std::string out_;
  std::string err_;
};

// A server (image_server or async_reference_server) on an ephemeral loopback
// port: started with `args` plus --address=127.0.0.1:0 and a --port_file
// that WaitForAddress reads.
class ServerProcess {
 public:
  ServerProcess(const std::string& binary, std::vector<std::string> args);
  // Kills the server (as Subprocess does) and removes its port file.
  ~ServerProcess();

  // "127.0.0.1:PORT" once the server listens; nullopt if it exits first or
  // is not listening within `limit`.
  std::optional<std::string> WaitForAddress(
      absl::Duration limit = absl::Seconds(30));
  Subprocess& process() { return process_; }

 private:
  std::string port_file_;
  Subprocess process_;
};

}  // namespace image_testing

#endif  // TESTING_SUBPROCESS_H_
