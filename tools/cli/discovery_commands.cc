// wirecheck serve discovery | discover: the WCD/1 responder and browser.
#include <unistd.h>

#include <ostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "protocols/discovery/browser.h"
#include "protocols/discovery/discovery_message.h"
#include "protocols/discovery/responder.h"
#include "protocols/transport/posix_network.h"
#include "tools/cli/command.h"
#include "tools/cli/flag_types.h"
#include "tools/cli/serve_util.h"

ABSL_FLAG(std::string, serve_discovery_name, "",
          "The instance name to advertise (default: this host's name).");
ABSL_FLAG(std::string, serve_discovery_service, "",
          "A service to advertise: TYPE or TYPE:PORT (repeatable).");
ABSL_FLAG(int, serve_discovery_port, 0,
          "The port of services given without one.");
ABSL_FLAG(std::string, serve_discovery_attr, "",
          "An attribute key=value for every service (repeatable).");
ABSL_FLAG(std::string, serve_discovery_listen, "",
          "Where to listen: ADDR:PORT (default 0.0.0.0:51423 and [::]:51423).");
ABSL_FLAG(wirecheck::cli::Seconds, serve_discovery_interval,
          wirecheck::cli::Seconds{absl::Seconds(60)},
          "Time between periodic announcements.");
ABSL_FLAG(bool, serve_discovery_legacy, true,
          "Answer the legacy \"Hello\" with \"I am here\".");
ABSL_FLAG(uint64_t, serve_discovery_seed, 0,
          "Seed for the reply delays (0: random).");
ABSL_FLAG(std::string, serve_discovery_announce, "auto",
          "Where announcements and goodbyes go: auto (255.255.255.255 and "
          "ff02::c8df on every multicast interface), none, or addresses "
          "(repeatable; port 0 or none means the responder's port).");

ABSL_FLAG(std::string, discover_service, "*", "The service type to look for.");
ABSL_FLAG(wirecheck::cli::Seconds, discover_timeout,
          wirecheck::cli::Seconds{absl::Seconds(2)},
          "How long to collect replies (or, with --listen, announcements).");
ABSL_FLAG(std::string, discover_address, "255.255.255.255",
          "Where to send the query: 255.255.255.255, a directed broadcast "
          "such as 127.255.255.255, ff02::c8df (every interface) or "
          "ff02::c8df%IFACE, or a responder's own address (repeatable).");
ABSL_FLAG(int, discover_port, 51423, "The discovery port.");
ABSL_FLAG(bool, discover_json, false, "Print the result as JSON.");
ABSL_FLAG(bool, discover_legacy, false,
          "Send the legacy \"Hello\" and list who says \"I am here\".");
ABSL_FLAG(bool, discover_listen, false,
          "Listen for announcements and goodbyes instead of querying.");
ABSL_FLAG(uint64_t, discover_seed, 0, "Seed for the nonce (0: random).");

namespace wirecheck::cli {
namespace {

using discovery::BrowseOptions;
using discovery::FoundInstance;
using discovery::ServiceRecord;

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') {
    return "wirecheck";
  }
  return name;
}

absl::StatusOr<std::vector<NetworkInterface>> MulticastInterfaces() {
  absl::StatusOr<std::vector<NetworkInterface>> all = RealNetwork().Interfaces();
  if (!all.ok()) return all.status();
  std::vector<NetworkInterface> usable;
  for (const NetworkInterface& interface : *all) {
    if (interface.up && interface.supports_multicast) usable.push_back(interface);
  }
  return usable;
}

