#include "fakes/fault_plan.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wirecheck::fakes {
namespace {

// A failed value check: says what the term wants.
using ValueError = std::string;

std::optional<double> ParseProbability(absl::string_view text) {
  double scale = 1;
  if (absl::ConsumeSuffix(&text, "%")) scale = 0.01;
  double value = 0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
    return std::nullopt;
  }
  value *= scale;
  if (value < 0 || value > 1) return std::nullopt;
  return value;
}

std::optional<uint64_t> ParseCount(absl::string_view text) {
  uint64_t value = 0;
  if (text.empty() || !absl::ascii_isdigit(static_cast<unsigned char>(text[0])) ||
      !absl::SimpleAtoi(text, &value)) {
    return std::nullopt;
  }
  return value;
}

std::optional<absl::Duration> ParseNonNegativeDuration(absl::string_view text) {
  absl::Duration value;
  if (!absl::ParseDuration(text, &value) || value < absl::ZeroDuration() ||
      value == absl::InfiniteDuration()) {
    return std::nullopt;
  }
  return value;
}

// Bytes per second from "1000", "64KiB/s", "1Mbit", ...
std::optional<double> ParseRate(absl::string_view text) {
  absl::ConsumeSuffix(&text, "/s");
  size_t digits = 0;
  while (digits < text.size() &&
         (absl::ascii_isdigit(static_cast<unsigned char>(text[digits])) ||
          text[digits] == '.')) {
    ++digits;
  }
  double number = 0;
  if (digits == 0 || !absl::SimpleAtod(text.substr(0, digits), &number)) {
    return std::nullopt;
  }
  static const std::pair<absl::string_view, double> kUnits[] = {
      {"", 1},          {"B", 1},          {"KB", 1e3},
      {"kB", 1e3},      {"MB", 1e6},       {"GB", 1e9},
      {"KiB", 1024.0},  {"MiB", 1048576.0}, {"GiB", 1073741824.0},
      {"bit", 1 / 8.0}, {"kbit", 1e3 / 8},  {"Kbit", 1e3 / 8},
      {"Mbit", 1e6 / 8}, {"Gbit", 1e9 / 8},
  };
  const absl::string_view unit = text.substr(digits);
  for (const auto& [name, scale] : kUnits) {
    if (unit == name) {
      const double rate = number * scale;
      if (!(rate > 0) || !std::isfinite(rate)) return std::nullopt;
      return rate;
    }
  }
  return std::nullopt;
}

// Applies a term's value to one direction's faults; returns what the value
// should have been when it is not acceptable.
using Apply = std::function<std::optional<ValueError>(
    absl::string_view value, DatagramFaults& datagram, StreamFaults& stream)>;

struct TermSpec {
  absl::string_view name;
  bool for_datagrams;
  bool for_streams;
  bool takes_value;
  Apply apply;
};

Apply Probability(double DatagramFaults::*field) {
  return [field](absl::string_view value, DatagramFaults& datagram,
                 StreamFaults&) -> std::optional<ValueError> {
    const std::optional<double> p = ParseProbability(value);
    if (!p) return "a probability from 0 to 1 (0.3 or 30%)";
    datagram.*field = *p;
    return std::nullopt;
  };
}

Apply PositiveDatagramCount(uint64_t DatagramFaults::*field) {
  return [field](absl::string_view value, DatagramFaults& datagram,
                 StreamFaults&) -> std::optional<ValueError> {
    const std::optional<uint64_t> n = ParseCount(value);
    if (!n || *n == 0) return "a whole number of datagrams, at least 1";
    datagram.*field = *n;
    return std::nullopt;
  };
}

Apply StreamByteCount(std::optional<uint64_t> StreamFaults::*field) {
  return [field](absl::string_view value, DatagramFaults&,
                 StreamFaults& stream) -> std::optional<ValueError> {
    const std::optional<uint64_t> n = ParseCount(value);
    if (!n) return "a whole number of bytes";
    stream.*field = *n;
    return std::nullopt;
  };
}

