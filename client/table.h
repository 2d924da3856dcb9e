// Aligned text tables for the terminal, and the number formatting they use. Pure logic: strings
// in, strings out, no I/O; widths are display columns of UTF-8 text (so "Ébauche" is 7 columns,
// a CJK character 2, a combining accent 0).
#ifndef TEAMS_CLIENT_TABLE_H_
#define TEAMS_CLIENT_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace teams_usage::client {

// ---- text ---------------------------------------------------------------------------------------

// Display columns of UTF-8 text on a terminal. Invalid bytes count one column each.
int DisplayWidth(std::string_view text);
// `text` cut to at most `width` display columns, never inside a character; a cut is marked with
// "…" (or "..." when `unicode` is false) within the width.
std::string TruncateToWidth(std::string_view text, int width, bool unicode);
// `text` padded with spaces to `width` display columns, on the right (left-aligned) or on the
// left (right-aligned). Text already as wide or wider is returned as it is.
std::string PadToWidth(std::string_view text, int width, bool right_align);
// Control characters (C0, DEL, C1) and invalid UTF-8 replaced by '?', so that data (a customer
// name) can never move the cursor or recolour the terminal.
std::string SanitizeForTerminal(std::string_view text);

// ---- numbers ------------------------------------------------------------------------------------

// 1234567 -> "1,234,567"; the whole int64 range, negatives included.
std::string FormatInt(int64_t value);
// 1234.567 with 1 decimal -> "1,234.6". Non-finite values print as "n/a".
std::string FormatDecimal(double value, int decimals);
// A change in percent with its sign and an arrow: "+12.3% ▲", "-4.0% ▼", "0.0%"; absent -> "n/a".
// Without `unicode` the arrows are "^" and "v".
std::string FormatChange(std::optional<double> percent, bool unicode);
// The shortest plain decimal that reads back as exactly `value` ("0.1", "1234.5", "3"): for CSV
// and other machine-read output. Non-finite values print as "nan", "inf", "-inf".
std::string ShortestDecimal(double value);

// ---- tables -------------------------------------------------------------------------------------

enum class Align { kLeft, kRight };

struct Column {
  std::string header;
  Align align = Align::kLeft;
  // When the table is wider than its limit: a shrinkable column is cut (with "…") down to
  // `min_width` first; then droppable columns are left out, the highest `drop_rank` first.
  bool shrinkable = false;
  int min_width = 8;
  int drop_rank = 0;  // 0: never dropped
};

struct TableStyle {
  int max_width = 0;    // display columns; 0: no limit
  bool unicode = true;  // "─" rule under the header and "…" for cuts, or "-" and "..."
  int indent = 0;       // spaces before every line
};

class Table {
 public:
  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}
  // Cells beyond the columns are ignored, missing cells are empty. Cells are sanitized.
  void AddRow(std::vector<std::string> cells);
  size_t row_count() const { return rows_.size(); }
  // The header, a rule, and the rows; two spaces between columns, no trailing spaces, every line
  // ending in '\n'. Numbers (Align::kRight) line up on their last digit. When columns had to be
  // left out, a last line names them.
  std::string Render(const TableStyle& style) const;
  // The width of the widest line Render would produce without a limit.
  int NaturalWidth() const;

 private:
  std::vector<int> NaturalWidths() const;
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace teams_usage::client

#endif  // TEAMS_CLIENT_TABLE_H_
