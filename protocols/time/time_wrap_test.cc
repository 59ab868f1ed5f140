// RFC 868's 32-bit count wraps at 2036-02-07 06:28:16 UTC. With the fake
// clock set just before it, the server, the client and the conformance
// checks all run across the wrap, in microseconds of real time.
#include <memory>

#include "fakes/fake_harness.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/time/time_client.h"
#include "protocols/time/time_codec.h"
#include "protocols/time/time_server.h"

namespace wirecheck::timeproto {
namespace {

const absl::Time kWrap = absl::FromCivil(absl::CivilSecond(2036, 2, 7, 6, 28, 16),
                                         absl::UTCTimeZone());

class TimeWrapTest : public ::testing::TestWithParam<AddressFamily> {
 protected:
  void SetUp() override {
    harness_ = std::make_unique<wirecheck::testing::FakeHarness>(GetParam());
    harness_->fake_clock().SetWallTime(kWrap - absl::Seconds(2));
    server_ = std::make_unique<Server>(harness_->server_loop(),
                                       harness_->server_network());
    ASSERT_OK_AND_ASSIGN(bound_, ServeTime(*server_, harness_->clock(), {},
                                           harness_->server_bind_address()));
  }

  std::unique_ptr<wirecheck::testing::FakeHarness> harness_;
  std::unique_ptr<Server> server_;
  std::map<Transport, SocketAddress> bound_;
};

TEST_P(TimeWrapTest, ClientReadsTheSameInstantOnBothSidesOfTheWrap) {
  for (Transport transport : {Transport::kTcp, Transport::kUdp}) {
    harness_->fake_clock().SetWallTime(kWrap - absl::Seconds(2));
    ASSERT_OK_AND_ASSIGN(Answer before,
                         Query(harness_->client_network(), bound_[transport],
                               transport, /*daytime=*/false));
    EXPECT_EQ(before.value, 0xfffffffeu);
    EXPECT_EQ(*before.server_time, kWrap - absl::Seconds(2));

    harness_->fake_clock().Advance(absl::Seconds(5));
    ASSERT_OK_AND_ASSIGN(Answer after,
                         Query(harness_->client_network(), bound_[transport],
                               transport, /*daytime=*/false));
    // The count wrapped to 3, and the era rule still reads 2036, not 1900.
    EXPECT_EQ(after.value, 3u);
    EXPECT_EQ(*after.server_time, kWrap + absl::Seconds(3));
    EXPECT_LT(absl::AbsDuration(*after.offset), absl::Seconds(1));
  }
}

TEST_P(TimeWrapTest, ClientAfterTheWrapReadsAServerJustBeforeIt) {
  // The server's clock is 10 s behind: it still sends a value near 2^32.
  Server slow_server(harness_->server_loop(), harness_->server_network());
  wirecheck::testing::FakeHarness& h = *harness_;
  class SlowClock : public Clock {
   public:
    explicit SlowClock(Clock& base) : base_(base) {}
    absl::Time Now() override { return base_.Now(); }
    absl::Time WallNow() override { return base_.WallNow() - absl::Seconds(10); }
    void SleepUntil(absl::Time t) override { base_.SleepUntil(t); }

   private:
    Clock& base_;
  } slow_clock(h.clock());
  ASSERT_OK_AND_ASSIGN(SocketAddress slow,
                       ServeTimeTcp(slow_server, slow_clock, {},
                                    h.server_bind_address()));
  h.fake_clock().SetWallTime(kWrap + absl::Seconds(4));
  ASSERT_OK_AND_ASSIGN(Answer answer, Query(h.client_network(), slow,
                                            Transport::kTcp, /*daytime=*/false));
  EXPECT_EQ(answer.value, 0xfffffffau);
  EXPECT_EQ(*answer.server_time, kWrap - absl::Seconds(6));
  EXPECT_EQ(absl::ToInt64Seconds(*answer.offset), -10);
}

INSTANTIATE_TEST_SUITE_P(IPv4AndIPv6, TimeWrapTest,
                         ::testing::Values(AddressFamily::kIPv4,
                                           AddressFamily::kIPv6),
                         [](const ::testing::TestParamInfo<AddressFamily>& info) {
                           return info.param == AddressFamily::kIPv4 ? "ipv4"
                                                                     : "ipv6";
                         });

}  // namespace
}  // namespace wirecheck::timeproto
