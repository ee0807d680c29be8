#include "common/command_line.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/one_line.h"
#include "google/protobuf/stubs/common.h"
#include "grpcpp/version_info.h"
#include "opencv2/core/version.hpp"

namespace image_common {
namespace {

constexpr size_t kHelpWidth = 100;

// absl may strip the leading '/' of the path the compiler gave (its default
// normalize_filename), so both sides are compared without it.
bool IsOwnFlagFile(absl::string_view file) {
  absl::string_view root = IMAGE_SOURCE_ROOT;
  absl::ConsumePrefix(&root, "/");
  absl::ConsumePrefix(&file, "/");
  return absl::StartsWith(file, root);
}

std::string ProtobufVersion() {
  constexpr int kVersion = GOOGLE_PROTOBUF_VERSION;
  return absl::StrCat(kVersion / 1000000, ".", kVersion / 1000 % 1000, ".",
                      kVersion % 1000);
}

// `text` wrapped to kHelpWidth columns, each line indented by `indent`.
std::string Wrapped(absl::string_view text, size_t indent) {
  std::string out;
  std::string line(indent, ' ');
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (line.size() > indent && line.size() + 1 + word.size() > kHelpWidth) {
      absl::StrAppend(&out, line, "\n");
      line.assign(indent, ' ');
    }
    if (line.size() > indent) line += ' ';
    absl::StrAppend(&line, word);
  }
  if (line.size() > indent) absl::StrAppend(&out, line, "\n");
  return out;
}

std::string FlagEntry(const absl::CommandLineFlag& flag) {
  const std::string fallback = flag.DefaultValue();
  const std::string shown = flag.IsOfType<std::string>()
                                ? absl::StrCat("\"", fallback, "\"")
                                : (fallback.empty() ? "none" : fallback);
  return absl::StrCat("  --", flag.Name(), " (default ", shown, ")\n",
                      Wrapped(flag.Help(), 6));
}

bool Given(int argc, char** argv,
           std::initializer_list<absl::string_view> any) {
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") return false;  // What follows is not a flag.
    for (absl::string_view name : any) {
      if (arg == name) return true;
    }
  }
  return false;
}

}  // namespace

std::string HelpText(const ProgramInfo& info) {
  std::vector<const absl::CommandLineFlag*> own;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (IsOwnFlagFile(flag->Filename())) own.push_back(flag);
  }
  std::sort(own.begin(), own.end(),
            [](const auto* a, const auto* b) { return a->Name() < b->Name(); });
  std::string text =
      absl::StrCat(Wrapped(info.description, 0), "\nUsage: ", info.usage,
                   "\n\nFlags of ", info.name, ":\n");
  for (const absl::CommandLineFlag* flag : own) {
    absl::StrAppend(&text, FlagEntry(*flag));
  }
  if (own.empty()) absl::StrAppend(&text, "  (none)\n");
  absl::StrAppend(&text,
                  "  --help     this text\n"
                  "  --version  the versions this binary was built with\n"
                  "  --helpfull every flag linked in, gRPC's and absl's too\n");
  return text;
}

std::string VersionText(absl::string_view program) {
  return absl::StrCat(program, " ", IMAGE_PROJECT_VERSION, " (gRPC ",
                      GRPC_CPP_VERSION_STRING, ", protobuf ", ProtobufVersion(),
                      ", OpenCV ", CV_VERSION, ")");
}

void HandleHelpAndVersion(int argc, char** argv, const ProgramInfo& info,
                          void (*more_help)()) {
  absl::SetProgramUsageMessage(
      absl::StrCat(info.description, "\nUsage: ", info.usage));
  absl::FlagsUsageConfig config;
  config.contains_helpshort_flags = IsOwnFlagFile;
  config.contains_help_flags = IsOwnFlagFile;
  const std::string version = VersionText(info.name);
  config.version_string = [version] { return version + "\n"; };
  absl::SetFlagsUsageConfig(config);
  if (Given(argc, argv, {"--help", "-help", "-h", "--helpshort"})) {
    std::fputs(HelpText(info).c_str(), stdout);
    if (more_help != nullptr) {
      std::fputs("\n", stdout);
      std::fflush(stdout);
      more_help();
    }
    std::fflush(stdout);
    std::exit(0);
  }
  if (Given(argc, argv, {"--version", "-version"})) {
    std::printf("%s\n", version.c_str());
    std::exit(0);
  }
}

absl::Status CheckNoArguments(const std::vector<char*>& remaining) {
  if (remaining.size() <= 1) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("unexpected argument '", remaining[1], "'"));
}

int FailWith(absl::string_view program, absl::string_view message) {
  std::fprintf(stderr, "%s: %s\n", std::string(program).c_str(),
               OneLine(message).c_str());
  return 1;
}

}  // namespace image_common
