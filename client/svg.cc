#include "client/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "client/table.h"

namespace teams_usage::client::svg {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD
constexpr double kFont = 11;                     // chart text, px
constexpr double kEpsilon = 1e-9;

double Clean(double v) { return std::isfinite(v) ? v : 0; }

// The length of the well-formed UTF-8 sequence at text[i] (0: malformed, one byte to replace)
// and whether XML allows its character (no surrogates, no U+FFFE/U+FFFF, no C1 controls).
size_t Utf8Sequence(std::string_view text, size_t i, bool* allowed) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b = byte(i);
  size_t len = 0;
  char32_t cp = 0;
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
    cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    cp = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    cp = b & 0x07;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  const char32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_length[len] || cp > 0x10FFFF) return 0;  // overlong or too large
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;               // a surrogate is no character
  *allowed = !(cp == 0xFFFE || cp == 0xFFFF || (cp >= 0x80 && cp <= 0x9F));
  return len;
}

// The step of 1, 2 or 5 times a power of ten at or above `raw` (> 0), and its exponent.
void NiceStep(double raw, double* nice, int* exponent) {
  int e = static_cast<int>(std::floor(std::log10(raw)));
  const double fraction = raw / std::pow(10.0, e);
  double n = 10;
  for (double candidate : {1.0, 2.0, 5.0}) {
    if (fraction <= candidate + kEpsilon) {
      n = candidate;
      break;
    }
  }
  if (n == 10) {
    n = 1;
    ++e;
  }
  *nice = n;
  *exponent = e;
}

// k * nice * 10^e, computed so that decimal steps come out as the decimal they print as
// (0.3, not 0.30000000000000004).
double StepValue(long long k, double nice, int e) {
  return e >= 0 ? static_cast<double>(k) * nice * std::pow(10.0, e)
                : static_cast<double>(k) * nice / std::pow(10.0, -e);
}

Ticks MakeTicks(long long first, long long last, double nice, int e) {
  Ticks t;
  t.step = StepValue(1, nice, e);
  t.decimals = std::max(0, -e);
  for (long long k = first; k <= last; ++k) t.values.push_back(StepValue(k, nice, e));
  t.min = t.values.front();
  t.max = t.values.back();
  return t;
}

struct LegendItem {
  std::string name;
  std::string css_class;
  enum Kind { kBox, kLine, kDashed } kind = kBox;
};

// One row of legend entries from (x, y), left to right.
std::string Legend(const std::vector<LegendItem>& items, double x, double y) {
  std::string out = "<g class=\"legend\">";
  for (const LegendItem& item : items) {
    if (item.kind == LegendItem::kBox) {
      out += "<rect class=\"swatch " + item.css_class + "\" x=\"" + Num(x) + "\" y=\"" +
             Num(y - 9) + "\" width=\"10\" height=\"10\" rx=\"2\"/>";
    } else {
      out += "<line class=\"line " + item.css_class +
             (item.kind == LegendItem::kDashed ? " dashed" : "") + "\" x1=\"" + Num(x) +
             "\" x2=\"" + Num(x + 14) + "\" y1=\"" + Num(y - 4) + "\" y2=\"" + Num(y - 4) + "\"/>";
    }
    const double text_x = x + (item.kind == LegendItem::kBox ? 14 : 18);
    out += "<text x=\"" + Num(text_x) + "\" y=\"" + Num(y) + "\">" + Escape(item.name) + "</text>";
    x = text_x + TextWidth(item.name, kFont) + 16;
  }
  return out + "</g>";
}

std::string SvgOpen(const std::string& css_class, int width, int height, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"" + css_class + "\" viewBox=\"0 0 " +
         std::to_string(width) + " " + std::to_string(height) + "\" width=\"" +
         std::to_string(width) + "\" height=\"" + std::to_string(height) +
         "\" role=\"img\" aria-label=\"" + Escape(title) + "\"><title>" + Escape(title) +
         "</title>";
}

std::string Text(double x, double y, const std::string& anchor, const std::string& css_class,
                 const std::string& text) {
  std::string out = "<text";
  if (!css_class.empty()) out += " class=\"" + css_class + "\"";
  out += " x=\"" + Num(x) + "\" y=\"" + Num(y) + "\"";
  if (anchor != "start") out += " text-anchor=\"" + anchor + "\"";
  return out + ">" + Escape(text) + "</text>";
}

