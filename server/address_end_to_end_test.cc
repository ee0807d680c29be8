// The --address forms README documents, each given to the real image_server:
// what it listens on (which loopback addresses reach it), what --port_file
// says, and the forms it refuses.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "image_service.grpc.pb.h"
#include "testing/subprocess.h"

namespace image_server {
namespace {

using ::image_testing::ServerProcess;
using ::image_testing::Subprocess;
using ::testing::HasSubstr;

// Containers often run without IPv6, even on loopback.
bool HasIpv6Loopback() {
  const int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  const bool bound = bind(fd, reinterpret_cast<const sockaddr*>(&address),
                          sizeof(address)) == 0;
  close(fd);
  return bound;
}

// An IPv4 address of this machine other than loopback, if it has one.
std::optional<std::string> InterfaceAddress() {
  ifaddrs* interfaces = nullptr;
  if (getifaddrs(&interfaces) != 0) return std::nullopt;
  std::optional<std::string> found;
  for (ifaddrs* i = interfaces; i != nullptr && !found; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    const in_addr address =
        reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr;
    if ((ntohl(address.s_addr) >> 24) == 127) continue;
    char text[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, &address, text, sizeof(text)) != nullptr) {
      found = text;
    }
  }
  freeifaddrs(interfaces);
  return found;
}

bool Answers(const std::string& target) {
  auto stub = image_service::ImageService::NewStub(
      grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  image_service::ListImagesResponse response;
  return stub
      ->ListImages(&context, image_service::ListImagesRequest(), &response)
      .ok();
}

struct Form {
  // The host part of --address, before ":0".
  std::string host;
  // Whether 127.0.0.1:PORT and [::1]:PORT reach the server.
  bool ipv4_loopback;
  bool ipv6_loopback;
};

TEST(AddressEndToEndTest, EveryDocumentedFormListens) {
  const bool ipv6 = HasIpv6Loopback();
  // gRPC treats every wildcard (0.0.0.0, [::], 0 and *) alike: one
  // dual-stack socket, so IPv6 peers reach a server told 0.0.0.0 too.
  const std::vector<Form> forms = {
      {"127.0.0.1", true, false}, {"0.0.0.0", true, ipv6}, {"[::]", true, ipv6},
      {"[::1]", false, true},     {"0", true, ipv6},       {"*", true, ipv6},
  };
  for (const Form& form : forms) {
    SCOPED_TRACE(form.host);
    if (form.host == "[::1]" && !ipv6) continue;
    ServerProcess server(SERVER_BINARY, {"--images_dir=" IMAGES_DIR "/aerial",
                                         "--address=" + form.host + ":0"});
    const std::optional<std::string> address = server.WaitForAddress();
    ASSERT_TRUE(address.has_value()) << server.process().err();
    // The port file repeats the host as given, with the port bound.
    ASSERT_EQ(address->substr(0, form.host.size() + 1), form.host + ":");
    const std::string port = address->substr(form.host.size() + 1);
    EXPECT_EQ(Answers("127.0.0.1:" + port), form.ipv4_loopback);
    if (ipv6) EXPECT_EQ(Answers("[::1]:" + port), form.ipv6_loopback);
  }
}

TEST(AddressEndToEndTest, LocalhostListensWhereLocalhostResolves) {
  ServerProcess server(SERVER_BINARY, {"--images_dir=" IMAGES_DIR "/aerial",
                                       "--address=localhost:0"});
  const std::optional<std::string> address = server.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server.process().err();
  EXPECT_THAT(*address, ::testing::StartsWith("localhost:"));
  EXPECT_TRUE(Answers(*address));
}

TEST(AddressEndToEndTest, AnInterfaceAddressListensThereOnly) {
  const std::optional<std::string> interface = InterfaceAddress();
  if (!interface.has_value()) GTEST_SKIP() << "no IPv4 address but loopback";
  ServerProcess server(SERVER_BINARY, {"--images_dir=" IMAGES_DIR "/aerial",
                                       "--address=" + *interface + ":0"});
  const std::optional<std::string> address = server.WaitForAddress();
  ASSERT_TRUE(address.has_value()) << server.process().err();
  EXPECT_TRUE(Answers(*address));
  EXPECT_FALSE(
      Answers("127.0.0.1:" + address->substr(address->rfind(':') + 1)));
}

TEST(AddressEndToEndTest, FormsWithoutAHostOrWithASchemeAreRefused) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {":0", "--address must be host:port (e.g. 127.0.0.1:50051), got ':0'"},
      {"50051", "--address must be host:port"},
      {"::1:0", "cannot listen on '::1:0'"},
      {"ipv4:127.0.0.1:0", "cannot listen on 'ipv4:127.0.0.1:0'"},
  };
  for (const auto& [address, message] : cases) {
    SCOPED_TRACE(address);
    Subprocess server(SERVER_BINARY, {"--images_dir=" IMAGES_DIR "/aerial",
                                      "--address=" + address});
    const std::optional<int> exit_code = server.WaitForExit(absl::Seconds(30));
    ASSERT_TRUE(exit_code.has_value());
    EXPECT_EQ(*exit_code, 1);
    EXPECT_THAT(server.err(), HasSubstr("image_server: " + message));
    EXPECT_EQ(server.err().find('\n'), server.err().size() - 1) << server.err();
  }
}

}  // namespace
}  // namespace image_server
