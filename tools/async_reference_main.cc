// async_reference_server: serves a directory like image_server, but from an
// asynchronous grpc++ server (see async_reference_server.h). Point image_bench
// at it to see gRPC's own ceiling on this machine.
#include <signal.h>

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "server/image_probe.h"
#include "server/image_store.h"
#include "tools/async_reference_server.h"

ABSL_FLAG(std::string, address, "127.0.0.1:50052",
          "host:port to listen on; port 0 picks a free port.");
ABSL_FLAG(std::string, images_dir, "images", "Directory of images to serve.");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "An asynchronous reference ImageService server: gRPC's ceiling, not "
      "the product.\nUsage: async_reference_server [--address=...] "
      "[--images_dir=...]");
  absl::ParseCommandLine(argc, argv);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  image_server::LoadOptions options;
  options.make_prober = image_server::InProcessProber();
  absl::StatusOr<image_server::ImageStore> store =
      image_server::ImageStore::Load(absl::GetFlag(FLAGS_images_dir), options);
  if (!store.ok()) {
    std::fprintf(stderr, "async_reference_server: %s\n",
                 std::string(store.status().message()).c_str());
    return 1;
  }
  const std::string address = absl::GetFlag(FLAGS_address);
  absl::StatusOr<std::unique_ptr<image_tools::AsyncReferenceServer>> server =
      image_tools::AsyncReferenceServer::Start(&*store, address);
  if (!server.ok()) {
    std::fprintf(stderr, "async_reference_server: %s\n",
                 std::string(server.status().message()).c_str());
    return 1;
  }
  std::printf(
      "async_reference_server: listening on %s:%d, %zu images, %.1f MB "
      "(asynchronous reference, not image_server)\n",
      address.substr(0, address.rfind(':')).c_str(), (*server)->port(),
      store->images().size(), store->total_bytes() / 1e6);
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  return 0;
}
