// async_reference_server: serves a directory like image_server, but from an
// asynchronous grpc++ server (see async_reference_server.h). Point image_bench
// at it to see gRPC's own ceiling on this machine.
#include <signal.h>

#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "common/command_line.h"
#include "common/port_file.h"
#include "common/shutdown_signals.h"
#include "common/tls_credentials.h"
#include "server/image_probe.h"
#include "server/image_store.h"
#include "tools/async_reference_server.h"

ABSL_FLAG(std::string, address, "127.0.0.1:50052",
          "host:port to listen on; port 0 picks a free port.");
ABSL_FLAG(std::string, images_dir, "images", "Directory of images to serve.");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain: listen with TLS, as image_server does. "
          "Needs --tls_key.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM roots that client certificates must chain to (required and "
          "verified). Needs --tls_cert and --tls_key.");
ABSL_FLAG(std::string, port_file, "",
          "Once listening, write the address actually bound (e.g. "
          "127.0.0.1:43117, newline-terminated) to this file, replacing it "
          "whole.");

namespace {

constexpr char kProgram[] = "async_reference_server";

int Fail(absl::string_view message) {
  return image_common::FailWith(kProgram, message);
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread starts (gRPC's among them), so that every thread
  // inherits the mask and SIGTERM reaches the wait below, not the default
  // action.
  const sigset_t signals = image_common::BlockShutdownSignals();
  image_common::HandleHelpAndVersion(
      argc, argv,
      {kProgram,
       "Serves a directory like image_server, but from one asynchronous "
       "thread: a yardstick for gRPC's ceiling on this machine, not the "
       "product. Health/Check answers SERVING; no Watch, reflection or "
       "calibration.",
       "async_reference_server [--address=HOST:PORT] [--images_dir=DIR] "
       "[--tls_cert=FILE --tls_key=FILE]"});
  absl::ParseCommandLine(argc, argv);
  absl::StatusOr<std::optional<image_common::ServerTls>> tls =
      image_common::LoadServerTls({absl::GetFlag(FLAGS_tls_cert),
                                   absl::GetFlag(FLAGS_tls_key),
                                   absl::GetFlag(FLAGS_tls_client_ca)});
  if (!tls.ok()) return Fail(tls.status().message());
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (absl::Status cleared = image_common::ClearPortFile(port_file);
      !cleared.ok()) {
    return Fail(cleared.message());
  }
  image_server::LoadOptions options;
  options.make_prober = image_server::InProcessProber();
  absl::StatusOr<image_server::ImageStore> store =
      image_server::ImageStore::Load(absl::GetFlag(FLAGS_images_dir), options);
  if (!store.ok()) return Fail(store.status().message());
  const std::string address = absl::GetFlag(FLAGS_address);
  absl::StatusOr<std::unique_ptr<image_tools::AsyncReferenceServer>> server =
      image_tools::AsyncReferenceServer::Start(
          &*store, address, tls->has_value() ? (*tls)->credentials : nullptr);
  if (!server.ok()) return Fail(server.status().message());
  const std::string bound = absl::StrCat(address.substr(0, address.rfind(':')),
                                         ":", (*server)->port());
  if (absl::Status written = image_common::WritePortFile(port_file, bound);
      !written.ok()) {
    return Fail(written.message());
  }
  const std::string transport =
      tls->has_value()
          ? absl::StrCat(" (", image_common::DescribeServerTls(**tls), ")")
          : "";
  std::printf(
      "async_reference_server: listening on %s%s, %zu images, %.1f MB "
      "(asynchronous reference, not image_server)\n",
      bound.c_str(), transport.c_str(), store->images().size(),
      store->total_bytes() / 1e6);
  std::fflush(stdout);
  image_common::WaitForShutdownSignal(signals);
  std::printf("async_reference_server: stopped; %lld images sent\n",
              static_cast<long long>((*server)->images_sent()));
  return 0;
}