std::string Line(double x1, double y1, double x2, double y2, const std::string& css_class) {
  return "<line" + (css_class.empty() ? std::string() : " class=\"" + css_class + "\"") + " x1=\"" +
         Num(x1) + "\" y1=\"" + Num(y1) + "\" x2=\"" + Num(x2) + "\" y2=\"" + Num(y2) + "\"/>";
}

std::string Rect(double x, double y, double w, double h, const std::string& css_class,
                 const std::string& tooltip) {
  std::string out = "<rect class=\"" + css_class + "\" x=\"" + Num(x) + "\" y=\"" + Num(y) +
                    "\" width=\"" + Num(w) + "\" height=\"" + Num(h) + "\"";
  if (tooltip.empty()) return out + "/>";
  return out + "><title>" + Escape(tooltip) + "</title></rect>";
}

double MaxLabelWidth(const Ticks& ticks) {
  double widest = 0;
  for (double v : ticks.values)
    widest = std::max(widest, TextWidth(TickLabel(v, ticks.decimals), kFont));
  return widest;
}

// The plot area of a chart with a y axis (or two) and month labels under it.
struct Frame {
  double x0, x1, y0, y1;  // left, right, top, bottom of the plot area
};

// Grid lines and labels of the left axis (and of the right one, if given), the month labels,
// and the note of an empty chart.
std::string Axes(const Frame& f, const Ticks& left, const Ticks* right,
                 const std::vector<std::string>& categories, int width, int height) {
  const LinearScale ly(left.min, left.max, f.y1, f.y0);
  std::string out = "<g class=\"grid\">";
  for (double v : left.values) out += Line(f.x0, ly(v), f.x1, ly(v), "");
  out += "</g><g class=\"tick\">";
  for (double v : left.values) {
    out += Text(f.x0 - 6, ly(v) + 4, "end", "", TickLabel(v, left.decimals));
  }
  if (right != nullptr) {
    const LinearScale ry(right->min, right->max, f.y1, f.y0);
    for (double v : right->values) {
      out += Text(f.x1 + 6, ry(v) + 4, "start", "", TickLabel(v, right->decimals));
    }
  }
  const int n = static_cast<int>(categories.size());
  if (n > 0) {
    const BandScale band{n, f.x0, f.x1};
    double label_width = 0;
    for (const std::string& c : categories) {
      label_width = std::max(label_width, TextWidth(MonthLabel(c), kFont));
    }
    const std::vector<bool> visible = VisibleLabels(n, band.Width(), label_width);
    for (int i = 0; i < n; ++i) {
      if (visible[i])
        out += Text(band.Center(i), height - 8, "middle", "", MonthLabel(categories[i]));
    }
  }
  out += "</g>" + Line(f.x0, f.y1, f.x1, f.y1, "baseline");
  if (n == 0) {
    out += Text((f.x0 + f.x1) / 2, (f.y0 + f.y1) / 2, "middle", "empty", "No months in this range");
  }
  return out;
}

// A line through one value per band, with a marker (and its tooltip) on every point when there
// is room for them; a single point is always marked, since a path of one point draws nothing.
std::string SeriesLine(const Series& s, const BandScale& band, const LinearScale& y,
                       const std::vector<std::string>& categories) {
  const int n = std::min<int>(band.count, static_cast<int>(s.values.size()));
  if (n == 0) return "";
  std::string cls = s.css_class + (s.right_axis ? " dashed" : "");
  std::string d;
  for (int i = 0; i < n; ++i) {
    d += (i == 0 ? "M" : " L") + Num(band.Center(i)) + "," + Num(y(Clean(s.values[i])));
  }
  std::string out = "<g class=\"series\"><path class=\"line " + cls + "\" d=\"" + d + "\"/>";
  const bool markers = n == 1 || band.Width() >= 12;
  if (markers) {
    for (int i = 0; i < n; ++i) {
      const double v = Clean(s.values[i]);
      std::string tip = MonthLabel(categories[i]) + " · " + s.name + ": " +
                        FormatDecimal(v, s.decimals) + (s.unit.empty() ? "" : " " + s.unit);
      out += "<circle class=\"dot " + s.css_class + "\" cx=\"" + Num(band.Center(i)) + "\" cy=\"" +
             Num(y(v)) + "\" r=\"3\"><title>" + Escape(tip) + "</title></circle>";
    }
  }
  return out + "</g>";
}

