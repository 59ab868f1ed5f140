// Properties of every codec: round trips over random payloads and every
// split point, chunking independence on valid and corrupted streams, limits
// checked before allocation, zero-copy delivery, and encoder refusals.
// (SPEC.md's exact vectors are in spec_vectors_test.)
#include "protocols/framing/codec.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "protocols/common/status_matchers.h"
#include "protocols/framing/codec_test_util.h"
#include "protocols/framing/samples.h"

namespace wirecheck::framing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::wirecheck::framing::testing::Chunking;
using ::wirecheck::framing::testing::Chunkings;
using ::wirecheck::framing::testing::Decoded;
using ::wirecheck::framing::testing::DecodeInPieces;
using ::wirecheck::framing::testing::DecodeReceivedInPieces;
using ::wirecheck::testing::IsOkAndHolds;
using ::wirecheck::testing::StatusIs;

// Sizes around every boundary the variants have: empty, one byte, cobs's
// 254-byte blocks, base64's groups of three, u16be's limit.
constexpr size_t kSizes[] = {0, 1, 2, 3, 4, 63, 253, 254, 255, 256,
                             508, 509, 1000, 4096, 65535};

class VariantTest : public ::testing::TestWithParam<Variant> {};

std::string VariantTestName(const ::testing::TestParamInfo<Variant>& info) {
  return std::string(VariantName(info.param));
}

TEST_P(VariantTest, DecodeOfEncodeIsIdentityAtEverySplitPoint) {
  const Variant variant = GetParam();
  std::mt19937_64 random(1);
  std::unique_ptr<Encoder> encoder = MakeEncoder(variant, {.seed = 7});
  for (size_t size : kSizes) {
    if (variant == Variant::kRaw && size == 0) continue;  // no raw frame
    for (int trial = 0; trial < 3; ++trial) {
      const std::string payload = RandomPayload(variant, size, random);
      std::string frame;
      ASSERT_OK(encoder->Encode(payload, frame));
      SCOPED_TRACE(absl::StrCat("payload size ", size, " frame size ",
                                frame.size(), " trial ", trial));
      for (const Chunking& chunking :
           Chunkings(frame.size(), random, /*all_splits_up_to=*/1100)) {
        const Decoded decoded =
            DecodeInPieces(variant, {}, frame, chunking.sizes);
        ASSERT_OK(decoded.status) << chunking.name;
        if (variant == Variant::kRaw) {
          EXPECT_EQ(absl::StrJoin(decoded.payloads, ""), payload);
          continue;
        }
        ASSERT_THAT(decoded.payloads, ElementsAre(payload)) << chunking.name;
        EXPECT_EQ(decoded.offsets[0], 0u);
        EXPECT_EQ(decoded.wire_sizes[0], frame.size());
      }
    }
  }
}

TEST_P(VariantTest, ManyFramesDecodeAlikeUnderAnyChunking) {
  const Variant variant = GetParam();
  if (variant == Variant::kRaw) GTEST_SKIP() << "raw has no frames";
  std::mt19937_64 random(2);
  std::unique_ptr<Encoder> encoder = MakeEncoder(variant, {.seed = 3});
  std::vector<std::string> payloads;
  std::string stream;
  for (int i = 0; i < 60; ++i) {
    payloads.push_back(RandomPayload(variant, random() % 600, random));
    ASSERT_OK(encoder->Encode(payloads.back(), stream));
  }
  const Decoded whole = DecodeInPieces(variant, {}, stream, {stream.size()});
  ASSERT_OK(whole.status);
  EXPECT_EQ(whole.payloads, payloads);
  uint64_t offset = 0;
  for (size_t i = 0; i < whole.offsets.size(); ++i) {
    EXPECT_EQ(whole.offsets[i], offset);
    offset += whole.wire_sizes[i];
  }
  EXPECT_EQ(offset, stream.size());
  for (const Chunking& chunking : Chunkings(stream.size(), random, 0)) {
    EXPECT_EQ(DecodeInPieces(variant, {}, stream, chunking.sizes), whole)
        << chunking.name;
    EXPECT_EQ(DecodeReceivedInPieces(variant, {}, stream, chunking.sizes),
              whole)
        << chunking.name << ", received in place";
  }
}

