// client/table: display widths of UTF-8 text, number formatting, and aligned tables.
#include "client/table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

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

// The display column at which `needle` starts in `line`.
int ColumnOf(const std::string& line, const std::string& needle) {
  const size_t at = line.find(needle);
  EXPECT_NE(at, std::string::npos) << needle << " in " << line;
  return DisplayWidth(line.substr(0, at));
}

bool IsAscii(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

TEST(DisplayWidthTest, CountsColumnsNotBytes) {
  EXPECT_EQ(DisplayWidth(""), 0);
  EXPECT_EQ(DisplayWidth("Contoso"), 7);
  EXPECT_EQ(DisplayWidth("Ébauche"), 7);  // precomposed É: 2 bytes, 1 column
  EXPECT_EQ(DisplayWidth("E\xCC\x81"
                         "bauche"),
            7);                        // E + combining acute accent
  EXPECT_EQ(DisplayWidth("日本"), 4);  // wide characters
  EXPECT_EQ(DisplayWidth("█▏"), 2);
  EXPECT_EQ(DisplayWidth("\xFF\xFE"), 2);  // invalid bytes: one column each
  EXPECT_EQ(DisplayWidth("\xE2\x96"), 2);  // a truncated sequence
}

TEST(TruncateToWidthTest, CutsAtCharacterBoundariesWithAMark) {
  EXPECT_EQ(TruncateToWidth("Contoso", 7, true), "Contoso");
  EXPECT_EQ(TruncateToWidth("Contoso", 5, true), "Cont…");
  EXPECT_EQ(TruncateToWidth("Contoso", 5, false), "Co...");
  EXPECT_EQ(TruncateToWidth("Ébauche", 3, true), "Éb…");
  EXPECT_EQ(TruncateToWidth("日本語", 4, true), "日…");  // a wide character never half shown
  EXPECT_EQ(DisplayWidth(TruncateToWidth("日本語", 4, true)), 3);
  EXPECT_EQ(TruncateToWidth("Contoso", 0, true), "");
  EXPECT_EQ(TruncateToWidth("Contoso", 2, false), "..");
  for (int w = 0; w < 12; ++w) {
    EXPECT_LE(DisplayWidth(TruncateToWidth("Ébauche 日本 Contoso", w, true)), w);
    EXPECT_LE(DisplayWidth(TruncateToWidth("Ébauche 日本 Contoso", w, false)), w);
  }
}

TEST(SanitizeTest, ControlCharactersCannotReachTheTerminal) {
  EXPECT_EQ(SanitizeForTerminal("a\x1b[31mred"), "a?[31mred");
  EXPECT_EQ(SanitizeForTerminal("Vertical\nB\tC\r"), "Vertical?B?C?");
  EXPECT_EQ(SanitizeForTerminal("Ébauche"), "Ébauche");
  EXPECT_EQ(SanitizeForTerminal("\xC2\x9B"
                                "x"),
            "?x");  // C1 CSI
  EXPECT_EQ(SanitizeForTerminal("\xFF"), "?");
}

TEST(FormatIntTest, ThousandsSeparatorsOverTheWholeRange) {
  EXPECT_EQ(FormatInt(0), "0");
  EXPECT_EQ(FormatInt(999), "999");
  EXPECT_EQ(FormatInt(1000), "1,000");
  EXPECT_EQ(FormatInt(1234567), "1,234,567");
  EXPECT_EQ(FormatInt(-1234567), "-1,234,567");
  EXPECT_EQ(FormatInt(std::numeric_limits<int64_t>::max()), "9,223,372,036,854,775,807");
  EXPECT_EQ(FormatInt(std::numeric_limits<int64_t>::min()), "-9,223,372,036,854,775,808");
}

TEST(FormatDecimalTest, RoundsAndGroups) {
  EXPECT_EQ(FormatDecimal(1234.56, 1), "1,234.6");
  EXPECT_EQ(FormatDecimal(0.5, 2), "0.50");
  EXPECT_EQ(FormatDecimal(27405.04, 0), "27,405");
  EXPECT_EQ(FormatDecimal(-1234.5, 1), "-1,234.5");
  EXPECT_EQ(FormatDecimal(-0.04, 1), "0.0");  // no "-0.0"
  EXPECT_EQ(FormatDecimal(1e20, 0), "100,000,000,000,000,000,000");
  EXPECT_EQ(FormatDecimal(std::nan(""), 1), "n/a");
  EXPECT_EQ(FormatDecimal(std::numeric_limits<double>::infinity(), 1), "n/a");
  EXPECT_EQ(DisplayWidth(FormatDecimal(std::numeric_limits<double>::max(), 1)), 413);
}

TEST(FormatChangeTest, SignArrowAndAbsence) {
  EXPECT_EQ(FormatChange(12.34, true), "+12.3% ▲");
  EXPECT_EQ(FormatChange(-4.0, true), "-4.0% ▼");
  EXPECT_EQ(FormatChange(1048.7, true), "+1,048.7% ▲");
  EXPECT_EQ(FormatChange(0.0, true), "0.0%");
  EXPECT_EQ(FormatChange(0.01, true), "0.0%");
  EXPECT_EQ(FormatChange(-0.04, true), "0.0%");
  EXPECT_EQ(FormatChange(std::nullopt, true), "n/a");
  EXPECT_EQ(FormatChange(12.34, false), "+12.3% ^");
  EXPECT_EQ(FormatChange(-4.0, false), "-4.0% v");
  EXPECT_EQ(FormatChange(std::nan(""), true), "n/a");
}

TEST(ShortestDecimalTest, ReadsBackExactly) {
  EXPECT_EQ(ShortestDecimal(0), "0");
  EXPECT_EQ(ShortestDecimal(-0.0), "0");
  EXPECT_EQ(ShortestDecimal(3), "3");
  EXPECT_EQ(ShortestDecimal(0.1), "0.1");
  EXPECT_EQ(ShortestDecimal(1234.5), "1234.5");
  EXPECT_EQ(ShortestDecimal(-2.25), "-2.25");
  EXPECT_EQ(ShortestDecimal(1e20), "100000000000000000000");
  EXPECT_EQ(ShortestDecimal(std::nan("")), "nan");
  for (double v : {1.0 / 3, 37.49821, 2.0000000000000004, 1e-7, 9007199254740993.0}) {
    EXPECT_EQ(std::stod(ShortestDecimal(v)), v) << ShortestDecimal(v);
    EXPECT_THAT(ShortestDecimal(v), Not(HasSubstr("e")));
  }
}

TEST(TableTest, AlignsUtf8TextAndRightAlignsNumbers) {
  Table table({{"App", Align::kLeft}, {"Users", Align::kRight}, {"Customers", Align::kRight}});
  table.AddRow({"Ébauche", FormatInt(1234567), "3"});
  table.AddRow({"Polly", FormatInt(12), FormatInt(1200)});
  table.AddRow({"日本アプリ", "5", "0"});
  const std::string text = table.Render({});
  const auto lines = Lines(text);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "App             Users  Customers");
  EXPECT_EQ(lines[1], "──────────  ─────────  ─────────");
  // Every line's columns start at the same display column, whatever the bytes.
  EXPECT_EQ(ColumnOf(lines[2], "1,234,567"), ColumnOf(lines[0], "    Users"));
  EXPECT_EQ(ColumnOf(lines[2], "1,234,567"), 12);
  EXPECT_EQ(ColumnOf(lines[3], "12"), 19);  // right-aligned: ends where "Users" ends
  EXPECT_EQ(ColumnOf(lines[4], "5"), 20);
  EXPECT_EQ(DisplayWidth(lines[2]), DisplayWidth(lines[0]));
  EXPECT_EQ(DisplayWidth(lines[3]), DisplayWidth(lines[0]));
  EXPECT_EQ(DisplayWidth(lines[4]), DisplayWidth(lines[0]));
  EXPECT_EQ(table.NaturalWidth(), DisplayWidth(lines[0]));
  for (const auto& line : lines) EXPECT_NE(line.back(), ' ') << "no trailing spaces: " << line;
}

