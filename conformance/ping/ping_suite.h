// The "ping" conformance suite, keyed to protocols/ping/SPEC.md.
#ifndef WIRECHECK_CONFORMANCE_PING_PING_SUITE_H_
#define WIRECHECK_CONFORMANCE_PING_PING_SUITE_H_

#include "conformance/case.h"

namespace wirecheck::conformance {

Suite PingSuite();

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_PING_PING_SUITE_H_
