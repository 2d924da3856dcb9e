// Horizontal bar charts and sparklines for the terminal. Pure logic: values in, text out.
//
//   Meetings per month
//   2026-08   9,120  ██████████████████████████▌
//   2026-09  11,482  █████████████████████████████████▍
//   2026-10       0
//
// Bars scale to the largest value of the chart (the whole int64 range is fine: values are
// doubles here), in eighths of a column with Unicode blocks (▏▎▍▌▋▊▉█), or in whole and half
// columns ('#', '+') with the ASCII fallback. A bar of several parts (stacked) draws each part
// in its own fill (█ ▓ ░, ASCII # = .). No line is ever wider than ChartStyle::width: when the
// label and value leave too little room for a bar, the bar moves to a line of its own below
// them, and a label that alone is too wide is cut.
#ifndef TEAMS_CLIENT_CHART_H_
#define TEAMS_CLIENT_CHART_H_

#include <string>
#include <string_view>
#include <vector>

namespace teams_usage::client {

struct ChartStyle {
  int width = 80;       // display columns available, the most any line may take
  bool unicode = true;  // Unicode blocks, or the monochrome ASCII fallback
};

struct Bar {
  std::string label;          // e.g. the month, "2026-10"
  std::vector<double> parts;  // one value, or the parts of a stacked bar
  std::string value_label;    // what is printed beside the bar, e.g. "12,345 h"
};

struct BarChart {
  std::string title;                // first line; empty: none
  std::vector<std::string> legend;  // names of the parts of stacked bars; empty: no legend
  std::vector<Bar> bars;
};

// The chart as lines, each ending in '\n'.
std::string RenderBarChart(const BarChart& chart, const ChartStyle& style);

// A bar `cells` columns wide at most, filled to `fraction` (clamped to 0..1) of it; a positive
// fraction always shows at least the smallest mark. Exactly `cells` display columns when
// `pad` is set (filled up with spaces).
std::string BarText(double fraction, int cells, bool unicode, bool pad = false);

// A one-line micro chart of a series, one character per value (▁▂▃▄▅▆▇█, or "_.-~=+*#"),
// scaled from 0 to the largest value.
std::string Sparkline(const std::vector<double>& values, bool unicode);

}  // namespace teams_usage::client

#endif  // TEAMS_CLIENT_CHART_H_