// Corrupts valid streams (flips, insertions, deletions, cuts) and checks
// that every chunking yields the same frames, error and error offset. A
// small maximum frame size makes the oversize paths common too.
TEST_P(VariantTest, CorruptStreamsFailAlikeUnderAnyChunking) {
  const Variant variant = GetParam();
  std::mt19937_64 random(3);
  std::unique_ptr<Encoder> encoder = MakeEncoder(variant, {.seed = 4});
  const DecoderOptions options{.max_frame_size = 40};
  const char kInteresting[] = {'\n', '\r', '\0', '\\', '=', ':', ',',
                               'n',  'A',  '\xff', '\x80', '0', '9', '\x01'};
  int failures = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string stream;
    for (int i = 0; i < 4; ++i) {
      ASSERT_OK(encoder->Encode(
          RandomPayload(variant, random() % 48, random), stream));
    }
    for (int edits = 1 + random() % 3; edits > 0 && !stream.empty(); --edits) {
      const size_t at = random() % stream.size();
      const char byte = random() % 2 ? kInteresting[random() % sizeof(kInteresting)]
                                     : static_cast<char>(random());
      switch (random() % 4) {
        case 0: stream[at] = byte; break;
        case 1: stream.insert(stream.begin() + at, byte); break;
        case 2: stream.erase(at, 1); break;
        default: stream.resize(at); break;
      }
    }
    const Decoded whole = DecodeInPieces(variant, options, stream, {stream.size()});
    if (!whole.status.ok()) ++failures;
    for (const Chunking& chunking : Chunkings(stream.size(), random, 300)) {
      if (variant == Variant::kRaw) continue;
      ASSERT_EQ(DecodeInPieces(variant, options, stream, chunking.sizes), whole)
          << chunking.name << " on \"" << testing::Printable(stream) << "\"";
      ASSERT_EQ(
          DecodeReceivedInPieces(variant, options, stream, chunking.sizes),
          whole)
          << chunking.name << ", received in place, on \""
          << testing::Printable(stream) << "\"";
    }
    for (size_t i = 0; i < whole.payloads.size() && variant != Variant::kRaw;
         ++i) {
      EXPECT_LE(whole.payloads[i].size(), options.max_frame_size);
    }
    EXPECT_LE(whole.error_offset, stream.size());
  }
  if (variant != Variant::kRaw && variant != Variant::kU16be &&
      variant != Variant::kU32be) {
    // The corruption must actually exercise the error paths.
    EXPECT_GT(failures, 30);
  }
}

TEST_P(VariantTest, ErrorsAreStickyAndEndDecoding) {
  const Variant variant = GetParam();
  if (variant == Variant::kRaw) GTEST_SKIP() << "raw has no errors";
  const DecoderOptions options{.max_frame_size = 2};
  std::unique_ptr<Decoder> decoder = MakeDecoder(variant, options);
  // Four payload bytes are too many for every variant at this limit.
  ASSERT_OK_AND_ASSIGN(std::string frame, EncodeFrame(variant, "abcd"));
  int frames = 0;
  const auto count = [&](const Frame&) { ++frames; };
  const absl::Status first = decoder->Feed(frame, count);
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(decoder->status(), first);
  ASSERT_OK_AND_ASSIGN(std::string valid, EncodeFrame(variant, "a"));
  EXPECT_EQ(decoder->Feed(valid, count), first);
  EXPECT_EQ(decoder->Finish(), first);
  EXPECT_EQ(frames, 0);
}

TEST_P(VariantTest, EndOfStreamInsideAFrameIsTruncationAfterEarlierFrames) {
  const Variant variant = GetParam();
  if (variant == Variant::kRaw) GTEST_SKIP() << "raw has no frames";
  ASSERT_OK_AND_ASSIGN(std::string first, EncodeFrame(variant, "one"));
  ASSERT_OK_AND_ASSIGN(std::string second, EncodeFrame(variant, "second"));
  const std::string stream = first + second.substr(0, second.size() - 1);
  std::unique_ptr<Decoder> decoder = MakeDecoder(variant);
  std::vector<std::string> payloads;
  ASSERT_OK(decoder->Feed(stream, [&](const Frame& frame) {
    payloads.emplace_back(frame.payload);
  }));
  EXPECT_THAT(payloads, ElementsAre("one"));
  EXPECT_TRUE(decoder->in_frame());
  EXPECT_THAT(decoder->Finish(),
              StatusIs(absl::StatusCode::kDataLoss,
                       HasSubstr(absl::StrCat(
                           "truncated frame: the stream ended at offset ",
                           stream.size(), " inside the frame that starts at offset ",
                           first.size()))));
  EXPECT_EQ(decoder->error_offset(), first.size());
}

