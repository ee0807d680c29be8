#include "common/tls_credentials.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/file_io.h"

namespace image_common {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Certificate = std::unique_ptr<X509, X509Free>;
using PrivateKey = std::unique_ptr<EVP_PKEY, KeyFree>;

std::unique_ptr<BIO, BioFree> ReadOnlyBio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// OpenSSL would otherwise prompt on the terminal for an encrypted key's
// passphrase; gRPC cannot use such a key anyway.
int NoPassphrase(char*, int, int, void*) { return -1; }

// The certificates of `pem` in order; PEM blocks of other kinds are skipped,
// as gRPC skips them.
std::vector<Certificate> Certificates(const std::string& pem) {
  std::vector<Certificate> certificates;
  const auto bio = ReadOnlyBio(pem);
  while (X509* certificate =
             PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr)) {
    certificates.emplace_back(certificate);
  }
  // Reaching the end of the data is reported as an error too; it must not
  // be left for gRPC's own OpenSSL calls on this thread to find.
  ERR_clear_error();
  return certificates;
}

PrivateKey ReadPrivateKey(const std::string& pem) {
  const auto bio = ReadOnlyBio(pem);
  PrivateKey key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  ERR_clear_error();
  return key;
}

bool HoldsPrivateKey(const std::string& pem) {
  return absl::StrContains(pem, "PRIVATE KEY-----");
}

// A PEM file named by `flag`, read with a bound.
struct PemFile {
  std::string flag;
  std::string path;
  std::string pem;
};

absl::StatusOr<PemFile> ReadPem(const std::string& flag,
                                const std::string& path) {
  absl::StatusOr<std::string> pem = ReadFile(path, kMaxPemBytes);
  if (!pem.ok()) {
    return absl::Status(pem.status().code(),
                        absl::StrCat(flag, ": ", pem.status().message()));
  }
  return PemFile{flag, path, *std::move(pem)};
}

absl::Status NotPem(const PemFile& file, absl::string_view expected) {
  std::string hint;
  if (expected != "private key" && HoldsPrivateKey(file.pem)) {
    hint = " (it holds a private key: are --tls_cert and --tls_key swapped?)";
  }
  return absl::InvalidArgumentError(absl::StrCat(
      file.flag, " '", file.path, "' holds no PEM ", expected, hint));
}

// A certificate chain, or a bundle of roots: at least one certificate.
absl::StatusOr<PemFile> ReadCertificates(const std::string& flag,
                                         const std::string& path,
                                         Certificate* first = nullptr) {
  absl::StatusOr<PemFile> file = ReadPem(flag, path);
  if (!file.ok()) return file.status();
  std::vector<Certificate> certificates = Certificates(file->pem);
  if (certificates.empty()) return NotPem(*file, "certificate");
  if (first != nullptr) *first = std::move(certificates.front());
  return file;
}

// The chain in `cert_flag`'s file and the key in `key_flag`'s, checked to
// belong together: {chain, key}.
absl::StatusOr<std::pair<PemFile, PemFile>> ReadKeyPair(
    const std::string& cert_flag, const std::string& cert_path,
    const std::string& key_flag, const std::string& key_path) {
  Certificate leaf;
  absl::StatusOr<PemFile> chain = ReadCertificates(cert_flag, cert_path, &leaf);
  if (!chain.ok()) return chain.status();
  absl::StatusOr<PemFile> key_file = ReadPem(key_flag, key_path);
  if (!key_file.ok()) return key_file.status();
  const PrivateKey key = ReadPrivateKey(key_file->pem);
  if (key == nullptr) {
    const bool encrypted = absl::StrContains(key_file->pem, "ENCRYPTED");
    return absl::InvalidArgumentError(absl::StrCat(
        key_flag, " '", key_path, "' holds no ",
        encrypted ? "unencrypted " : "", "PEM private key",
        encrypted ? " (gRPC cannot use a key with a passphrase)" : ""));
  }
  const bool matches = X509_check_private_key(leaf.get(), key.get()) == 1;
  ERR_clear_error();
  if (!matches) {
    return absl::InvalidArgumentError(absl::StrCat(
        key_flag, " '", key_path, "' is not the key of the certificate in ",
        cert_flag, " '", cert_path, "'"));
  }
  return std::make_pair(*std::move(chain), *std::move(key_file));
}

