#include "protocols/framing/spec_vectors.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace wirecheck::framing::testing {
namespace {

// Reads one quoted string (with an optional "*N" repeat) from the front of
// `text`, consuming it.
absl::StatusOr<std::string> ReadString(absl::string_view& text) {
  if (text.empty() || text[0] != '"') {
    return absl::InvalidArgumentError(absl::StrCat("expected '\"' at: ", text));
  }
  std::string value;
  size_t i = 1;
  for (;;) {
    if (i >= text.size()) return absl::InvalidArgumentError("unterminated string");
    const char c = text[i++];
    if (c == '"') break;
    if (c != '\\') {
      value.push_back(c);
      continue;
    }
    if (i >= text.size()) return absl::InvalidArgumentError("dangling backslash");
    const char e = text[i++];
    switch (e) {
      case 'n': value.push_back('\n'); break;
      case 'r': value.push_back('\r'); break;
      case 't': value.push_back('\t'); break;
      case '0': value.push_back('\0'); break;
      case '\\': value.push_back('\\'); break;
      case '"': value.push_back('"'); break;
      case 'x': {
        int byte = 0;
        if (i + 2 > text.size() ||
            !absl::SimpleHexAtoi(text.substr(i, 2), &byte)) {
          return absl::InvalidArgumentError("bad \\x escape");
        }
        value.push_back(static_cast<char>(byte));
        i += 2;
        break;
      }
      default:
        return absl::InvalidArgumentError(absl::StrCat("bad escape \\", std::string(1, e)));
    }
  }
  text.remove_prefix(i);
  if (absl::ConsumePrefix(&text, "*")) {
    size_t digits = 0;
    while (digits < text.size() && absl::ascii_isdigit(text[digits])) ++digits;
    int count = 0;
    if (!absl::SimpleAtoi(text.substr(0, digits), &count)) {
      return absl::InvalidArgumentError("bad repeat count");
    }
    text.remove_prefix(digits);
    std::string repeated;
    for (int k = 0; k < count; ++k) repeated += value;
    value = repeated;
  }
  return value;
}

absl::Status ParseLine(absl::string_view text, SpecVector& vector) {
  text = absl::StripAsciiWhitespace(text);
  if (absl::ConsumePrefix(&text, "encode ")) vector.encode = true;
  if (absl::ConsumePrefix(&text, "max=")) {
    const size_t space = text.find(' ');
    if (space == text.npos ||
        !absl::SimpleAtoi(text.substr(0, space), &vector.max_frame_size)) {
      return absl::InvalidArgumentError("bad max=");
    }
    text.remove_prefix(space + 1);
  }
  // Input strings up to "=>".
  for (;;) {
    text = absl::StripLeadingAsciiWhitespace(text);
    if (absl::ConsumePrefix(&text, "=>")) break;
    absl::StatusOr<std::string> part = ReadString(text);
    if (!part.ok()) return part.status();
    vector.input += *part;
  }
  // Expected strings, then at most one outcome word. Decoded payloads are
  // separate strings unless joined with '+'; an encoded frame is all of
  // them together.
  bool join = false;
  for (;;) {
    text = absl::StripLeadingAsciiWhitespace(text);
    if (text.empty()) break;
    if (absl::ConsumePrefix(&text, "+")) {
      join = true;
      continue;
    }
    if (text[0] == '"') {
      absl::StatusOr<std::string> value = ReadString(text);
      if (!value.ok()) return value.status();
      if (!vector.expected.empty() && (join || vector.encode)) {
        vector.expected.back() += *value;
      } else {
        vector.expected.push_back(*value);
      }
      join = false;
      continue;
    }
    const size_t space = text.find(' ');
    const absl::string_view word = text.substr(0, space);
    text.remove_prefix(space == text.npos ? text.size() : space);
    if (word == "rejected") {
      vector.outcome = SpecVector::Outcome::kRejected;
      continue;
    }
    const std::vector<absl::string_view> parts = absl::StrSplit(word, '@');
    if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &vector.error_offset)) {
      return absl::InvalidArgumentError(absl::StrCat("bad outcome ", word));
    }
    if (parts[0] == "malformed") {
      vector.outcome = SpecVector::Outcome::kMalformed;
    } else if (parts[0] == "oversized") {
      vector.outcome = SpecVector::Outcome::kOversized;
    } else if (parts[0] == "truncated") {
      vector.outcome = SpecVector::Outcome::kTruncated;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("bad outcome ", word));
    }
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace wirecheck::framing::testing

namespace wirecheck::framing::testing {

absl::StatusOr<std::vector<SpecVector>> ParseSpecVectors(
    absl::string_view markdown) {
  std::vector<SpecVector> vectors;
  bool in_block = false;
  Variant variant = Variant::kRaw;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(markdown, '\n')) {
    ++number;
    if (!in_block) {
      if (absl::ConsumePrefix(&line, "```vectors ")) {
        absl::StatusOr<Variant> parsed =
            ParseVariant(absl::StripAsciiWhitespace(line));
        if (!parsed.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat("SPEC.md:", number, ": ", parsed.status().message()));
        }
        variant = *parsed;
        in_block = true;
      }
      continue;
    }
    if (absl::StartsWith(line, "```")) {
      in_block = false;
      continue;
    }
    if (absl::StripAsciiWhitespace(line).empty() || line[0] == '#') continue;
    SpecVector vector;
    vector.variant = variant;
    vector.line = number;
    if (absl::Status status = ParseLine(line, vector); !status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("SPEC.md:", number, ": ", status.message()));
    }
    vectors.push_back(std::move(vector));
  }
  if (in_block) return absl::InvalidArgumentError("unterminated vectors block");
  return vectors;
}

absl::StatusOr<std::string> ReadRunfile(const std::string& path) {
  std::string full = path;
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir != nullptr && workspace != nullptr) {
    full = absl::StrCat(srcdir, "/", workspace, "/", path);
  }
  std::ifstream in(full, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", full));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace wirecheck::framing::testing
