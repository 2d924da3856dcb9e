// A one-line progress bar on stderr (bytes and lines or rows), redrawn at most every 100 ms, for
// the commands that move files: `upload` and `export`. Drawn only when enabled (callers enable
// it when stderr is a terminal).
#ifndef TEAMS_CLIENT_PROGRESS_BAR_H_
#define TEAMS_CLIENT_PROGRESS_BAR_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace teams_usage::client {

class ProgressBar {
 public:
  // `total_bytes` <= 0: the size is not known in advance (a download): no bar, just the counts.
  // `unit` names what is counted ("lines", "rows").
  ProgressBar(bool enabled, int64_t total_bytes, std::string unit = "lines");
  // Redraws (at most every 100 ms, always when `final`); the final call ends the line.
  void Update(int64_t bytes, int64_t count, bool final = false);

  // "512 B", "1.5 KiB", "3.2 MiB", "1.25 GiB".
  static std::string HumanBytes(int64_t n);
  // The line Update draws, without the leading '\r' (for tests).
  std::string Line(int64_t bytes, int64_t count) const;

 private:
  bool enabled_;
  int64_t total_;
  std::string unit_;
  size_t last_length_ = 0;
  absl::Time last_ = absl::InfinitePast();
};

}  // namespace teams_usage::client

#endif  // TEAMS_CLIENT_PROGRESS_BAR_H_
