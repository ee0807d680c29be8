// The image_server binary as ./run starts it: start-up line, serving, bad
// input, and SIGTERM with a grace period.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/port_file.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "image_service.grpc.pb.h"
#include "server/test_util.h"
#include "testing/sanitizer_slowdown.h"
#include "testing/scratch_path.h"
#include "testing/subprocess.h"

namespace image_server {
namespace {

using ::image_testing::ServerProcess;
using ::image_testing::Subprocess;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(ServerProcessTest, ServesThenExitsZeroOnSigtermWithinTheGracePeriod) {
  ServerProcess started(SERVER_BINARY,
                        {"--images_dir=" IMAGES_DIR, "--shutdown_grace_s=2"});
  Subprocess& server = started.process();
  const std::optional<std::string> address = started.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server.err();
  // The port file is written after the start-up line.
  const std::optional<std::string> line =
      server.WaitForLine("listening on", absl::Seconds(5));
  ASSERT_TRUE(line.has_value()) << server.out();
  EXPECT_THAT(*line, HasSubstr("listening on " + *address + ", 24 images, "));
  EXPECT_THAT(*line, HasSubstr("loaded in"));
  EXPECT_THAT(server.out(), Not(HasSubstr("CALIBRATION")));

  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  auto stub = image_service::ImageService::NewStub(grpc::CreateCustomChannel(
      *address, grpc::InsecureChannelCredentials(), arguments));
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
  EXPECT_EQ(*exit_code, 0) << server.err();
  // Grace plus slack for the stream's end to reach us and the process to exit.
  EXPECT_LT(
      absl::Now() - signalled,
      absl::Seconds(2) + absl::Seconds(2) * image_testing::kSanitizerSlowdown);
  EXPECT_FALSE(stream_status.ok());
}

TEST(ServerProcessTest, MissingDirectoryIsOneLineAndNonZeroExit) {
  Subprocess server(SERVER_BINARY,
                    {"--address=127.0.0.1:0", "--images_dir=/no/such/dir"});
  const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(10));
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_NE(*exit_code, 0);
  EXPECT_EQ(server.err(),
            "image_server: images directory '/no/such/dir' does not exist\n");
}

TEST(ServerProcessTest, AMissingImageProberIsOneLineAndNonZeroExit) {
  // The server binary copied alone, without image_prober beside it.
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("image_server_alone_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path alone = dir / "image_server";
  std::filesystem::copy_file(SERVER_BINARY, alone,
                             std::filesystem::copy_options::overwrite_existing);
  Subprocess server(alone.string(),
                    {"--address=127.0.0.1:0", "--images_dir=" IMAGES_DIR});
  const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(10));
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 1);
  EXPECT_EQ(server.err(), "image_server: cannot run the image prober '" +
                              (dir / "image_prober").string() +
                              "': No such file or directory\n");
}

TEST(ServerProcessTest, BadFlagsAreOneLineAndNonZeroExit) {
  for (const std::string flag :
       {"--shutdown_grace_s=-1", "--max_threads=-3", "--no_such_flag=1",
        "--shutdown_grace_s=abc", "--calibration_delay_per_call_ms=-2",
        "--calibration_stall_ms=5000"}) {
    SCOPED_TRACE(flag);
    Subprocess server(SERVER_BINARY, {"--images_dir=" IMAGES_DIR, flag});
    const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(10));
    ASSERT_TRUE(exit_code.has_value());
    EXPECT_NE(*exit_code, 0);
    const std::string error = server.err();
    EXPECT_FALSE(error.empty());
    EXPECT_EQ(error.find('\n'), error.size() - 1) << error;
  }
}

TEST(ServerProcessTest, CalibrationIsAnnouncedOnItsOwnLine) {
  ServerProcess started(SERVER_BINARY, {"--images_dir=" IMAGES_DIR,
                                        "--calibration_delay_per_call_ms=2"});
  Subprocess& server = started.process();
  ASSERT_TRUE(started.WaitForAddress().has_value()) << server.err();

  const std::optional<std::string> line =
      server.WaitForLine("CALIBRATION", absl::Seconds(5));

  ASSERT_TRUE(line.has_value()) << server.out();
  EXPECT_THAT(*line, HasSubstr("image_server: CALIBRATION ON: +2.000 ms "
                               "per call"));
}

