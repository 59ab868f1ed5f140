// Endpoint text comes from users and expectations files: parsing it must
// never crash, and whatever parses must print back to something that parses
// to the same endpoint.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "protocols/transport/address.h"
#include "protocols/transport/endpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<wirecheck::Endpoint> endpoint = wirecheck::ParseEndpoint(text);
  if (endpoint.ok()) {
    absl::StatusOr<wirecheck::Endpoint> again =
        wirecheck::ParseEndpoint(endpoint->ToString());
    if (!again.ok() || again->host != endpoint->host ||
        again->port != endpoint->port ||
        again->transport != endpoint->transport) {
      std::abort();
    }
  }
  absl::StatusOr<wirecheck::SocketAddress> address =
      wirecheck::SocketAddress::Parse(text);
  if (address.ok()) {
    absl::StatusOr<wirecheck::SocketAddress> again =
        wirecheck::SocketAddress::Parse(address->ToString());
    if (!again.ok() || *again != *address) std::abort();
  }
  return 0;
}