double SeriesMax(const std::vector<double>& values) {
  double m = 0;
  for (double v : values) m = std::max(m, Clean(v));
  return m;
}

}  // namespace

// ---- text ---------------------------------------------------------------------------------------

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        case '\'':
          out += "&#39;";
          break;
        default:
          if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
            out += kReplacement;
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    bool allowed = false;
    const size_t len = Utf8Sequence(text, i, &allowed);
    if (len == 0) {
      out += kReplacement;
      ++i;
    } else {
      if (allowed) {
        out.append(text.substr(i, len));
      } else {
        out += kReplacement;
      }
      i += len;
    }
  }
  return out;
}

std::string Num(double value) {
  if (!std::isfinite(value)) return "0";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f", value);
  std::string out = buffer;
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  if (out == "-0") out = "0";
  return out;
}

double TextWidth(std::string_view text, double font_size) {
  return DisplayWidth(text) * font_size * 0.62;
}

std::string Ellipsize(std::string_view text, int max_columns) {
  return TruncateToWidth(text, std::max(1, max_columns), /*unicode=*/true);
}

std::string MonthLabel(std::string_view m) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (m.size() != 7 || m[4] != '-') return std::string(m);
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (m[i] < '0' || m[i] > '9') return std::string(m);
  }
  const int month = (m[5] - '0') * 10 + (m[6] - '0');
  if (month < 1 || month > 12) return std::string(m);
  return std::string(kMonths[month - 1]) + " " + std::string(m.substr(0, 4));
}

// ---- scales and axes ----------------------------------------------------------------------------

Ticks NiceTicks(double min, double max, int max_intervals, bool integers) {
  min = Clean(min);
  max = Clean(max);
  if (min > max) std::swap(min, max);
  if (min == max) {
    if (min > 0) {
      min = 0;
    } else if (max < 0) {
      max = 0;
    } else {
      max = 1;
    }
  }
  max_intervals = std::max(1, max_intervals);
  double nice = 1;
  int e = 0;
  NiceStep((max - min) / max_intervals, &nice, &e);
  if (integers && e < 0) {
    nice = 1;
    e = 0;
  }
  const double step = StepValue(1, nice, e);
  const auto first = static_cast<long long>(std::floor(min / step + kEpsilon));
  const auto last = static_cast<long long>(std::ceil(max / step - kEpsilon));
  return MakeTicks(first, std::max(last, first + 1), nice, e);
}

Ticks AlignedTicks(double max, int intervals, bool integers) {
  max = std::max(0.0, Clean(max));
  intervals = std::max(1, intervals);
  if (max == 0) max = intervals;  // nothing to show: a step of 1
  double nice = 1;
  int e = 0;
  NiceStep(max / intervals, &nice, &e);
  if (integers && e < 0) {
    nice = 1;
    e = 0;
  }
  return MakeTicks(0, intervals, nice, e);
}

std::string TickLabel(double value, int decimals) { return FormatDecimal(value, decimals); }

double LinearScale::operator()(double value) const {
  if (d1_ == d0_) return r0_;
  return r0_ + (Clean(value) - d0_) / (d1_ - d0_) * (r1_ - r0_);
}

double BandScale::Width() const { return count > 0 ? (end - start) / count : 0; }
double BandScale::Center(int index) const { return start + (index + 0.5) * Width(); }

std::vector<bool> VisibleLabels(int count, double band_width, double label_width) {
  std::vector<bool> visible(std::max(0, count), false);
  if (count <= 0) return visible;
  constexpr double kGap = 6;
  int every = 1;
  if (band_width > 0) {
    every = std::max(1, static_cast<int>(std::ceil((label_width + kGap) / band_width - kEpsilon)));
  } else {
    every = count;
  }
  for (int i = count - 1; i >= 0; i -= every) visible[i] = true;
  return visible;
}

// ---- charts -------------------------------------------------------------------------------------