TEST(ServerProcessTest, BusyPortIsOneLineAndNonZeroExit) {
  ServerProcess first(SERVER_BINARY, {"--images_dir=" IMAGES_DIR});
  const std::optional<std::string> address = first.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << first.process().err();

  Subprocess second(SERVER_BINARY,
                    {"--address=" + *address, "--images_dir=" IMAGES_DIR});
  const std::optional<int> exit_code = second.WaitForExit(absl::Seconds(10));

  ASSERT_TRUE(exit_code.has_value());
  EXPECT_NE(*exit_code, 0);
  // A slow start (a sanitized build) also prints indexing progress lines.
  std::string error;
  for (absl::string_view line : absl::StrSplit(second.err(), '\n')) {
    if (!line.empty() && !absl::StrContains(line, "image_server: indexing:")) {
      absl::StrAppend(&error, line, "\n");
    }
  }
  EXPECT_EQ(error, "image_server: cannot listen on '" + *address +
                       "': Address already in use\n");
}

TEST(ServerProcessTest, PortFileReplacesAStaleOneOnlyOnceListening) {
  const std::string port_file = image_testing::ScratchPath("stale.port");
  ASSERT_TRUE(image_common::WritePortFile(port_file, "127.0.0.1:1").ok());
  Subprocess server(SERVER_BINARY,
                    {"--address=127.0.0.1:0", "--port_file=" + port_file,
                     "--images_dir=" IMAGES_DIR});
  const std::optional<std::string> line =
      server.WaitForLine("listening on", absl::Seconds(30));
  ASSERT_TRUE(line.has_value()) << server.err();

  absl::StatusOr<std::string> address = image_common::ReadPortFile(port_file);
  for (int i = 0; i < 100 && !address.ok(); ++i) {
    absl::SleepFor(absl::Milliseconds(20));
    address = image_common::ReadPortFile(port_file);
  }
  ASSERT_TRUE(address.ok()) << address.status();
  EXPECT_NE(*address, "127.0.0.1:1");
  EXPECT_THAT(*line, HasSubstr("listening on " + *address + ","));
  std::remove(port_file.c_str());
}

TEST(ServerProcessTest, AnUnwritablePortFileFailsBeforeLoading) {
  Subprocess server(SERVER_BINARY, {"--address=127.0.0.1:0",
                                    "--port_file=/no/such/dir/server.port",
                                    "--images_dir=" IMAGES_DIR});
  const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(10));

  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 1);
  EXPECT_THAT(server.err(),
              HasSubstr("image_server: cannot write --port_file "
                        "'/no/such/dir/server.port': No such file"));
  EXPECT_EQ(server.err().find('\n'), server.err().size() - 1);
  EXPECT_THAT(server.out(), Not(HasSubstr("listening")));
}

TEST(ServerProcessTest, FlagsThatCannotWorkAreOneLineErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--max_threads=1", "--max_threads must be 0 (no limit) or at least 2"},
      {"--shutdown_grace_s=nan", "--shutdown_grace_s must be from 0 to 3600"},
      {"--shutdown_grace_s=inf", "--shutdown_grace_s must be from 0 to 3600"},
      {"--shutdown_grace_s=1e300", "--shutdown_grace_s must be from 0 to 3600"},
      {"--grpc_arg=grpc.max_concurrent_streams=abc",
       "--grpc_arg grpc.max_concurrent_streams takes an integer, got 'abc'"},
  };
  for (const auto& [flag, message] : cases) {
    SCOPED_TRACE(flag);
    Subprocess server(SERVER_BINARY, {"--address=127.0.0.1:0",
                                      "--images_dir=" IMAGES_DIR, flag});
    const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(10));
    ASSERT_TRUE(exit_code.has_value());
    EXPECT_EQ(*exit_code, 1);
    EXPECT_THAT(server.err(), HasSubstr("image_server: " + message));
    EXPECT_EQ(server.err().find('\n'), server.err().size() - 1);
    EXPECT_THAT(server.out(), Not(HasSubstr("listening")));
  }
}

TEST(ServerProcessTest, ASecondSignalDuringTheGracePeriodStopsAtOnce) {
  ServerProcess started(SERVER_BINARY,
                        {"--images_dir=" IMAGES_DIR, "--shutdown_grace_s=60"});
  Subprocess& server = started.process();
  const std::optional<std::string> address = started.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server.err();
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  auto stub = image_service::ImageService::NewStub(grpc::CreateCustomChannel(
      *address, grpc::InsecureChannelCredentials(), arguments));
  image_service::StreamImagesRequest request;
  for (int i = 0; i < 100000; ++i)
    request.add_image_names("meadow_640x480.jpg");
  grpc::ClientContext context;
  auto reader = stub->StreamImages(&context, request);
  image_service::StreamImagesResponse message;
  ASSERT_TRUE(reader->Read(&message));

  server.Signal(SIGTERM);
  ASSERT_TRUE(
      server.WaitForLine("a second signal stops at once", absl::Seconds(5)));
  const absl::Time second = absl::Now();
  server.Signal(SIGTERM);
  const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(10));

  ASSERT_TRUE(exit_code.has_value()) << "still running 10 s after the second";
  EXPECT_EQ(*exit_code, 128 + SIGTERM);
  EXPECT_LT(absl::Now() - second, absl::Seconds(3));
  EXPECT_THAT(server.out(), HasSubstr("second signal (SIGTERM), stopping now"));
  context.TryCancel();
}

