#include "protocols/discovery/discovery_message.h"

#include <set>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "protocols/common/status_macros.h"

namespace wirecheck::discovery {
namespace {

constexpr absl::string_view kMagic = "WCD/1 ";
constexpr size_t kMaxKey = 32;
constexpr size_t kMaxValue = 255;
constexpr size_t kMaxName = 63;
constexpr int64_t kMaxTtlSeconds = 86400;

bool IsKeyChar(char c) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '.' ||
         c == '_' || c == '-';
}

bool IsPrintable(absl::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

absl::Status CheckToken(absl::string_view what, absl::string_view text,
                        size_t max) {
  if (text.empty() || text.size() > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " \"", absl::CHexEscape(text), "\" must be 1 to ",
                     max, " characters"));
  }
  for (char c : text) {
    if (!IsKeyChar(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " \"", absl::CHexEscape(text),
                       "\" may hold only a-z, 0-9, '.', '_' and '-'"));
    }
  }
  return absl::OkStatus();
}

bool IsNonce(absl::string_view text) {
  if (text.size() != 16) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

std::vector<absl::string_view> Allowed(MessageType type) {
  switch (type) {
    case MessageType::kQuery:
      return {"nonce", "service", "known"};
    case MessageType::kReply:
      return {"nonce", "service", "instance", "port"};
    case MessageType::kAnnounce:
      return {"service", "instance", "port", "ttl"};
    case MessageType::kGoodbye:
      break;
  }
  return {"service", "instance", "port"};
}

bool HasAttributes(MessageType type) {
  return type == MessageType::kReply || type == MessageType::kAnnounce;
}

}  // namespace

absl::string_view MessageTypeName(MessageType type) {
  switch (type) {
    case MessageType::kQuery:
      return "QUERY";
    case MessageType::kReply:
      return "REPLY";
    case MessageType::kAnnounce:
      return "ANNOUNCE";
    case MessageType::kGoodbye:
      break;
  }
  return "GOODBYE";
}

bool operator==(const Message& a, const Message& b) {
  return a.type == b.type && a.nonce == b.nonce && a.service == b.service &&
         a.instance == b.instance && a.port == b.port && a.ttl == b.ttl &&
         a.known == b.known && a.attributes == b.attributes;
}

absl::Status ValidateService(absl::string_view service, bool allow_wildcard) {
  if (allow_wildcard && service == "*") return absl::OkStatus();
  return CheckToken("service", service, kMaxName);
}

absl::Status ValidateInstance(absl::string_view instance) {
  if (instance.empty() || instance.size() > kMaxName || !IsPrintable(instance)) {
    return absl::InvalidArgumentError(
        absl::StrCat("instance \"", absl::CHexEscape(instance),
                     "\" must be 1 to ", kMaxName, " printable characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateAttributeName(absl::string_view name) {
  return CheckToken("attribute name", name, kMaxKey - 5);
}

absl::StatusOr<std::string> EncodeMessage(const Message& message) {
  const MessageType type = message.type;
  std::string text = absl::StrCat(kMagic, MessageTypeName(type), "\n");
  const auto add = [&](absl::string_view key, absl::string_view value) {
    absl::StrAppend(&text, key, "=", value, "\n");
  };
  if (type == MessageType::kQuery || type == MessageType::kReply) {
    if (!IsNonce(message.nonce)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "nonce \"", absl::CHexEscape(message.nonce),
          "\" must be 16 lower-case hexadecimal digits"));
    }
    add("nonce", message.nonce);
  } else if (!message.nonce.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(MessageTypeName(type), " has no nonce"));
  }
  RETURN_IF_ERROR(ValidateService(message.service, type == MessageType::kQuery));
  add("service", message.service);
  if (type == MessageType::kQuery) {
    if (!message.instance.empty() || message.port != 0 ||
        !message.attributes.empty()) {
      return absl::InvalidArgumentError(
          "QUERY has only nonce, service and known");
    }
    for (const std::string& known : message.known) {
      RETURN_IF_ERROR(ValidateInstance(known));
      add("known", known);
    }
  } else {
    if (!message.known.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(MessageTypeName(type), " has no known field"));
    }
    RETURN_IF_ERROR(ValidateInstance(message.instance));
    add("instance", message.instance);
    if (message.port == 0) {
      return absl::InvalidArgumentError("port must be 1 to 65535");
    }
    add("port", absl::StrCat(message.port));
  }
  if (type == MessageType::kAnnounce) {
    const int64_t ttl = absl::ToInt64Seconds(message.ttl);
    if (ttl < 0 || ttl > kMaxTtlSeconds ||
        message.ttl != absl::Seconds(ttl)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ttl must be whole seconds from 0 to ", kMaxTtlSeconds));
    }
    add("ttl", absl::StrCat(ttl));
  }
  if (!message.attributes.empty() && !HasAttributes(type)) {
    return absl::InvalidArgumentError(
        absl::StrCat(MessageTypeName(type), " has no attributes"));
  }
  std::set<std::string> seen;
  for (const auto& [name, value] : message.attributes) {
    RETURN_IF_ERROR(ValidateAttributeName(name));
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("attribute \"", name, "\" given twice"));
    }
    if (value.size() > kMaxValue || !IsPrintable(value)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "attribute \"", name, "\" must be at most ", kMaxValue,
          " printable characters"));
    }
    add(absl::StrCat("attr.", name), value);
  }
  if (text.size() > kMaxMessageBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(MessageTypeName(type), " would be ", text.size(),
                     " bytes, above the limit of ", kMaxMessageBytes));
  }
  return text;
}