std::string LineChart(const LineChartSpec& spec) {
  const int w = spec.width;
  const int h = spec.height;
  double left_max = 0;
  double right_max = 0;
  bool has_right = false;
  for (const Series& s : spec.series) {
    if (s.right_axis) {
      has_right = true;
      right_max = std::max(right_max, SeriesMax(s.values));
    } else {
      left_max = std::max(left_max, SeriesMax(s.values));
    }
  }
  const Ticks left = NiceTicks(0, left_max, 5, spec.left_integers);
  const Ticks right =
      AlignedTicks(right_max, static_cast<int>(left.values.size()) - 1, spec.right_integers);
  Frame f;
  f.x0 = std::max(28.0, MaxLabelWidth(left) + 12);
  f.x1 = w - (has_right ? std::max(28.0, MaxLabelWidth(right) + 12) : 16.0);
  f.y0 = 44;
  f.y1 = h - 26;

  std::string out = SvgOpen("chart line-chart", w, h, spec.title);
  std::vector<LegendItem> legend;
  for (const Series& s : spec.series) {
    legend.push_back({s.name, s.css_class, s.right_axis ? LegendItem::kDashed : LegendItem::kLine});
  }
  out += Legend(legend, 4, 14);
  out += Text(4, 34, "start", "axis-title", spec.left_axis_title);
  if (has_right) out += Text(w - 4, 34, "end", "axis-title", spec.right_axis_title);
  out += Axes(f, left, has_right ? &right : nullptr, spec.categories, w, h);
  const BandScale band{static_cast<int>(spec.categories.size()), f.x0, f.x1};
  const LinearScale ly(left.min, left.max, f.y1, f.y0);
  const LinearScale ry(right.min, right.max, f.y1, f.y0);
  for (const Series& s : spec.series) {
    out += SeriesLine(s, band, s.right_axis ? ry : ly, spec.categories);
  }
  return out + "</svg>";
}

std::string StackedBarChart(const StackedBarSpec& spec) {
  const int w = spec.width;
  const int h = spec.height;
  const int n = static_cast<int>(spec.categories.size());
  double max = SeriesMax(spec.overlay.values);
  for (int i = 0; i < n && i < static_cast<int>(spec.values.size()); ++i) {
    double total = 0;
    for (double v : spec.values[i]) total += std::max(0.0, Clean(v));
    max = std::max(max, total);
  }
  const Ticks ticks = NiceTicks(0, max, 5, true);
  Frame f;
  f.x0 = std::max(28.0, MaxLabelWidth(ticks) + 12);
  f.x1 = w - 16.0;
  f.y0 = 44;
  f.y1 = h - 26;

  std::string out = SvgOpen("chart bar-chart", w, h, spec.title);
  std::vector<LegendItem> legend;
  for (size_t k = 0; k < spec.part_names.size(); ++k) {
    legend.push_back({spec.part_names[k], k < spec.part_classes.size() ? spec.part_classes[k] : "",
                      LegendItem::kBox});
  }
  if (!spec.overlay.name.empty()) {
    legend.push_back({spec.overlay.name, spec.overlay.css_class, LegendItem::kDashed});
  }
  out += Legend(legend, 4, 14);
  out += Text(4, 34, "start", "axis-title", spec.axis_title);
  out += Axes(f, ticks, nullptr, spec.categories, w, h);

  const BandScale band{n, f.x0, f.x1};
  const LinearScale y(ticks.min, ticks.max, f.y1, f.y0);
  const double bar_width = std::min(band.Width() * 0.62, 56.0);
  out += "<g class=\"bars\">";
  for (int i = 0; i < n && i < static_cast<int>(spec.values.size()); ++i) {
    double base = 0;
    double top_y = f.y1;
    for (size_t k = 0; k < spec.values[i].size(); ++k) {
      const double v = std::max(0.0, Clean(spec.values[i][k]));
      if (v == 0) continue;
      base += v;
      // A part too small to see next to the others still gets a pixel.
      const double next_y = std::min(y(base), top_y - 1);
      const std::string name = k < spec.part_names.size() ? spec.part_names[k] : "";
      const std::string cls = k < spec.part_classes.size() ? spec.part_classes[k] : "";
      out += Rect(band.Center(i) - bar_width / 2, next_y, bar_width, top_y - next_y, "bar " + cls,
                  MonthLabel(spec.categories[i]) + " · " + name + ": " + FormatDecimal(v, 0));
      top_y = next_y;
    }
  }
  out += "</g>";
  if (!spec.overlay.name.empty()) {
    Series overlay = spec.overlay;
    overlay.right_axis = true;  // drawn dashed, on the same axis
    out += SeriesLine(overlay, band, y, spec.categories);
  }
  return out + "</svg>";
}

