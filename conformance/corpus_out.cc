#include "conformance/corpus_out.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "conformance/wire_log.h"

namespace wirecheck::conformance {
namespace {

namespace fs = std::filesystem;

// One case's pieces in one direction, in the order they started.
class Pieces {
 public:
  void Add(const WireEvent& event) {
    // Stream sockets ("tcp#1") keep one piece per socket; each datagram is
    // a piece of its own.
    if (absl::StartsWith(event.socket, "tcp")) {
      auto [it, added] = stream_piece_.emplace(event.socket, pieces_.size());
      if (added) pieces_.emplace_back();
      pieces_[it->second] += event.bytes;
    } else {
      pieces_.push_back(event.bytes);
    }
  }
  const std::vector<std::string>& pieces() const { return pieces_; }

 private:
  std::vector<std::string> pieces_;
  std::map<std::string, size_t> stream_piece_;
};

absl::Status Write(const fs::path& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << bytes;
  file.close();
  if (!file) {
    return absl::InternalError(absl::StrCat("cannot write ", path.string()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<size_t> WriteCorpus(const SuiteRun& run, const std::string& dir) {
  const fs::path folder =
      fs::path(dir) / absl::StrReplaceAll(run.suite, {{":", "/"}});
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot create ", folder.string(),
                                            ": ", error.message()));
  }
  size_t written = 0;
  for (const CaseResult& result : run.cases) {
    Pieces received;
    Pieces sent;
    for (const WireEvent& event : result.wire_log.events) {
      if (event.kind == WireEventKind::kReceive) received.Add(event);
      if (event.kind == WireEventKind::kSend) sent.Add(event);
    }
    const size_t slash = result.id.find('/');
    const std::string name =
        slash == std::string::npos ? result.id : result.id.substr(slash + 1);
    for (const auto& [direction, pieces] :
         {std::pair<const char*, const Pieces*>{"received", &received},
          {"sent", &sent}}) {
      size_t n = 0;
      for (const std::string& bytes : pieces->pieces()) {
        if (bytes.empty()) continue;
        const fs::path path =
            folder / absl::StrCat(name, "-", direction, "-", ++n);
        if (absl::Status status = Write(path, bytes); !status.ok()) {
          return status;
        }
        ++written;
      }
    }
  }
  return written;
}

}  // namespace wirecheck::conformance