// Opens TCP connections to `address` ("127.0.0.1:PORT") that send nothing,
// until `count` are open or connecting fails; their descriptors.
std::vector<int> IdleConnections(const std::string& address, int count) {
  sockaddr_in peer{};
  peer.sin_family = AF_INET;
  peer.sin_port = htons(std::stoi(address.substr(address.rfind(':') + 1)));
  peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<int> sockets;
  for (int i = 0; i < count; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) break;
    if (connect(fd, reinterpret_cast<const sockaddr*>(&peer), sizeof(peer)) !=
        0) {
      close(fd);
      break;
    }
    sockets.push_back(fd);
  }
  return sockets;
}

// gRPC 1.51 stops accepting for good once accept4 fails for want of
// descriptors; a server that then lives on refuses every new client.
TEST(ServerProcessTest, RunningOutOfDescriptorsStopsWithAnErrorNotSilently) {
  ServerProcess started(SERVER_BINARY,
                        {"--images_dir=" IMAGES_DIR, "--shutdown_grace_s=1"});
  Subprocess& server = started.process();
  const std::optional<std::string> address = started.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server.err();
  // Lowered once it listens: the server raises its own soft limit at start.
  const rlimit few = {64, 64};
  ASSERT_EQ(prlimit(server.pid(), RLIMIT_NOFILE, &few, nullptr), 0);

  const std::vector<int> idle = IdleConnections(*address, 200);
  const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(20));
  for (const int fd : idle) close(fd);

  ASSERT_TRUE(exit_code.has_value())
      << "still running, with its listener dead: " << server.err();
  EXPECT_EQ(*exit_code, 3);
  EXPECT_THAT(server.out(),
              HasSubstr("cannot go on: accepting new connections failed "
                        "(Failed accept4: Too many open files)"));
  EXPECT_THAT(server.out(), HasSubstr("so that a supervisor can restart it"));
}

TEST(ServerProcessTest, SighupRescansWhileRunningStreamsKeepTheirImages) {
  testing::TempDirectory dir;
  const std::string old_image = testing::EncodeTestImage(200, 200, 3, ".png");
  dir.WriteFile("a.png", old_image);
  dir.WriteFile("b.png", testing::EncodeTestImage(8, 8, 1, ".png"));
  ServerProcess started(SERVER_BINARY, {"--images_dir=" + dir.path()});
  Subprocess& server = started.process();
  const std::optional<std::string> address = started.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server.err();
  auto stub = image_service::ImageService::NewStub(
      grpc::CreateChannel(*address, grpc::InsecureChannelCredentials()));
  image_service::StreamImagesRequest request;
  // Far more than the buffers between server and client hold.
  for (int i = 0; i < 2000; ++i) request.add_image_names("a.png");
  grpc::ClientContext stream_context;
  auto reader = stub->StreamImages(&stream_context, request);
  image_service::StreamImagesResponse message;
  ASSERT_TRUE(reader->Read(&message));

  const std::string new_image = testing::EncodeTestImage(50, 40, 3, ".png");
  dir.WriteFile("a.png", new_image);
  std::filesystem::remove(dir.path() + "/b.png");
  dir.WriteFile("c.png", testing::EncodeTestImage(9, 9, 1, ".png"));
  server.Signal(SIGHUP);
  ASSERT_TRUE(server.WaitForLine("rescanned: 2 images", absl::Seconds(30)))
      << server.out() << server.err();

  int read = 1;
  int old_bytes = message.image().content() == old_image;
  while (reader->Read(&message)) {
    ++read;
    old_bytes += message.image().content() == old_image;
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(read, 2000);
  EXPECT_EQ(old_bytes, 2000);

  grpc::ClientContext list_context;
  image_service::ListImagesResponse list;
  ASSERT_TRUE(
      stub->ListImages(&list_context, image_service::ListImagesRequest(), &list)
          .ok());
  ASSERT_EQ(list.images_size(), 2);
  EXPECT_EQ(list.images(0).name(), "a.png");
  EXPECT_EQ(list.images(0).size_in_bytes(),
            static_cast<int64_t>(new_image.size()));
  EXPECT_EQ(list.images(1).name(), "c.png");

  server.Signal(SIGTERM);
  EXPECT_EQ(server.WaitForExit(absl::Seconds(10)), 0);
  EXPECT_THAT(server.out(),
              HasSubstr("stopped after 1 streams: 1 sent in full, 0 ended "
                        "early, 0 refused, 0 failed; 2000 images sent"));
}

TEST(ServerProcessTest, SkippedFileNamesAreEscapedOnOneLine) {
  const std::string directory = image_testing::ScratchPath("forged_names");
  std::filesystem::create_directories(directory);
  std::filesystem::copy_file(std::string(IMAGES_DIR) + "/meadow_640x480.jpg",
                             directory + "/real.jpg");
  const std::string forged =
      "x\nimage_server: listening on 0.0.0.0:1, 999 images";
  { std::ofstream(directory + "/" + forged) << "not an image"; }
  ServerProcess started(SERVER_BINARY, {"--images_dir=" + directory});
  Subprocess& server = started.process();
  ASSERT_TRUE(started.WaitForAddress().has_value()) << server.err();
  ASSERT_TRUE(server.WaitForLine("listening on", absl::Seconds(5)));

  EXPECT_THAT(
      server.err(),
      HasSubstr("skipping 'x\\x0aimage_server: listening on 0.0.0.0:1"));
  EXPECT_EQ(server.err().find("\nimage_server: listening"), std::string::npos);
  EXPECT_EQ(server.out().find("0.0.0.0:1"), std::string::npos);
  server.Signal(SIGKILL);
  std::filesystem::remove_all(directory);
}

// PIDs whose parent is `parent`, from /proc.
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    // "pid (comm) state ppid ...": comm may hold spaces, so parse after ')'.
    const size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) children.push_back(std::stoi(name));
  }
  return children;
}