absl::StatusOr<Message> DecodeMessage(absl::string_view datagram) {
  if (datagram.size() > kMaxMessageBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "datagram of ", datagram.size(), " bytes is above the limit of ",
        kMaxMessageBytes));
  }
  if (datagram.empty() || datagram.back() != '\n') {
    return absl::InvalidArgumentError("the last line does not end with LF");
  }
  datagram.remove_suffix(1);
  std::vector<absl::string_view> lines = absl::StrSplit(datagram, '\n');
  const auto bad = [](size_t line, absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", line + 1, ": ", why));
  };
  Message message;
  absl::string_view first = lines[0];
  if (!absl::ConsumePrefix(&first, kMagic)) {
    return bad(0, "expected \"WCD/1 <TYPE>\"");
  }
  if (first == "QUERY") {
    message.type = MessageType::kQuery;
  } else if (first == "REPLY") {
    message.type = MessageType::kReply;
  } else if (first == "ANNOUNCE") {
    message.type = MessageType::kAnnounce;
  } else if (first == "GOODBYE") {
    message.type = MessageType::kGoodbye;
  } else {
    return bad(0, absl::StrCat("unknown type \"", absl::CHexEscape(first), "\""));
  }
  const std::vector<absl::string_view> allowed = Allowed(message.type);
  std::set<std::string> seen;
  for (size_t i = 1; i < lines.size(); ++i) {
    const absl::string_view line = lines[i];
    const size_t equals = line.find('=');
    if (equals == absl::string_view::npos) return bad(i, "expected key=value");
    const absl::string_view key = line.substr(0, equals);
    const absl::string_view value = line.substr(equals + 1);
    if (absl::Status status = CheckToken("key", key, kMaxKey); !status.ok()) {
      return bad(i, status.message());
    }
    if (value.size() > kMaxValue || !IsPrintable(value)) {
      return bad(i, absl::StrCat("the value of ", key, " must be at most ",
                                 kMaxValue, " printable characters"));
    }
    if (key != "known" && !seen.insert(std::string(key)).second) {
      return bad(i, absl::StrCat(key, " given twice"));
    }
    if (absl::StartsWith(key, "attr.") && HasAttributes(message.type)) {
      const absl::string_view name = key.substr(5);
      if (absl::Status status = ValidateAttributeName(name); !status.ok()) {
        return bad(i, status.message());
      }
      message.attributes.emplace_back(std::string(name), std::string(value));
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return bad(i, absl::StrCat(MessageTypeName(message.type),
                                 " has no field \"", key, "\""));
    }
    absl::Status valid;
    if (key == "nonce") {
      if (!IsNonce(value)) {
        valid = absl::InvalidArgumentError(
            "nonce must be 16 lower-case hexadecimal digits");
      }
      message.nonce = std::string(value);
    } else if (key == "service") {
      valid = ValidateService(value, message.type == MessageType::kQuery);
      message.service = std::string(value);
    } else if (key == "instance") {
      valid = ValidateInstance(value);
      message.instance = std::string(value);
    } else if (key == "known") {
      valid = ValidateInstance(value);
      message.known.emplace_back(value);
    } else if (key == "port") {
      uint32_t port = 0;
      if (value.empty() || value[0] == '0' || value.size() > 5 ||
          !std::all_of(value.begin(), value.end(), absl::ascii_isdigit) ||
          !absl::SimpleAtoi(value, &port) || port > 65535) {
        valid = absl::InvalidArgumentError(
            "port must be 1 to 65535 without leading zeros");
      }
      message.port = static_cast<uint16_t>(port);
    } else if (key == "ttl") {
      int64_t ttl = 0;
      if (value.empty() || (value.size() > 1 && value[0] == '0') ||
          value.size() > 5 ||
          !std::all_of(value.begin(), value.end(), absl::ascii_isdigit) ||
          !absl::SimpleAtoi(value, &ttl) || ttl > kMaxTtlSeconds) {
        valid = absl::InvalidArgumentError(
            absl::StrCat("ttl must be 0 to ", kMaxTtlSeconds, " seconds"));
      }
      message.ttl = absl::Seconds(ttl);
    }
    if (!valid.ok()) return bad(i, valid.message());
  }
  for (absl::string_view key : allowed) {
    if (key != "known" && seen.count(std::string(key)) == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          MessageTypeName(message.type), " lacks its ", key, " field"));
    }
  }
  return message;
}

bool IsLegacyHello(absl::string_view datagram) {
  return datagram == "Hello" || datagram == "Hello\n" ||
         datagram == "Hello\r\n";
}

}  // namespace wirecheck::discovery
