// client/chart: bar charts and sparklines — scaling, widths, zero and single-value series, the
// int64 range, narrow terminals and the ASCII fallback.
#include "client/chart.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "client/table.h"

namespace teams_usage::client {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool IsAscii(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

// How many display columns of `line` are bar (block or ASCII fill characters).
int BarColumns(const std::string& line) {
  int n = 0;
  for (const char* mark : {"█", "▉", "▊", "▋", "▌", "▍", "▎", "▏", "▓", "░"}) {
    for (size_t at = line.find(mark); at != std::string::npos; at = line.find(mark, at + 1)) ++n;
  }
  return n;
}

BarChart Monthly(const std::vector<int64_t>& values) {
  BarChart chart;
  chart.title = "Meetings per month";
  for (size_t i = 0; i < values.size(); ++i) {
    chart.bars.push_back({"2026-" + std::string(i + 1 < 10 ? "0" : "") + std::to_string(i + 1),
                          {static_cast<double>(values[i])},
                          FormatInt(values[i])});
  }
  return chart;
}

TEST(BarTextTest, EighthsOfACell) {
  EXPECT_EQ(BarText(1.0, 4, true), "████");
  EXPECT_EQ(BarText(0.5, 4, true), "██");
  EXPECT_EQ(BarText(0.55, 10, true), "█████▌");  // 44 eighths: 5 cells and a half
  EXPECT_EQ(BarText(1.0 / 80, 10, true), "▏");   // one eighth
  EXPECT_EQ(BarText(0.0, 10, true), "");
  EXPECT_EQ(BarText(1e-12, 10, true), "▏");  // something is never drawn as nothing
  EXPECT_EQ(BarText(0.5, 4, true, /*pad=*/true), "██  ");
  EXPECT_EQ(BarText(2.0, 3, true), "███");  // clamped
  EXPECT_EQ(BarText(-1.0, 3, true), "");
  EXPECT_EQ(BarText(std::nan(""), 3, true), "");
  EXPECT_EQ(BarText(0.5, 0, true), "");
}

TEST(BarTextTest, AsciiHalves) {
  EXPECT_EQ(BarText(1.0, 4, false), "####");
  EXPECT_EQ(BarText(0.5, 4, false), "##");
  EXPECT_EQ(BarText(0.6, 4, false), "##+");  // 4.8 halves -> 5
  EXPECT_EQ(BarText(1e-9, 4, false), "+");
  EXPECT_EQ(BarText(0.25, 4, false, /*pad=*/true), "#   ");
}

TEST(BarChartTest, ScalesToTheLargestValue) {
  ChartStyle style;
  style.width = 40;
  const std::string text = RenderBarChart(Monthly({100, 50, 25, 0}), style);
  const auto lines = Lines(text);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "Meetings per month");
  // "2026-01  100  " leaves 40 - 14 = 26 cells for the bars.
  EXPECT_EQ(lines[1], "2026-01  100  " + BarText(1.0, 26, true));
  EXPECT_EQ(BarColumns(lines[1]), 26);
  EXPECT_EQ(lines[2], "2026-02   50  " + BarText(0.5, 26, true));
  EXPECT_EQ(BarColumns(lines[2]), 13);
  EXPECT_EQ(lines[3], "2026-03   25  " + BarText(0.25, 26, true));
  EXPECT_EQ(lines[4], "2026-04    0");  // no bar, no trailing spaces
  for (const auto& line : lines) EXPECT_LE(DisplayWidth(line), 40);
  EXPECT_EQ(DisplayWidth(lines[1]), 40);
}

TEST(BarChartTest, ZeroSeriesDrawsNoBars) {
  const std::string text = RenderBarChart(Monthly({0, 0, 0}), ChartStyle{});
  EXPECT_EQ(text, "Meetings per month\n2026-01  0\n2026-02  0\n2026-03  0\n");
}

TEST(BarChartTest, SingleValueFillsTheWidth) {
  ChartStyle style;
  style.width = 30;
  const auto lines = Lines(RenderBarChart(Monthly({7}), style));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(DisplayWidth(lines[1]), 30);
  EXPECT_EQ(BarColumns(lines[1]), 30 - 12);  // "2026-01  7  "
}

TEST(BarChartTest, EmptyChartIsJustItsTitle) {
  BarChart chart;
  chart.title = "Nothing";
  EXPECT_EQ(RenderBarChart(chart, ChartStyle{}), "Nothing\n");
  EXPECT_EQ(RenderBarChart(BarChart{}, ChartStyle{}), "");
}

TEST(BarChartTest, TheWholeInt64Range) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  ChartStyle style;
  style.width = 60;
  const auto lines = Lines(RenderBarChart(Monthly({kMax, kMax / 2, 1, 0, kMax - 1}), style));
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_THAT(lines[1], HasSubstr("9,223,372,036,854,775,807"));
  const int cells = 60 - 7 - 2 - 25 - 2;
  EXPECT_EQ(BarColumns(lines[1]), cells);
  EXPECT_EQ(BarColumns(lines[2]), cells / 2);
  EXPECT_THAT(lines[3], HasSubstr("▏"));  // 1 of 9.2e18: the smallest mark, not nothing
  EXPECT_EQ(BarColumns(lines[3]), 1);
  EXPECT_EQ(BarColumns(lines[4]), 0);
  EXPECT_EQ(BarColumns(lines[5]), cells);
  for (const auto& line : lines) EXPECT_LE(DisplayWidth(line), 60);
}

