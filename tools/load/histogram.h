// A latency histogram in the style of HdrHistogram: log-linear buckets with
// a relative error under 1% (256 linear steps, then 128 sub-buckets per
// power of two), constant-time recording and a fixed 58 KiB footprint, so a
// load run can record every reply without allocating.
#ifndef WIRECHECK_TOOLS_LOAD_HISTOGRAM_H_
#define WIRECHECK_TOOLS_LOAD_HISTOGRAM_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/time/time.h"

namespace wirecheck::load {

class LatencyHistogram {
 public:
  // Records one latency; negative ones count as zero.
  void Record(absl::Duration latency);

  // Adds every sample of `other`.
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  absl::Duration min() const;
  absl::Duration max() const;
  absl::Duration mean() const;

  // The latency at or below which `percentile` percent (0 to 100) of the
  // samples fall: the highest value of that sample's bucket, never above
  // max(). ZeroDuration() when empty.
  absl::Duration Percentile(double percentile) const;

  // Bucket arithmetic, public for tests: the bucket of a value in
  // nanoseconds, and the lowest and highest value each bucket holds.
  static size_t BucketOf(uint64_t nanoseconds);
  static uint64_t BucketLow(size_t bucket);
  static uint64_t BucketHigh(size_t bucket);

  static constexpr int kLinearBits = 8;
  static constexpr size_t kLinear = size_t{1} << kLinearBits;
  static constexpr size_t kSubBuckets = kLinear / 2;
  static constexpr size_t kBuckets = kLinear + (64 - kLinearBits) * kSubBuckets;

 private:
  std::array<uint64_t, kBuckets> buckets_ = {};
  uint64_t count_ = 0;
  uint64_t min_ns_ = UINT64_MAX;
  uint64_t max_ns_ = 0;
  // Sum in nanoseconds as a double: an hour of replies at a million per
  // second would overflow 64-bit integer nanoseconds.
  double sum_ns_ = 0;
};

}  // namespace wirecheck::load

#endif  // WIRECHECK_TOOLS_LOAD_HISTOGRAM_H_
