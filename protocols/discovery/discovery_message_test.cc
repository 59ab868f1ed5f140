#include "protocols/discovery/discovery_message.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck::discovery {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;

Message Reply() {
  Message message;
  message.type = MessageType::kReply;
  message.nonce = "0123456789abcdef";
  message.service = "echo";
  message.instance = "lab bench #2";
  message.port = 9007;
  message.attributes = {{"framing", "line"}, {"version", "1.0"}};
  return message;
}

TEST(DiscoveryMessageTest, EncodesTheDocumentedLayout) {
  EXPECT_THAT(EncodeMessage(Reply()),
              IsOkAndHolds("WCD/1 REPLY\n"
                           "nonce=0123456789abcdef\n"
                           "service=echo\n"
                           "instance=lab bench #2\n"
                           "port=9007\n"
                           "attr.framing=line\n"
                           "attr.version=1.0\n"));
}

TEST(DiscoveryMessageTest, EveryTypeRoundTrips) {
  Message query;
  query.nonce = "ffffffffffffffff";
  query.service = "*";
  query.known = {"a", "b"};
  Message announce = Reply();
  announce.type = MessageType::kAnnounce;
  announce.nonce.clear();
  announce.ttl = absl::Seconds(180);
  Message goodbye = announce;
  goodbye.type = MessageType::kGoodbye;
  goodbye.ttl = absl::ZeroDuration();
  goodbye.attributes.clear();
  for (const Message& message : {query, Reply(), announce, goodbye}) {
    ASSERT_OK_AND_ASSIGN(std::string text, EncodeMessage(message));
    EXPECT_THAT(DecodeMessage(text), IsOkAndHolds(message)) << text;
  }
}

TEST(DiscoveryMessageTest, EncoderRefusesWhatTheGrammarForbids) {
  Message bad = Reply();
  bad.nonce = "XYZ";
  EXPECT_THAT(EncodeMessage(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("nonce")));
  bad = Reply();
  bad.service = "*";
  EXPECT_THAT(EncodeMessage(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("service")));
  bad = Reply();
  bad.port = 0;
  EXPECT_THAT(EncodeMessage(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("port")));
  bad = Reply();
  bad.attributes = {{"a", "1"}, {"a", "2"}};
  EXPECT_THAT(EncodeMessage(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("twice")));
  bad = Reply();
  bad.attributes.clear();
  for (int i = 0; i < 10; ++i) {
    bad.attributes.emplace_back(absl::StrCat("k", i), std::string(200, 'v'));
  }
  EXPECT_THAT(EncodeMessage(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("above the limit of 1200")));
  bad = Reply();
  bad.instance = "tab\there";
  EXPECT_THAT(EncodeMessage(bad), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("printable")));
}

TEST(DiscoveryMessageTest, DecoderNamesTheBadLine) {
  EXPECT_THAT(DecodeMessage("HELLO\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "line 1: expected \"WCD/1 <TYPE>\""));
  EXPECT_THAT(DecodeMessage("WCD/1 QUERY\nnonce=0123456789abcdef\nservice=echo"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("LF")));
  EXPECT_THAT(DecodeMessage("WCD/1 QUERY\nnonce=0123456789abcdef\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "QUERY lacks its service field"));
  EXPECT_THAT(
      DecodeMessage("WCD/1 QUERY\nnonce=0123456789abcdef\nservice=echo\nport=7\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               "line 4: QUERY has no field \"port\""));
  EXPECT_THAT(DecodeMessage("WCD/1 REPLY\nnonce=0123456789abcdef\nservice=e\n"
                            "instance=i\nport=07\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 5: port must be 1 to 65535")));
  EXPECT_THAT(DecodeMessage("WCD/1 QUERY\nservice=e\nservice=f\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "line 3: service given twice"));
  EXPECT_THAT(DecodeMessage("WCD/1 NOTIFY\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown type")));
  EXPECT_THAT(DecodeMessage(std::string(1300, 'x')),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("above the limit")));
  EXPECT_THAT(DecodeMessage("WCD/1 QUERY\nNonce=0123456789abcdef\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2")));
}

TEST(DiscoveryMessageTest, LegacyHelloIsRecognisedExactly) {
  EXPECT_TRUE(IsLegacyHello("Hello"));
  EXPECT_TRUE(IsLegacyHello("Hello\r\n"));
  EXPECT_FALSE(IsLegacyHello("hello"));
  EXPECT_FALSE(IsLegacyHello("Hello there"));
}

}  // namespace
}  // namespace wirecheck::discovery
