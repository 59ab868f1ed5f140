#include "protocols/transport/socket_error.h"

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace wirecheck {
namespace {

std::string Prefix(absl::string_view operation, const SocketAddress& address) {
  if (!address.is_specified()) return std::string(operation);
  return absl::StrCat(operation, " ", address.ToString());
}

absl::StatusCode CodeFor(int error_number) {
  switch (error_number) {
    case ECONNREFUSED:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EHOSTDOWN:
    case ENETDOWN:
    case EADDRINUSE:
    case EADDRNOTAVAIL:
      return absl::StatusCode::kUnavailable;
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED:
      return absl::StatusCode::kAborted;
    case ETIMEDOUT:
      return absl::StatusCode::kDeadlineExceeded;
    case EAGAIN:
    case ENOBUFS:
    case EMFILE:
    case ENFILE:
      return absl::StatusCode::kResourceExhausted;
    case EMSGSIZE:
      return absl::StatusCode::kInvalidArgument;
    default:
      return absl::ErrnoToStatusCode(error_number);
  }
}

}  // namespace

absl::Status SocketError(absl::string_view operation,
                         const SocketAddress& address, int error_number) {
  char buffer[256];
  // GNU strerror_r returns the message, not always in `buffer`.
  const char* text = strerror_r(error_number, buffer, sizeof(buffer));
  return absl::Status(CodeFor(error_number),
                      absl::StrCat(Prefix(operation, address), ": ", text));
}

absl::Status SocketTimeout(absl::string_view operation,
                           const SocketAddress& address) {
  return absl::DeadlineExceededError(
      absl::StrCat(Prefix(operation, address), ": timed out"));
}

}  // namespace wirecheck