TEST_P(VariantTest, OversizedFramesNameTheLimitAndTheOffset) {
  const Variant variant = GetParam();
  if (variant == Variant::kRaw) GTEST_SKIP() << "raw has no frames";
  ASSERT_OK_AND_ASSIGN(std::string small, EncodeFrame(variant, "ok"));
  ASSERT_OK_AND_ASSIGN(std::string big, EncodeFrame(variant, std::string(100, 'b')));
  const DecodedStream decoded =
      DecodeAll(variant, small + big, {.max_frame_size = 99});
  EXPECT_THAT(decoded.payloads, ElementsAre("ok"));
  EXPECT_THAT(decoded.status,
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr(absl::StrCat(
                           VariantName(variant), ": the frame at offset ",
                           small.size()))));
  EXPECT_THAT(decoded.status.message(),
              HasSubstr("the maximum frame size is 99 bytes"));
  EXPECT_EQ(decoded.error_offset, small.size());
}

TEST_P(VariantTest, FramesWithinOneFeedAreNotCopiedWhenNothingIsTransformed) {
  const Variant variant = GetParam();
  if (variant == Variant::kBase64) {
    GTEST_SKIP() << "payload is decoded, not just located";
  }
  ASSERT_OK_AND_ASSIGN(std::string stream, EncodeFrame(variant, "payload"));
  std::unique_ptr<Decoder> decoder = MakeDecoder(variant);
  bool in_place = false;
  ASSERT_OK(decoder->Feed(stream, [&](const Frame& frame) {
    in_place = frame.payload.data() >= stream.data() &&
               frame.payload.data() + frame.payload.size() <=
                   stream.data() + stream.size();
  }));
  EXPECT_TRUE(in_place);
}

INSTANTIATE_TEST_SUITE_P(AllVariants, VariantTest,
                         ::testing::ValuesIn(AllVariants().begin(),
                                             AllVariants().end()),
                         VariantTestName);

TEST(LengthPrefixTest, OversizedLengthIsRejectedBeforeThePayloadArrives) {
  struct Case {
    Variant variant;
    std::string header;
  };
  const Case cases[] = {
      {Variant::kU32be, "\xff\xff\xff\xff"},
      {Variant::kDecimal8, "99999999"},
      {Variant::kVarint, "\xff\xff\xff\xff\x0f"},
      {Variant::kNetstring, "1048577"},
  };
  for (const Case& c : cases) {
    std::unique_ptr<Decoder> decoder = MakeDecoder(c.variant);
    EXPECT_THAT(decoder->Feed(c.header, [](const Frame&) {}),
                StatusIs(absl::StatusCode::kResourceExhausted,
                         HasSubstr("; the maximum frame size is 1048576 bytes")))
        << VariantName(c.variant);
  }
}

