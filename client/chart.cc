#include "client/chart.h"

#include <algorithm>
#include <cmath>

#include "client/table.h"

namespace teams_usage::client {
namespace {

// Narrower than this, a bar says too little beside its label: it gets a line of its own.
constexpr int kMinInlineBarCells = 8;
constexpr int kGap = 2;  // spaces between label, value and bar

// Eighths of a cell: index 1..7 (index 0 unused).
const char* const kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
const char* const kUnicodeFills[] = {"█", "▓", "░", "▒"};
const char* const kAsciiFills[] = {"#", "=", ".", ":"};
constexpr int kFillCount = 4;

double Clean(double v) { return std::isfinite(v) && v > 0 ? v : 0; }

double Total(const Bar& bar) {
  double total = 0;
  for (double part : bar.parts) total += Clean(part);
  return std::isfinite(total) ? total : 0;
}

std::string Repeat(const char* s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s);
  return out;
}

// A stacked bar: each part's share of `cells`, the boundaries rounded so the whole bar is as
// long as the sum of its parts would be.
std::string StackedText(const std::vector<double>& parts, double max, int cells, bool unicode) {
  if (cells <= 0 || max <= 0) return "";
  std::string out;
  double cumulative = 0;
  int drawn = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    cumulative += Clean(parts[k]);
    int boundary =
        static_cast<int>(std::lround(std::min(1.0, cumulative / max) * static_cast<double>(cells)));
    // Something to show, but less than half a cell so far: show one cell of it.
    if (boundary == 0 && cumulative > 0) boundary = 1;
    boundary = std::min(boundary, cells);
    const char* fill = (unicode ? kUnicodeFills : kAsciiFills)[k % kFillCount];
    out.append(Repeat(fill, boundary - drawn));
    drawn = std::max(drawn, boundary);
  }
  return out;
}

}  // namespace

std::string BarText(double fraction, int cells, bool unicode, bool pad) {
  if (cells <= 0) return "";
  fraction = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.0;
  std::string out;
  int used = 0;
  if (unicode) {
    long eighths = std::lround(fraction * cells * 8);
    if (eighths == 0 && fraction > 0) eighths = 1;
    const int full = static_cast<int>(eighths / 8);
    const int rest = static_cast<int>(eighths % 8);
    out = Repeat("█", full);
    used = full;
    if (rest > 0) {
      out.append(kEighths[rest]);
      ++used;
    }
  } else {
    long halves = std::lround(fraction * cells * 2);
    if (halves == 0 && fraction > 0) halves = 1;
    const int full = static_cast<int>(halves / 2);
    out = std::string(full, '#');
    used = full;
    if (halves % 2 == 1) {
      out.push_back('+');
      ++used;
    }
  }
  if (pad && used < cells) out.append(cells - used, ' ');
  return out;
}

std::string RenderBarChart(const BarChart& chart, const ChartStyle& style) {
  const int width = std::max(1, style.width);
  const bool unicode = style.unicode;
  std::string out;
  const auto emit = [&](const std::string& line) {
    std::string text = TruncateToWidth(line, width, unicode);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out.append(text).push_back('\n');
  };
  if (!chart.title.empty()) emit(SanitizeForTerminal(chart.title));
  if (!chart.legend.empty()) {
    std::string legend;
    for (size_t k = 0; k < chart.legend.size(); ++k) {
      if (k > 0) legend.append("  ");
      legend.append((unicode ? kUnicodeFills : kAsciiFills)[k % kFillCount]);
      legend.append(" ").append(SanitizeForTerminal(chart.legend[k]));
    }
    emit(legend);
  }

  int label_width = 0;
  int value_width = 0;
  double max = 0;
  std::vector<std::string> labels;
  std::vector<std::string> values;
  for (const Bar& bar : chart.bars) {
    labels.push_back(SanitizeForTerminal(bar.label));
    values.push_back(SanitizeForTerminal(bar.value_label));
    label_width = std::max(label_width, DisplayWidth(labels.back()));
    value_width = std::max(value_width, DisplayWidth(values.back()));
    max = std::max(max, Total(bar));
  }
  const int inline_cells = width - label_width - kGap - value_width - kGap;
  const bool inline_bars = inline_cells >= kMinInlineBarCells;
  // On a line of its own, a bar is indented under its label by two columns when there is room.
  const int own_line_indent = width > 2 * kGap ? kGap : 0;
  const int cells = inline_bars ? inline_cells : width - own_line_indent;

  for (size_t i = 0; i < chart.bars.size(); ++i) {
    const Bar& bar = chart.bars[i];
    const std::string text = bar.parts.size() > 1
                                 ? StackedText(bar.parts, max, cells, unicode)
                                 : BarText(max > 0 ? Total(bar) / max : 0, cells, unicode);
    if (inline_bars) {
      emit(PadToWidth(labels[i], label_width, false) + std::string(kGap, ' ') +
           PadToWidth(values[i], value_width, true) + std::string(kGap, ' ') + text);
    } else {
      emit(labels[i] + std::string(kGap, ' ') + values[i]);
      if (!text.empty()) emit(std::string(own_line_indent, ' ') + text);
    }
  }
  return out;
}

std::string Sparkline(const std::vector<double>& values, bool unicode) {
  static const char* const kUnicodeLevels[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  static const char kAsciiLevels[] = "_.-~=+*#";
  double max = 0;
  for (double v : values) max = std::max(max, Clean(v));
  std::string out;
  for (double v : values) {
    v = Clean(v);
    // Zero is the lowest mark; anything above zero at least the second.
    const int level =
        v <= 0 || max <= 0 ? 0 : 1 + static_cast<int>(std::lround(std::min(1.0, v / max) * 6));
    if (unicode) {
      out.append(kUnicodeLevels[level]);
    } else {
      out.push_back(kAsciiLevels[level]);
    }
  }
  return out;
}

}  // namespace teams_usage::client
