#include "tools/load/histogram.h"

#include <cstdint>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace wirecheck::load {
namespace {

TEST(LatencyHistogramTest, BucketsCoverEveryValueWithoutGapsOrOverlap) {
  for (size_t bucket = 0; bucket + 1 < LatencyHistogram::kBuckets; ++bucket) {
    ASSERT_EQ(LatencyHistogram::BucketHigh(bucket) + 1,
              LatencyHistogram::BucketLow(bucket + 1))
        << bucket;
    ASSERT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::BucketLow(bucket)),
              bucket);
    ASSERT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::BucketHigh(bucket)),
              bucket);
  }
  EXPECT_EQ(LatencyHistogram::BucketOf(UINT64_MAX),
            LatencyHistogram::kBuckets - 1);
}

TEST(LatencyHistogramTest, BucketWidthStaysUnderOnePercentOfItsValues) {
  for (size_t bucket = LatencyHistogram::kLinear;
       bucket + 1 < LatencyHistogram::kBuckets; ++bucket) {
    const double low = static_cast<double>(LatencyHistogram::BucketLow(bucket));
    const double high =
        static_cast<double>(LatencyHistogram::BucketHigh(bucket));
    ASSERT_LT((high - low) / low, 0.008) << bucket;
  }
}

TEST(LatencyHistogramTest, PercentilesOfAUniformRunAreWithinBucketPrecision) {
  LatencyHistogram histogram;
  for (int us = 1; us <= 10000; ++us) histogram.Record(absl::Microseconds(us));

  EXPECT_EQ(histogram.count(), 10000u);
  EXPECT_EQ(histogram.min(), absl::Microseconds(1));
  EXPECT_EQ(histogram.max(), absl::Microseconds(10000));
  EXPECT_NEAR(absl::ToDoubleMicroseconds(histogram.mean()), 5000.5, 0.01);
  EXPECT_NEAR(absl::ToDoubleMicroseconds(histogram.Percentile(50)), 5000,
              5000 * 0.008);
  EXPECT_NEAR(absl::ToDoubleMicroseconds(histogram.Percentile(99)), 9900,
              9900 * 0.008);
  EXPECT_NEAR(absl::ToDoubleMicroseconds(histogram.Percentile(99.9)), 9990,
              9990 * 0.008);
  EXPECT_EQ(histogram.Percentile(100), absl::Microseconds(10000));
}

TEST(LatencyHistogramTest, ARareOutlierShowsInTheTailButNotTheMedian) {
  LatencyHistogram histogram;
  for (int i = 0; i < 999; ++i) histogram.Record(absl::Microseconds(100));
  histogram.Record(absl::Milliseconds(50));

  EXPECT_LT(histogram.Percentile(50), absl::Microseconds(102));
  EXPECT_LT(histogram.Percentile(99.9), absl::Microseconds(102));
  EXPECT_EQ(histogram.Percentile(100), absl::Milliseconds(50));
  EXPECT_EQ(histogram.max(), absl::Milliseconds(50));
}

TEST(LatencyHistogramTest, MergeAddsSamples) {
  LatencyHistogram fast;
  LatencyHistogram slow;
  fast.Record(absl::Microseconds(10));
  slow.Record(absl::Milliseconds(10));

  fast.Merge(slow);

  EXPECT_EQ(fast.count(), 2u);
  EXPECT_EQ(fast.min(), absl::Microseconds(10));
  EXPECT_EQ(fast.max(), absl::Milliseconds(10));
}

TEST(LatencyHistogramTest, EmptyHistogramReportsZeros) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.Percentile(99), absl::ZeroDuration());
  EXPECT_EQ(histogram.min(), absl::ZeroDuration());
  EXPECT_EQ(histogram.mean(), absl::ZeroDuration());
}

TEST(LatencyHistogramTest, NegativeLatencyCountsAsZero) {
  LatencyHistogram histogram;
  histogram.Record(absl::Microseconds(-5));
  EXPECT_EQ(histogram.max(), absl::ZeroDuration());
  EXPECT_EQ(histogram.count(), 1u);
}

}  // namespace
}  // namespace wirecheck::load
