#include "client/table.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace teams_usage::client {
namespace {

// Decodes one UTF-8 character at text[i]. Returns its length in bytes (1..4) and sets *cp, or
// returns 0 for an invalid or truncated sequence (the caller then takes one byte).
size_t DecodeUtf8(std::string_view text, size_t i, char32_t* cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len;
  char32_t value;
  char32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, value = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, value = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, value = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return 0;
    value = (value << 6) | (b & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *cp = value;
  return len;
}

bool InRanges(char32_t cp, const char32_t (*ranges)[2], size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (cp >= ranges[i][0] && cp <= ranges[i][1]) return true;
  }
  return false;
}

// Combining marks and zero-width characters: they take no column of their own.
constexpr char32_t kZeroWidth[][2] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD},  {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},  {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200F}, {0x2028, 0x202E}, {0x2060, 0x2064},  {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF}};
// East Asian wide and fullwidth characters, and the emoji blocks: two columns.
constexpr char32_t kWide[][2] = {{0x1100, 0x115F},   {0x2E80, 0x303E},   {0x3041, 0x33FF},
                                 {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
                                 {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE30, 0xFE4F},
                                 {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F},
                                 {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}};

int CharWidth(char32_t cp) {
  if (InRanges(cp, kZeroWidth, sizeof kZeroWidth / sizeof kZeroWidth[0])) return 0;
  if (InRanges(cp, kWide, sizeof kWide / sizeof kWide[0])) return 2;
  return 1;
}

bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

std::string GroupThousands(std::string_view digits) {
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

int DisplayWidth(std::string_view text) {
  int width = 0;
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) {
      ++width;
      ++i;
      continue;
    }
    width += CharWidth(cp);
    i += len;
  }
  return width;
}

std::string TruncateToWidth(std::string_view text, int width, bool unicode) {
  if (width <= 0) return "";
  if (DisplayWidth(text) <= width) return std::string(text);
  const std::string_view mark = unicode ? "…" : "...";
  const int mark_width = unicode ? 1 : 3;
  if (width < mark_width) return std::string(width, '.');  // only "..." can be too wide
  const int keep = width - mark_width;
  std::string out;
  int used = 0;
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    size_t len = DecodeUtf8(text, i, &cp);
    const int w = len == 0 ? 1 : CharWidth(cp);
    if (len == 0) len = 1;
    if (used + w > keep) break;
    out.append(text.substr(i, len));
    used += w;
    i += len;
  }
  out.append(mark);
  return out;
}

std::string PadToWidth(std::string_view text, int width, bool right_align) {
  const int pad = width - DisplayWidth(text);
  if (pad <= 0) return std::string(text);
  return right_align ? std::string(pad, ' ') + std::string(text)
                     : std::string(text) + std::string(pad, ' ');
}

std::string SanitizeForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0 || IsControl(cp)) {
      out.push_back('?');
      i += len == 0 ? 1 : len;
      continue;
    }
    out.append(text.substr(i, len));
    i += len;
  }
  return out;
}

std::string FormatInt(int64_t value) {
  const uint64_t magnitude =
      value < 0 ? ~static_cast<uint64_t>(value) + 1 : static_cast<uint64_t>(value);
  const std::string grouped = GroupThousands(std::to_string(magnitude));
  return value < 0 ? "-" + grouped : grouped;
}

std::string FormatDecimal(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  decimals = std::clamp(decimals, 0, 17);
  // %f of the largest double is 309 digits: size the buffer for it.
  std::string text(400, '\0');
  const int n = std::snprintf(text.data(), text.size(), "%.*f", decimals, std::fabs(value));
  text.resize(n > 0 ? static_cast<size_t>(n) : 0);
  const size_t dot = text.find('.');
  std::string out = GroupThousands(std::string_view(text).substr(0, dot));
  if (dot != std::string::npos) out.append(text.substr(dot));
  // No "-0.0": a negative value that rounds to zero prints without its sign.
  const bool zero = text.find_first_not_of("0.") == std::string::npos;
  return value < 0 && !zero ? "-" + out : out;
}

