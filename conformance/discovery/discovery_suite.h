// The "discovery" conformance suite, keyed to protocols/discovery/SPEC.md.
#ifndef WIRECHECK_CONFORMANCE_DISCOVERY_DISCOVERY_SUITE_H_
#define WIRECHECK_CONFORMANCE_DISCOVERY_DISCOVERY_SUITE_H_

#include "conformance/case.h"

namespace wirecheck::conformance {

Suite DiscoverySuite();

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_DISCOVERY_DISCOVERY_SUITE_H_