const std::vector<TermSpec>& Terms() {
  static const auto* const terms = new std::vector<TermSpec>{
      {"drop", true, false, true, Probability(&DatagramFaults::drop)},
      {"drop_every", true, false, true,
       PositiveDatagramCount(&DatagramFaults::drop_every)},
      {"drop_first", true, false, true,
       PositiveDatagramCount(&DatagramFaults::drop_first)},
      {"drop_indices", true, false, true,
       [](absl::string_view value, DatagramFaults& datagram,
          StreamFaults&) -> std::optional<ValueError> {
         std::vector<uint64_t> indices;
         for (absl::string_view part : absl::StrSplit(value, ',')) {
           const std::optional<uint64_t> n = ParseCount(part);
           if (!n || *n == 0) {
             return "datagram numbers from 1, separated by commas (1,5,9)";
           }
           indices.push_back(*n);
         }
         std::sort(indices.begin(), indices.end());
         indices.erase(std::unique(indices.begin(), indices.end()),
                       indices.end());
         datagram.drop_indices = std::move(indices);
         return std::nullopt;
       }},
      {"gilbert_elliott", true, false, true,
       [](absl::string_view value, DatagramFaults& datagram,
          StreamFaults&) -> std::optional<ValueError> {
         const std::vector<absl::string_view> parts = absl::StrSplit(value, ',');
         const ValueError wanted =
             "p,r[,bad_loss[,good_loss]]: probabilities from 0 to 1, with r "
             "above 0";
         if (parts.size() < 2 || parts.size() > 4) return wanted;
         double values[4] = {0, 0, 1, 0};
         for (size_t i = 0; i < parts.size(); ++i) {
           const std::optional<double> p = ParseProbability(parts[i]);
           if (!p) return wanted;
           values[i] = *p;
         }
         if (values[1] == 0) return wanted;
         datagram.gilbert_elliott =
             DatagramFaults::GilbertElliott{values[0], values[1], values[2],
                                            values[3]};
         return std::nullopt;
       }},
      {"duplicate", true, false, true, Probability(&DatagramFaults::duplicate)},
      {"reorder", true, false, true,
       [](absl::string_view value, DatagramFaults& datagram,
          StreamFaults&) -> std::optional<ValueError> {
         const std::vector<absl::string_view> parts = absl::StrSplit(value, ',');
         const ValueError wanted =
             "P[,N]: a probability, then how many datagrams overtake (at "
             "least 1)";
         if (parts.size() > 2) return wanted;
         const std::optional<double> p = ParseProbability(parts[0]);
         if (!p) return wanted;
         uint64_t gap = 1;
         if (parts.size() == 2) {
           const std::optional<uint64_t> n = ParseCount(parts[1]);
           if (!n || *n == 0) return wanted;
           gap = *n;
         }
         datagram.reorder = *p;
         datagram.reorder_gap = gap;
         return std::nullopt;
       }},
      {"reorder_hold", true, false, true,
       [](absl::string_view value, DatagramFaults& datagram,
          StreamFaults&) -> std::optional<ValueError> {
         const std::optional<absl::Duration> d = ParseNonNegativeDuration(value);
         if (!d || *d == absl::ZeroDuration()) {
           return "a duration above zero (100ms)";
         }
         datagram.reorder_hold = *d;
         return std::nullopt;
       }},
      {"delay", true, true, true,
       [](absl::string_view value, DatagramFaults& datagram,
          StreamFaults& stream) -> std::optional<ValueError> {
         const std::optional<absl::Duration> d = ParseNonNegativeDuration(value);
         if (!d) return "a duration (100ms, 1.5s)";
         datagram.delay = *d;
         stream.delay = *d;
         return std::nullopt;
       }},
      {"jitter", true, false, true,
       [](absl::string_view value, DatagramFaults& datagram,
          StreamFaults&) -> std::optional<ValueError> {
         const std::optional<absl::Duration> d = ParseNonNegativeDuration(value);
         if (!d) return "a duration (20ms)";
         datagram.jitter = *d;
         return std::nullopt;
       }},
      {"truncate", true, false, true,
       [](absl::string_view value, DatagramFaults& datagram,
          StreamFaults&) -> std::optional<ValueError> {
         const std::vector<absl::string_view> parts = absl::StrSplit(value, ',');
         const ValueError wanted =
             "N[,P]: the length to cut to in bytes, then a probability";
         if (parts.size() > 2) return wanted;
         const std::optional<uint64_t> n = ParseCount(parts[0]);
         if (!n) return wanted;
         double p = 1;
         if (parts.size() == 2) {
           const std::optional<double> parsed = ParseProbability(parts[1]);
           if (!parsed) return wanted;
           p = *parsed;
         }
         datagram.truncate = static_cast<size_t>(*n);
         datagram.truncate_probability = p;
         return std::nullopt;
       }},
      {"corrupt", true, false, true, Probability(&DatagramFaults::corrupt)},
      {"slice", false, true, true,
       [](absl::string_view value, DatagramFaults&,
          StreamFaults& stream) -> std::optional<ValueError> {
         const std::optional<uint64_t> n = ParseCount(value);
         if (!n || *n == 0) return "a segment size in bytes, at least 1";
         stream.slice = static_cast<size_t>(*n);
         return std::nullopt;
       }},
      {"half_close_after", false, true, true,
       StreamByteCount(&StreamFaults::half_close_after)},
      {"reset_after", false, true, true,
       StreamByteCount(&StreamFaults::reset_after)},
      {"stall", false, true, false,
       [](absl::string_view, DatagramFaults&,
          StreamFaults& stream) -> std::optional<ValueError> {
         stream.stall_after = 0;
         return std::nullopt;
       }},
      {"stall_after", false, true, true,
       StreamByteCount(&StreamFaults::stall_after)},
      {"slow_close", false, true, true,
       [](absl::string_view value, DatagramFaults&,
          StreamFaults& stream) -> std::optional<ValueError> {
         const std::optional<absl::Duration> d = ParseNonNegativeDuration(value);
         if (!d) return "a duration (1s)";
         stream.slow_close = *d;
         return std::nullopt;
       }},
      {"bandwidth", false, true, true,
       [](absl::string_view value, DatagramFaults&,
          StreamFaults& stream) -> std::optional<ValueError> {
         const std::optional<double> rate = ParseRate(value);
         if (!rate) {
           return "a rate above zero in bytes per second, with an optional "
                  "unit (1000, 64KiB/s, 1Mbit)";
         }
         stream.bandwidth = *rate;
         return std::nullopt;
       }},
  };
  return *terms;
}

