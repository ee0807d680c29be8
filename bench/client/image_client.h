// Connections to the image server under test, and the one-off calls the bench
// makes before measuring: which images exist, and a reference copy of each.
#ifndef BENCH_CLIENT_IMAGE_CLIENT_H_
#define BENCH_CLIENT_IMAGE_CLIENT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/grpc_args.h"
#include "common/tls_credentials.h"
#include "grpcpp/grpcpp.h"
#include "image_service.pb.h"

namespace image_bench {

struct ChannelOptions {
  std::string target = "127.0.0.1:50051";
  absl::Duration connect_timeout = absl::Seconds(5);
  // Extra channel arguments (--grpc_arg), applied last so they win.
  std::vector<image_common::GrpcArg> grpc_args;
  // TLS (--tls_ca ...); nullopt connects in plaintext. Every channel the
  // bench opens uses it, the gRPC floor's too, so that ratios to the floor
  // compare like with like.
  std::optional<image_common::ChannelTls> tls;
};

// Opens `count` channels, each on a TCP connection of its own, and waits until
// every one is connected. UnavailableError naming the target otherwise.
absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> ConnectChannels(
    const ChannelOptions& options, int count);

absl::StatusOr<image_service::ListImagesResponse> ListImages(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout);

// Streams each of `names` once.
absl::StatusOr<std::vector<image_service::Image>> FetchImages(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::string>& names, absl::Duration timeout);

// The server's process CPU time, from a ListImages call's trailing metadata;
// nullopt when the server does not report it (or the call fails).
std::optional<absl::Duration> ServerCpuTime(
    const std::shared_ptr<grpc::Channel>& channel);

// This process's CPU time, all threads.
absl::Duration ProcessCpuTime();

// True for 127.0.0.0/8, ::1 and localhost targets, with or without a
// scheme such as "ipv4:" or "dns:///".
bool IsLoopbackTarget(const std::string& target);

}  // namespace image_bench

#endif  // BENCH_CLIENT_IMAGE_CLIENT_H_
