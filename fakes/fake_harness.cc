#include "fakes/fake_harness.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "fakes/fault_plan.h"

namespace wirecheck::testing {
namespace {

void AddInterfaceOrDie(fakes::SimulatedHost& host, fakes::SimulatedLink& link,
                       const std::vector<std::string>& addresses) {
  const absl::StatusOr<uint32_t> added = host.AddInterface(link, addresses);
  if (!added.ok()) {
    std::cerr << "FakeHarness: " << added.status() << std::endl;
    std::abort();
  }
}

}  // namespace

FakeHarness::FakeHarness(AddressFamily family, uint64_t seed)
    : family_(family),
      network_(clock_, seed),
      link_(&network_.AddLink("lan")),
      client_(&network_.AddHost("client")),
      server_(&network_.AddHost("server")),
      loop_(clock_) {
  AddInterfaceOrDie(*client_, *link_, {"192.0.2.1/24", "2001:db8::1/64"});
  AddInterfaceOrDie(*server_, *link_, {"192.0.2.2/24", "2001:db8::2/64"});
}

std::string FakeHarness::name() const {
  return absl::StrCat("fake_", absl::AsciiStrToLower(AddressFamilyName(family_)));
}

absl::StatusOr<SocketAddress> FakeHarness::ThroughFaults(
    Transport transport, const SocketAddress& server, absl::string_view plan) {
  absl::StatusOr<fakes::FaultPlan> parsed = fakes::ParseFaultPlan(plan);
  if (!parsed.ok()) return parsed.status();
  const absl::Status fits = transport == Transport::kTcp
                                ? fakes::CheckStreamFaultsOnly(*parsed)
                                : fakes::CheckDatagramFaultsOnly(*parsed);
  if (!fits.ok()) return fits;
  if (absl::Status set = network_.SetPathFaults(*client_, *server_, *parsed);
      !set.ok()) {
    return set;
  }
  return server;
}

}  // namespace wirecheck::testing
