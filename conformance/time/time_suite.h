// The conformance suites for RFC 868 Time ("time") and RFC 867 Daytime
// ("daytime"), keyed to protocols/time/SPEC.md.
#ifndef WIRECHECK_CONFORMANCE_TIME_TIME_SUITE_H_
#define WIRECHECK_CONFORMANCE_TIME_TIME_SUITE_H_

#include "conformance/case.h"

namespace wirecheck::conformance {

Suite TimeSuite();
Suite DaytimeSuite();

}  // namespace wirecheck::conformance

#endif  // WIRECHECK_CONFORMANCE_TIME_TIME_SUITE_H_