// Cert and key are given together or not at all.
absl::Status CheckPairGiven(const std::string& cert, const std::string& key) {
  if (cert.empty() == key.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      cert.empty() ? "--tls_key needs --tls_cert (the certificate it is for)"
                   : "--tls_cert needs --tls_key (its private key)");
}

}  // namespace

absl::StatusOr<std::optional<ServerTls>> LoadServerTls(
    const ServerTlsFiles& files) {
  if (absl::Status pair = CheckPairGiven(files.cert, files.key); !pair.ok()) {
    return pair;
  }
  if (files.cert.empty()) {
    if (!files.client_ca.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca needs --tls_cert and --tls_key: client "
          "certificates are checked only over TLS");
    }
    return std::nullopt;
  }
  absl::StatusOr<std::pair<PemFile, PemFile>> pair =
      ReadKeyPair("--tls_cert", files.cert, "--tls_key", files.key);
  if (!pair.ok()) return pair.status();
  ServerTls tls;
  tls.client_certificates_required = !files.client_ca.empty();
  grpc::SslServerCredentialsOptions options(
      tls.client_certificates_required
          ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
          : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  if (tls.client_certificates_required) {
    absl::StatusOr<PemFile> roots =
        ReadCertificates("--tls_client_ca", files.client_ca);
    if (!roots.ok()) return roots.status();
    options.pem_root_certs = std::move(roots->pem);
  }
  options.pem_key_cert_pairs.push_back(
      {std::move(pair->second.pem), std::move(pair->first.pem)});
  tls.credentials = grpc::SslServerCredentials(options);
  return tls;
}

std::string DescribeServerTls(const ServerTls& tls) {
  return tls.client_certificates_required ? "TLS, client certificates required"
                                          : "TLS";
}

absl::StatusOr<std::optional<ChannelTls>> LoadChannelTls(
    const ChannelTlsFiles& files) {
  if (files.ca.empty()) {
    if (!files.server_name.empty() || !files.cert.empty() ||
        !files.key.empty()) {
      return absl::InvalidArgumentError(
          "--tls_server_name, --tls_cert and --tls_key need --tls_ca (the "
          "root the server's certificate chains to)");
    }
    return std::nullopt;
  }
  if (absl::Status pair = CheckPairGiven(files.cert, files.key); !pair.ok()) {
    return pair;
  }
  absl::StatusOr<PemFile> roots = ReadCertificates("--tls_ca", files.ca);
  if (!roots.ok()) return roots.status();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = std::move(roots->pem);
  ChannelTls tls;
  if (!files.cert.empty()) {
    absl::StatusOr<std::pair<PemFile, PemFile>> pair =
        ReadKeyPair("--tls_cert", files.cert, "--tls_key", files.key);
    if (!pair.ok()) return pair.status();
    options.pem_cert_chain = std::move(pair->first.pem);
    options.pem_private_key = std::move(pair->second.pem);
    tls.client_certificate = true;
  }
  tls.credentials = grpc::SslCredentials(options);
  tls.server_name = files.server_name;
  return tls;
}

void ApplyChannelTls(const ChannelTls& tls, grpc::ChannelArguments* arguments) {
  if (!tls.server_name.empty()) {
    arguments->SetSslTargetNameOverride(tls.server_name);
  }
}

std::string DescribeChannelTls(const ChannelTls& tls) {
  std::vector<std::string> parts = {"TLS"};
  if (!tls.server_name.empty()) {
    parts.push_back(absl::StrCat("name ", tls.server_name));
  }
  if (tls.client_certificate) parts.push_back("client certificate");
  return absl::StrJoin(parts, ", ");
}

}  // namespace image_common
