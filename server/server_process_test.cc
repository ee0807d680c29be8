// The image_server binary as ./run starts it: start-up line, serving, bad
// input, and SIGTERM with a grace period.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "image_service.grpc.pb.h"

extern char** environ;

namespace image_server {
namespace {

using ::testing::HasSubstr;

// A child process with its stdout and stderr captured through pipes.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> flags) {
    std::vector<std::string> args = {SERVER_BINARY};
    args.insert(args.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int out[2], err[2];
    EXPECT_EQ(pipe(out), 0);
    EXPECT_EQ(pipe(err), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    EXPECT_EQ(
        posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ),
        0);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    stdout_ = out[0];
    stderr_ = err[0];
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(stdout_);
    close(stderr_);
  }

  // Reads stdout until a line containing `text`, or gives up at `limit`.
  std::optional<std::string> WaitForLine(const std::string& text,
                                         absl::Duration limit) {
    const absl::Time deadline = absl::Now() + limit;
    while (absl::Now() < deadline) {
      for (absl::string_view line : absl::StrSplit(out_, '\n')) {
        if (absl::StrContains(line, text)) return std::string(line);
      }
      if (!ReadSome(stdout_, &out_, deadline)) break;
    }
    return std::nullopt;
  }

  // Waits for the exit; nullopt if it is still running at `limit`.
  std::optional<int> WaitForExit(absl::Duration limit) {
    const absl::Time deadline = absl::Now() + limit;
    while (absl::Now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    return std::nullopt;
  }

  std::string Stderr() {
    std::string text;
    while (ReadSome(stderr_, &text, absl::Now() + absl::Seconds(2))) {
    }
    return text;
  }

  void Signal(int signal_number) { kill(pid_, signal_number); }

 private:
  static bool ReadSome(int fd, std::string* into, absl::Time deadline) {
    pollfd poll_fd = {fd, POLLIN, 0};
    const int wait_ms =
        std::max<int64_t>(1, absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (poll(&poll_fd, 1, wait_ms) <= 0) return false;
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) return false;
    into->append(buffer, n);
    return true;
  }

  pid_t pid_ = -1;
  int stdout_ = -1;
  int stderr_ = -1;
  std::string out_;
};

std::string ListeningAddress(const std::string& line) {
  // "image_server: listening on 127.0.0.1:PORT, N images, ..."
  const size_t start = line.find("listening on ") + 13;
  return line.substr(start, line.find(',', start) - start);
}

TEST(ServerProcessTest, ServesThenExitsZeroOnSigtermWithinTheGracePeriod) {
  ServerProcess server({"--address=127.0.0.1:0", "--images_dir=" IMAGES_DIR,
                        "--shutdown_grace_s=2"});
  const std::optional<std::string> line =
      server.WaitForLine("listening on", absl::Seconds(30));
  ASSERT_TRUE(line.has_value()) << server.Stderr();
  EXPECT_THAT(*line, HasSubstr("images"));
  EXPECT_THAT(*line, HasSubstr("loaded in"));

  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  auto stub = image_service::ImageService::NewStub(grpc::CreateCustomChannel(
      ListeningAddress(*line), grpc::InsecureChannelCredentials(), arguments));
  grpc::ClientContext list_context;
  image_service::ListImagesResponse list;
  ASSERT_TRUE(
      stub->ListImages(&list_context, image_service::ListImagesRequest(), &list)
          .ok());
  ASSERT_GT(list.image_names_size(), 0);

  // A stream that would outlive the grace period if nobody cut it short.
  image_service::StreamImagesRequest request;
  for (int i = 0; i < 100000; ++i) request.add_image_names(list.image_names(0));
  grpc::ClientContext stream_context;
  auto reader = stub->StreamImages(&stream_context, request);
  image_service::StreamImagesResponse message;
  ASSERT_TRUE(reader->Read(&message));

  const absl::Time signalled = absl::Now();
  server.Signal(SIGTERM);
  while (reader->Read(&message)) {
  }
  const grpc::Status stream_status = reader->Finish();
  const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(10));

  ASSERT_TRUE(exit_code.has_value()) << "still running 10 s after SIGTERM";
  EXPECT_EQ(*exit_code, 0) << server.Stderr();
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(2) + absl::Seconds(2));
  EXPECT_FALSE(stream_status.ok());
}

TEST(ServerProcessTest, MissingDirectoryIsOneLineAndNonZeroExit) {
  ServerProcess server({"--address=127.0.0.1:0", "--images_dir=/no/such/dir"});
  const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(10));
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_NE(*exit_code, 0);
  EXPECT_EQ(server.Stderr(),
            "image_server: images directory '/no/such/dir' does not exist\n");
}

TEST(ServerProcessTest, BadFlagsAreOneLineAndNonZeroExit) {
  for (const std::string flag :
       {"--shutdown_grace_s=-1", "--max_threads=-3", "--no_such_flag=1",
        "--shutdown_grace_s=abc"}) {
    SCOPED_TRACE(flag);
    ServerProcess server({"--images_dir=" IMAGES_DIR, flag});
    const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(10));
    ASSERT_TRUE(exit_code.has_value());
    EXPECT_NE(*exit_code, 0);
    const std::string error = server.Stderr();
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(error.find('\n'), error.size() - 1) << error;
  }
}

}  // namespace
}  // namespace image_server
