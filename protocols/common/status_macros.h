// Status-propagation macros that Debian's abseil (20220623) does not ship.
//
//   RETURN_IF_ERROR(stream.ShutdownWrite());
//   ASSIGN_OR_RETURN(std::unique_ptr<Stream> stream, network.Connect(to, deadline));
//
// Both return the failing absl::Status from the enclosing function, which must
// return absl::Status or absl::StatusOr<T>.
#ifndef WIRECHECK_PROTOCOLS_COMMON_STATUS_MACROS_H_
#define WIRECHECK_PROTOCOLS_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define WIRECHECK_STATUS_CONCAT_INNER_(a, b) a##b
#define WIRECHECK_STATUS_CONCAT_(a, b) WIRECHECK_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it if it is not OK.
#define RETURN_IF_ERROR(expr)                                 \
  do {                                                        \
    ::absl::Status wirecheck_status_ = (expr);                \
    if (!wirecheck_status_.ok()) return wirecheck_status_;    \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status if not OK,
// otherwise moves its value into `lhs`, which may be a declaration.
#define ASSIGN_OR_RETURN(lhs, rexpr)                                          \
  WIRECHECK_ASSIGN_OR_RETURN_IMPL_(                                           \
      WIRECHECK_STATUS_CONCAT_(wirecheck_statusor_, __LINE__), lhs, rexpr)

#define WIRECHECK_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                     \
  if (!statusor.ok()) return std::move(statusor).status();     \
  lhs = std::move(statusor).value()

#endif  // WIRECHECK_PROTOCOLS_COMMON_STATUS_MACROS_H_