// The name "stall" also claims "stall_after" (they set the same fault).
absl::string_view Slot(absl::string_view name) {
  return name == "stall" ? "stall_after" : name;
}

absl::Status TermError(absl::string_view term, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("fault plan: \"", term, "\": ", why));
}

}  // namespace

absl::string_view DirectionName(Direction direction) {
  return direction == Direction::kUp ? "up" : "down";
}

bool DatagramFaults::empty() const {
  return drop == 0 && drop_every == 0 && drop_first == 0 &&
         drop_indices.empty() && !gilbert_elliott && duplicate == 0 &&
         reorder == 0 && delay == absl::ZeroDuration() &&
         jitter == absl::ZeroDuration() && !truncate && corrupt == 0;
}

bool StreamFaults::empty() const {
  return slice == 0 && delay == absl::ZeroDuration() && !half_close_after &&
         !reset_after && !stall_after && slow_close == absl::ZeroDuration() &&
         bandwidth == 0;
}

std::string FaultPlan::ToString() const {
  return absl::StrJoin(terms_, " ", [](std::string* out, const Term& term) {
    out->append(term.text);
  });
}

absl::StatusOr<FaultPlan> ParseFaultPlan(absl::string_view text) {
  FaultPlan plan;
  std::set<std::pair<std::string, int>> seen;
  for (absl::string_view term :
       absl::StrSplit(text, absl::ByAnyChar(" \t\r\n;"), absl::SkipEmpty())) {
    absl::string_view rest = term;
    std::optional<Direction> direction;
    if (const size_t colon = rest.find(':'); colon != absl::string_view::npos) {
      const absl::string_view prefix = rest.substr(0, colon);
      if (prefix == "up") {
        direction = Direction::kUp;
      } else if (prefix == "down") {
        direction = Direction::kDown;
      } else {
        return TermError(term, absl::StrCat("unknown direction \"", prefix,
                                            "\" (use up: or down:)"));
      }
      rest.remove_prefix(colon + 1);
    }
    absl::string_view name = rest;
    absl::string_view value;
    bool has_value = false;
    if (const size_t equals = rest.find('='); equals != absl::string_view::npos) {
      name = rest.substr(0, equals);
      value = rest.substr(equals + 1);
      has_value = true;
    }
    const auto& terms = Terms();
    const auto spec = std::find_if(
        terms.begin(), terms.end(),
        [name](const TermSpec& spec) { return spec.name == name; });
    if (spec == terms.end()) {
      std::vector<absl::string_view> known;
      for (const TermSpec& t : terms) known.push_back(t.name);
      return TermError(term, absl::StrCat("unknown fault \"", name,
                                          "\" (known: ",
                                          absl::StrJoin(known, ", "), ")"));
    }
    if (spec->takes_value && (!has_value || value.empty())) {
      return TermError(term, absl::StrCat(name, " needs a value (", name,
                                          "=...)"));
    }
    if (!spec->takes_value && has_value) {
      return TermError(term, absl::StrCat(name, " takes no value"));
    }
    for (const Direction d : {Direction::kUp, Direction::kDown}) {
      if (direction && *direction != d) continue;
      const int index = static_cast<int>(d);
      if (!seen.emplace(std::string(Slot(name)), index).second) {
        return TermError(term,
                         absl::StrCat(Slot(name), " is given twice for the ",
                                      DirectionName(d), " direction"));
      }
      if (std::optional<ValueError> wanted = spec->apply(
              value, plan.datagram_[index], plan.stream_[index])) {
        return TermError(term, absl::StrCat(name, " wants ", *wanted));
      }
    }
    plan.terms_.push_back(FaultPlan::Term{std::string(term), direction,
                                          std::string(name),
                                          spec->for_datagrams,
                                          spec->for_streams});
  }
  return plan;
}

absl::Status CheckDatagramFaultsOnly(const FaultPlan& plan) {
  for (const FaultPlan::Term& term : plan.terms()) {
    if (!term.for_datagrams) {
      return TermError(term.text, absl::StrCat(term.name,
                                               " is a stream fault; it does "
                                               "not apply to datagrams"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckStreamFaultsOnly(const FaultPlan& plan) {
  for (const FaultPlan::Term& term : plan.terms()) {
    if (!term.for_streams) {
      return TermError(term.text, absl::StrCat(term.name,
                                               " is a datagram fault; it does "
                                               "not apply to streams"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckUndirected(const FaultPlan& plan) {
  for (const FaultPlan::Term& term : plan.terms()) {
    if (term.direction) {
      return TermError(term.text,
                       "this plan has no up or down (a link carries both "
                       "ways alike); drop the direction prefix");
    }
  }
  return absl::OkStatus();
}

}  // namespace wirecheck::fakes
