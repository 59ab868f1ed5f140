#include "fakes/loopback_harness.h"

#include <future>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"

namespace wirecheck::testing {

LoopbackHarness::LoopbackHarness(AddressFamily family)
    : family_(family), loop_(*PosixEventLoop::Create()) {}

LoopbackHarness::~LoopbackHarness() { StopServers(); }

std::string LoopbackHarness::name() const {
  return absl::StrCat("loopback_",
                      absl::AsciiStrToLower(AddressFamilyName(family_)));
}

void LoopbackHarness::StartServers() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    const absl::Status status = loop_->Run();
    if (!status.ok()) ADD_FAILURE() << "server loop: " << status;
  });
}

void LoopbackHarness::StopServers() {
  if (!thread_.joinable()) return;
  loop_->Stop();
  thread_.join();
}

void LoopbackHarness::RunOnServerLoop(std::function<void()> task) {
  if (!thread_.joinable()) {
    task();
    return;
  }
  std::promise<void> done;
  loop_->Post([&] {
    task();
    done.set_value();
  });
  done.get_future().wait();
}

}  // namespace wirecheck::testing
