// GoogleTest matchers and assertions for absl::Status and absl::StatusOr,
// which Debian's abseil (20220623) does not ship.
//
//   EXPECT_OK(stream.ShutdownWrite());
//   EXPECT_THAT(decoder.Finish(), StatusIs(absl::StatusCode::kDataLoss,
//                                          HasSubstr("offset 12")));
//   ASSERT_OK_AND_ASSIGN(auto listener, network.Listen(address, {}));
//   EXPECT_THAT(ParsePort("37"), IsOkAndHolds(37));
#ifndef WIRECHECK_PROTOCOLS_COMMON_STATUS_MATCHERS_H_
#define WIRECHECK_PROTOCOLS_COMMON_STATUS_MATCHERS_H_

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirecheck::testing {

inline const absl::Status& GetStatus(const absl::Status& status) {
  return status;
}
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

// Matches an OK absl::Status or absl::StatusOr.
MATCHER(IsOk, "is OK") {
  const absl::Status& status = GetStatus(arg);
  if (!status.ok()) *result_listener << "status is " << status;
  return status.ok();
}

// Matches a status whose code is `code` and whose message matches `message`.
MATCHER_P2(StatusIs, code, message,
           "has code " + absl::StatusCodeToString(code) + " and a message that " +
               ::testing::DescribeMatcher<std::string>(message, negation)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code &&
         ::testing::ExplainMatchResult(message, std::string(status.message()),
                                       result_listener);
}

// Matches a status whose code is `code`, whatever its message.
MATCHER_P(StatusIs, code, "has code " + absl::StatusCodeToString(code)) {
  const absl::Status& status = GetStatus(arg);
  *result_listener << "status is " << status;
  return status.code() == code;
}

// Matches an OK absl::StatusOr whose value matches `value`.
MATCHER_P(IsOkAndHolds, value,
          "is OK and holds a value that " +
              ::testing::DescribeMatcher<
                  typename std::decay_t<arg_type>::value_type>(value, negation)) {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(value, *arg, result_listener);
}

}  // namespace wirecheck::testing

#define EXPECT_OK(expr) EXPECT_THAT((expr), ::wirecheck::testing::IsOk())
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::wirecheck::testing::IsOk())

// Asserts `rexpr` (an absl::StatusOr<T>) is OK and moves its value into `lhs`.
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr)                                    \
  WIRECHECK_ASSERT_OK_AND_ASSIGN_IMPL_(                                     \
      WIRECHECK_MATCHERS_CONCAT_(wirecheck_statusor_, __LINE__), lhs, rexpr)
#define WIRECHECK_MATCHERS_CONCAT_INNER_(a, b) a##b
#define WIRECHECK_MATCHERS_CONCAT_(a, b) WIRECHECK_MATCHERS_CONCAT_INNER_(a, b)
#define WIRECHECK_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                         \
  ASSERT_TRUE(statusor.ok()) << statusor.status();                 \
  lhs = std::move(statusor).value()

#endif  // WIRECHECK_PROTOCOLS_COMMON_STATUS_MATCHERS_H_
