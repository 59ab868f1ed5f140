// Linked into a test, runs all of it on the portable byte loops
// (byte_scan.h), so CPUs with AVX-512 test those too.
#include "gtest/gtest.h"
#include "protocols/framing/byte_scan.h"

namespace wirecheck::framing::internal {
namespace {

class PortableByteScan : public ::testing::Environment {
 public:
  void SetUp() override { SetAvx512ForTesting(false); }
  void TearDown() override { SetAvx512ForTesting(true); }
};

const ::testing::Environment* const kPortable =
    ::testing::AddGlobalTestEnvironment(new PortableByteScan);

}  // namespace
}  // namespace wirecheck::framing::internal