std::string MicroChart(const MicroChartSpec& spec) {
  const int w = spec.width;
  const int h = spec.height;
  const int n = static_cast<int>(std::min(spec.months.size(), spec.values.size()));
  std::string out = SvgOpen("micro", w, h, spec.title);
  const double max = SeriesMax(spec.values);
  const BandScale band{n, 0, static_cast<double>(w)};
  const double bar_width = std::min(band.Width() * 0.7, 16.0);
  const LinearScale y(0, max, h - 1, 1);
  for (int i = 0; i < n; ++i) {
    const double v = std::max(0.0, Clean(spec.values[i]));
    const std::string label =
        i < static_cast<int>(spec.value_labels.size()) ? spec.value_labels[i] : FormatDecimal(v, 0);
    const std::string tip = MonthLabel(spec.months[i]) + ": " + label;
    if (v == 0 || max == 0) {
      // Zero: a mark on the baseline, so an empty month is seen as a month, not a gap.
      out += Rect(band.Center(i) - bar_width / 2, h - 2, bar_width, 1, "micro-zero", tip);
      continue;
    }
    const double top = std::min(y(v), h - 2.0);
    out += Rect(band.Center(i) - bar_width / 2, top, bar_width, h - 1 - top,
                i == n - 1 ? "micro-bar latest" : "micro-bar", tip);
  }
  out += Line(0, h - 0.5, w, h - 0.5, "baseline");
  return out + "</svg>";
}

std::string HorizontalBarChart(const std::string& title, const std::vector<HorizontalBar>& bars,
                               int width) {
  constexpr double kRow = 24;
  constexpr double kTop = 8;
  constexpr double kLabelColumn = 240;
  const int n = static_cast<int>(bars.size());
  const int height = n == 0 ? 60 : static_cast<int>(kTop * 2 + n * kRow);
  std::string out = SvgOpen("chart hbar-chart", width, height, title);
  if (n == 0) {
    return out + Text(width / 2.0, 34, "middle", "empty", "No rows in this range") + "</svg>";
  }
  double max = 0;
  double value_width = 0;
  for (const HorizontalBar& b : bars) {
    max = std::max(max, Clean(b.value));
    value_width = std::max(value_width, TextWidth(b.value_label, kFont));
  }
  const double bar_x = kLabelColumn;
  const double bar_span = std::max(20.0, width - bar_x - value_width - 16);
  const LinearScale x(0, max, 0, bar_span);
  const int label_columns = static_cast<int>((kLabelColumn - 12) / (kFont * 0.62));
  for (int i = 0; i < n; ++i) {
    const HorizontalBar& b = bars[i];
    const double y = kTop + i * kRow;
    const double v = std::max(0.0, Clean(b.value));
    const double length = v > 0 ? std::max(1.0, x(v)) : 0;
    out += "<g class=\"row\"><title>" + Escape(b.label + ": " + b.value_label) + "</title>";
    out += Text(kLabelColumn - 8, y + 16, "end", "", Ellipsize(b.label, label_columns));
    out += Rect(bar_x, y + 5, bar_span, 14, "track", "");
    if (length > 0) out += Rect(bar_x, y + 5, length, 14, "bar c1", "");
    out += Text(bar_x + bar_span + 8, y + 16, "start", "", b.value_label) + "</g>";
  }
  return out + "</svg>";
}

std::string CellBar(double fraction) {
  fraction = std::clamp(Clean(fraction), 0.0, 1.0);
  const double length = fraction > 0 ? std::max(1.0, fraction * 100) : 0;
  std::string out =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"cellbar\" viewBox=\"0 0 100 10\" "
      "preserveAspectRatio=\"none\" aria-hidden=\"true\" focusable=\"false\">"
      "<rect class=\"track\" width=\"100\" height=\"10\"/>";
  if (length > 0) out += "<rect class=\"bar c1\" width=\"" + Num(length) + "\" height=\"10\"/>";
  return out + "</svg>";
}

