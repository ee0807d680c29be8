#include "testing/test_certificates.h"

#include <filesystem>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/file_io.h"
#include "testing/scratch_path.h"
#include "testing/subprocess.h"

namespace image_testing {
namespace {

constexpr char kOpenssl[] = "/usr/bin/openssl";

absl::Status RunOpenssl(const std::vector<std::string>& args) {
  Subprocess openssl(kOpenssl, args);
  if (!openssl.started()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot run ", kOpenssl, " (install Debian's openssl)"));
  }
  const std::optional<int> exit_code = openssl.WaitForExit(absl::Seconds(60));
  if (exit_code != 0) {
    return absl::InternalError(absl::StrCat(
        "openssl ", absl::StrJoin(args, " "), " failed: ", openssl.err()));
  }
  return absl::OkStatus();
}

// A fresh P-256 key (fast to make, and what gRPC's own tests use) and a
// signing request for `common_name`.
absl::Status NewKeyAndRequest(const std::string& base,
                              const std::string& common_name) {
  return RunOpenssl({"req", "-new", "-newkey", "ec", "-pkeyopt",
                     "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                     base + ".key", "-out", base + ".csr", "-subj",
                     "/CN=" + common_name});
}

// Extensions come from a file of our own rather than openssl.cnf, so that the
// certificates do not depend on the machine's defaults.
absl::Status WriteExtensions(const std::string& base,
                             const std::string& extensions) {
  return image_common::WriteFile(base + ".ext", extensions);
}

absl::StatusOr<std::string> MakeCa(const std::string& dir,
                                   const std::string& name) {
  const std::string base = dir + "/" + name;
  if (absl::Status made = NewKeyAndRequest(base, name); !made.ok()) return made;
  if (absl::Status written =
          WriteExtensions(base,
                          "basicConstraints=critical,CA:TRUE\n"
                          "keyUsage=critical,keyCertSign,cRLSign\n"
                          "subjectKeyIdentifier=hash\n");
      !written.ok()) {
    return written;
  }
  if (absl::Status signed_ = RunOpenssl(
          {"x509", "-req", "-in", base + ".csr", "-signkey", base + ".key",
           "-days", "2", "-extfile", base + ".ext", "-out", base + ".pem"});
      !signed_.ok()) {
    return signed_;
  }
  return base + ".pem";
}

// A certificate for `common_name` with `extensions`, issued by the CA whose
// files are `ca_base`.pem and .key.
absl::StatusOr<CertificateFiles> MakeLeaf(const std::string& dir,
                                          const std::string& name,
                                          const std::string& common_name,
                                          const std::string& extensions,
                                          const std::string& ca_base,
                                          int serial) {
  const std::string base = dir + "/" + name;
  if (absl::Status made = NewKeyAndRequest(base, common_name); !made.ok()) {
    return made;
  }
  if (absl::Status written = WriteExtensions(
          base, absl::StrCat("basicConstraints=critical,CA:FALSE\n"
                             "keyUsage=critical,digitalSignature\n",
                             extensions));
      !written.ok()) {
    return written;
  }
  if (absl::Status signed_ = RunOpenssl(
          {"x509", "-req", "-in", base + ".csr", "-CA", ca_base + ".pem",
           "-CAkey", ca_base + ".key", "-set_serial", absl::StrCat(serial),
           "-days", "2", "-extfile", base + ".ext", "-out", base + ".pem"});
      !signed_.ok()) {
    return signed_;
  }
  return CertificateFiles{base + ".pem", base + ".key"};
}

}  // namespace

absl::StatusOr<TestCertificates> MakeTestCertificates(const std::string& name) {
  TestCertificates made;
  made.dir = ScratchPath(name);
  std::error_code error;
  std::filesystem::remove_all(made.dir, error);
  if (!std::filesystem::create_directories(made.dir, error)) {
    return absl::InternalError(
        absl::StrCat("cannot create '", made.dir, "': ", error.message()));
  }
  absl::StatusOr<std::string> ca = MakeCa(made.dir, "ca");
  if (!ca.ok()) return ca.status();
  absl::StatusOr<std::string> other_ca = MakeCa(made.dir, "other_ca");
  if (!other_ca.ok()) return other_ca.status();
  made.ca = *ca;
  made.other_ca = *other_ca;

  const std::string ca_base = made.dir + "/ca";
  const std::string other_ca_base = made.dir + "/other_ca";
  const struct {
    CertificateFiles* files;
    const char* name;
    std::string common_name;
    std::string extensions;
    const std::string& issuer;
  } leaves[] = {
      {&made.server, "server", "localhost",
       "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n"
       "extendedKeyUsage=serverAuth\n",
       ca_base},
      {&made.renamed_server, "renamed_server", kRenamedServerName,
       absl::StrCat("subjectAltName=DNS:", kRenamedServerName,
                    "\nextendedKeyUsage=serverAuth\n"),
       ca_base},
      {&made.client, "client", "image-test-client",
       "extendedKeyUsage=clientAuth\n", ca_base},
      {&made.other_client, "other_client", "image-test-client",
       "extendedKeyUsage=clientAuth\n", other_ca_base},
  };
  int serial = 2;
  for (const auto& leaf : leaves) {
    absl::StatusOr<CertificateFiles> files =
        MakeLeaf(made.dir, leaf.name, leaf.common_name, leaf.extensions,
                 leaf.issuer, serial++);
    if (!files.ok()) return files.status();
    *leaf.files = *std::move(files);
  }
  return made;
}

void RemoveTestCertificates(const TestCertificates& certificates) {
  std::error_code ignored;
  std::filesystem::remove_all(certificates.dir, ignored);
}

}  // namespace image_testing