TEST(TableTest, AsciiStyleUsesOnlyAscii) {
  Table table({{"Name", Align::kLeft, true, 4}, {"Value", Align::kRight}});
  table.AddRow({"a very long name indeed", "1,000"});
  TableStyle style;
  style.unicode = false;
  style.max_width = 16;
  const std::string text = table.Render(style);
  EXPECT_TRUE(IsAscii(text)) << text;
  EXPECT_THAT(text, HasSubstr("----"));
  EXPECT_THAT(text, HasSubstr("..."));
}

TEST(TableTest, ShrinksTheWidestShrinkableColumnThenLeavesColumnsOut) {
  Table table({{"#", Align::kRight},
               {"Customer", Align::kLeft, true, 8},
               {"Industry", Align::kLeft, true, 8, /*drop_rank=*/2},
               {"Segment", Align::kLeft, false, 8, /*drop_rank=*/1},
               {"Meetings", Align::kRight}});
  table.AddRow(
      {"1", "Contoso Holdings International", "Financial Services", "Enterprise", "1,234"});
  table.AddRow({"2", "Ébauche SARL", "Retail", "SMB", "99"});
  const int natural = table.NaturalWidth();
  EXPECT_EQ(Lines(table.Render({})).size(), 4u);

  for (int width = 21; width <= natural + 5; ++width) {
    TableStyle style;
    style.max_width = width;
    const std::string text = table.Render(style);
    for (const auto& line : Lines(text)) {
      // The rank, the narrowest name and the numbers fit 21 columns: nothing is wider.
      EXPECT_LE(DisplayWidth(line), width) << "width " << width << "\n" << text;
    }
    EXPECT_THAT(text, HasSubstr("1,234"));  // never dropped, never cut
    if (width >= natural) {
      EXPECT_THAT(text, HasSubstr("Contoso Holdings International"));
      EXPECT_THAT(text, Not(HasSubstr("left out")));
    }
  }
  TableStyle style;
  style.max_width = natural - 4;  // the widest column gives up 4 columns first, nothing dropped
  std::string text = table.Render(style);
  EXPECT_THAT(text, HasSubstr("Contoso Holdings Internat…"));
  EXPECT_THAT(text, HasSubstr("Financial Services"));
  EXPECT_THAT(text, Not(HasSubstr("left out")));
  style.max_width = 40;  // drops Industry (the highest rank) and names it
  text = table.Render(style);
  EXPECT_THAT(text, Not(HasSubstr("Financial")));
  EXPECT_THAT(text, HasSubstr("Enterprise"));
  EXPECT_THAT(text, HasSubstr("(left out to fit the width: Industry)"));
}

TEST(TableTest, SanitizesCellsAndFillsMissingOnes) {
  Table table({{"A", Align::kLeft}, {"B", Align::kLeft}});
  table.AddRow({"x\ny"});
  table.AddRow({"1", "2", "ignored"});
  const auto lines = Lines(table.Render({}));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2], "x?y");
  EXPECT_EQ(lines[3], "1    2");
}

TEST(TableTest, IndentAndEmptyTable) {
  Table table({{"Month", Align::kLeft}, {"Meetings", Align::kRight}});
  TableStyle style;
  style.indent = 2;
  EXPECT_EQ(table.Render(style), "  Month  Meetings\n  ─────  ────────\n");
  EXPECT_EQ(table.row_count(), 0u);
}

TEST(PadToWidthTest, PadsByDisplayWidth) {
  EXPECT_EQ(PadToWidth("Éb", 4, false), "Éb  ");
  EXPECT_EQ(PadToWidth("Éb", 4, true), "  Éb");
  EXPECT_EQ(PadToWidth("toolong", 3, true), "toolong");
}

}  // namespace
}  // namespace teams_usage::client
