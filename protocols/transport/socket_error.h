// The one place socket errors become absl::Status, so real sockets and fakes
// report the same failure with the same code and words.
#ifndef WIRECHECK_PROTOCOLS_TRANSPORT_SOCKET_ERROR_H_
#define WIRECHECK_PROTOCOLS_TRANSPORT_SOCKET_ERROR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "protocols/transport/address.h"

namespace wirecheck {

// "<operation> <address>: <strerror(error_number)>" with the code network.h
// documents: UNAVAILABLE for refused or unreachable, ABORTED for a reset or
// broken pipe, DEADLINE_EXCEEDED for ETIMEDOUT, RESOURCE_EXHAUSTED for a full
// buffer, INVALID_ARGUMENT for a datagram that is too long, and abseil's
// mapping otherwise. The address is left out when unspecified.
absl::Status SocketError(absl::string_view operation,
                         const SocketAddress& address, int error_number);

// DEADLINE_EXCEEDED: "<operation> <address>: timed out".
absl::Status SocketTimeout(absl::string_view operation,
                           const SocketAddress& address);

}  // namespace wirecheck

#endif  // WIRECHECK_PROTOCOLS_TRANSPORT_SOCKET_ERROR_H_
