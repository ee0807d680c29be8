// Throwaway certificates for the TLS tests, made at test time with the openssl
// command line (no key or certificate is committed): two unrelated CAs, server
// certificates and client certificates.
#ifndef TESTING_TEST_CERTIFICATES_H_
#define TESTING_TEST_CERTIFICATES_H_

#include <string>

#include "absl/status/statusor.h"

namespace image_testing {

// Paths of a PEM certificate and its PEM private key.
struct CertificateFiles {
  std::string cert;
  std::string key;
};

struct TestCertificates {
  // The directory that holds them all; RemoveTestCertificates deletes it.
  std::string dir;
  // The CA that issued `server`, `renamed_server` and `client`.
  std::string ca;
  // A CA that issued nothing the others trust: `other_client` only.
  std::string other_ca;
  // For "localhost", 127.0.0.1 and ::1 (subject alternative names).
  CertificateFiles server;
  // For kRenamedServerName only: a client must ask for that name.
  CertificateFiles renamed_server;
  // Client certificates, issued by `ca` and by `other_ca`.
  CertificateFiles client;
  CertificateFiles other_client;
};

inline constexpr char kRenamedServerName[] = "images.test";

// Runs /usr/bin/openssl to make them all in a fresh scratch directory named
// after `name`. Errors carry the failing command's stderr.
absl::StatusOr<TestCertificates> MakeTestCertificates(const std::string& name);

void RemoveTestCertificates(const TestCertificates& certificates);

}  // namespace image_testing

#endif  // TESTING_TEST_CERTIFICATES_H_
