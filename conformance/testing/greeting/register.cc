// Registers the greeting suite, the way a protocol's suite library does.
#include "conformance/case.h"
#include "conformance/testing/greeting/greeting_suite.h"

namespace wirecheck::testing {
namespace {

const bool registered = conformance::RegisterSuite(GreetingSuite());

}  // namespace
}  // namespace wirecheck::testing
