#include "protocols/framing/samples.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"

namespace wirecheck::framing {
namespace {

using ::testing::IsEmpty;
using ::wirecheck::testing::StatusIs;

TEST(SamplesTest, MalformedSamplesAreMalformedFromTheFirstFrame) {
  for (Variant variant : AllVariants()) {
    for (const MalformedSample& sample : MalformedSamples(variant)) {
      const DecodedStream decoded = DecodeAll(variant, sample.bytes);
      EXPECT_THAT(decoded.status, StatusIs(absl::StatusCode::kInvalidArgument))
          << VariantName(variant) << ": " << sample.what;
      EXPECT_THAT(decoded.payloads, IsEmpty());
    }
  }
}

TEST(SamplesTest, VariantsWithoutMalformedInputHaveNoSamples) {
  for (Variant variant : {Variant::kLine, Variant::kNul, Variant::kU16be,
                          Variant::kU32be, Variant::kRaw}) {
    EXPECT_THAT(MalformedSamples(variant), IsEmpty()) << VariantName(variant);
  }
}

TEST(SamplesTest, OversizedSamplesAreRejectedWithoutFinishing) {
  for (Variant variant : AllVariants()) {
    for (size_t max : {size_t{0}, size_t{1}, size_t{64}, size_t{1000},
                       kDefaultMaxFrameSize}) {
      const std::optional<std::string> sample = OversizedSample(variant, max);
      if (!sample.has_value()) continue;
      std::unique_ptr<Decoder> decoder =
          MakeDecoder(variant, {.max_frame_size = max});
      EXPECT_THAT(decoder->Feed(*sample, [](const Frame&) {}),
                  StatusIs(absl::StatusCode::kResourceExhausted))
          << VariantName(variant) << " max " << max;
    }
  }
}

TEST(SamplesTest, OnlyVariantsThatCannotAnnounceMoreHaveNoOversizedSample) {
  EXPECT_FALSE(OversizedSample(Variant::kRaw, 64).has_value());
  EXPECT_FALSE(OversizedSample(Variant::kU16be, 65535).has_value());
  EXPECT_TRUE(OversizedSample(Variant::kU16be, 65534).has_value());
  EXPECT_FALSE(OversizedSample(Variant::kDecimal8, 99999999).has_value());
  EXPECT_TRUE(OversizedSample(Variant::kU32be, kDefaultMaxFrameSize).has_value());
  EXPECT_EQ(LargestPayload(Variant::kU16be, kDefaultMaxFrameSize), 65535u);
  EXPECT_EQ(LargestPayload(Variant::kLine, 100), 100u);
}

}  // namespace
}  // namespace wirecheck::framing
