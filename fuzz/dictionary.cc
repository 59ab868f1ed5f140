#include "fuzz/dictionary.h"

#include <cctype>
#include <sstream>

namespace wirecheck::fuzz {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> ParseEntry(const std::string& line) {
  const size_t open = line.find('"');
  if (open == std::string::npos || line.size() < open + 2 ||
      line.back() != '"') {
    return std::nullopt;
  }
  for (size_t i = 0; i < open; ++i) {
    const char c = line[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
          c == '=' || c == ' ')) {
      return std::nullopt;
    }
  }
  std::string value;
  for (size_t i = open + 1; i + 1 < line.size(); ++i) {
    char c = line[i];
    if (c == '"') return std::nullopt;  // an unescaped quote inside
    if (c != '\\') {
      value.push_back(c);
      continue;
    }
    if (++i + 1 > line.size() - 1) return std::nullopt;
    c = line[i];
    if (c == '\\' || c == '"') {
      value.push_back(c);
    } else if (c == 'x' && i + 2 < line.size() - 1 + 1 &&
               HexValue(line[i + 1]) >= 0 && HexValue(line[i + 2]) >= 0) {
      value.push_back(static_cast<char>(HexValue(line[i + 1]) * 16 +
                                        HexValue(line[i + 2])));
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::vector<std::string>> ParseDictionary(const std::string& text,
                                                        std::string* error) {
  std::vector<std::string> entries;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r' ||
                             line.back() == '\t')) {
      line.pop_back();
    }
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    std::optional<std::string> entry = ParseEntry(line.substr(start));
    if (!entry.has_value()) {
      *error = "line " + std::to_string(number) + " is not name=\"value\": " + line;
      return std::nullopt;
    }
    entries.push_back(*entry);
  }
  return entries;
}

}  // namespace wirecheck::fuzz
