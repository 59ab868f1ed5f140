#include "protocols/transport/address.h"

#include "absl/hash/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::StatusIs;

TEST(SocketAddressTest, ParsesIPv4WithPort) {
  ASSERT_OK_AND_ASSIGN(SocketAddress address,
                       SocketAddress::Parse("192.0.2.7:1037"));
  EXPECT_EQ(address.family(), AddressFamily::kIPv4);
  EXPECT_EQ(address.ip(), "192.0.2.7");
  EXPECT_EQ(address.port(), 1037);
  EXPECT_EQ(address.ToString(), "192.0.2.7:1037");
}

TEST(SocketAddressTest, ParsesBracketedIPv6WithPort) {
  ASSERT_OK_AND_ASSIGN(SocketAddress address,
                       SocketAddress::Parse("[::1]:50013"));
  EXPECT_EQ(address.family(), AddressFamily::kIPv6);
  EXPECT_TRUE(address.is_loopback());
  EXPECT_EQ(address.ToString(), "[::1]:50013");
}

TEST(SocketAddressTest, ScopedLinkLocalKeepsItsInterface) {
  ASSERT_OK_AND_ASSIGN(SocketAddress address,
                       SocketAddress::Parse("[fe80::1%lo]:5"));
  EXPECT_NE(address.scope_id(), 0u);
  EXPECT_EQ(address.ToString(), "[fe80::1%lo]:5");
}

TEST(SocketAddressTest, RejectsMalformedText) {
  EXPECT_THAT(SocketAddress::Parse("::1:50037"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected IPv4:port or [IPv6]:port")));
  EXPECT_THAT(SocketAddress::Parse("127.0.0.1:65536"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("0 to 65535")));
  EXPECT_THAT(SocketAddress::Parse("example.com:80"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not a numeric")));
  EXPECT_THAT(SocketAddress::Parse("[fe80::1%nosuchif0]:1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unknown interface")));
  EXPECT_THAT(SocketAddress::Parse("[::1]50037"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SocketAddressTest, LoopbackAndAnyCarryFamilyAndPort) {
  EXPECT_EQ(SocketAddress::Loopback(AddressFamily::kIPv4, 50037).ToString(),
            "127.0.0.1:50037");
  EXPECT_EQ(SocketAddress::Loopback(AddressFamily::kIPv6, 50037).ToString(),
            "[::1]:50037");
  EXPECT_EQ(SocketAddress::Any(AddressFamily::kIPv4, 12000).ToString(),
            "0.0.0.0:12000");
  EXPECT_EQ(SocketAddress::Any(AddressFamily::kIPv6, 12000).ToString(),
            "[::]:12000");
}

TEST(SocketAddressTest, ClassifiesSpecialAddresses) {
  EXPECT_TRUE(SocketAddress::Parse("255.255.255.255:1")->is_limited_broadcast());
  EXPECT_TRUE(SocketAddress::Parse("224.0.0.251:1")->is_multicast());
  EXPECT_TRUE(SocketAddress::Parse("[ff02::1]:1")->is_multicast());
  EXPECT_TRUE(SocketAddress::Any(AddressFamily::kIPv6, 0).is_any());
  EXPECT_TRUE(SocketAddress::Loopback(AddressFamily::kIPv4, 0).is_loopback());
  EXPECT_FALSE(SocketAddress::Parse("10.0.0.1:1")->is_loopback());
}

TEST(SocketAddressTest, DefaultIsUnspecified) {
  SocketAddress address;
  EXPECT_FALSE(address.is_specified());
  EXPECT_EQ(address.ToString(), "unspecified");
  EXPECT_EQ(address.sockaddr_length(), 0u);
}

TEST(SocketAddressTest, EqualAddressesHashAlikeAndPortsMatter) {
  const SocketAddress a = *SocketAddress::Parse("10.1.2.3:99");
  const SocketAddress b = *SocketAddress::Parse("10.1.2.3:99");
  EXPECT_EQ(a, b);
  EXPECT_EQ(absl::Hash<SocketAddress>()(a), absl::Hash<SocketAddress>()(b));
  EXPECT_NE(a, a.WithPort(100));
  EXPECT_TRUE(a < a.WithPort(100));
  EXPECT_NE(SocketAddress::Loopback(AddressFamily::kIPv4, 1),
            SocketAddress::Loopback(AddressFamily::kIPv6, 1));
}

TEST(SocketAddressTest, RoundTripsThroughSockaddr) {
  const SocketAddress original = *SocketAddress::Parse("[2001:db8::5]:4242");
  const SocketAddress copy = SocketAddress::FromSockaddr(
      original.sockaddr_ptr(), original.sockaddr_length());
  EXPECT_EQ(copy, original);
}

}  // namespace
}  // namespace wirecheck
