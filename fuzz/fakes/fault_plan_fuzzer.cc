// Fault plans come from users (`--fault` of `wirecheck proxy` and `serve`):
// parsing must never crash; what parses must satisfy the ranges the header
// promises and print (ToString) to text that parses to the same plan; and
// both fault engines must carry a little traffic under the plan without
// crashing, hanging or delivering bytes out of order in time.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fakes/datagram_fault_engine.h"
#include "fakes/fake_clock.h"
#include "fakes/fault_plan.h"
#include "fakes/stream_fault_engine.h"

namespace {

using wirecheck::fakes::DatagramFaultEngine;
using wirecheck::fakes::DatagramFaults;
using wirecheck::fakes::Direction;
using wirecheck::fakes::FaultPlan;
using wirecheck::fakes::StreamFaultEngine;
using wirecheck::fakes::StreamFaults;

[[noreturn]] void Fail(const char* what, absl::string_view text) {
  std::fprintf(stderr, "fault_plan_fuzzer: %s\nplan: \"%.*s\"\n", what,
               static_cast<int>(text.size()), text.data());
  std::abort();
}

bool IsProbability(double p) { return p >= 0 && p <= 1; }

bool IsDelay(absl::Duration d) {
  return d >= absl::ZeroDuration() && d != absl::InfiniteDuration();
}

void CheckRanges(const FaultPlan& plan, absl::string_view text) {
  for (const Direction d : {Direction::kUp, Direction::kDown}) {
    const DatagramFaults& datagram = plan.datagram(d);
    if (!IsProbability(datagram.drop) || !IsProbability(datagram.duplicate) ||
        !IsProbability(datagram.reorder) || !IsProbability(datagram.corrupt) ||
        !IsProbability(datagram.truncate_probability)) {
      Fail("a probability outside 0..1", text);
    }
    if (datagram.gilbert_elliott.has_value()) {
      const auto& ge = *datagram.gilbert_elliott;
      if (!IsProbability(ge.good_to_bad) || !IsProbability(ge.bad_to_good) ||
          !IsProbability(ge.bad_loss) || !IsProbability(ge.good_loss) ||
          ge.bad_to_good == 0) {
        Fail("gilbert_elliott outside its ranges", text);
      }
    }
    for (size_t i = 0; i < datagram.drop_indices.size(); ++i) {
      if (datagram.drop_indices[i] == 0 ||
          (i > 0 && datagram.drop_indices[i - 1] >= datagram.drop_indices[i])) {
        Fail("drop_indices not sorted, unique and from 1", text);
      }
    }
    if (datagram.reorder_gap == 0 || !IsDelay(datagram.delay) ||
        !IsDelay(datagram.jitter) || !IsDelay(datagram.reorder_hold) ||
        datagram.reorder_hold == absl::ZeroDuration()) {
      Fail("a datagram count or duration out of range", text);
    }
    const StreamFaults& stream = plan.stream(d);
    if (!IsDelay(stream.delay) || !IsDelay(stream.slow_close) ||
        !(stream.bandwidth >= 0) || stream.bandwidth > 1e300) {
      Fail("a stream duration or bandwidth out of range", text);
    }
  }
}

bool SameDatagramFaults(const DatagramFaults& a, const DatagramFaults& b) {
  const auto ge = [](const DatagramFaults& f) {
    return f.gilbert_elliott.has_value()
               ? std::vector<double>{f.gilbert_elliott->good_to_bad,
                                     f.gilbert_elliott->bad_to_good,
                                     f.gilbert_elliott->bad_loss,
                                     f.gilbert_elliott->good_loss}
               : std::vector<double>{};
  };
  return a.drop == b.drop && a.drop_every == b.drop_every &&
         a.drop_first == b.drop_first && a.drop_indices == b.drop_indices &&
         ge(a) == ge(b) && a.duplicate == b.duplicate &&
         a.reorder == b.reorder && a.reorder_gap == b.reorder_gap &&
         a.reorder_hold == b.reorder_hold && a.delay == b.delay &&
         a.jitter == b.jitter && a.truncate == b.truncate &&
         a.truncate_probability == b.truncate_probability &&
         a.corrupt == b.corrupt;
}

bool SameStreamFaults(const StreamFaults& a, const StreamFaults& b) {
  return a.slice == b.slice && a.delay == b.delay &&
         a.half_close_after == b.half_close_after &&
         a.reset_after == b.reset_after && a.stall_after == b.stall_after &&
         a.slow_close == b.slow_close && a.bandwidth == b.bandwidth;
}

// A few datagrams and stream writes through each direction's engines, on a
// fake clock so delays cost nothing.
void Drive(const FaultPlan& plan, absl::string_view text) {
  wirecheck::fakes::FakeClock clock;
  const std::string bytes(300, 'x');
  for (const Direction d : {Direction::kUp, Direction::kDown}) {
    DatagramFaultEngine datagrams(plan.datagram(d), 7, clock, nullptr, "up");
    for (size_t size : {0, 1, 64, 300, 5, 9, 120, 2, 33, 1}) {
      for (const auto& delivery : datagrams.Process(bytes.substr(0, size))) {
        if (delivery.at < clock.Now()) Fail("a datagram delivered early", text);
      }
      clock.Advance(absl::Milliseconds(3));
    }
    while (const auto release = datagrams.next_release()) {
      clock.AdvanceTo(*release);
      datagrams.ReleaseExpired();
    }

    StreamFaultEngine stream(plan.stream(d), clock, nullptr, "up");
    absl::Time last = absl::InfinitePast();
    const auto check = [&](const StreamFaultEngine::Output& out) {
      for (const auto& action : out.actions) {
        if (action.at < last) Fail("stream actions out of time order", text);
        last = action.at;
      }
    };
    check(stream.OnOpen());
    for (size_t size : {1, 100, 0, 199}) {
      check(stream.OnData(absl::string_view(bytes).substr(0, size)));
      clock.Advance(absl::Milliseconds(1));
    }
    check(stream.OnEnd());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<FaultPlan> plan = wirecheck::fakes::ParseFaultPlan(text);
  if (!plan.ok()) {
    if (plan.status().code() != absl::StatusCode::kInvalidArgument) {
      Fail("a parse error other than INVALID_ARGUMENT", text);
    }
    return 0;
  }
  CheckRanges(*plan, text);
  const std::string printed = plan->ToString();
  absl::StatusOr<FaultPlan> again = wirecheck::fakes::ParseFaultPlan(printed);
  if (!again.ok()) Fail("ToString() does not parse back", text);
  if (again->terms().size() != plan->terms().size()) {
    Fail("ToString() parses to a different number of terms", text);
  }
  for (const Direction d : {Direction::kUp, Direction::kDown}) {
    if (!SameDatagramFaults(plan->datagram(d), again->datagram(d)) ||
        !SameStreamFaults(plan->stream(d), again->stream(d))) {
      Fail("ToString() parses back to a different plan", text);
    }
  }
  wirecheck::fakes::CheckDatagramFaultsOnly(*plan).IgnoreError();
  wirecheck::fakes::CheckStreamFaultsOnly(*plan).IgnoreError();
  wirecheck::fakes::CheckUndirected(*plan).IgnoreError();
  Drive(*plan, text);
  return 0;
}
