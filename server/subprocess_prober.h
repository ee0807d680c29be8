// A Prober that asks an image_prober child process (prober_main.cc) to decode
// the bytes, so the server itself never loads OpenCV. A child that dies on a
// file (a decoder crash) makes that file skipped, and the next file gets a
// fresh child.
#ifndef SERVER_SUBPROCESS_PROBER_H_
#define SERVER_SUBPROCESS_PROBER_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "server/prober.h"

namespace image_server {

class SubprocessProber final : public Prober {
 public:
  // Starts `binary`; UnavailableError naming it when it cannot run.
  static absl::StatusOr<std::unique_ptr<SubprocessProber>> Start(
      const std::string& binary);
  ~SubprocessProber() override;

  absl::StatusOr<ImageMetadata> Probe(absl::string_view bytes) override;

 private:
  explicit SubprocessProber(std::string binary) : binary_(std::move(binary)) {}
  absl::Status Spawn();
  void Stop();

  const std::string binary_;
  pid_t pid_ = -1;
  int socket_ = -1;
};

// Each loading thread gets its own child.
ProberFactory SubprocessProberFactory(const std::string& binary);

// image_prober next to the running executable.
std::string ProberNextToThisProgram();

}  // namespace image_server

#endif  // SERVER_SUBPROCESS_PROBER_H_
