#include "tools/load/histogram.h"

#include <algorithm>
#include <cmath>

namespace wirecheck::load {

size_t LatencyHistogram::BucketOf(uint64_t nanoseconds) {
  if (nanoseconds < kLinear) return static_cast<size_t>(nanoseconds);
  const int top_bit = 63 - __builtin_clzll(nanoseconds);
  // Keep the top kLinearBits - 1 bits below the leading one as the
  // sub-bucket: shift >= 1 for every value past the linear range.
  const int shift = top_bit - (kLinearBits - 1);
  const uint64_t mantissa = nanoseconds >> shift;  // in [kSubBuckets, kLinear)
  return kLinear + static_cast<size_t>(shift - 1) * kSubBuckets +
         static_cast<size_t>(mantissa - kSubBuckets);
}

uint64_t LatencyHistogram::BucketLow(size_t bucket) {
  if (bucket < kLinear) return bucket;
  const size_t shift = (bucket - kLinear) / kSubBuckets + 1;
  const uint64_t mantissa = (bucket - kLinear) % kSubBuckets + kSubBuckets;
  return mantissa << shift;
}

uint64_t LatencyHistogram::BucketHigh(size_t bucket) {
  if (bucket + 1 >= kBuckets) return UINT64_MAX;
  return BucketLow(bucket + 1) - 1;
}

void LatencyHistogram::Record(absl::Duration latency) {
  const int64_t signed_ns = absl::ToInt64Nanoseconds(latency);
  const uint64_t ns = signed_ns < 0 ? 0 : static_cast<uint64_t>(signed_ns);
  ++buckets_[BucketOf(ns)];
  ++count_;
  min_ns_ = std::min(min_ns_, ns);
  max_ns_ = std::max(max_ns_, ns);
  sum_ns_ += static_cast<double>(ns);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  min_ns_ = std::min(min_ns_, other.min_ns_);
  max_ns_ = std::max(max_ns_, other.max_ns_);
  sum_ns_ += other.sum_ns_;
}

absl::Duration LatencyHistogram::min() const {
  return count_ == 0 ? absl::ZeroDuration()
                     : absl::Nanoseconds(static_cast<int64_t>(min_ns_));
}

absl::Duration LatencyHistogram::max() const {
  return absl::Nanoseconds(static_cast<int64_t>(max_ns_));
}

absl::Duration LatencyHistogram::mean() const {
  return count_ == 0 ? absl::ZeroDuration()
                     : absl::Nanoseconds(sum_ns_ / static_cast<double>(count_));
}

absl::Duration LatencyHistogram::Percentile(double percentile) const {
  if (count_ == 0) return absl::ZeroDuration();
  const double clamped = std::clamp(percentile, 0.0, 100.0);
  // The rank of the sample asked for, counting from 1. The epsilon keeps
  // 99.9% of 1000 at rank 999, which rounding would push to 1000.
  const uint64_t rank = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(
             clamped * static_cast<double>(count_) / 100.0 - 1e-9)));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      return absl::Nanoseconds(
          static_cast<int64_t>(std::min(BucketHigh(i), max_ns_)));
    }
  }
  return max();
}

}  // namespace wirecheck::load
