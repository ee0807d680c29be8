// image_prober: the server's child that decodes images with OpenCV. Reads
// probe requests on stdin and answers each on stdout (probe_wire.h) until
// stdin closes. Keeping OpenCV here keeps its ~35 MB of libraries (GDAL and
// its dependencies come with Debian's imgcodecs) out of the server's memory,
// and a decoder crash on a hostile file costs a child, not the server.
#include <cstdio>

#include "server/image_probe.h"
#include "server/probe_wire.h"

int main() {
  while (true) {
    absl::StatusOr<std::optional<std::string>> request =
        image_server::ReadProbeRequest(0);
    if (!request.ok()) {
      std::fprintf(stderr, "image_prober: %s\n",
                   std::string(request.status().message()).c_str());
      return 1;
    }
    if (!request->has_value()) return 0;
    if (!image_server::WriteProbeReply(1, image_server::ProbeImage(**request))
             .ok()) {
      return 1;
    }
  }
}
