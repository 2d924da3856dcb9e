// SVG charts for the HTML report (`teams-report report --html`). Pure logic: values in, markup
// out, no I/O. The charts carry no colours of their own: every mark has a class (`c1`..`c4` for
// series, `desktop` / `mobile` / `web` for the parts of a stacked bar) that ChartCss() colours,
// for light and dark mode alike, so one chart reads on either background and in print.
//
// What real data does to a chart is handled here: a single month (a centred point, one bar), no
// months at all (an empty frame with a note), months of zeros, one value far above the rest
// (axes end on a round tick of 1, 2 or 5 times a power of ten), many months (labels thinned so
// they never overlap), and text with markup characters or of any length (escaped; cut with "…"
// and the whole text kept as a <title> tooltip).
#ifndef TEAMS_CLIENT_SVG_H_
#define TEAMS_CLIENT_SVG_H_

#include <string>
#include <string_view>
#include <vector>

namespace teams_usage::client::svg {

// ---- text ---------------------------------------------------------------------------------------

// `text` safe as XML/HTML character data and as a quoted attribute value: & < > " ' become
// entities; control characters (not allowed in XML 1.0) and invalid UTF-8 become U+FFFD.
std::string Escape(std::string_view text);
// A coordinate or length: at most two decimals, no trailing zeros, never "-0" ("12.5", "40").
std::string Num(double value);
// An estimate of the rendered width of `text` in pixels at `font_size` (the report's sans-serif
// fonts average about 0.62 em a character; wide characters count double). Used to leave room for
// labels, so it errs on the wide side.
double TextWidth(std::string_view text, double font_size);
// `text` cut to `max_columns` display columns with "…", or unchanged when it fits.
std::string Ellipsize(std::string_view text, int max_columns);
// "2026-10" -> "Oct 2026"; anything else is returned unchanged.
std::string MonthLabel(std::string_view yyyy_mm);

// ---- scales and axes ----------------------------------------------------------------------------

// Round axis ticks: evenly spaced by a step of 1, 2 or 5 times a power of ten, from a multiple
// of the step at or below `min` to one at or above `max`, with at most `max_intervals` intervals
// when the range starts at a multiple of the step (always the case from 0). An empty range
// (min == max) is widened to include 0 (or to 0..1 when both are 0). With `integers`, the step is
// at least 1 (counts have no half users).
struct Ticks {
  double min = 0;
  double max = 1;
  double step = 1;
  int decimals = 0;  // decimals the labels need: 0 for a step of 1 or more, 1 for 0.5, ...
  std::vector<double> values;
};
Ticks NiceTicks(double min, double max, int max_intervals, bool integers);
// Ticks from 0 in exactly `intervals` round steps, reaching `max` or above: a second axis whose
// ticks fall on the first axis's grid lines.
Ticks AlignedTicks(double max, int intervals, bool integers);
// The tick's label: thousands separators and Ticks::decimals decimals ("2,000", "0.25").
std::string TickLabel(double value, int decimals);

// Maps [domain_min, domain_max] linearly onto [range_min, range_max] (which may be reversed, as
// for a y axis that grows upwards). An empty domain maps everything to range_min.
class LinearScale {
 public:
  LinearScale(double domain_min, double domain_max, double range_min, double range_max)
      : d0_(domain_min), d1_(domain_max), r0_(range_min), r1_(range_max) {}
  double operator()(double value) const;

 private:
  double d0_, d1_, r0_, r1_;
};

// `count` equal bands over [start, end], one per month: a point sits at a band's centre, a bar
// is centred in it.
struct BandScale {
  int count = 0;
  double start = 0;
  double end = 0;
  double Width() const;
  double Center(int index) const;
};

// Which of `count` category labels to draw so that none overlaps its neighbour: every k-th,
// counted back from the last (the newest month is always labelled), with k the smallest step at
// which a label (`label_width` plus a gap) fits into k bands of `band_width`.
std::vector<bool> VisibleLabels(int count, double band_width, double label_width);

// ---- charts -------------------------------------------------------------------------------------

// One line of a line chart; its values are one per category.
struct Series {
  std::string name;       // legend and tooltips
  std::string css_class;  // "c1".."c4"
  std::vector<double> values;
  int decimals = 0;         // in tooltips
  std::string unit;         // in tooltips, after the value ("min")
  bool right_axis = false;  // drawn against the second (right) axis, dashed
};

struct LineChartSpec {
  std::string title;                    // the chart's accessible name (<title>)
  std::vector<std::string> categories;  // months, "YYYY-MM"
  std::vector<Series> series;
  std::string left_axis_title;   // e.g. "Count"
  std::string right_axis_title;  // e.g. "Avg meeting minutes"; used when a series is right_axis
  bool left_integers = true;
  bool right_integers = false;
  int width = 960;
  int height = 320;
};
std::string LineChart(const LineChartSpec& spec);

struct StackedBarSpec {
  std::string title;
  std::vector<std::string> categories;  // months
  std::vector<std::string> part_names;  // "Desktop", "Mobile", "Web"
  std::vector<std::string> part_classes;
  std::vector<std::vector<double>> values;  // [category][part]
  // An optional dashed line over the bars, on the same axis; empty name: none.
  Series overlay;
  std::string axis_title;
  int width = 960;
  int height = 300;
};
std::string StackedBarChart(const StackedBarSpec& spec);

// A KPI's monthly micro chart: one bar per month from 0 to the largest value, each with its
// month and value as a tooltip.
struct MicroChartSpec {
  std::string title;
  std::vector<std::string> months;
  std::vector<double> values;
  std::vector<std::string> value_labels;  // formatted values for the tooltips, one per month
  int width = 160;
  int height = 36;
};
std::string MicroChart(const MicroChartSpec& spec);

// A ranked list as horizontal bars (the tables' picture in a standalone SVG): a label cut to fit
// (the whole label as tooltip), a bar scaled to the largest value, the formatted value.
struct HorizontalBar {
  std::string label;
  double value = 0;
  std::string value_label;
};
std::string HorizontalBarChart(const std::string& title, const std::vector<HorizontalBar>& bars,
                               int width = 960);

// A bar inside a table cell: `fraction` (clamped to 0..1) of a 100-unit track; a positive
// fraction is never drawn thinner than one unit.
std::string CellBar(double fraction);

// ---- documents ----------------------------------------------------------------------------------

// The colours of the charts (light and dark mode, print) and their text, as CSS.
std::string ChartCss();
// `svg` (an <svg> element as built above) as a standalone .svg file: an XML declaration, and
// ChartCss() in a <style> element inside the root.
std::string StandaloneSvg(const std::string& svg);

}  // namespace teams_usage::client::svg

#endif  // TEAMS_CLIENT_SVG_H_
