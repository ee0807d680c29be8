#include "bench/client/image_client.h"

#include <time.h>

#include <algorithm>
#include <chrono>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/grpc_status.h"
#include "common/metadata_keys.h"
#include "common/one_line.h"
#include "image_service.grpc.pb.h"

namespace image_bench {
namespace {

std::chrono::system_clock::time_point DeadlineAfter(absl::Duration timeout) {
  return absl::ToChronoTime(absl::Now() + timeout);
}

// With gRPC's BDP probing and several streams in flight, the client's windows
// grow until it holds hundreds of MB of unread images; every read then faults
// in fresh pages and the bench, not the server, becomes the bottleneck. A
// fixed 4 MiB window per stream avoids that. Frames of up to 1 MiB instead
// of HTTP/2's 16 KiB default (the server sends what the client allows) cost
// one stream fewer frames per image. docs/performance.md has the figures;
// --grpc_arg overrides any of these.
void SetDefaultTransportArgs(const std::vector<image_common::GrpcArg>& given,
                             grpc::ChannelArguments* arguments) {
  const auto is_given = [&](absl::string_view key) {
    return std::any_of(
        given.begin(), given.end(),
        [&](const image_common::GrpcArg& arg) { return arg.key == key; });
  };
  if (!is_given(GRPC_ARG_HTTP2_BDP_PROBE)) {
    arguments->SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  }
  if (!is_given(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES)) {
    arguments->SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 4 << 20);
  }
  if (!is_given(GRPC_ARG_HTTP2_MAX_FRAME_SIZE)) {
    arguments->SetInt(GRPC_ARG_HTTP2_MAX_FRAME_SIZE, 1 << 20);
  }
}

// A TLS connection fails for reasons the user must see (an untrusted or
// misnamed certificate, a plaintext server), and only a failed call says
// which: gRPC's connectivity state does not.
absl::Status ConnectError(const ChannelOptions& options,
                          const std::shared_ptr<grpc::Channel>& channel) {
  if (!options.tls.has_value()) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", options.target, " within ",
                     absl::FormatDuration(options.connect_timeout),
                     " (is the server running? start it with ./run)"));
  }
  auto stub = image_service::ImageService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(DeadlineAfter(absl::Seconds(1)));
  image_service::ListImagesResponse response;
  const grpc::Status status =
      stub->ListImages(&context, image_service::ListImagesRequest(), &response);
  return absl::UnavailableError(absl::StrCat(
      "cannot connect to ", options.target, " with ",
      image_common::DescribeChannelTls(*options.tls), " within ",
      absl::FormatDuration(options.connect_timeout), ": ",
      image_common::OneLine(status.error_message(), 400),
      " (is the server running with TLS, with a certificate from --tls_ca "
      "for the target's host or --tls_server_name? If it requires client "
      "certificates, give --tls_cert and --tls_key)"));
}

}  // namespace

std::optional<absl::Duration> ServerCpuTime(
    const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = image_service::ImageService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(DeadlineAfter(absl::Seconds(5)));
  context.AddMetadata(image_common::kWantServerCpuKey, "1");
  image_service::ListImagesResponse response;
  if (!stub->ListImages(&context, image_service::ListImagesRequest(), &response)
           .ok()) {
    return std::nullopt;
  }
  const auto& trailers = context.GetServerTrailingMetadata();
  const auto found = trailers.find(image_common::kServerCpuNanosKey);
  int64_t nanos = 0;
  if (found == trailers.end() ||
      !absl::SimpleAtoi(
          absl::string_view(found->second.data(), found->second.size()),
          &nanos)) {
    return std::nullopt;
  }
  return absl::Nanoseconds(nanos);
}

absl::Duration ProcessCpuTime() {
  timespec now;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return absl::DurationFromTimespec(now);
}

bool IsLoopbackTarget(const std::string& target) {
  absl::string_view host = target;
  for (absl::string_view scheme : {"dns:///", "dns:", "ipv4:", "ipv6:"}) {
    if (absl::ConsumePrefix(&host, scheme)) break;
  }
  return absl::StartsWith(host, "127.") || absl::StartsWith(host, "[::1]") ||
         absl::StartsWith(host, "localhost:") || host == "localhost";
}

absl::StatusOr<std::vector<std::shared_ptr<grpc::Channel>>> ConnectChannels(
    const ChannelOptions& options, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments arguments;
    // Images can be larger than gRPC's 4 MiB default.
    arguments.SetMaxReceiveMessageSize(-1);
    // Channels with equal arguments would share one connection.
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    arguments.SetInt("image_bench.channel", i);
    SetDefaultTransportArgs(options.grpc_args, &arguments);
    if (options.tls.has_value()) {
      image_common::ApplyChannelTls(*options.tls, &arguments);
    }
    image_common::ApplyGrpcArgs(options.grpc_args, &arguments);
    channels.push_back(grpc::CreateCustomChannel(
        options.target,
        options.tls.has_value() ? options.tls->credentials
                                : grpc::InsecureChannelCredentials(),
        arguments));
  }
  const auto deadline = DeadlineAfter(options.connect_timeout);
  for (const auto& channel : channels) {
    if (!channel->WaitForConnected(deadline)) {
      return ConnectError(options, channel);
    }
  }
  return channels;
}

absl::StatusOr<image_service::ListImagesResponse> ListImages(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  auto stub = image_service::ImageService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(DeadlineAfter(timeout));
  image_service::ListImagesResponse response;
  const grpc::Status status =
      stub->ListImages(&context, image_service::ListImagesRequest(), &response);
  if (!status.ok()) return image_common::ToAbslStatus(status);
  return response;
}

absl::StatusOr<std::vector<image_service::Image>> FetchImages(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::vector<std::string>& names, absl::Duration timeout) {
  auto stub = image_service::ImageService::NewStub(channel);
  image_service::StreamImagesRequest request;
  for (const std::string& name : names) request.add_image_names(name);
  grpc::ClientContext context;
  context.set_deadline(DeadlineAfter(timeout));
  auto reader = stub->StreamImages(&context, request);
  std::vector<image_service::Image> images;
  image_service::StreamImagesResponse response;
  while (reader->Read(&response)) {
    images.push_back(std::move(*response.mutable_image()));
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return image_common::ToAbslStatus(status);
  if (images.size() != names.size()) {
    return absl::DataLossError(absl::StrCat(
        "asked for ", names.size(), " images, received ", images.size()));
  }
  return images;
}

}  // namespace image_bench
