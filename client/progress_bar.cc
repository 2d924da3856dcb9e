#include "client/progress_bar.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "client/table.h"

namespace teams_usage::client {

ProgressBar::ProgressBar(bool enabled, int64_t total_bytes, std::string unit)
    : enabled_(enabled), total_(total_bytes), unit_(std::move(unit)) {}

std::string ProgressBar::HumanBytes(int64_t n) {
  if (n < 1024) return absl::StrFormat("%d B", n);
  if (n < (1 << 20)) return absl::StrFormat("%.1f KiB", n / 1024.0);
  if (n < (int64_t{1} << 30)) return absl::StrFormat("%.1f MiB", n / 1048576.0);
  return absl::StrFormat("%.2f GiB", n / 1073741824.0);
}

std::string ProgressBar::Line(int64_t bytes, int64_t count) const {
  if (total_ <= 0) {
    return absl::StrFormat("received %s  %s %s", HumanBytes(bytes), FormatInt(count), unit_);
  }
  constexpr int kWidth = 30;
  const double fraction = std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_));
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(filled, '#');
  bar.append(kWidth - filled, '.');
  return absl::StrFormat("[%s] %5.1f%%  %s / %s  %s %s", bar, fraction * 100, HumanBytes(bytes),
                         HumanBytes(total_), FormatInt(count), unit_);
}

void ProgressBar::Update(int64_t bytes, int64_t count, bool final) {
  if (!enabled_) return;
  const absl::Time now = absl::Now();
  if (!final && now - last_ < absl::Milliseconds(100)) return;
  last_ = now;
  std::string line = Line(bytes, count);
  const size_t length = line.size();
  // Blank out what a longer earlier line left behind.
  if (length < last_length_) line.append(last_length_ - length, ' ');
  last_length_ = length;
  std::fprintf(stderr, "\r%s", line.c_str());
  if (final) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace teams_usage::client
