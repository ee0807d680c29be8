// cpp_default_client: the client matrix's plain C++ peer client
// (docs/client-matrix-format.md). It is what a C++ user writes first: the
// generated synchronous stub, protobuf messages, one channel shared by the
// threads, and gRPC's default settings unless --settings=recommended.
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "clients/cpp-default/channel_settings.h"
#include "clients/cpp-default/client_options.h"
#include "clients/cpp-default/result_json.h"
#include "clients/cpp-default/scenario.h"
#include "clients/cpp-default/scenario_runner.h"
#include "common/command_line.h"
#include "common/file_io.h"
#include "common/grpc_status.h"
#include "common/one_line.h"
#include "grpcpp/grpcpp.h"
#include "image_service.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051",
          "host:port of the image server, plaintext.");
ABSL_FLAG(cpp_default_client::Settings, settings,
          cpp_default_client::Settings::kDefault,
          "'default': gRPC's defaults with only the receive limit raised to "
          "64 MiB; 'recommended': also 1 MiB HTTP/2 frames, no BDP probing "
          "and a 4 MiB stream window (lookahead).");
ABSL_FLAG(std::string, out, "",
          "Where to write the result JSON (schema image-client/1). Required.");
ABSL_FLAG(bool, quick, false, "Run the short scenario set, for tests and CI.");
ABSL_FLAG(std::optional<double>, min_time_s, std::nullopt,
          "Seconds each stream scenario repeats its calls for, at least one "
          "call per thread. Unset: 1.0, or 0.2 with --quick.");
ABSL_FLAG(std::optional<int>, list_calls, std::nullopt,
          "ListImages calls per concurrency level. Unset: 200, or 50 with "
          "--quick.");
ABSL_FLAG(bool, check, false,
          "Exit 0 at once: the client is built and can run here.");

namespace {

namespace client = cpp_default_client;

constexpr char kProgram[] = "cpp_default_client";
constexpr absl::Duration kConnectTimeout = absl::Seconds(5);
constexpr absl::Duration kListTimeout = absl::Seconds(10);

int Fail(absl::string_view message) {
  return image_common::FailWith(kProgram, message);
}

std::string Library() { return absl::StrCat("grpc++ ", grpc::Version()); }

std::string Runtime() {
#if defined(__clang__)
  return absl::StrCat("clang ", absl::StripAsciiWhitespace(__clang_version__),
                      ", C++", __cplusplus / 100 % 100);
#else
  return absl::StrCat("GCC ", __VERSION__, ", C++", __cplusplus / 100 % 100);
#endif
}

client::CommandLine FlagValues() {
  client::CommandLine given;
  given.target = absl::GetFlag(FLAGS_target);
  given.settings = absl::GetFlag(FLAGS_settings);
  given.out = absl::GetFlag(FLAGS_out);
  given.quick = absl::GetFlag(FLAGS_quick);
  given.min_time_s = absl::GetFlag(FLAGS_min_time_s);
  given.list_calls = absl::GetFlag(FLAGS_list_calls);
  return given;
}

// The names the streams ask for, from the server, in its order.
absl::StatusOr<std::vector<std::string>> ImageNames(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& target) {
  if (!channel->WaitForConnected(
          absl::ToChronoTime(absl::Now() + kConnectTimeout))) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", image_common::OneLine(target, 200),
                     " within ", absl::FormatDuration(kConnectTimeout),
                     " (is the server running? start it with ./run)"));
  }
  auto stub = image_service::ImageService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + kListTimeout));
  image_service::ListImagesResponse response;
  const grpc::Status status =
      stub->ListImages(&context, image_service::ListImagesRequest(), &response);
  if (!status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("the first ListImages failed: ",
                     image_common::DescribeGrpcStatus(status)));
  }
  if (response.image_names().empty()) {
    return absl::FailedPreconditionError("the server holds no images");
  }
  return std::vector<std::string>(response.image_names().begin(),
                                  response.image_names().end());
}

void PrintResult(const client::ScenarioResult& result) {
  const double wall = absl::ToDoubleSeconds(result.ended - result.started);
  std::printf(
      "%-6s concurrency %d, %4d images/stream: %6lld calls, %5lld "
      "errors, %9.1f images/s, %6.3f GB/s\n",
      client::ScenarioName(result.spec.rpc), result.spec.concurrency,
      result.spec.images_per_stream, static_cast<long long>(result.calls),
      static_cast<long long>(result.errors),
      wall > 0 ? result.images / wall : 0,
      wall > 0 ? result.bytes / wall / 1e9 : 0);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  image_common::HandleHelpAndVersion(
      argc, argv,
      {kProgram,
       "The client matrix's plain C++ peer client: runs the scenarios of "
       "docs/client-matrix-format.md against an image server through gRPC's "
       "generated synchronous stub on one channel, and writes what it "
       "measured as JSON.",
       "cpp_default_client --out=FILE [--target=HOST:PORT] "
       "[--settings=default|recommended] [--quick] [flags]"});
  const std::vector<char*> remaining = absl::ParseCommandLine(argc, argv);
  if (absl::Status extra = image_common::CheckNoArguments(remaining);
      !extra.ok()) {
    return Fail(extra.message());
  }
  if (absl::GetFlag(FLAGS_check)) {
    std::printf("available: %s, %s\n", Library().c_str(), Runtime().c_str());
    return 0;
  }
  absl::StatusOr<client::RunOptions> options =
      client::ResolveOptions(FlagValues());
  if (!options.ok()) return Fail(options.status().message());
  if (absl::Status path = client::CheckOutputPath(options->out); !path.ok()) {
    return Fail(path.message());
  }

  client::RunReport report;
  report.library = Library();
  report.runtime = Runtime();
  report.settings = options->settings;
  report.channel_options = client::ChannelSettingsFor(options->settings);
  report.target = options->target;
  report.notes =
      "generated synchronous stub (ClientReader for StreamImages), protobuf "
      "messages; the threads of each scenario share one channel";
  report.started = absl::Now();
  const std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(
      options->target, grpc::InsecureChannelCredentials(),
      client::ToChannelArguments(report.channel_options));
  absl::StatusOr<std::vector<std::string>> names =
      ImageNames(channel, options->target);
  if (!names.ok()) return Fail(names.status().message());
  report.images_in_set = static_cast<int>(names->size());

  client::ScenarioRunner runner(channel, *std::move(names));
  for (const client::ScenarioSpec& spec : client::ScenarioPlan(*options)) {
    report.results.push_back(runner.Run(spec));
    PrintResult(report.results.back());
  }
  report.ended = absl::Now();
  if (absl::Status written = image_common::WriteFileAtomically(
          options->out, client::ResultJson(report));
      !written.ok()) {
    return Fail(written.message());
  }
  std::printf("wrote %s\n", image_common::OneLine(options->out, 300).c_str());
  return 0;
}
