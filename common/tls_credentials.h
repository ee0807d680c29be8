// TLS credentials from PEM files named on the command line, for the servers
// (image_server, async_reference_server: --tls_cert, --tls_key,
// --tls_client_ca) and for the bench's channels (image_bench: --tls_ca,
// --tls_server_name, --tls_cert, --tls_key). Plaintext is what an empty set
// of files means.
//
// Every file is checked when it is loaded: readable, at most kMaxPemBytes,
// PEM of the expected kind, and the private key belonging to the first
// certificate of its chain. gRPC 1.51 checks none of this when credentials
// are made; a server finds out only in BuildAndStart (after the images have
// loaded, which can take minutes) and reports a handshaker-factory error
// code, and a client only when a connection fails. So the checks here use
// OpenSSL's own PEM and X.509 parsing (libcrypto, which gRPC links anyway) to
// fail at once with a line naming the flag and the file.
#ifndef COMMON_TLS_CREDENTIALS_H_
#define COMMON_TLS_CREDENTIALS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace image_common {

// A certificate chain or a CA bundle is a few kilobytes; the system's whole
// bundle of public roots is a few hundred. Anything larger is not PEM meant
// for us.
inline constexpr int64_t kMaxPemBytes = 1 << 20;

// Paths as given to a server's flags; empty means not given.
struct ServerTlsFiles {
  // --tls_cert: the server's certificate, then any intermediates.
  std::string cert;
  // --tls_key: the private key of the first certificate in `cert`.
  std::string key;
  // --tls_client_ca: roots that client certificates must chain to. When
  // given, a client without such a certificate is refused in the handshake.
  std::string client_ca;
};

struct ServerTls {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  bool client_certificates_required = false;
};

// nullopt when no file is given: the server listens in plaintext. Errors
// (InvalidArgument, or the file's read error) name the flag and the file:
// only one of cert and key, --tls_client_ca without them, a file that cannot
// be read, is too large or holds no PEM of its kind, or a key that does not
// belong to the certificate.
absl::StatusOr<std::optional<ServerTls>> LoadServerTls(
    const ServerTlsFiles& files);

// For the start-up line: "TLS" or "TLS, client certificates required".
std::string DescribeServerTls(const ServerTls& tls);

// Paths and the name as given to the bench's flags; empty means not given.
struct ChannelTlsFiles {
  // --tls_ca: the roots the server's certificate must chain to.
  std::string ca;
  // --tls_server_name: the name to expect in the server's certificate
  // instead of the target's host.
  std::string server_name;
  // --tls_cert and --tls_key: a client certificate, for servers that require
  // one (--tls_client_ca).
  std::string cert;
  std::string key;
};

struct ChannelTls {
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // Empty: the target's host is the name checked.
  std::string server_name;
  bool client_certificate = false;
};

// nullopt when no flag is given: plaintext channels. Every other flag needs
// --tls_ca (the bench never trusts the system's roots silently); cert and
// key come together. Errors as for LoadServerTls.
absl::StatusOr<std::optional<ChannelTls>> LoadChannelTls(
    const ChannelTlsFiles& files);

// Applies what a channel needs besides its credentials (the name override).
void ApplyChannelTls(const ChannelTls& tls, grpc::ChannelArguments* arguments);

// For the bench's context line: "TLS", "TLS, name images.test" or
// "TLS, name images.test, client certificate".
std::string DescribeChannelTls(const ChannelTls& tls);

}  // namespace image_common

#endif  // COMMON_TLS_CREDENTIALS_H_
