#include "fakes/datagram_fault_engine.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace wirecheck::fakes {

DatagramFaultEngine::DatagramFaultEngine(DatagramFaults faults, uint64_t seed,
                                         Clock& clock, FaultLog* log,
                                         std::string path)
    : faults_(std::move(faults)),
      clock_(clock),
      log_(log),
      path_(std::move(path)),
      drop_random_(MixSeed(seed, "drop")),
      burst_random_(MixSeed(seed, "gilbert_elliott")),
      duplicate_random_(MixSeed(seed, "duplicate")),
      reorder_random_(MixSeed(seed, "reorder")),
      jitter_random_(MixSeed(seed, "jitter")),
      truncate_random_(MixSeed(seed, "truncate")),
      corrupt_random_(MixSeed(seed, "corrupt")) {}

void DatagramFaultEngine::Log(uint64_t index, absl::string_view fault,
                              std::string detail) {
  if (log_ == nullptr) return;
  log_->Add(FaultRecord{clock_.Now(), path_, index, std::string(fault),
                        std::move(detail)});
}

std::string DatagramFaultEngine::DropReason(uint64_t index) {
  std::vector<std::string> reasons;
  if (faults_.drop > 0 && drop_random_.Chance(faults_.drop)) {
    reasons.push_back(absl::StrCat("drop=", faults_.drop));
  }
  if (faults_.gilbert_elliott) {
    const DatagramFaults::GilbertElliott& ge = *faults_.gilbert_elliott;
    const bool lost =
        burst_random_.Chance(bad_state_ ? ge.bad_loss : ge.good_loss);
    if (lost) {
      reasons.push_back(absl::StrCat("gilbert_elliott (",
                                     bad_state_ ? "bad" : "good", " state)"));
    }
    bad_state_ = bad_state_ ? !burst_random_.Chance(ge.bad_to_good)
                            : burst_random_.Chance(ge.good_to_bad);
  }
  if (faults_.drop_every > 0 && index % faults_.drop_every == 0) {
    reasons.push_back(absl::StrCat("drop_every=", faults_.drop_every));
  }
  if (index <= faults_.drop_first) {
    reasons.push_back(absl::StrCat("drop_first=", faults_.drop_first));
  }
  if (std::binary_search(faults_.drop_indices.begin(),
                         faults_.drop_indices.end(), index)) {
    reasons.push_back("drop_indices");
  }
  return absl::StrJoin(reasons, ", ");
}

std::vector<DatagramFaultEngine::Delivery> DatagramFaultEngine::Process(
    absl::string_view payload, std::shared_ptr<const void> context) {
  const absl::Time now = clock_.Now();
  const uint64_t index = ++count_;

  // Every term draws for every datagram (see the class comment).
  const std::string drop_reason = DropReason(index);
  const bool truncate =
      faults_.truncate && truncate_random_.Chance(faults_.truncate_probability);
  const bool corrupt = faults_.corrupt > 0 && corrupt_random_.Chance(faults_.corrupt);
  const uint64_t corrupt_position = faults_.corrupt > 0 ? corrupt_random_.Next() : 0;
  const int corrupt_bit =
      faults_.corrupt > 0 ? static_cast<int>(corrupt_random_.Below(8)) : 0;
  const bool duplicate =
      faults_.duplicate > 0 && duplicate_random_.Chance(faults_.duplicate);
  const bool reorder =
      faults_.reorder > 0 && reorder_random_.Chance(faults_.reorder);
  absl::Duration delays[2] = {faults_.delay, faults_.delay};
  if (faults_.jitter > absl::ZeroDuration()) {
    for (absl::Duration& delay : delays) {
      delay += faults_.jitter * (2 * jitter_random_.Uniform() - 1);
      delay = std::max(delay, absl::ZeroDuration());
    }
  }

  if (!drop_reason.empty()) {
    Log(index, "drop", drop_reason);
    return {};
  }

  std::string data(payload);
  if (truncate && data.size() > *faults_.truncate) {
    Log(index, "truncate",
        absl::StrCat(data.size(), " -> ", *faults_.truncate, " bytes"));
    data.resize(*faults_.truncate);
  }
  if (corrupt && !data.empty()) {
    const size_t position = corrupt_position % data.size();
    data[position] = static_cast<char>(data[position] ^ (1 << corrupt_bit));
    Log(index, "corrupt",
        absl::StrCat("byte ", position, " bit ", corrupt_bit));
  }

  std::vector<Delivery> deliveries;
  deliveries.push_back(Delivery{data, now + delays[0], index, false, context});
  if (duplicate) {
    Log(index, "duplicate", "second copy");
    deliveries.push_back(Delivery{std::move(data), now + delays[1], index, true,
                                  std::move(context)});
  }
  if (faults_.delay > absl::ZeroDuration() ||
      faults_.jitter > absl::ZeroDuration()) {
    std::string detail = absl::FormatDuration(delays[0]);
    if (duplicate) absl::StrAppend(&detail, ", copy ", absl::FormatDuration(delays[1]));
    Log(index, "delay", std::move(detail));
  }

  if (reorder) {
    Log(index, "reorder",
        absl::StrCat("held back until ", faults_.reorder_gap,
                     " more datagram(s) pass, at most ",
                     absl::FormatDuration(faults_.reorder_hold)));
    held_.push_back(Held{std::move(deliveries), faults_.reorder_gap,
                         now + faults_.reorder_hold});
    return {};
  }

  absl::Time last = now;
  for (const Delivery& delivery : deliveries) last = std::max(last, delivery.at);
  for (auto it = held_.begin(); it != held_.end();) {
    if (--it->waiting_for > 0) {
      ++it;
      continue;
    }
    Log(it->deliveries.front().index, "reorder",
        absl::StrCat("delivered after #", index));
    for (Delivery& delivery : it->deliveries) {
      delivery.at = std::max(delivery.at, last);
      last = delivery.at;
      deliveries.push_back(std::move(delivery));
    }
    it = held_.erase(it);
  }
  return deliveries;
}

std::vector<DatagramFaultEngine::Delivery>
DatagramFaultEngine::ReleaseExpired() {
  const absl::Time now = clock_.Now();
  std::vector<Delivery> deliveries;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->release_by > now) {
      ++it;
      continue;
    }
    Log(it->deliveries.front().index, "reorder",
        absl::StrCat("delivered after waiting ",
                     absl::FormatDuration(faults_.reorder_hold),
                     " for datagrams to overtake it"));
    for (Delivery& delivery : it->deliveries) {
      delivery.at = std::max(delivery.at, now);
      deliveries.push_back(std::move(delivery));
    }
    it = held_.erase(it);
  }
  return deliveries;
}

std::optional<absl::Time> DatagramFaultEngine::next_release() const {
  std::optional<absl::Time> earliest;
  for (const Held& held : held_) {
    if (!earliest || held.release_by < *earliest) earliest = held.release_by;
  }
  return earliest;
}

}  // namespace wirecheck::fakes
