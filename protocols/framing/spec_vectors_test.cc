// Runs every test vector in SPEC.md against the codec, decoding each input
// under many chunkings: the spec's examples are the codec's contract.
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/framing/codec.h"
#include "protocols/framing/codec_test_util.h"
#include "protocols/framing/spec_vectors.h"

namespace wirecheck::framing::testing {
namespace {

using ::testing::HasSubstr;
using ::wirecheck::testing::IsOk;
using ::wirecheck::testing::StatusIs;

std::vector<SpecVector> LoadVectors() {
  absl::StatusOr<std::string> spec = ReadRunfile("protocols/framing/SPEC.md");
  EXPECT_OK(spec);
  if (!spec.ok()) return {};
  absl::StatusOr<std::vector<SpecVector>> vectors = ParseSpecVectors(*spec);
  EXPECT_OK(vectors);
  return vectors.ok() ? *vectors : std::vector<SpecVector>{};
}

absl::StatusCode CodeOf(SpecVector::Outcome outcome) {
  switch (outcome) {
    case SpecVector::Outcome::kMalformed:
    case SpecVector::Outcome::kRejected:
      return absl::StatusCode::kInvalidArgument;
    case SpecVector::Outcome::kOversized:
      return absl::StatusCode::kResourceExhausted;
    case SpecVector::Outcome::kTruncated:
      return absl::StatusCode::kDataLoss;
    case SpecVector::Outcome::kOk:
      break;
  }
  return absl::StatusCode::kOk;
}

std::string Describe(const SpecVector& vector) {
  return absl::StrCat("SPEC.md:", vector.line, " ", VariantName(vector.variant),
                      " \"", Printable(vector.input), "\"");
}

TEST(SpecVectorsTest, EveryVariantHasVectors) {
  const std::vector<SpecVector> vectors = LoadVectors();
  for (Variant variant : AllVariants()) {
    int decode = 0;
    int encode = 0;
    for (const SpecVector& vector : vectors) {
      if (vector.variant != variant) continue;
      (vector.encode ? encode : decode)++;
    }
    EXPECT_GE(decode, variant == Variant::kRaw ? 2 : 5) << VariantName(variant);
    if (variant != Variant::kSentinel && variant != Variant::kRaw) {
      EXPECT_GE(encode, 1) << VariantName(variant);
    }
  }
}

TEST(SpecVectorsTest, DecodeVectorsHoldUnderEveryChunking) {
  std::mt19937_64 random(5);
  for (const SpecVector& vector : LoadVectors()) {
    if (vector.encode) continue;
    SCOPED_TRACE(Describe(vector));
    DecoderOptions options;
    options.max_frame_size = vector.max_frame_size;
    for (const Chunking& chunking : Chunkings(vector.input.size(), random)) {
      SCOPED_TRACE(chunking.name);
      const Decoded decoded =
          DecodeInPieces(vector.variant, options, vector.input, chunking.sizes);
      if (vector.variant == Variant::kRaw) {
        // Only the concatenation of raw output is defined.
        EXPECT_EQ(absl::StrJoin(decoded.payloads, ""),
                  absl::StrJoin(vector.expected, ""));
      } else {
        EXPECT_EQ(decoded.payloads, vector.expected) << decoded;
      }
      EXPECT_EQ(decoded.status.code(), CodeOf(vector.outcome)) << decoded;
      if (vector.outcome != SpecVector::Outcome::kOk) {
        EXPECT_EQ(decoded.error_offset, vector.error_offset) << decoded;
        EXPECT_THAT(std::string(decoded.status.message()),
                    HasSubstr(absl::StrCat("offset ", vector.error_offset)));
      }
    }
  }
}

TEST(SpecVectorsTest, EncodeVectorsGiveExactlyTheFrame) {
  for (const SpecVector& vector : LoadVectors()) {
    if (!vector.encode) continue;
    SCOPED_TRACE(Describe(vector));
    absl::StatusOr<std::string> frame = EncodeFrame(vector.variant, vector.input);
    if (vector.outcome == SpecVector::Outcome::kRejected) {
      EXPECT_THAT(frame, StatusIs(absl::StatusCode::kInvalidArgument,
                                  HasSubstr(VariantName(vector.variant))));
      continue;
    }
    ASSERT_THAT(frame, IsOk());
    ASSERT_EQ(vector.expected.size(), 1u);
    EXPECT_EQ(Printable(*frame), Printable(vector.expected[0]));
    const DecodedStream back = DecodeAll(vector.variant, *frame);
    EXPECT_OK(back.status);
    EXPECT_EQ(absl::StrJoin(back.payloads, ""), vector.input);
  }
}

TEST(SpecVectorsTest, ParserRejectsBadLines) {
  EXPECT_THAT(ParseSpecVectors("```vectors line\n\"a => \"a\"\n```\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(":2:")));
  EXPECT_THAT(ParseSpecVectors("```vectors nosuch\n```\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseSpecVectors("```vectors line\n\"a\" => wrong@x\n```\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseSpecVectors("```vectors line\n\"a\" => \"a\"\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(SpecVectorsTest, ParserReadsRepeatsJoinsAndEscapes) {
  absl::StatusOr<std::vector<SpecVector>> vectors = ParseSpecVectors(
      "```vectors cobs\n"
      "max=7 \"\\xff\" \"ab\"*2 \"\\0\" => \"x\"*2 + \"\\\\\" \"q\" "
      "oversized@3\n"
      "encode \"a\" => \"\\x02\" \"a\\0\"\n"
      "```\n");
  ASSERT_OK(vectors);
  ASSERT_EQ(vectors->size(), 2u);
  const SpecVector& first = (*vectors)[0];
  EXPECT_EQ(first.max_frame_size, 7u);
  EXPECT_EQ(first.input, std::string("\xff" "abab\0", 6));
  EXPECT_EQ(first.expected, (std::vector<std::string>{"xx\\", "q"}));
  EXPECT_EQ(first.outcome, SpecVector::Outcome::kOversized);
  EXPECT_EQ(first.error_offset, 3u);
  EXPECT_EQ((*vectors)[1].expected,
            (std::vector<std::string>{std::string("\x02" "a\0", 3)}));
}

}  // namespace
}  // namespace wirecheck::framing::testing