int RunServeDiscovery(const Invocation& invocation) {
  const auto usage = [&](absl::string_view message) {
    *invocation.err << "wirecheck serve discovery: " << message << "\n";
    return kExitUsage;
  };
  if (!invocation.args.empty()) return usage("unexpected argument");
  discovery::ResponderOptions options;
  std::string name = absl::GetFlag(FLAGS_serve_discovery_name);
  if (name.empty()) name = HostName();
  const int default_port = absl::GetFlag(FLAGS_serve_discovery_port);
  std::vector<std::pair<std::string, std::string>> attributes;
  if (auto it = invocation.repeated.find("attr"); it != invocation.repeated.end()) {
    for (const std::string& pair : it->second) {
      std::vector<std::string> parts = absl::StrSplit(pair, absl::MaxSplits('=', 1));
      if (parts.size() != 2) return usage(absl::StrCat("--attr ", pair, ": expected key=value"));
      attributes.emplace_back(parts[0], parts[1]);
    }
  }
  auto services = invocation.repeated.find("service");
  if (services == invocation.repeated.end()) {
    return usage("name at least one --service TYPE (with --port N) or TYPE:PORT");
  }
  for (const std::string& entry : services->second) {
    std::vector<std::string> parts = absl::StrSplit(entry, ':');
    int port = default_port;
    if (parts.size() == 2 && !absl::SimpleAtoi(parts[1], &port)) {
      return usage(absl::StrCat("--service ", entry, ": bad port"));
    }
    if (parts.size() > 2 || port < 1 || port > 65535) {
      return usage(absl::StrCat("--service ", entry,
                                ": expected TYPE:PORT, or TYPE with --port 1..65535"));
    }
    options.records.push_back(
        ServiceRecord{parts[0], name, static_cast<uint16_t>(port), attributes});
  }
  options.announce_interval = absl::GetFlag(FLAGS_serve_discovery_interval).value;
  options.legacy = absl::GetFlag(FLAGS_serve_discovery_legacy);
  options.seed = absl::GetFlag(FLAGS_serve_discovery_seed);
  if (options.seed == 0) options.seed = absl::Uniform<uint64_t>(absl::BitGen());
  std::vector<std::string> announce = {absl::GetFlag(FLAGS_serve_discovery_announce)};
  if (auto it = invocation.repeated.find("announce"); it != invocation.repeated.end()) {
    announce = it->second;
  }
  if (announce != std::vector<std::string>{"auto"}) {
    for (const std::string& text : announce) {
      if (text == "none") {
        options.initial_announcements = 0;
        continue;
      }
      absl::StatusOr<SocketAddress> address = SocketAddress::Parse(text);
      if (!address.ok()) address = SocketAddress::FromIp(text, 0);
      if (!address.ok()) return usage(address.status().message());
      options.announce_to.push_back(*address);
    }
    if (options.announce_to.empty()) {
      // "none": keep StartResponder from choosing defaults.
      options.announce_to.push_back(SocketAddress::Loopback(AddressFamily::kIPv4, 0));
    }
  }
  std::vector<SocketAddress> bind;
  const std::string listen = absl::GetFlag(FLAGS_serve_discovery_listen);
  if (!listen.empty()) {
    absl::StatusOr<std::vector<SocketAddress>> parsed = ParseListenAddresses(listen);
    if (!parsed.ok()) return usage(parsed.status().message());
    bind = *parsed;
  }
  return ServeUntilSignalled(
      "serve discovery", ServerOptionsFromFlags(),
      [&](Server& server, EventLoop&, std::ostream& out) -> absl::Status {
        absl::StatusOr<discovery::StartedResponder> started =
            discovery::StartResponder(server, RealNetwork(), options, bind);
        if (!started.ok()) return started.status();
        for (const SocketAddress& address : started->addresses) {
          out << "listening on udp://" << address.ToString() << "\n";
        }
        for (const ServiceRecord& record : options.records) {
          out << "advertising " << record.service << " \""
                          << record.instance << "\" port " << record.port << "\n";
        }
        return absl::OkStatus();
      },
      *invocation.out, *invocation.err);
}

// The query destinations: "ff02::c8df" without a scope means every
// multicast-capable interface.
absl::StatusOr<std::vector<SocketAddress>> Destinations(
    const std::vector<std::string>& texts, uint16_t port) {
  std::vector<SocketAddress> destinations;
  for (const std::string& text : texts) {
    absl::StatusOr<SocketAddress> address = SocketAddress::FromIp(text, port);
    if (!address.ok()) return address.status();
    if (address->family() == AddressFamily::kIPv6 && address->is_multicast() &&
        address->scope_id() == 0) {
      absl::StatusOr<std::vector<NetworkInterface>> interfaces =
          MulticastInterfaces();
      if (!interfaces.ok()) return interfaces.status();
      for (const NetworkInterface& interface : *interfaces) {
        destinations.push_back(*SocketAddress::FromIp(
            absl::StrCat(text, "%", interface.index), port));
      }
      continue;
    }
    destinations.push_back(*address);
  }
  return destinations;
}

