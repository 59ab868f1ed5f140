#include "fakes/fault_log.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace wirecheck::fakes {
namespace {

using ::testing::ElementsAre;

FaultRecord Record(std::string path, uint64_t index, std::string fault) {
  return FaultRecord{absl::UnixEpoch(), std::move(path), index,
                     std::move(fault), "why"};
}

TEST(FaultLogTest, FindsRecordsByFaultAndPath) {
  FaultLog log;
  log.Add(Record("lan", 3, "drop"));
  log.Add(Record("a->b", 4, "drop"));
  log.Add(Record("lan", 5, "duplicate"));
  log.Add(Record("lan", 9, "drop"));
  EXPECT_THAT(log.Indices("drop"), ElementsAre(3, 4, 9));
  EXPECT_THAT(log.Indices("drop", "lan"), ElementsAre(3, 9));
  EXPECT_EQ(log.Find("duplicate").size(), 1u);
  EXPECT_EQ(log.records().size(), 4u);
  log.Clear();
  EXPECT_TRUE(log.records().empty());
}

TEST(FaultLogTest, SinkSeesEveryLaterRecordAsItHappens) {
  FaultLog log;
  log.Add(Record("lan", 1, "drop"));
  std::vector<std::string> printed;
  log.SetSink([&](const FaultRecord& record) {
    printed.push_back(record.ToString());
  });
  log.Add(Record("lan", 2, "corrupt"));
  EXPECT_THAT(printed, ElementsAre("lan #2 corrupt: why"));
  EXPECT_EQ(log.ToString(), "lan #1 drop: why\nlan #2 corrupt: why\n");
}

TEST(FaultLogTest, WithoutKeepingRecordsOnlyTheSinkSeesThem) {
  FaultLog log;
  std::vector<std::string> printed;
  log.SetSink([&](const FaultRecord& record) {
    printed.push_back(record.ToString());
  });
  log.set_keep_records(false);
  log.Add(Record("lan", 1, "drop"));
  EXPECT_THAT(printed, ElementsAre("lan #1 drop: why"));
  EXPECT_TRUE(log.records().empty());
}

}  // namespace
}  // namespace wirecheck::fakes
