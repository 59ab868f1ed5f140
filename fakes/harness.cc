#include "fakes/harness.h"

#include "fakes/fake_harness.h"
#include "fakes/loopback_harness.h"
#include "protocols/common/status_macros.h"

namespace wirecheck::testing {

std::vector<HarnessFactory> LoopbackHarnesses() {
  return {
      {"loopback_ipv4",
       [] { return std::make_unique<LoopbackHarness>(AddressFamily::kIPv4); }},
      {"loopback_ipv6",
       [] { return std::make_unique<LoopbackHarness>(AddressFamily::kIPv6); }},
  };
}

std::vector<HarnessFactory> AllHarnesses() {
  std::vector<HarnessFactory> all = LoopbackHarnesses();
  all.push_back({"fake_ipv4", [] {
                   return std::make_unique<FakeHarness>(AddressFamily::kIPv4);
                 }});
  all.push_back({"fake_ipv6", [] {
                   return std::make_unique<FakeHarness>(AddressFamily::kIPv6);
                 }});
  return all;
}

std::string HarnessTestName(
    const ::testing::TestParamInfo<HarnessFactory>& info) {
  return info.param.name;
}

absl::StatusOr<std::pair<std::unique_ptr<Stream>, std::unique_ptr<Stream>>>
ConnectPair(Harness& harness, Listener& listener) {
  const absl::Time deadline = harness.clock().Now() + absl::Seconds(5);
  ASSIGN_OR_RETURN(std::unique_ptr<Stream> client,
                   harness.client_network().Connect(listener.local_address(),
                                                    deadline));
  ASSIGN_OR_RETURN(std::unique_ptr<Stream> server, listener.Accept(deadline));
  return std::make_pair(std::move(client), std::move(server));
}

}  // namespace wirecheck::testing