// ---- documents ----------------------------------------------------------------------------------

std::string ChartCss() {
  // One palette per scheme; print always uses the light one (paper is white).
  static const char kLight[] =
      "--bg:#ffffff;--card:#fafafc;--fg:#1f1f24;--muted:#5c5f66;--grid:#e4e4ea;--track:#ececf2;"
      "--c1:#5b5fc7;--c2:#0f7bbd;--c3:#c46b00;--c4:#5c5f66;"
      "--desktop:#4f52b2;--mobile:#0d9fb5;--web:#e3a13a;--allup:#1f1f24;"
      "--up:#107c10;--down:#c50f1f;";
  static const char kDark[] =
      "--bg:#1b1a1f;--card:#232228;--fg:#ececf1;--muted:#a9abb4;--grid:#3a3b45;--track:#33343d;"
      "--c1:#9a9cf3;--c2:#55aef0;--c3:#f0a44a;--c4:#b8b8c4;"
      "--desktop:#8487ea;--mobile:#3cc7dc;--web:#f2b655;--allup:#ececf1;"
      "--up:#6ccb6c;--down:#f47c86;";
  std::string css;
  css += ":root{color-scheme:light dark;";
  css += kLight;
  css += "}\n@media (prefers-color-scheme:dark){:root{";
  css += kDark;
  css += "}}\n@media print{:root{color-scheme:light;";
  css += kLight;
  css += "}}\n";
  css +=
      "svg text{font-family:\"Segoe UI\",system-ui,-apple-system,\"DejaVu Sans\",Arial,"
      "sans-serif;font-size:11px;fill:var(--fg);font-variant-numeric:tabular-nums}\n"
      ".chart-bg{fill:var(--bg)}\n"
      ".tick text,text.axis-title,text.empty{fill:var(--muted)}\n"
      ".grid line{stroke:var(--grid);stroke-width:1}\n"
      ".baseline{stroke:var(--muted);stroke-width:1}\n"
      ".line{fill:none;stroke-width:2.25;stroke-linejoin:round;stroke-linecap:round}\n"
      ".line.dashed{stroke-dasharray:6 4;stroke-width:2}\n"
      ".line.c1{stroke:var(--c1)}.line.c2{stroke:var(--c2)}.line.c3{stroke:var(--c3)}"
      ".line.c4{stroke:var(--c4)}.line.allup{stroke:var(--allup)}\n"
      ".dot{stroke:var(--bg);stroke-width:1}\n"
      ".c1.dot,.c1.bar,.c1.swatch{fill:var(--c1)}.c2.dot,.c2.swatch{fill:var(--c2)}"
      ".c3.dot,.c3.swatch{fill:var(--c3)}.c4.dot,.c4.swatch{fill:var(--c4)}"
      ".allup.dot{fill:var(--allup)}\n"
      ".desktop{fill:var(--desktop)}.mobile{fill:var(--mobile)}.web{fill:var(--web)}\n"
      ".track{fill:var(--track)}\n"
      ".micro-bar{fill:var(--c1);opacity:.55}.micro-bar.latest{opacity:1}"
      ".micro-zero{fill:var(--muted)}\n"
      // The KPI tiles of the standalone summary.svg.
      ".tile-bg{fill:var(--card);stroke:var(--grid)}text.kpi-title{font-weight:600}"
      "text.kpi-value{font-size:22px;font-weight:600}text.up{fill:var(--up)}"
      "text.down{fill:var(--down)}text.flat,text.none{fill:var(--muted)}\n"
      "@media print{.chart,.micro,.cellbar{-webkit-print-color-adjust:exact;"
      "print-color-adjust:exact}}\n";
  return css;
}

std::string StandaloneSvg(const std::string& svg) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n";
  // After the root's <title>: the style, then a background for viewers in either scheme.
  const size_t title_end = out.find("</title>");
  if (title_end == std::string::npos) return out;
  out.insert(
      title_end + 8,
      "<style>" + ChartCss() + "</style><rect class=\"chart-bg\" width=\"100%\" height=\"100%\"/>");
  return out;
}

}  // namespace teams_usage::client::svg