TEST(BarChartTest, NeverWiderThanTheTerminalDownToTwentyColumnsAndBelow) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::vector<std::vector<int64_t>> series = {
      {1, 2, 3}, {0}, {kMax, 1}, {1234567, 0, 99}, {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5}};
  for (const auto& values : series) {
    for (int width = 1; width <= 120; ++width) {
      for (bool unicode : {true, false}) {
        ChartStyle style;
        style.width = width;
        style.unicode = unicode;
        BarChart chart = Monthly(values);
        chart.title = "A rather long chart title that does not fit a narrow terminal";
        const std::string text = RenderBarChart(chart, style);
        for (const auto& line : Lines(text)) {
          ASSERT_LE(DisplayWidth(line), width) << "width " << width << ":\n" << text;
        }
        if (!unicode) {
          ASSERT_TRUE(IsAscii(text)) << text;
        }
      }
    }
  }
}

TEST(BarChartTest, NarrowTerminalPutsTheBarOnItsOwnLine) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  ChartStyle style;
  style.width = 20;
  const auto lines = Lines(RenderBarChart(Monthly({kMax, kMax / 4}), style));
  // The title, then per month "label  value" (cut: it alone is wider than 20) and its bar.
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[1], TruncateToWidth("2026-01  9,223,372,036,854,775,807", 20, true));
  EXPECT_EQ(lines[2], "  " + BarText(1.0, 18, true));
  EXPECT_EQ(BarColumns(lines[2]), 18);
  EXPECT_EQ(BarColumns(lines[4]), 5);  // 18 / 4 = 4.5 cells: 4 and a half-cell mark
  EXPECT_THAT(lines[4], HasSubstr("████▌"));
  // One column more and a short value leave room for 8 cells: the bars stay on their lines.
  style.width = 21;
  const auto wider = Lines(RenderBarChart(Monthly({12, 3}), style));
  ASSERT_EQ(wider.size(), 3u);
  EXPECT_EQ(wider[1], "2026-01  12  " + BarText(1.0, 8, true));
  EXPECT_EQ(wider[2], "2026-02   3  " + BarText(0.25, 8, true));
  style.width = 20;
  EXPECT_EQ(Lines(RenderBarChart(Monthly({12, 3}), style)).size(), 5u);
}

