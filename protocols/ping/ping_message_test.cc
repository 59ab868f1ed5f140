#include "protocols/ping/ping_message.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck::ping {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;

const absl::Time kSent = absl::FromUnixMicros(1763766605123456);

TEST(PingMessageTest, EncodesTheSeedFormatWithMicroseconds) {
  EXPECT_THAT(EncodePing(3, kSent), IsOkAndHolds("Ping 3 1763766605.123456"));
  EXPECT_EQ(UnpaddedPingSize(3, kSent), 24u);
}

TEST(PingMessageTest, PadsWithLettersToTheRequestedSize) {
  ASSERT_OK_AND_ASSIGN(std::string padded, EncodePing(3, kSent, 40));
  EXPECT_EQ(padded, "Ping 3 1763766605.123456 abcdefghijklmno");
  EXPECT_EQ(padded.size(), 40u);
  ASSERT_OK_AND_ASSIGN(std::string big, EncodePing(1, kSent, 65507));
  EXPECT_EQ(big.size(), 65507u);
  // Too small to pad: the header alone.
  EXPECT_THAT(EncodePing(3, kSent, 10), IsOkAndHolds("Ping 3 1763766605.123456"));
}

TEST(PingMessageTest, RejectsImpossibleRequests) {
  EXPECT_THAT(EncodePing(0, kSent), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(EncodePing(1, kSent, 70000),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("65527")));
}

TEST(PingMessageTest, ParsesPingsAndUppercasedEchoes) {
  ASSERT_OK_AND_ASSIGN(PingMessage message,
                       ParsePing("Ping 3 1763766605.123456 abcdef"));
  EXPECT_EQ(message.sequence, 3u);
  EXPECT_EQ(message.sent, kSent);
  EXPECT_EQ(message.padding, 6u);
  EXPECT_THAT(ParsePing("PING 4294967295 1763766605.123456 ABC"),
              IsOkAndHolds(::testing::Field(&PingMessage::sequence,
                                            4294967295u)));
}

TEST(PingMessageTest, NamesWhatIsWrongAndWhere) {
  EXPECT_THAT(ParsePing("Pong 1 1.000000"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "not a ping: expected \"Ping \" at offset 0"));
  EXPECT_THAT(ParsePing("Ping 01 1.000000"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("offset 5")));
  EXPECT_THAT(ParsePing("Ping 0 1.000000"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sequence")));
  EXPECT_THAT(ParsePing("Ping 4294967296 1.000000"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sequence")));
  EXPECT_THAT(ParsePing("Ping 1 1.5"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("seconds.microseconds at offset 7")));
  EXPECT_THAT(ParsePing("Ping 1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("space")));
  EXPECT_THAT(ParsePing("Ping 1 1.000000 "),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("empty padding")));
  EXPECT_THAT(ParsePing("Ping 1 1.000000 ab1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("letters at offset 18")));
  EXPECT_THAT(ParsePing(""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PingMessageTest, EchoesAreExactUppercasedOrDifferent) {
  EXPECT_EQ(CompareEcho("Ping 1 2.000000 ab", "Ping 1 2.000000 ab"),
            EchoMatch::kExact);
  EXPECT_EQ(CompareEcho("Ping 1 2.000000 ab", "PING 1 2.000000 AB"),
            EchoMatch::kUppercased);
  EXPECT_EQ(CompareEcho("Ping 1 2.000000 ab", "PING 1 2.000001 AB"),
            EchoMatch::kDifferent);
  EXPECT_EQ(CompareEcho("Ping 1 2.000000 ab", "Ping 1 2.000000 a"),
            EchoMatch::kDifferent);
}

}  // namespace
}  // namespace wirecheck::ping
