#include "fakes/fault_log.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace wirecheck::fakes {

std::string FaultRecord::ToString() const {
  return absl::StrCat(path, " #", index, " ", fault, ": ", detail);
}

void FaultLog::Add(FaultRecord record) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (sink_) sink_(record);
  if (keep_records_) records_.push_back(std::move(record));
}

void FaultLog::set_keep_records(bool keep) {
  std::lock_guard<std::mutex> lock(mutex_);
  keep_records_ = keep;
}

void FaultLog::SetSink(Sink sink) {
  std::lock_guard<std::mutex> lock(mutex_);
  sink_ = std::move(sink);
}

std::vector<FaultRecord> FaultLog::records() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_;
}

std::vector<FaultRecord> FaultLog::Find(absl::string_view fault,
                                        absl::string_view path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<FaultRecord> found;
  for (const FaultRecord& record : records_) {
    if (record.fault == fault && (path.empty() || record.path == path)) {
      found.push_back(record);
    }
  }
  return found;
}

std::vector<uint64_t> FaultLog::Indices(absl::string_view fault,
                                        absl::string_view path) const {
  std::vector<uint64_t> indices;
  for (const FaultRecord& record : Find(fault, path)) {
    indices.push_back(record.index);
  }
  return indices;
}

std::string FaultLog::ToString() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string text;
  for (const FaultRecord& record : records_) {
    absl::StrAppend(&text, record.ToString(), "\n");
  }
  return text;
}

void FaultLog::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  records_.clear();
}

}  // namespace wirecheck::fakes