TEST(BarChartTest, AsciiFallbackIsMonochromeAscii) {
  ChartStyle style;
  style.width = 40;
  style.unicode = false;
  BarChart chart = Monthly({100, 50, 1});
  const std::string text = RenderBarChart(chart, style);
  EXPECT_TRUE(IsAscii(text)) << text;
  const auto lines = Lines(text);
  EXPECT_EQ(lines[1], "2026-01  100  " + std::string(26, '#'));
  EXPECT_EQ(lines[2], "2026-02   50  " + std::string(13, '#'));
  EXPECT_EQ(lines[3], "2026-03    1  +");
}

TEST(BarChartTest, StackedBarsWithALegend) {
  BarChart chart;
  chart.title = "Meetings: users";
  chart.legend = {"desktop", "mobile", "web"};
  chart.bars.push_back({"2026-01", {50, 30, 20}, "50 / 30 / 20"});
  chart.bars.push_back({"2026-02", {25, 0, 25}, "25 / 0 / 25"});
  chart.bars.push_back({"2026-03", {0, 0, 0}, "0 / 0 / 0"});
  ChartStyle style;
  style.width = 43;  // 7 + 2 + 12 + 2 = 23: 20 cells
  const auto lines = Lines(RenderBarChart(chart, style));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[1], "█ desktop  ▓ mobile  ░ web");
  EXPECT_EQ(lines[2], "2026-01  50 / 30 / 20  ██████████▓▓▓▓▓▓░░░░");
  EXPECT_EQ(lines[3], "2026-02   25 / 0 / 25  █████░░░░░");
  EXPECT_EQ(lines[4], "2026-03     0 / 0 / 0");
  style.unicode = false;
  const auto ascii = Lines(RenderBarChart(chart, style));
  EXPECT_EQ(ascii[1], "# desktop  = mobile  . web");
  EXPECT_EQ(ascii[2], "2026-01  50 / 30 / 20  ##########======....");
  for (int width = 1; width < 60; ++width) {
    style.width = width;
    for (const auto& line : Lines(RenderBarChart(chart, style))) {
      ASSERT_LE(DisplayWidth(line), width);
    }
  }
}

TEST(BarChartTest, DoublesAndOddValues) {
  BarChart chart;
  chart.bars.push_back({"a", {37.5}, "37.5 min"});
  chart.bars.push_back({"b", {-3}, "-3"});
  chart.bars.push_back({"c", {std::nan("")}, "n/a"});
  chart.bars.push_back({"d", {std::numeric_limits<double>::infinity()}, "inf"});
  ChartStyle style;
  style.width = 30;
  const auto lines = Lines(RenderBarChart(chart, style));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(BarColumns(lines[0]), 30 - 1 - 2 - 8 - 2);
  EXPECT_EQ(lines[1], "b        -3");
  EXPECT_EQ(lines[2], "c       n/a");
  EXPECT_EQ(lines[3], "d       inf");
}

TEST(BarChartTest, LabelsAreSanitized) {
  BarChart chart;
  chart.title = "T\x1b[2J";
  chart.bars.push_back({"x\ny", {1}, "1"});
  const std::string text = RenderBarChart(chart, ChartStyle{});
  EXPECT_THAT(text, Not(HasSubstr("\x1b")));
  EXPECT_THAT(text, HasSubstr("x?y"));
}

TEST(SparklineTest, OneMarkPerValueScaledToTheMax) {
  EXPECT_EQ(Sparkline({0, 1, 2, 3, 4, 5, 6}, true), "▁▃▄▅▆▇█");
  EXPECT_EQ(Sparkline({0, 6}, true), "▁█");
  EXPECT_EQ(Sparkline({0, 0, 0}, true), "▁▁▁");
  EXPECT_EQ(Sparkline({5}, true), "█");
  EXPECT_EQ(Sparkline({}, true), "");
  EXPECT_EQ(Sparkline({0, 1e-9, 6}, true), "▁▂█");  // above zero is never the zero mark
  EXPECT_EQ(Sparkline({0, 3, 6}, false), "_=#");
  EXPECT_EQ(Sparkline({9.2e18, 1}, true), "█▂");
  EXPECT_EQ(DisplayWidth(Sparkline({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, true)), 13);
}

}  // namespace
}  // namespace teams_usage::client
