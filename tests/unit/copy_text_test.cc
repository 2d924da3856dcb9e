#include "storage/ingest/copy_text.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace teams_usage::ingest {
namespace {

TEST(CopyTextTest, EscapesTheFourSpecialCharacters) {
  std::string out;
  ASSERT_TRUE(AppendCopyText(&out, "a\\b\tc\nd\re"));
  EXPECT_EQ(out, "a\\\\b\\tc\\nd\\re");
}

TEST(CopyTextTest, AcceptsUtf8AndRejectsWhatPostgresCannotStore) {
  EXPECT_TRUE(IsStorableText("Ébauche — 日本 🎉"));
  EXPECT_FALSE(IsStorableText(std::string("nul\0byte", 8)));
  EXPECT_FALSE(IsStorableText("\xC3\x28"));          // bad continuation
  EXPECT_FALSE(IsStorableText("\xC0\xAF"));          // overlong
  EXPECT_FALSE(IsStorableText("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsStorableText("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsStorableText("\xE2\x82"));          // truncated
  std::string out = "x";
  EXPECT_FALSE(AppendCopyText(&out, "\xFF"));
  EXPECT_EQ(out, "x");
}

TEST(CopyTextTest, DoublesRoundTripExactly) {
  for (double v : {0.0, 0.1, 1.25, 12.583333333333334, 1e-7, 123456789.123456789}) {
    std::string out;
    AppendCopyDouble(&out, v);
    EXPECT_EQ(std::strtod(out.c_str(), nullptr), v) << out;
  }
  std::string i;
  AppendCopyInt(&i, -9223372036854775807LL);
  EXPECT_EQ(i, "-9223372036854775807");
}

}  // namespace
}  // namespace teams_usage::ingest
