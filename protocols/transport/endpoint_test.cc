#include "protocols/transport/endpoint.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;

TEST(ParseEndpointTest, ReadsSchemeHostAndPort) {
  ASSERT_OK_AND_ASSIGN(Endpoint endpoint,
                       ParseEndpoint("tcp://time.example:1037"));
  EXPECT_THAT(endpoint.transport, Optional(Transport::kTcp));
  EXPECT_EQ(endpoint.host, "time.example");
  EXPECT_EQ(endpoint.port, 1037);
  EXPECT_EQ(endpoint.ToString(), "tcp://time.example:1037");
}

TEST(ParseEndpointTest, BracketedIPv6WithUdpScheme) {
  ASSERT_OK_AND_ASSIGN(Endpoint endpoint, ParseEndpoint("udp://[::1]:1037"));
  EXPECT_THAT(endpoint.transport, Optional(Transport::kUdp));
  EXPECT_EQ(endpoint.host, "::1");
  EXPECT_EQ(endpoint.ToString(), "udp://[::1]:1037");
}

TEST(ParseEndpointTest, NoSchemeMeansEveryTransport) {
  ASSERT_OK_AND_ASSIGN(Endpoint endpoint, ParseEndpoint("[::1]:50037"));
  EXPECT_FALSE(endpoint.transport.has_value());
  EXPECT_EQ(endpoint.ToString(), "[::1]:50037");
}

TEST(ParseEndpointTest, ServiceNamesComeFromTheServicesDatabase) {
  EXPECT_THAT(ParseEndpoint("localhost:time"),
              IsOkAndHolds(::testing::Field(&Endpoint::port, 37)));
  EXPECT_THAT(ParseEndpoint("udp://localhost:daytime"),
              IsOkAndHolds(::testing::Field(&Endpoint::port, 13)));
  EXPECT_THAT(LookupServicePort("echo", Transport::kUdp), IsOkAndHolds(7));
  EXPECT_THAT(LookupServicePort("no-such-service", Transport::kTcp),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("no-such-service")));
}

TEST(ParseEndpointTest, DefaultPortFillsAMissingOne) {
  EXPECT_THAT(ParseEndpoint("tcp://localhost", 50037),
              IsOkAndHolds(::testing::Field(&Endpoint::port, 50037)));
  EXPECT_THAT(ParseEndpoint("::1", 50037),
              IsOkAndHolds(::testing::Field(&Endpoint::host, "::1")));
}

TEST(ParseEndpointTest, ExplainsWhatIsWrong) {
  EXPECT_THAT(ParseEndpoint("http://x:1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown scheme \"http\"")));
  EXPECT_THAT(ParseEndpoint("tcp://localhost"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("missing port")));
  EXPECT_THAT(ParseEndpoint("::1:50037"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("needs brackets")));
  EXPECT_THAT(ParseEndpoint("localhost:70000"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("above 65535")));
  EXPECT_THAT(ParseEndpoint("localhost:-1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a number")));
  EXPECT_THAT(ParseEndpoint("localhost:nosuchservice"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown service name \"nosuchservice\"")));
  EXPECT_THAT(ParseEndpoint("udp://localhost:nosuchservice"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown udp service name")));
  EXPECT_THAT(ParseEndpoint("tcp://:50037"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("empty host")));
  EXPECT_THAT(ParseEndpoint("[::1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unclosed")));
  EXPECT_THAT(ParseEndpoint("[[m]:time"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not an IPv6 address")));
  EXPECT_THAT(ParseEndpoint("[127.0.0.1]:50037"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not an IPv6 address")));
  EXPECT_THAT(ParseEndpoint("bad host:50037"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a host name")));
  EXPECT_THAT(ParseEndpoint("fe80::zz", 50037),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not an IPv6 address")));
  EXPECT_THAT(ParseEndpoint("host:"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("empty port")));
}

TEST(ResolveTest, NumericAddressesNeedNoLookup) {
  ASSERT_OK_AND_ASSIGN(std::vector<SocketAddress> addresses,
                       Resolve("127.0.0.1", 50037));
  ASSERT_EQ(addresses.size(), 1u);
  EXPECT_EQ(addresses[0].ToString(), "127.0.0.1:50037");
}

TEST(ResolveTest, FamilyPreferenceOrdersAndFilters) {
  // "localhost" is in /etc/hosts; it has an IPv4 address on every machine
  // and usually an IPv6 one.
  ASSERT_OK_AND_ASSIGN(std::vector<SocketAddress> prefer_v4,
                       Resolve("localhost", 9, FamilyPreference::kPreferIPv4));
  ASSERT_FALSE(prefer_v4.empty());
  EXPECT_EQ(prefer_v4.front().family(), AddressFamily::kIPv4);
  for (const SocketAddress& address : prefer_v4) EXPECT_EQ(address.port(), 9);

  EXPECT_THAT(Resolve("127.0.0.1", 9, FamilyPreference::kIPv6Only),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("no address of the requested family")));
  EXPECT_THAT(Resolve("::1", 9, FamilyPreference::kIPv4Only),
              StatusIs(absl::StatusCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(std::vector<SocketAddress> v6_first,
                       Resolve("::1", 9, FamilyPreference::kPreferIPv6));
  EXPECT_THAT(v6_first, ElementsAre(SocketAddress::Loopback(
                            AddressFamily::kIPv6, 9)));
}

TEST(ResolveTest, UnknownHostIsNotFoundAndNamed) {
  EXPECT_THAT(Resolve("no-such-host.invalid", 50037),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("no-such-host.invalid")));
}

TEST(ParseFamilyPreferenceTest, AcceptsTheDocumentedSpellings) {
  EXPECT_THAT(ParseFamilyPreference("4"),
              IsOkAndHolds(FamilyPreference::kIPv4Only));
  EXPECT_THAT(ParseFamilyPreference("prefer-IPv6"),
              IsOkAndHolds(FamilyPreference::kPreferIPv6));
  EXPECT_THAT(ParseFamilyPreference("both"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("prefer-ipv4")));
}

}  // namespace
}  // namespace wirecheck
