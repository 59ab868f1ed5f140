// The engine behind `wirecheck load`: drives a server of one wirecheck
// protocol over real sockets, at full speed (a fixed number of requests in
// flight) or at a fixed rate, validates every reply, and measures rates and
// latency.
//
// Workloads, by protocol and transport:
//   time, daytime over TCP   one connection per request: connect, read to
//                            EOF, check the reply, close (connections/s);
//   time, daytime over UDP   an empty datagram, the reply checked;
//   echo over TCP            persistent connections, each with `depth`
//                            messages of `size` bytes in flight, raw or in a
//                            framing variant, every echoed byte compared;
//   echo over UDP (raw)      a datagram of `size` bytes, compared;
//   ping over UDP            "Ping <seq> <time>" padded to `size`; the echo
//                            may be upper-cased.
// Echo and ping requests carry a sequence number, so replies are matched to
// their requests whatever the order; time and daytime replies carry none and
// are matched to the oldest request waiting.
//
// In fixed-rate mode latency is measured from when each request was due,
// not from when it could be sent, so a server that stalls is charged for
// every request it held up (no coordinated omission).
#ifndef WIRECHECK_TOOLS_LOAD_LOAD_H_
#define WIRECHECK_TOOLS_LOAD_LOAD_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "protocols/framing/codec.h"
#include "protocols/transport/address.h"
#include "protocols/transport/endpoint.h"
#include "protocols/transport/posix_network.h"
#include "tools/load/histogram.h"

namespace wirecheck::load {

enum class Protocol { kTime, kDaytime, kEcho, kPing };

// "time", "daytime", "echo", "ping".
absl::string_view ProtocolName(Protocol protocol);

// The protocol named `name`. Errors: INVALID_ARGUMENT listing the names.
absl::StatusOr<Protocol> ParseProtocol(absl::string_view name);

struct LoadOptions {
  Protocol protocol = Protocol::kTime;
  Transport transport = Transport::kUdp;
  SocketAddress target;
  // Echo over TCP: how messages are framed (raw: RFC 862 echo).
  framing::Variant framing = framing::Variant::kRaw;
  absl::Duration duration = absl::Seconds(10);
  // TCP: concurrent connections.
  int connections = 16;
  // UDP: requests in flight.
  int inflight = 16;
  // Echo over TCP: messages in flight on each connection.
  int depth = 1;
  // Echo and ping: bytes per message (ping: at least the unpadded ping).
  size_t size = 64;
  // Requests per second over all connections; 0 runs as fast as the window
  // (inflight, connections x depth) allows.
  double rate = 0;
  // A request with no reply after this long counts as timed out.
  absl::Duration timeout = absl::Seconds(1);
  // Time and daytime: a reply further than this from the local clock is
  // invalid.
  absl::Duration max_skew = absl::Seconds(10);
  // Connections opened before the run and held, silent, until it ends (to
  // load a server with idle clients while it serves the others).
  int idle_connections = 0;
  // Called about once a second with the counts so far (a progress line).
  std::function<void(const struct LoadReport&)> progress;
};

// What a run measured. Rates use `elapsed`.
struct LoadReport {
  absl::Duration elapsed;
  uint64_t sent = 0;      // requests sent (time/daytime TCP: connects begun)
  uint64_t valid = 0;     // replies that passed validation
  uint64_t invalid = 0;   // replies that did not
  uint64_t timeouts = 0;  // requests with no reply within the timeout
  uint64_t errors = 0;    // refused, reset or failed sends and connects
  uint64_t duplicates = 0;  // a second reply to one request (UDP)
  uint64_t late = 0;        // a reply to a request already timed out
  // Payload bytes in valid replies.
  uint64_t bytes = 0;
  LatencyHistogram latency;
  // What was wrong with the first invalid reply, and the first error.
  std::string first_invalid;
  std::string first_error;
  int idle_requested = 0;
  // Idle connections established and neither refused nor reset at the end.
  int idle_open = 0;

  double valid_per_second() const;
  double bytes_per_second() const;
};

// Runs the load described by `options` on `network` for options.duration.
// Errors: INVALID_ARGUMENT for options that do not fit together (echo over
// UDP with a framing, ping over TCP, a payload the framing cannot carry),
// and failures to open sockets. A target that refuses or never answers is
// not an error: the report counts what happened.
absl::StatusOr<LoadReport> RunLoad(PosixNetwork& network,
                                   const LoadOptions& options);

}  // namespace wirecheck::load

#endif  // WIRECHECK_TOOLS_LOAD_LOAD_H_
