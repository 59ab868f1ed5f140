#include "protocols/time/time_codec.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck::timeproto {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;

absl::Time Utc(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

TEST(Rfc868Test, KnownValuesFromTheRfc) {
  // RFC 868's own examples.
  EXPECT_EQ(ToRfc868(Utc(1970, 1, 1, 0, 0, 0)), 2208988800u);
  EXPECT_EQ(ToRfc868(Utc(1976, 1, 1, 0, 0, 0)), 2398291200u);
  EXPECT_EQ(ToRfc868(Utc(1980, 1, 1, 0, 0, 0)), 2524521600u);
  EXPECT_EQ(ToRfc868(Utc(1983, 5, 1, 0, 0, 0)), 2629584000u);
  // "-1,297,728,000 corresponds to 00:00 17 Nov 1858": modulo 2^32.
  EXPECT_EQ(ToRfc868(Utc(1858, 11, 17, 0, 0, 0)),
            static_cast<uint32_t>(int64_t{4294967296} - 1297728000));
  EXPECT_EQ(ToRfc868(Utc(1900, 1, 1, 0, 0, 1)), 1u);
}

TEST(Rfc868Test, WrapsAt2036) {
  const absl::Time wrap = Utc(2036, 2, 7, 6, 28, 16);
  EXPECT_EQ(ToRfc868(wrap - absl::Seconds(1)), 0xffffffffu);
  EXPECT_EQ(ToRfc868(wrap), 0u);
  EXPECT_EQ(ToRfc868(wrap + absl::Seconds(5)), 5u);
}

TEST(Rfc868Test, EraRuleMapsValuesToTheNearestInstant) {
  const absl::Time wrap = Utc(2036, 2, 7, 6, 28, 16);
  // Just after the wrap, a small value means 2036, not 1900.
  EXPECT_EQ(FromRfc868(5, wrap + absl::Seconds(3)), wrap + absl::Seconds(5));
  // Just before the wrap, a large value is still this era.
  EXPECT_EQ(FromRfc868(0xfffffffe, wrap + absl::Seconds(2)),
            wrap - absl::Seconds(2));
  const absl::Time now = Utc(2026, 11, 21, 23, 10, 5);
  EXPECT_EQ(FromRfc868(ToRfc868(now), now), now);
  EXPECT_EQ(FromRfc868(ToRfc868(now), now + absl::Hours(24 * 365 * 60)), now);
  // 1900 itself, from a 1901 clock.
  EXPECT_EQ(FromRfc868(0, Utc(1901, 1, 1, 0, 0, 0)), Rfc868Epoch());
}

TEST(Rfc868Test, ReplyIsFourBigEndianBytes) {
  EXPECT_EQ(EncodeTimeReply(Utc(1970, 1, 1, 0, 0, 0)),
            std::string("\x83\xaa\x7e\x80", 4));
  EXPECT_THAT(DecodeTimeReply(std::string("\x83\xaa\x7e\x80", 4)),
              IsOkAndHolds(2208988800u));
}

TEST(Rfc868Test, WrongLengthRepliesAreNamed) {
  EXPECT_THAT(DecodeTimeReply(""),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "short reply: 0 bytes, expected exactly 4"));
  EXPECT_THAT(DecodeTimeReply("\x01\x02\x03"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "short reply: 3 bytes (010203), expected exactly 4"));
  EXPECT_THAT(DecodeTimeReply(std::string(8, '\0')),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("long reply: 8 bytes (0000000000000000)")));
}

TEST(DaytimeTest, ReferenceFormatRoundTrips) {
  const absl::Time now = Utc(2026, 11, 21, 23, 10, 5);
  EXPECT_EQ(FormatDaytime(now), "Saturday, November 21, 2026 23:10:05-UTC\r\n");
  ASSERT_OK_AND_ASSIGN(DaytimeText text, ParseDaytime(FormatDaytime(now)));
  EXPECT_EQ(text.format, DaytimeFormat::kReference);
  EXPECT_THAT(text.time, Optional(now));
}

TEST(DaytimeTest, RecognisesOtherCommonFormats) {
  ASSERT_OK_AND_ASSIGN(DaytimeText rfc3339,
                       ParseDaytime("2026-11-21T23:10:05+01:00\n"));
  EXPECT_EQ(rfc3339.format, DaytimeFormat::kRfc3339);
  EXPECT_THAT(rfc3339.time, Optional(Utc(2026, 11, 21, 22, 10, 5)));

  ASSERT_OK_AND_ASSIGN(DaytimeText ctime,
                       ParseDaytime("Sat Nov 21 23:10:05 2026\r\n"));
  EXPECT_EQ(ctime.format, DaytimeFormat::kCtime);
  EXPECT_FALSE(ctime.time.has_value());  // no zone, no instant

  ASSERT_OK_AND_ASSIGN(DaytimeText odd, ParseDaytime("teatime\r\n"));
  EXPECT_EQ(odd.format, DaytimeFormat::kUnknown);
  EXPECT_EQ(odd.line, "teatime");
}

TEST(DaytimeTest, WeekdayContradictingTheDateIsNotARecognisedFormat) {
  // 2026-11-22 is a Sunday; found by fuzz/time:daytime_fuzzer.
  ASSERT_OK_AND_ASSIGN(
      DaytimeText text,
      ParseDaytime("Saturday, November 22, 2026 23:10:05-UTC\r\n"));
  EXPECT_EQ(text.format, DaytimeFormat::kUnknown);
  ASSERT_OK_AND_ASSIGN(DaytimeText ctime,
                       ParseDaytime("Mon Nov 21 23:10:05 2026\n"));
  EXPECT_EQ(ctime.format, DaytimeFormat::kUnknown);
}

TEST(DaytimeTest, RejectsWhatIsNotOnePrintableLine) {
  EXPECT_THAT(ParseDaytime("no terminator"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line terminator")));
  EXPECT_THAT(ParseDaytime("two\nlines\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("more than one line (line break at offset 3)")));
  EXPECT_THAT(ParseDaytime(std::string("t\x01me\r\n", 6)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("non-printing byte 0x01 at offset 1")));
  EXPECT_THAT(ParseDaytime("\r\n"), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("empty line")));
  EXPECT_THAT(ParseDaytime(std::string(600, 'x') + "\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("more than 512")));
}

}  // namespace
}  // namespace wirecheck::timeproto