nlohmann::json ToJson(const FoundInstance& found) {
  nlohmann::json attributes = nlohmann::json::object();
  for (const auto& [key, value] : found.attributes) attributes[key] = value;
  return {{"service", found.service},
          {"instance", found.instance},
          {"address", found.responder.ip()},
          {"port", found.port},
          {"responder", found.responder.ToString()},
          {"attributes", attributes},
          {"first_reply_ms", absl::ToDoubleMilliseconds(found.first_reply)},
          {"replies", found.replies}};
}

std::string Describe(const FoundInstance& found) {
  std::vector<std::string> attributes;
  for (const auto& [key, value] : found.attributes) {
    attributes.push_back(absl::StrCat(key, "=", value));
  }
  if (found.service.empty()) {  // legacy
    return absl::StrFormat("%s  \"%s\"  first reply %.1f ms",
                           found.responder.ToString(), found.instance,
                           absl::ToDoubleMilliseconds(found.first_reply));
  }
  return absl::StrFormat("%-12s %-24s %s port %d  first reply %.1f ms%s%s",
                         found.service, absl::StrCat("\"", found.instance, "\""),
                         found.responder.ip(), found.port,
                         absl::ToDoubleMilliseconds(found.first_reply),
                         attributes.empty() ? "" : "  ",
                         absl::StrJoin(attributes, " "));
}

int RunDiscover(const Invocation& invocation) {
  const auto usage = [&](absl::string_view message) {
    *invocation.err << "wirecheck discover: " << message << "\n";
    return kExitUsage;
  };
  if (!invocation.args.empty()) return usage("unexpected argument");
  const int port = absl::GetFlag(FLAGS_discover_port);
  if (port < 1 || port > 65535) return usage("--port must be 1 to 65535");
  std::vector<std::string> texts = {absl::GetFlag(FLAGS_discover_address)};
  if (auto it = invocation.repeated.find("address"); it != invocation.repeated.end()) {
    texts = it->second;
  }
  absl::StatusOr<std::vector<SocketAddress>> destinations =
      Destinations(texts, static_cast<uint16_t>(port));
  if (!destinations.ok()) return usage(destinations.status().message());
  if (destinations->empty()) return usage("no interface to send on");
  const bool json = absl::GetFlag(FLAGS_discover_json);
  const absl::Duration timeout = absl::GetFlag(FLAGS_discover_timeout).value;
  std::ostream& out = *invocation.out;

  if (absl::GetFlag(FLAGS_discover_listen)) {
    const SocketAddress first = destinations->front();
    const SocketAddress bind =
        SocketAddress::Any(first.family(), static_cast<uint16_t>(port));
    std::vector<uint32_t> interfaces;
    if (first.family() == AddressFamily::kIPv6) {
      for (const SocketAddress& d : *destinations) interfaces.push_back(d.scope_id());
    }
    nlohmann::json heard = nlohmann::json::array();
    absl::StatusOr<int> count = discovery::ListenForAnnouncements(
        RealNetwork(), bind, interfaces, timeout,
        [&](const discovery::Announcement& a) {
          if (json) {
            heard.push_back({{"type", discovery::MessageTypeName(a.message.type)},
                             {"service", a.message.service},
                             {"instance", a.message.instance},
                             {"port", a.message.port},
                             {"from", a.from.ToString()},
                             {"ttl_s", absl::ToInt64Seconds(a.message.ttl)},
                             {"at_ms", absl::ToDoubleMilliseconds(a.at)}});
          } else {
            out << absl::StrFormat("%8.1f ms  %-8s %s \"%s\" port %d from %s\n",
                                   absl::ToDoubleMilliseconds(a.at),
                                   discovery::MessageTypeName(a.message.type),
                                   a.message.service, a.message.instance,
                                   a.message.port, a.from.ToString())
                << std::flush;
          }
        });
    if (!count.ok()) {
      *invocation.err << "wirecheck discover: " << count.status() << "\n";
      return kExitUsage;
    }
    if (json) out << nlohmann::json{{"schema", "wirecheck.discover/1"}, {"announcements", heard}}.dump(2) << "\n";
    return *count > 0 ? kExitSuccess : kExitCheckFailed;
  }

  // One browse per address family.
  std::vector<FoundInstance> found;
  nlohmann::json browses = nlohmann::json::array();
  for (AddressFamily family : {AddressFamily::kIPv4, AddressFamily::kIPv6}) {
    BrowseOptions options;
    for (const SocketAddress& d : *destinations) {
      if (d.family() == family) options.destinations.push_back(d);
    }
    if (options.destinations.empty()) continue;
    options.service = absl::GetFlag(FLAGS_discover_service);
    options.timeout = timeout;
    options.legacy = absl::GetFlag(FLAGS_discover_legacy);
    options.seed = absl::GetFlag(FLAGS_discover_seed);
    if (options.seed == 0) options.seed = absl::Uniform<uint64_t>(absl::BitGen());
    absl::StatusOr<discovery::BrowseResult> result = discovery::Browse(
        RealNetwork(), options, [&](const FoundInstance& instance) {
          if (!json) out << Describe(instance) << "\n" << std::flush;
        });
    if (!result.ok()) {
      *invocation.err << "wirecheck discover: " << result.status() << "\n";
      return kExitUsage;
    }
    nlohmann::json instances = nlohmann::json::array();
    for (const FoundInstance& instance : result->instances) {
      instances.push_back(ToJson(instance));
      found.push_back(instance);
    }
    browses.push_back({{"family", AddressFamilyName(family)},
                       {"nonce", result->nonce},
                       {"queries_sent", result->queries_sent},
                       {"replies", result->replies},
                       {"duplicates", result->duplicates},
                       {"ignored", result->ignored},
                       {"instances", instances}});
  }
  if (json) {
    out << nlohmann::json{{"schema", "wirecheck.discover/1"}, {"browses", browses}}.dump(2)
        << "\n";
  } else {
    out << found.size() << " instance" << (found.size() == 1 ? "" : "s")
        << " found\n";
  }
  return found.empty() ? kExitCheckFailed : kExitSuccess;
}


