// image_prober: the server's child that decodes images with OpenCV. Reads
// probe requests on stdin and answers each on stdout (probe_wire.h) until
// stdin closes. Keeping OpenCV here keeps its libraries (GDAL and its
// dependencies come with Debian's imgcodecs) out of the server's memory, and
// a decoder crash on a hostile file costs a child, not the server.
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/command_line.h"
#include "server/image_probe.h"
#include "server/probe_wire.h"

int main(int argc, char** argv) {
  image_common::HandleHelpAndVersion(
      argc, argv,
      {"image_prober",
       "The image decoder child of image_server: reads probe requests on "
       "stdin, answers each on stdout, and exits when stdin closes. "
       "image_server starts it; there is no need to run it by hand.",
       "image_prober < requests > replies"});
  if (argc > 1) {
    return image_common::FailWith(
        "image_prober",
        absl::StrCat("unexpected argument '", argv[1],
                     "' (it takes none: image_server starts it)"));
  }
  // The server may be killed while it indexes; its probers must not go on
  // decoding as orphans.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) return 0;  // It died before the line above.
  while (true) {
    absl::StatusOr<std::optional<std::string>> request =
        image_server::ReadProbeRequest(0);
    if (!request.ok()) {
      return image_common::FailWith("image_prober", request.status().message());
    }
    if (!request->has_value()) return 0;
    if (!image_server::WriteProbeReply(1, image_server::ProbeImage(**request))
             .ok()) {
      return 1;
    }
  }
}
