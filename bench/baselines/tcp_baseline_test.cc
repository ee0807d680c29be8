#include "bench/baselines/tcp_baseline.h"

#include <chrono>
#include <cstddef>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace image_bench {
namespace {

constexpr size_t kMiB = size_t{1} << 20;
constexpr std::chrono::seconds kHangTimeout(10);

std::unique_ptr<LoopbackTcpPeer> StartPeer() {
  absl::StatusOr<std::unique_ptr<LoopbackTcpPeer>> peer =
      LoopbackTcpPeer::Start();
  EXPECT_TRUE(peer.ok()) << peer.status();
  return peer.ok() ? *std::move(peer) : nullptr;
}

::testing::AssertionResult Contains(absl::string_view text,
                                    absl::string_view part) {
  if (text.find(part) != absl::string_view::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "\"" << text << "\" does not contain \"" << part << "\"";
}

std::string Pattern(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i * 31 + 7);
  return bytes;
}

// Runs `fn` on a detached thread, so that a hang fails the test through a
// bounded wait on the returned future instead of blocking it forever.
// Everything `fn` uses must be owned by `fn`.
template <typename Fn>
std::future<void> RunDetached(Fn fn) {
  std::promise<void> done;
  std::future<void> finished = done.get_future();
  std::thread([fn = std::move(fn), done = std::move(done)]() mutable {
    fn();
    done.set_value();
  }).detach();
  return finished;
}

bool IsReadyWithin(const std::future<void>& future) {
  return future.wait_for(kHangTimeout) == std::future_status::ready;
}

class BulkSendTest
    : public ::testing::TestWithParam<std::tuple<size_t, size_t>> {};

TEST_P(BulkSendTest, PeerConsumesEveryByte) {
  const auto [size, write_size] = GetParam();
  std::unique_ptr<LoopbackTcpPeer> peer = StartPeer();
  ASSERT_NE(peer, nullptr);
  absl::StatusOr<TcpBulkSender> sender = TcpBulkSender::Connect(peer->port());
  ASSERT_TRUE(sender.ok()) << sender.status();

  const absl::Status status = sender->Send(Pattern(size), write_size);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(peer->bytes_received(), size);
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, BulkSendTest,
    ::testing::Combine(::testing::Values(0, 1, kMiB - 1, kMiB + 1, 20 * kMiB),
                       ::testing::Values(kMiB, 64 * 1024)),
    [](const ::testing::TestParamInfo<BulkSendTest::ParamType>& param_info) {
      return absl::StrCat(std::get<0>(param_info.param), "Bytes_",
                          std::get<1>(param_info.param), "ByteWrites");
    });

// A sink that read past the announced length would swallow the next header
// and never acknowledge, hence the bounded wait.
TEST(TcpBulkSenderTest, BackToBackTransfersOnOneConnectionStayFramed) {
  std::shared_ptr<LoopbackTcpPeer> peer = StartPeer();
  ASSERT_NE(peer, nullptr);
  absl::StatusOr<TcpBulkSender> connected =
      TcpBulkSender::Connect(peer->port());
  ASSERT_TRUE(connected.ok()) << connected.status();
  auto sender = std::make_shared<TcpBulkSender>(*std::move(connected));
  struct Outcome {
    absl::Status status;
    std::vector<uint64_t> totals;  // bytes_received() after each transfer.
  };
  auto outcome = std::make_shared<Outcome>();

  std::future<void> done = RunDetached([peer, sender, outcome] {
    for (size_t size : {size_t{3}, kMiB + 5, size_t{0}, 2 * kMiB}) {
      outcome->status = sender->Send(Pattern(size), 4096);
      if (!outcome->status.ok()) return;
      outcome->totals.push_back(peer->bytes_received());
    }
  });
  ASSERT_TRUE(IsReadyWithin(done)) << "a transfer was never acknowledged";
  ASSERT_TRUE(outcome->status.ok()) << outcome->status;
  EXPECT_EQ(outcome->totals,
            (std::vector<uint64_t>{3, kMiB + 8, kMiB + 8, 3 * kMiB + 8}));
}

TEST(TcpBulkSenderTest, ConcurrentSendersAreCountedTogether) {
  std::unique_ptr<LoopbackTcpPeer> peer = StartPeer();
  ASSERT_NE(peer, nullptr);
  const std::string payload = Pattern(5 * kMiB);
  auto send = [&] {
    absl::StatusOr<TcpBulkSender> sender = TcpBulkSender::Connect(peer->port());
    ASSERT_TRUE(sender.ok()) << sender.status();
    const absl::Status status = sender->Send(payload);
    EXPECT_TRUE(status.ok()) << status;
  };
  std::thread other(send);
  send();
  other.join();
  EXPECT_EQ(peer->bytes_received(), 2 * payload.size());
}

TEST(TcpBulkSenderTest, ZeroWriteSizeIsRejected) {
  std::unique_ptr<LoopbackTcpPeer> peer = StartPeer();
  ASSERT_NE(peer, nullptr);
  absl::StatusOr<TcpBulkSender> sender = TcpBulkSender::Connect(peer->port());
  ASSERT_TRUE(sender.ok()) << sender.status();

  EXPECT_EQ(sender->Send("abc", 0).code(), absl::StatusCode::kInvalidArgument);
}

TEST(TcpPingPongTest, PeerEchoesTheRequest) {
  std::unique_ptr<LoopbackTcpPeer> peer = StartPeer();
  ASSERT_NE(peer, nullptr);
  absl::StatusOr<TcpPingPong> ping = TcpPingPong::Connect(peer->port());
  ASSERT_TRUE(ping.ok()) << ping.status();

  for (int round = 0; round < 100; ++round) {
    TcpPingPong::Message request, reply;
    for (size_t i = 0; i < request.size(); ++i) {
      request[i] = static_cast<char>(round * 13 + i * 7);
    }
    reply.fill('\0');
    const absl::Status status = ping->RoundTrip(request, &reply);
    ASSERT_TRUE(status.ok()) << status;
    ASSERT_EQ(reply, request) << "round " << round;
  }
}

TEST(TcpPingPongTest, SelfCheckingRoundTripsSucceed) {
  std::unique_ptr<LoopbackTcpPeer> peer = StartPeer();
  ASSERT_NE(peer, nullptr);
  absl::StatusOr<TcpPingPong> ping = TcpPingPong::Connect(peer->port());
  ASSERT_TRUE(ping.ok()) << ping.status();

  for (int round = 0; round < 1000; ++round) {
    const absl::Status status = ping->RoundTrip();
    ASSERT_TRUE(status.ok()) << status;
  }
}

TEST(ConnectTest, ClosedPortNamesTheAddress) {
  std::unique_ptr<LoopbackTcpPeer> peer = StartPeer();
  ASSERT_NE(peer, nullptr);
  const int port = peer->port();
  peer.reset();  // Nothing listens on the port any more.
  const std::string address = absl::StrCat("127.0.0.1:", port);

  absl::StatusOr<TcpBulkSender> sender = TcpBulkSender::Connect(port);
  ASSERT_FALSE(sender.ok());
  EXPECT_TRUE(Contains(sender.status().message(), "connect to " + address));
  EXPECT_TRUE(Contains(sender.status().message(), "Connection refused"));

  absl::StatusOr<TcpPingPong> ping = TcpPingPong::Connect(port);
  ASSERT_FALSE(ping.ok());
  EXPECT_TRUE(Contains(ping.status().message(), "connect to " + address));
}

TEST(LoopbackTcpPeerTest, DestructionWithIdleClientsDoesNotHang) {
  std::unique_ptr<LoopbackTcpPeer> peer = StartPeer();
  ASSERT_NE(peer, nullptr);
  absl::StatusOr<TcpPingPong> ping = TcpPingPong::Connect(peer->port());
  ASSERT_TRUE(ping.ok()) << ping.status();
  ASSERT_TRUE(ping->RoundTrip().ok());
  absl::StatusOr<TcpBulkSender> sender = TcpBulkSender::Connect(peer->port());
  ASSERT_TRUE(sender.ok()) << sender.status();
  ASSERT_TRUE(sender->Send("x").ok());

  ASSERT_TRUE(IsReadyWithin(
      RunDetached([peer = std::move(peer)]() mutable { peer.reset(); })));
  EXPECT_FALSE(ping->RoundTrip().ok());
  EXPECT_FALSE(sender->Send("x").ok());
}

TEST(LoopbackTcpPeerTest, DestructionDuringTransferFailsTheSender) {
  std::unique_ptr<LoopbackTcpPeer> peer = StartPeer();
  ASSERT_NE(peer, nullptr);
  absl::StatusOr<TcpBulkSender> connected =
      TcpBulkSender::Connect(peer->port());
  ASSERT_TRUE(connected.ok()) << connected.status();
  auto sender = std::make_shared<TcpBulkSender>(*std::move(connected));
  auto payload = std::make_shared<std::string>(Pattern(8 * kMiB));
  auto status = std::make_shared<absl::Status>();
  // Sends until the peer goes away, so that the destruction below lands while
  // bytes are in flight or between two transfers.
  std::future<void> sending = RunDetached([sender, payload, status] {
    while (status->ok()) *status = sender->Send(*payload);
  });
  const auto deadline = std::chrono::steady_clock::now() + kHangTimeout;
  while (peer->bytes_received() == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_GT(peer->bytes_received(), 0u);

  ASSERT_TRUE(IsReadyWithin(
      RunDetached([peer = std::move(peer)]() mutable { peer.reset(); })));
  ASSERT_TRUE(IsReadyWithin(sending));
  EXPECT_FALSE(status->ok());
}

}  // namespace
}  // namespace image_bench