const bool registered_serve = RegisterCommand({
    .name = "serve discovery",
    .summary = "Advertise services over UDP broadcast and IPv6 multicast",
    .usage = "wirecheck serve discovery --service TYPE --port N [--name NAME] "
             "[--attr k=v] [--listen ADDR:PORT]",
    .help = "Answers WCD/1 queries after a random 20-120 ms delay, announces "
            "on start and\nevery --interval, says goodbye on SIGINT/SIGTERM, "
            "and answers the legacy\n\"Hello\" with \"I am here\". Several "
            "responders on one machine share the port.",
    .flag_prefix = "serve_discovery_",
    .flags = WithServeFlags({"name", "service", "port", "attr", "listen",
                             "interval", "legacy", "seed", "announce"},
                            /*threads=*/false),
    .repeatable_flags = {"service", "attr", "announce"},
    .run = RunServeDiscovery,
});

const bool registered_discover = RegisterCommand({
    .name = "discover",
    .summary = "Find services on the link by broadcast or IPv6 multicast",
    .usage = "wirecheck discover [--service TYPE] [--timeout T] [--address A] "
             "[--port P] [--json] [--legacy] [--listen]",
    .help = "Sends a query (three times, as UDP may lose it), collects "
            "replies until the\ntimeout, and lists each instance once with "
            "its address, port, attributes and\nfirst-reply time. With "
            "--listen, prints announcements as they arrive. Exits 0\nwhen "
            "something was found, 1 when nothing was.",
    .flag_prefix = "discover_",
    .flags = {"service", "timeout", "address", "port", "json", "legacy",
              "listen", "seed"},
    .repeatable_flags = {"address"},
    .run = RunDiscover,
});

}  // namespace
}  // namespace wirecheck::cli