bool Alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const size_t close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 &&
         line[close + 2] != 'Z';
}

// A directory that takes seconds to index: many copies of the largest image.
class SlowToLoad {
 public:
  // One copy and hard links to it: the names cost no disk space.
  SlowToLoad() : path_(image_testing::ScratchPath("slow_to_load")) {
    std::filesystem::create_directories(path_);
    const std::string first = path_ + "/copy0.jpg";
    std::filesystem::copy_file(
        std::string(IMAGES_DIR) + "/glacier_hq_3840x2160.jpg", first);
    for (int i = 1; i < 150; ++i) {
      std::filesystem::create_hard_link(
          first, path_ + "/copy" + std::to_string(i) + ".jpg");
    }
  }
  ~SlowToLoad() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Waits until `server` has an image_prober child, i.e. it is indexing.
std::vector<pid_t> WaitForProbers(pid_t server) {
  for (int i = 0; i < 500; ++i) {
    std::vector<pid_t> children = ChildrenOf(server);
    if (!children.empty()) return children;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return {};
}

TEST(ServerProcessTest, ASignalWhileLoadingStopsAtOnce) {
  const SlowToLoad images;
  Subprocess server(SERVER_BINARY,
                    {"--address=127.0.0.1:0", "--images_dir=" + images.path(),
                     "--load_threads=1"});
  ASSERT_FALSE(WaitForProbers(server.pid()).empty()) << server.err();
  const absl::Time signalled = absl::Now();
  server.Signal(SIGTERM);
  const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(10));

  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 0) << server.err();
  EXPECT_LT(absl::Now() - signalled, absl::Seconds(1));
  EXPECT_THAT(server.out(), HasSubstr("SIGTERM received before listening"));
}

TEST(ServerProcessTest, ProbersDieWithAKilledServer) {
  const SlowToLoad images;
  Subprocess server(SERVER_BINARY,
                    {"--address=127.0.0.1:0", "--images_dir=" + images.path(),
                     "--load_threads=1"});
  const std::vector<pid_t> probers = WaitForProbers(server.pid());
  ASSERT_FALSE(probers.empty()) << server.err();
  server.Signal(SIGKILL);
  ASSERT_TRUE(server.WaitForExit(absl::Seconds(5)).has_value());

  bool any_alive = true;
  for (int i = 0; i < 100 && any_alive; ++i) {
    any_alive = false;
    for (const pid_t prober : probers) any_alive |= Alive(prober);
    if (any_alive) absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_FALSE(any_alive) << "an image_prober outlived its server";
}

}  // namespace
}  // namespace image_server
