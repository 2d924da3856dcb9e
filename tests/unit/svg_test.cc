// client/svg: round axis ticks, scales, label thinning, escaping, and the charts' exact geometry
// for small inputs — empty, single-point, all-zero and long-tail series included.
#include "client/svg.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "tests/support/markup.h"

namespace teams_usage::client::svg {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::Not;

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// ---- ticks --------------------------------------------------------------------------------------

TEST(NiceTicksTest, RoundStepsFromZero) {
  const Ticks t = NiceTicks(0, 4360, 5, true);
  EXPECT_THAT(t.values, ElementsAre(0, 1000, 2000, 3000, 4000, 5000));
  EXPECT_EQ(t.step, 1000);
  EXPECT_EQ(t.min, 0);
  EXPECT_EQ(t.max, 5000);
  EXPECT_EQ(t.decimals, 0);

  EXPECT_THAT(NiceTicks(0, 6601, 5, true).values, ElementsAre(0, 2000, 4000, 6000, 8000));
  EXPECT_THAT(NiceTicks(0, 38.2, 5, false).values, ElementsAre(0, 10, 20, 30, 40));
  EXPECT_THAT(NiceTicks(0, 3, 5, true).values, ElementsAre(0, 1, 2, 3));
  // A value on a tick ends the axis there, not one step above.
  EXPECT_THAT(NiceTicks(0, 50, 5, true).values, ElementsAre(0, 10, 20, 30, 40, 50));
}

TEST(NiceTicksTest, DecimalStepsAreTheDecimalsTheyPrintAs) {
  const Ticks t = NiceTicks(0, 0.17, 5, false);
  EXPECT_THAT(t.values, ElementsAre(0, 0.05, 0.1, 0.15, 0.2));
  EXPECT_EQ(t.decimals, 2);
  EXPECT_EQ(TickLabel(t.values[3], t.decimals), "0.15");
  const Ticks tenths = NiceTicks(0, 1, 5, false);
  EXPECT_THAT(tenths.values, ElementsAre(0, 0.2, 0.4, 0.6, 0.8, 1));
  EXPECT_EQ(tenths.values[3], 0.6);  // not 0.6000000000000001
  EXPECT_EQ(tenths.decimals, 1);
}

TEST(NiceTicksTest, EmptyAndDegenerateRanges) {
  // All zero (an empty range of months): 0..1, not a division by zero.
  EXPECT_THAT(NiceTicks(0, 0, 5, true).values, ElementsAre(0, 1));
  EXPECT_THAT(NiceTicks(0, 0, 5, false).values, ElementsAre(0, 0.2, 0.4, 0.6, 0.8, 1));
  // A single value: the axis still starts at 0.
  EXPECT_THAT(NiceTicks(5, 5, 5, true).values, ElementsAre(0, 1, 2, 3, 4, 5));
  // Non-finite input is treated as 0.
  EXPECT_THAT(NiceTicks(0, std::nan(""), 5, true).values, ElementsAre(0, 1));
  EXPECT_THAT(NiceTicks(0, 7, 0, true).values, ElementsAre(0, 10));  // at least one interval
}

TEST(NiceTicksTest, OneHugeValueGetsARoundAxisWithSeparators) {
  const Ticks t = NiceTicks(0, 987654321, 5, true);
  EXPECT_THAT(t.values, ElementsAre(0, 2e8, 4e8, 6e8, 8e8, 1e9));
  EXPECT_EQ(TickLabel(t.max, t.decimals), "1,000,000,000");
  EXPECT_EQ(TickLabel(2e8, 0), "200,000,000");
}

TEST(NiceTicksTest, EveryStepIsOneTwoOrFiveTimesAPowerOfTenAndTheAxisIsTight) {
  for (double max = 1; max < 2e7; max = max * 1.37 + 1) {
    const Ticks t = NiceTicks(0, max, 5, true);
    SCOPED_TRACE(max);
    ASSERT_GE(t.values.size(), 2u);
    EXPECT_LE(t.values.size() - 1, 5u);
    EXPECT_GE(t.max, max);
    EXPECT_LT(t.values[t.values.size() - 2], max);  // no empty step at the top
    const double power = std::pow(10.0, std::floor(std::log10(t.step)));
    const double leading = t.step / power;
    EXPECT_TRUE(leading == 1 || leading == 2 || leading == 5) << t.step;
  }
}

TEST(AlignedTicksTest, SecondAxisSharesTheGridLines) {
  EXPECT_THAT(AlignedTicks(38.2, 5, false).values, ElementsAre(0, 10, 20, 30, 40, 50));
  EXPECT_THAT(AlignedTicks(38.2, 4, false).values, ElementsAre(0, 10, 20, 30, 40));
  EXPECT_THAT(AlignedTicks(0, 4, false).values, ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(AlignedTicks(0.3, 3, true).values, ElementsAre(0, 1, 2, 3));
}

// ---- scales -------------------------------------------------------------------------------------

TEST(ScaleTest, LinearAndReversed) {
  const LinearScale y(0, 5000, 270, 44);
  EXPECT_EQ(y(0), 270);
  EXPECT_EQ(y(5000), 44);
  EXPECT_EQ(y(2500), 157);
  const LinearScale x(10, 20, 0, 100);
  EXPECT_EQ(x(15), 50);
  EXPECT_EQ(LinearScale(3, 3, 7, 9)(3), 7);  // an empty domain
}

TEST(ScaleTest, BandsCentreTheirPoints) {
  const BandScale four{4, 0, 400};
  EXPECT_EQ(four.Width(), 100);
  EXPECT_EQ(four.Center(0), 50);
  EXPECT_EQ(four.Center(3), 350);
  const BandScale one{1, 28, 384};
  EXPECT_EQ(one.Center(0), 206);  // a single month sits in the middle
  EXPECT_EQ((BandScale{0, 0, 100}).Width(), 0);
}

TEST(VisibleLabelsTest, ThinnedFromTheNewestMonthBack) {
  EXPECT_THAT(VisibleLabels(12, 80, 50), ElementsAreArray(std::vector<bool>(12, true)));
  // 56 px of label in bands of 20 px: every third, the last (newest) one always.
  EXPECT_THAT(VisibleLabels(13, 20, 50), ElementsAre(true, false, false, true, false, false, true,
                                                     false, false, true, false, false, true));
  EXPECT_THAT(VisibleLabels(1, 5, 50), ElementsAre(true));
  EXPECT_TRUE(VisibleLabels(0, 5, 50).empty());
}

// ---- text ---------------------------------------------------------------------------------------

TEST(EscapeTest, MarkupCharacters) {
  EXPECT_EQ(Escape("<b>\"Tom & Jerry's\"</b>"),
            "&lt;b&gt;&quot;Tom &amp; Jerry&#39;s&quot;&lt;/b&gt;");
  EXPECT_EQ(Escape("&amp;"), "&amp;amp;");  // escaped again: data is never markup
  EXPECT_EQ(Escape("Ébauche 東京 😀"), "Ébauche 東京 😀");
  EXPECT_EQ(Escape("tab\there\nnew line"), "tab\there\nnew line");
}

TEST(EscapeTest, CharactersXmlDoesNotAllowBecomeTheReplacementCharacter) {
  EXPECT_EQ(Escape("a\x1b[31mb"), "a\uFFFD[31mb");
  EXPECT_EQ(Escape(std::string("nul\0x", 5)), "nul\uFFFDx");
  EXPECT_EQ(Escape("\x7f"), "\uFFFD");
  EXPECT_EQ(Escape("\xC2\x85"), "\uFFFD");                  // C1 control (NEL)
  EXPECT_EQ(Escape("\xC3("), "\uFFFD(");                    // a lead byte without its continuation
  EXPECT_EQ(Escape("\xC0\xAF"), "\uFFFD\uFFFD");            // overlong
  EXPECT_EQ(Escape("\xED\xA0\x80"), "\uFFFD\uFFFD\uFFFD");  // a surrogate
  EXPECT_EQ(Escape("\xEF\xBF\xBF"), "\uFFFD");              // U+FFFF, one character
}

TEST(TextTest, NumbersMonthsAndCuts) {
  EXPECT_EQ(Num(12.5), "12.5");
  EXPECT_EQ(Num(40), "40");
  EXPECT_EQ(Num(157.3333), "157.33");
  EXPECT_EQ(Num(-0.001), "0");
  EXPECT_EQ(Num(std::nan("")), "0");
  EXPECT_EQ(MonthLabel("2026-10"), "Oct 2026");
  EXPECT_EQ(MonthLabel("2025-01"), "Jan 2025");
  EXPECT_EQ(MonthLabel("2026-13"), "2026-13");
  EXPECT_EQ(MonthLabel("<b>"), "<b>");
  EXPECT_EQ(Ellipsize("Contoso International Holdings", 10), "Contoso I…");
  EXPECT_EQ(Ellipsize("Contoso", 10), "Contoso");
  EXPECT_EQ(Ellipsize("東京東京東京", 5), "東京…");  // wide characters count two columns
  EXPECT_DOUBLE_EQ(TextWidth("5,000", 10), 31);
  EXPECT_DOUBLE_EQ(TextWidth("東京", 10), 24.8);
}

// ---- charts -------------------------------------------------------------------------------------

LineChartSpec SmallLine(std::vector<std::string> months, std::vector<double> values) {
  LineChartSpec spec;
  spec.title = "Meetings";
  spec.categories = std::move(months);
  spec.series = {{"Meetings", "c1", std::move(values), 0, "", false}};
  spec.left_axis_title = "Count";
  spec.width = 400;
  spec.height = 200;
  return spec;
}

TEST(LineChartTest, ExactCoordinatesOfASimpleChart) {
  const std::string svg = LineChart(SmallLine({"2026-01", "2026-02"}, {0, 10}));
  // Ticks 0..10 by 2; the widest label "10" leaves the minimum margin of 28: the plot runs from
  // x 28 to 384 (16 right), y 44 to 174 (26 for the months); two bands of 178.
  EXPECT_THAT(svg, HasSubstr("<path class=\"line c1\" d=\"M117,174 L295,44\"/>"));
  EXPECT_THAT(svg, HasSubstr("<circle class=\"dot c1\" cx=\"117\" cy=\"174\" r=\"3\"><title>Jan "
                             "2026 · Meetings: 0</title></circle>"));
  EXPECT_THAT(svg, HasSubstr("<text x=\"22\" y=\"48\" text-anchor=\"end\">10</text>"));
  EXPECT_THAT(svg, HasSubstr("<text x=\"295\" y=\"192\" text-anchor=\"middle\">Feb 2026</text>"));
  EXPECT_EQ(Count(svg, "<line x1=\"28\""), 6);  // one grid line per tick
  EXPECT_THAT(svg, HasSubstr("viewBox=\"0 0 400 200\""));
  EXPECT_EQ(testing::CheckMarkup(svg, false), "");
}

TEST(LineChartTest, ASinglePointIsAMarkerInTheMiddle) {
  const std::string svg = LineChart(SmallLine({"2026-10"}, {4360}));
  // Ticks 0..5000; "5,000" is 34.1 px wide: x from 46.1 to 384, the one band's centre 215.05;
  // y = 174 - 4360/5000 * 130 = 60.64.
  EXPECT_THAT(svg, HasSubstr("d=\"M215.05,60.64\""));
  EXPECT_THAT(svg, HasSubstr("<circle class=\"dot c1\" cx=\"215.05\" cy=\"60.64\""));
  EXPECT_THAT(svg, HasSubstr(">5,000</text>"));
  EXPECT_THAT(svg, HasSubstr("Oct 2026 · Meetings: 4,360"));
}

TEST(LineChartTest, NoMonthsIsAnEmptyFrameWithANote) {
  const std::string svg = LineChart(SmallLine({}, {}));
  EXPECT_THAT(svg, HasSubstr("No months in this range"));
  EXPECT_THAT(svg, Not(HasSubstr("<path")));
  EXPECT_THAT(svg, Not(HasSubstr("<circle")));
  EXPECT_THAT(svg, HasSubstr("class=\"baseline\""));
  EXPECT_EQ(testing::CheckMarkup(svg, false), "");
}

TEST(LineChartTest, MonthsOfZerosLieOnTheBaseline) {
  const std::string svg = LineChart(SmallLine({"2026-01", "2026-02"}, {0, 0}));
  EXPECT_THAT(svg, HasSubstr("d=\"M117,174 L295,174\""));
  EXPECT_THAT(svg, HasSubstr(">1</text>"));  // the axis is 0..1
}

TEST(LineChartTest, SecondAxisForTheRightSeries) {
  LineChartSpec spec = SmallLine({"2026-01", "2026-02"}, {0, 10});
  spec.series.push_back({"Avg minutes", "c4", {37.5, 40}, 1, "min", true});
  spec.right_axis_title = "Minutes";
  const std::string svg = LineChart(spec);
  // Left 0..10 in 5 steps, so the right axis is 0..50 by 10 (40 sits at 4/5 of the height).
  // Its widest label "50" leaves 28 on the right: x from 28 to 372, bands of 172.
  EXPECT_THAT(svg, HasSubstr("<path class=\"line c4 dashed\" d=\"M114,76.5 L286,70\"/>"));
  EXPECT_THAT(svg, HasSubstr("<text x=\"378\" y=\"48\">50</text>"));
  EXPECT_THAT(svg, HasSubstr("Jan 2026 · Avg minutes: 37.5 min"));
  EXPECT_THAT(svg, HasSubstr(">Minutes</text>"));
}

TEST(LineChartTest, ManyMonthsThinTheLabelsAndDropTheMarkers) {
  std::vector<std::string> months;
  std::vector<double> values;
  for (int i = 0; i < 60; ++i) {
    months.push_back(std::to_string(2020 + i / 12) + "-" + (i % 12 < 9 ? "0" : "") +
                     std::to_string(i % 12 + 1));
    values.push_back(i);
  }
  const std::string svg = LineChart(SmallLine(months, values));
  // Bands of 356/60 = 5.9 px; "Dec 2024" is 54.56 px, plus a gap of 6: every 11th label.
  EXPECT_EQ(Count(svg, "text-anchor=\"middle\">"), 6);
  EXPECT_THAT(svg, HasSubstr(">Dec 2024</text>"));  // the newest month is labelled
  EXPECT_THAT(svg, Not(HasSubstr("<circle")));
}

TEST(LineChartTest, NamesAreEscaped) {
  LineChartSpec spec = SmallLine({"2026-01"}, {1});
  spec.series[0].name = "<script>alert(1)</script> & co";
  const std::string svg = LineChart(spec);
  EXPECT_THAT(svg, Not(HasSubstr("<script")));
  EXPECT_THAT(svg, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"));
  EXPECT_EQ(testing::CheckMarkup(svg, false), "");
}

StackedBarSpec SmallBars(std::vector<std::vector<double>> values) {
  StackedBarSpec spec;
  spec.title = "Meetings";
  for (size_t i = 0; i < values.size(); ++i)
    spec.categories.push_back("2026-1" + std::to_string(i));
  spec.part_names = {"Desktop", "Mobile", "Web"};
  spec.part_classes = {"desktop", "mobile", "web"};
  spec.values = std::move(values);
  spec.width = 400;
  spec.height = 200;
  return spec;
}

TEST(StackedBarChartTest, ExactGeometryOfOneBar) {
  const std::string svg = StackedBarChart(SmallBars({{30, 20, 0}}));
  // Ticks 0..50 by 10, plot x 28..384, y 44..174; one band of 356, the bar 56 wide (its cap)
  // centred at 206. Desktop 30 of 50: 78 px from the bottom; mobile the 52 above; web nothing.
  EXPECT_THAT(svg, HasSubstr("<rect class=\"bar desktop\" x=\"178\" y=\"96\" width=\"56\" "
                             "height=\"78\"><title>Oct 2026 · Desktop: 30</title></rect>"));
  EXPECT_THAT(svg, HasSubstr("<rect class=\"bar mobile\" x=\"178\" y=\"44\" width=\"56\" "
                             "height=\"52\"><title>Oct 2026 · Mobile: 20</title></rect>"));
  EXPECT_THAT(svg, Not(HasSubstr("class=\"bar web\"")));
  EXPECT_EQ(testing::CheckMarkup(svg, false), "");
}

TEST(StackedBarChartTest, ATinyPartNextToAHugeOneIsStillSeen) {
  const std::string svg = StackedBarChart(SmallBars({{1000000, 1, 0}}));
  EXPECT_THAT(svg, HasSubstr(">1,000,000</text>"));
  const std::regex mobile(
      "class=\"bar mobile\" x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"56\" "
      "height=\"1\"");
  EXPECT_TRUE(std::regex_search(svg, mobile)) << svg;
}

TEST(StackedBarChartTest, EmptyMonthsAndTheOverlay) {
  StackedBarSpec spec = SmallBars({{0, 0, 0}, {10, 5, 5}});
  spec.overlay = {"All-up", "allup", {0, 25}, 0, "", false};
  const std::string svg = StackedBarChart(spec);
  EXPECT_EQ(Count(svg, "class=\"bar "), 3);         // the empty month draws no bar
  EXPECT_THAT(svg, HasSubstr(">Oct 2026</text>"));  // but keeps its label
  EXPECT_THAT(svg, HasSubstr("class=\"line allup dashed\""));
  EXPECT_THAT(svg, HasSubstr("Nov 2026 · All-up: 25"));
  EXPECT_THAT(svg, HasSubstr(">25</text>"));  // the axis reaches the overlay's 25, not 20
  EXPECT_THAT(StackedBarChart(SmallBars({})), HasSubstr("No months in this range"));
}

TEST(MicroChartTest, BarsZerosSingleAndEmpty) {
  MicroChartSpec spec;
  spec.title = "Meetings per month";
  spec.months = {"2026-09", "2026-10"};
  spec.values = {0, 4};
  spec.value_labels = {"0", "4"};
  spec.width = 100;
  spec.height = 21;
  const std::string svg = MicroChart(spec);
  // Bands of 50, bars 16 wide (the cap); 4 of 4 reaches y 1 from the baseline at 20.
  EXPECT_THAT(svg, HasSubstr("<rect class=\"micro-bar latest\" x=\"67\" y=\"1\" width=\"16\" "
                             "height=\"19\"><title>Oct 2026: 4</title></rect>"));
  EXPECT_THAT(svg, HasSubstr("<rect class=\"micro-zero\" x=\"17\" y=\"19\" width=\"16\" "
                             "height=\"1\"><title>Sep 2026: 0</title></rect>"));
  spec.months = {};
  spec.values = {};
  const std::string empty = MicroChart(spec);
  EXPECT_THAT(empty, Not(HasSubstr("micro-bar")));
  EXPECT_THAT(empty, HasSubstr("class=\"baseline\""));
  EXPECT_EQ(testing::CheckMarkup(empty, false), "");
}

TEST(HorizontalBarChartTest, LongNamesAreCutWithTheFullNameAsTooltip) {
  const std::string name = "Northwind Traders & Associates International Holdings <EMEA>";
  const std::string svg = HorizontalBarChart("Top", {{name, 5, "5"}, {"Tail", 0, "0"}}, 600);
  // (240 - 12) / 6.82 = 33 columns for the label.
  EXPECT_THAT(svg, HasSubstr(">" + Escape(Ellipsize(name, 33)) + "</text>"));
  EXPECT_EQ(Ellipsize(name, 33), "Northwind Traders & Associates I…");
  EXPECT_THAT(svg, HasSubstr("<title>" + Escape(name) + ": 5</title>"));
  EXPECT_EQ(Count(svg, "class=\"bar c1\""), 1);  // a zero has no bar
  EXPECT_EQ(testing::CheckMarkup(svg, false), "");
  EXPECT_THAT(HorizontalBarChart("Top", {}), HasSubstr("No rows in this range"));
}

TEST(CellBarTest, FractionOfTheTrack) {
  EXPECT_THAT(CellBar(0.375), HasSubstr("<rect class=\"bar c1\" width=\"37.5\" height=\"10\"/>"));
  EXPECT_THAT(CellBar(1e-5), HasSubstr("width=\"1\" height=\"10\"/>"));  // never invisible
  EXPECT_THAT(CellBar(7), HasSubstr("<rect class=\"bar c1\" width=\"100\""));
  EXPECT_THAT(CellBar(0), Not(HasSubstr("class=\"bar")));
  EXPECT_THAT(CellBar(0), HasSubstr("class=\"track\""));
}

TEST(StandaloneSvgTest, CarriesItsStyleAndIsWellFormed) {
  const std::string file = StandaloneSvg(LineChart(SmallLine({"2026-01"}, {3})));
  EXPECT_EQ(file.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 0), 0u);
  EXPECT_THAT(file, HasSubstr("</title><style>:root{"));
  EXPECT_THAT(file, HasSubstr("prefers-color-scheme:dark"));
  EXPECT_THAT(file, HasSubstr("<rect class=\"chart-bg\""));
  EXPECT_EQ(testing::CheckMarkup(file, false), "");
}

}  // namespace
}  // namespace teams_usage::client::svg