TEST(LengthPrefixTest, NetstringRejectsALongLengthAtTheDigitThatExceeds) {
  std::unique_ptr<Decoder> decoder = MakeDecoder(Variant::kNetstring);
  EXPECT_OK(decoder->Feed("104857", [](const Frame&) {}));
  EXPECT_THAT(decoder->Feed("7", [](const Frame&) {}),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(DelimitedTest, ALongLineIsRejectedOnceTheLimitIsPassed) {
  std::unique_ptr<Decoder> decoder =
      MakeDecoder(Variant::kLine, {.max_frame_size = 1000});
  EXPECT_OK(decoder->Feed(std::string(1000, 'a'), [](const Frame&) {}));
  EXPECT_THAT(decoder->Feed("a", [](const Frame&) {}),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("has no LF within 1000 payload bytes")));
}

TEST(DelimitedTest, SpanningFramesAreCopiedOnce) {
  std::unique_ptr<Decoder> decoder = MakeDecoder(Variant::kLine);
  std::vector<std::string> payloads;
  const auto sink = [&](const Frame& frame) {
    payloads.emplace_back(frame.payload);
  };
  ASSERT_OK(decoder->Feed("hel", sink));
  ASSERT_OK(decoder->Feed("lo\nwor", sink));
  ASSERT_OK(decoder->Feed("ld\n", sink));
  EXPECT_THAT(payloads, ElementsAre("hello", "world"));
  EXPECT_OK(decoder->Finish());
}

// Received in place, a frame spanning reads is delivered from the bytes
// where they were received, and only the frame in progress stays pending.
TEST(ReceiveInPlaceTest, SpanningFramesAreDeliveredWhereTheyWereReceived) {
  for (Variant variant : {Variant::kLine, Variant::kCrlf, Variant::kNul,
                          Variant::kDecimal8, Variant::kU16be, Variant::kU32be,
                          Variant::kNetstring, Variant::kVarint}) {
    std::string stream;
    std::unique_ptr<Encoder> encoder = MakeEncoder(variant);
    ASSERT_OK(encoder->Encode("hello", stream));
    ASSERT_OK(encoder->Encode("world", stream));
    std::unique_ptr<Decoder> decoder = MakeDecoder(variant);
    std::vector<std::string> payloads;
    uint64_t last_end = 0;
    const char* buffer_begin = nullptr;
    const char* buffer_end = nullptr;
    const auto sink = [&](const Frame& frame) {
      payloads.emplace_back(frame.payload);
      last_end = frame.offset + frame.wire_size;
      EXPECT_GE(frame.payload.data(), buffer_begin) << VariantName(variant);
      EXPECT_LE(frame.payload.data() + frame.payload.size(), buffer_end);
    };
    // Every read ends inside a frame: "hel", "lo<end>wor", "ld<end>".
    size_t pos = 0;
    for (size_t size : {size_t{3}, stream.size() / 2 + 1 - 3,
                        stream.size() - stream.size() / 2 - 1}) {
      const absl::Span<char> room = decoder->ReceiveBuffer(size);
      std::copy_n(stream.data() + pos, size, room.begin());
      buffer_begin = decoder->pending().data();
      buffer_end = room.data() + size;
      ASSERT_OK(decoder->Received(size, sink)) << VariantName(variant);
      pos += size;
      EXPECT_EQ(decoder->pending(),
                absl::string_view(stream).substr(last_end, pos - last_end));
    }
    EXPECT_THAT(payloads, ElementsAre("hello", "world"));
    EXPECT_THAT(decoder->pending(), IsEmpty());
    EXPECT_OK(decoder->Finish());
  }
}

TEST(ReceiveInPlaceTest, PendingFrameSurvivesTheBufferMovingOrGrowing) {
  std::unique_ptr<Decoder> decoder = MakeDecoder(Variant::kU32be);
  std::string stream;
  ASSERT_OK(MakeEncoder(Variant::kU32be)
                ->Encode(std::string(100'000, 'x') + "end", stream));
  std::vector<std::string> payloads;
  for (size_t pos = 0; pos < stream.size(); pos += 1000) {
    const size_t size = std::min<size_t>(1000, stream.size() - pos);
    const absl::Span<char> room = decoder->ReceiveBuffer(size);
    std::copy_n(stream.data() + pos, size, room.begin());
    ASSERT_OK(decoder->Received(size, [&](const Frame& frame) {
      payloads.emplace_back(frame.payload);
    }));
    if (payloads.empty()) {
      EXPECT_EQ(decoder->pending(),
                absl::string_view(stream).substr(0, pos + size));
    }
  }
  ASSERT_EQ(payloads.size(), 1u);
  EXPECT_EQ(payloads[0], std::string(100'000, 'x') + "end");
}

TEST(ReceiveInPlaceTest, MixingFeedAndReceivedMidFrameIsRefused) {
  std::unique_ptr<Decoder> fed = MakeDecoder(Variant::kLine);
  ASSERT_OK(fed->Feed("par", [](const Frame&) {}));
  fed->ReceiveBuffer(4);
  EXPECT_THAT(fed->Received(1, [](const Frame&) {}),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  std::unique_ptr<Decoder> received = MakeDecoder(Variant::kLine);
  std::copy_n("par", 3, received->ReceiveBuffer(3).begin());
  ASSERT_OK(received->Received(3, [](const Frame&) {}));
  EXPECT_THAT(received->Feed("t\n", [](const Frame&) {}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // At a frame boundary either is fine.
  std::copy_n("t\n", 2, received->ReceiveBuffer(2).begin());
  ASSERT_OK(received->Received(2, [](const Frame&) {}));
  EXPECT_OK(received->Feed("next\n", [](const Frame&) {}));
}

TEST(ReceiveInPlaceTest, BytesReceivedElsewhereKeepOnlyTheFrameInProgress) {
  std::unique_ptr<Decoder> decoder = MakeDecoder(Variant::kLine);
  std::vector<std::string> payloads;
  const auto sink = [&](const Frame& frame) {
    payloads.emplace_back(frame.payload);
  };
  const std::string read = "one\ntwo\nthr";
  ASSERT_OK(decoder->ReceivedElsewhere(read, sink));
  EXPECT_THAT(payloads, ElementsAre("one", "two"));
  EXPECT_EQ(decoder->pending(), "thr");
  // The frame continues in place after its kept bytes.
  std::copy_n("ee\n", 3, decoder->ReceiveBuffer(3).begin());
  ASSERT_OK(decoder->Received(3, sink));
  EXPECT_THAT(payloads, ElementsAre("one", "two", "three"));
  EXPECT_THAT(decoder->pending(), IsEmpty());
}

TEST(ReceiveInPlaceTest, DecodingGoesOnAfterAHugeFrameReleasesItsBuffer) {
  std::unique_ptr<Decoder> decoder = MakeDecoder(Variant::kLine);
  std::vector<size_t> sizes;
  const auto sink = [&](const Frame& frame) {
    sizes.push_back(frame.payload.size());
  };
  ASSERT_OK(decoder->ReceivedElsewhere("a", sink));
  // 512 KiB: past what a decoder keeps between frames.
  for (int i = 0; i < 8; ++i) {
    const absl::Span<char> room = decoder->ReceiveBuffer(64 * 1024);
    std::fill(room.begin(), room.end(), 'a');
    ASSERT_OK(decoder->Received(room.size(), sink));
  }
  std::copy_n("\n", 1, decoder->ReceiveBuffer(1).begin());
  ASSERT_OK(decoder->Received(1, sink));
  // The grown buffer goes with the next bytes received elsewhere.
  ASSERT_OK(decoder->ReceivedElsewhere("small\ntail", sink));
  EXPECT_THAT(sizes, ElementsAre(1 + 8 * 64 * 1024, 5));
  EXPECT_EQ(decoder->pending(), "tail");
}

TEST(ReceiveInPlaceTest, BytesReceivedElsewhereMustStartAtAFrameBoundary) {
  std::unique_ptr<Decoder> decoder = MakeDecoder(Variant::kLine);
  ASSERT_OK(decoder->ReceivedElsewhere("par", [](const Frame&) {}));
  EXPECT_THAT(decoder->ReceivedElsewhere("t\n", [](const Frame&) {}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  std::unique_ptr<Decoder> fed = MakeDecoder(Variant::kLine);
  ASSERT_OK(fed->Feed("par", [](const Frame&) {}));
  EXPECT_THAT(fed->ReceivedElsewhere("t\n", [](const Frame&) {}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_OK(fed->status());
}

TEST(ReceiveInPlaceTest, ReceivingMoreThanTheRoomIsAnError) {
  std::unique_ptr<Decoder> decoder = MakeDecoder(Variant::kLine);
  decoder->ReceiveBuffer(8);
  EXPECT_THAT(decoder->Received(9, [](const Frame&) {}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("exceeds the 8 bytes")));
  EXPECT_OK(decoder->status());
}

TEST(EncoderTest, RefusesWhatTheVariantCannotCarry) {
  EXPECT_THAT(EncodeFrame(Variant::kLine, "a\nb"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "line cannot carry this payload: it contains LF"));
  EXPECT_THAT(EncodeFrame(Variant::kCrlf, "a\rb"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(EncodeFrame(Variant::kNul, std::string("a\0b", 3)),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(EncodeFrame(Variant::kU16be, std::string(65536, 'x')),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("65536 bytes is more than the 65535")));
  EXPECT_OK(EncodeFrame(Variant::kU16be, std::string(65535, 'x')));
}

TEST(EncoderTest, LeavesOutputUnchangedOnRefusal) {
  std::unique_ptr<Encoder> encoder = MakeEncoder(Variant::kLine);
  std::string out = "kept";
  EXPECT_FALSE(encoder->Encode("bad\n", out).ok());
  EXPECT_EQ(out, "kept");
}

TEST(SentinelEncoderTest, RandomDelimitersRepeatWithTheSeed) {
  const std::string payload = "some payload";
  std::string a, b, c;
  std::unique_ptr<Encoder> first = MakeEncoder(Variant::kSentinel, {.seed = 42});
  std::unique_ptr<Encoder> again = MakeEncoder(Variant::kSentinel, {.seed = 42});
  std::unique_ptr<Encoder> other = MakeEncoder(Variant::kSentinel, {.seed = 43});
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(first->Encode(payload, a));
    ASSERT_OK(again->Encode(payload, b));
    ASSERT_OK(other->Encode(payload, c));
  }
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  const DecodedStream decoded = DecodeAll(Variant::kSentinel, a);
  EXPECT_OK(decoded.status);
  EXPECT_THAT(decoded.payloads, ElementsAre(payload, payload, payload));
}

TEST(SentinelEncoderTest, AGivenDelimiterMustNotEndTheFrameEarly) {
  EXPECT_THAT(EncodeFrame(Variant::kSentinel, "xENDx", {.sentinel = "END"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("the delimiter \"END\" occurs in it")));
  // "a" + "aa" would read as an empty payload followed by garbage.
  EXPECT_THAT(EncodeFrame(Variant::kSentinel, "a", {.sentinel = "aa"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(EncodeFrame(Variant::kSentinel, "x", {.sentinel = "E!"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("contains 0x21")));
  EXPECT_THAT(EncodeFrame(Variant::kSentinel, "x",
                          {.sentinel = std::string(65, 'E')}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(EncodeFrame(Variant::kSentinel, "xa", {.sentinel = "ab"}),
              IsOkAndHolds("ab\nxaab"));
}

TEST(SentinelEncoderTest, FindsADelimiterForAdversarialPayloads) {
  // Every 8-character string a seed-0 encoder tries first, packed into the
  // payload, forces it to try again.
  std::string payload;
  {
    std::unique_ptr<Encoder> probe = MakeEncoder(Variant::kSentinel);
    for (int i = 0; i < 64; ++i) {
      std::string frame;
      ASSERT_OK(probe->Encode("", frame));
      payload += frame.substr(0, frame.find('\n'));
    }
  }
  ASSERT_OK_AND_ASSIGN(std::string frame,
                       EncodeFrame(Variant::kSentinel, payload));
  const DecodedStream decoded = DecodeAll(Variant::kSentinel, frame);
  EXPECT_OK(decoded.status);
  EXPECT_THAT(decoded.payloads, ElementsAre(payload));
}

TEST(VariantNameTest, RoundTripsAndRejectsUnknownNames) {
  for (Variant variant : AllVariants()) {
    EXPECT_THAT(ParseVariant(VariantName(variant)), IsOkAndHolds(variant));
  }
  EXPECT_THAT(ParseVariant("lines"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected one of line, crlf, nul, escaped, "
                                 "base64, sentinel, decimal8, u16be, u32be, "
                                 "netstring, varint, cobs, raw")));
  EXPECT_EQ(AllVariants().size(), 13u);
}

TEST(DecoderTest, MaximumFrameSizeIsClamped) {
  std::unique_ptr<Decoder> decoder =
      MakeDecoder(Variant::kLine, {.max_frame_size = ~size_t{0}});
  EXPECT_EQ(decoder->max_frame_size(), kMaxMaxFrameSize);
  ASSERT_OK(decoder->Feed("abc\n", [](const Frame&) {}));
}

TEST(DecoderTest, RawDeliversEachPieceAsItArrives) {
  std::unique_ptr<Decoder> decoder = MakeDecoder(Variant::kRaw);
  std::vector<std::string> pieces;
  const auto sink = [&](const Frame& frame) {
    pieces.emplace_back(frame.payload);
  };
  ASSERT_OK(decoder->Feed("ab", sink));
  ASSERT_OK(decoder->Feed("", sink));
  ASSERT_OK(decoder->Feed("c", sink));
  EXPECT_THAT(pieces, ElementsAre("ab", "c"));
  EXPECT_OK(decoder->Finish());
  EXPECT_THAT(DecodeAll(Variant::kRaw, "").payloads, IsEmpty());
}

}  // namespace
}  // namespace wirecheck::framing
