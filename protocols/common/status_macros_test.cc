#include "protocols/common/status_macros.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::wirecheck::testing::IsOk;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;

absl::StatusOr<int> ParseDigit(char c) {
  if (c < '0' || c > '9') return absl::InvalidArgumentError("not a digit");
  return c - '0';
}

absl::StatusOr<int> SumOfDigits(const std::string& text) {
  int sum = 0;
  for (char c : text) {
    ASSIGN_OR_RETURN(int digit, ParseDigit(c));
    sum += digit;
  }
  return sum;
}

absl::Status CheckAllDigits(const std::string& text) {
  RETURN_IF_ERROR(SumOfDigits(text).status());
  return absl::OkStatus();
}

TEST(StatusMacrosTest, AssignOrReturnPassesValuesThrough) {
  EXPECT_THAT(SumOfDigits("123"), IsOkAndHolds(6));
}

TEST(StatusMacrosTest, AssignOrReturnStopsAtTheFirstError) {
  EXPECT_THAT(SumOfDigits("1x3"),
              StatusIs(absl::StatusCode::kInvalidArgument, "not a digit"));
}

TEST(StatusMacrosTest, ReturnIfErrorPropagatesOnlyErrors) {
  EXPECT_OK(CheckAllDigits("42"));
  EXPECT_THAT(CheckAllDigits("4 2"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(StatusMatchersTest, MatchersRejectWhatTheyShould) {
  EXPECT_THAT(absl::InternalError("boom"), Not(IsOk()));
  EXPECT_THAT(absl::InternalError("boom"),
              Not(StatusIs(absl::StatusCode::kUnavailable)));
  EXPECT_THAT(absl::InternalError("boom"),
              Not(StatusIs(absl::StatusCode::kInternal, HasSubstr("bang"))));
  EXPECT_THAT(absl::StatusOr<int>(7), Not(IsOkAndHolds(8)));
  EXPECT_THAT(absl::StatusOr<int>(absl::UnknownError("x")),
              Not(IsOkAndHolds(8)));
}

}  // namespace
}  // namespace wirecheck
