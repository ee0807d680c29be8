// The command-line front door every binary of the project shares:
//  - `--help` lists the binary's own flags, with help text and defaults.
//    (absl 20220623's `--help` lists only flags defined in a file named after
//    the program, and Google Benchmark's Initialize answers `--help` itself.)
//  - `--version` prints the project version and the gRPC, protobuf and OpenCV
//    versions the binary was compiled against.
//  - A bad flag or path ends the program with one readable line.
#ifndef COMMON_COMMAND_LINE_H_
#define COMMON_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace image_common {

struct ProgramInfo {
  // The binary's name, e.g. "image_server"; it starts every line printed.
  std::string name;
  // What the program does, one or two sentences.
  std::string description;
  // A synopsis, e.g. "image_server [--address=HOST:PORT] [--images_dir=DIR]".
  std::string usage;
};

// Call first in main, before absl::ParseCommandLine and before
// benchmark::Initialize. Sets absl's usage message and version string from
// `info`. With --help (or -h, --helpshort) prints HelpText(info), then
// calls `more_help` if given (image_bench: gbench's flags), and exits 0.
// With --version prints VersionText and exits 0. Returns otherwise.
// --helpfull is left to absl: it lists every flag linked in.
void HandleHelpAndVersion(int argc, char** argv, const ProgramInfo& info,
                          void (*more_help)() = nullptr);

// The description, the synopsis and every flag defined in this project's
// sources (not gRPC's, absl's or gbench's), sorted by name.
std::string HelpText(const ProgramInfo& info);

// "image_server 0.9.0 (gRPC 1.51.1, protobuf 3.21.12, OpenCV 4.6.0)".
std::string VersionText(absl::string_view program);

// What absl::ParseCommandLine left besides the program name, for binaries
// that take flags only: InvalidArgument naming the first such argument.
absl::Status CheckNoArguments(const std::vector<char*>& remaining);

// Prints "<program>: <OneLine(message)>" to stderr and returns 1, the exit
// code for a bad flag, path or input: `return FailWith("x", "...");`.
int FailWith(absl::string_view program, absl::string_view message);

}  // namespace image_common

#endif  // COMMON_COMMAND_LINE_H_