std::string FormatChange(std::optional<double> percent, bool unicode) {
  if (!percent.has_value() || !std::isfinite(*percent)) return "n/a";
  const std::string digits = FormatDecimal(std::fabs(*percent), 1);
  if (digits.find_first_not_of("0.,") == std::string::npos) return "0.0%";
  if (*percent > 0) return "+" + digits + (unicode ? "% ▲" : "% ^");
  return "-" + digits + (unicode ? "% ▼" : "% v");
}

std::string ShortestDecimal(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (value == 0) return "0";
  char buffer[400];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  return std::string(buffer, result.ptr);
}

// ---- Table --------------------------------------------------------------------------------------

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(columns_.size());
  for (std::string& cell : cells) cell = SanitizeForTerminal(cell);
  rows_.push_back(std::move(cells));
}

std::vector<int> Table::NaturalWidths() const {
  std::vector<int> widths(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = DisplayWidth(columns_[c].header);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  return widths;
}

int Table::NaturalWidth() const {
  const std::vector<int> widths = NaturalWidths();
  int total = 0;
  for (int w : widths) total += w;
  return total + 2 * std::max(0, static_cast<int>(widths.size()) - 1);
}

std::string Table::Render(const TableStyle& style) const {
  const std::vector<int> natural = NaturalWidths();
  std::vector<bool> visible(columns_.size(), true);
  std::vector<int> widths = natural;
  const auto total_width = [&]() {
    int total = style.indent;
    int shown = 0;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (!visible[c]) continue;
      total += widths[c];
      ++shown;
    }
    return total + 2 * std::max(0, shown - 1);
  };
  while (style.max_width > 0) {
    widths = natural;
    // Narrow the widest shrinkable column, one column at a time, until the table fits or every
    // shrinkable column is down to its minimum.
    int excess = total_width() - style.max_width;
    while (excess > 0) {
      int widest = -1;
      for (size_t c = 0; c < columns_.size(); ++c) {
        if (visible[c] && columns_[c].shrinkable && widths[c] > columns_[c].min_width &&
            (widest < 0 || widths[c] > widths[widest])) {
          widest = static_cast<int>(c);
        }
      }
      if (widest < 0) break;
      --widths[widest];
      --excess;
    }
    if (excess <= 0) break;
    // Still too wide: leave out the droppable column ranked highest, and try again.
    int drop = -1;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (visible[c] && columns_[c].drop_rank > 0 &&
          (drop < 0 || columns_[c].drop_rank > columns_[drop].drop_rank)) {
        drop = static_cast<int>(c);
      }
    }
    if (drop < 0) break;  // nothing more to leave out: the table is as narrow as it gets
    visible[drop] = false;
  }

  const std::string indent(std::max(0, style.indent), ' ');
  std::string out;
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text = indent;
    bool first = true;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (!visible[c]) continue;
      if (!first) text.append("  ");
      first = false;
      const std::string cell = TruncateToWidth(cells[c], widths[c], style.unicode);
      text.append(PadToWidth(cell, widths[c], columns_[c].align == Align::kRight));
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out.append(text).push_back('\n');
  };
  std::vector<std::string> header;
  std::vector<std::string> rule;
  for (size_t c = 0; c < columns_.size(); ++c) {
    header.push_back(columns_[c].header);
    std::string r;
    for (int i = 0; i < widths[c]; ++i) r.append(style.unicode ? "─" : "-");
    rule.push_back(r);
  }
  line(header);
  line(rule);
  for (const auto& row : rows_) line(row);
  std::string left_out;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (visible[c]) continue;
    left_out += (left_out.empty() ? "" : ", ") + SanitizeForTerminal(columns_[c].header);
  }
  if (!left_out.empty()) {
    const std::string note = indent + "(left out to fit the width: " + left_out + ")";
    out.append(style.max_width > 0 ? TruncateToWidth(note, style.max_width, style.unicode) : note)
        .push_back('\n');
  }
  return out;
}

}  // namespace teams_usage::client
