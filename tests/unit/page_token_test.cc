// Page tokens: round trip, and every way a token can be wrong is INVALID_ARGUMENT on page_token.
#include "storage/report/page_token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace teams_usage::report {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

PageTokenCodec Codec(char fill = 'k') {
  return *PageTokenCodec::FromKey(std::string(PageTokenCodec::kMinKeyBytes, fill));
}

TEST(PageTokenTest, RoundTrip) {
  const PageTokenCodec codec = Codec();
  const std::string fp = RequestFingerprint({"ListApps", "P1", "filter"});
  for (const PagePosition position :
       {PagePosition{0, 0}, PagePosition{7, 25}, PagePosition{int64_t{1} << 40, 999999}}) {
    const std::string token = codec.Encode(fp, position);
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << token;
    const auto decoded = codec.Decode(token, fp);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->data_version, position.data_version);
    EXPECT_EQ(decoded->offset, position.offset);
  }
}

TEST(PageTokenTest, AnyChangedCharacterIsRejected) {
  const PageTokenCodec codec = Codec();
  const std::string fp = RequestFingerprint({"x"});
  const std::string token = codec.Encode(fp, {3, 50});
  for (size_t i = 0; i < token.size(); ++i) {
    for (char replacement : {'A', 'z', '-', '_', '0'}) {
      if (token[i] == replacement) continue;
      std::string tampered = token;
      tampered[i] = replacement;
      const auto decoded = codec.Decode(tampered, fp);
      ASSERT_FALSE(decoded.ok()) << "position " << i;
      EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(std::string(decoded.status().message()), StartsWith("page_token: "));
    }
  }
}

TEST(PageTokenTest, MalformedTokensAreRejected) {
  const PageTokenCodec codec = Codec();
  const std::string fp = RequestFingerprint({"x"});
  const std::string token = codec.Encode(fp, {3, 50});
  for (const std::string& bad :
       {std::string("x"), std::string("not a token!"), token.substr(0, token.size() - 1),
        token + "A", token + "=", token + "==", " " + token, std::string(200, 'A')}) {
    const auto decoded = codec.Decode(bad, fp);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(decoded.status().message()), HasSubstr("page_token: not a token"));
  }
}

TEST(PageTokenTest, TokensOfAnotherKeyAreRejected) {
  const std::string fp = RequestFingerprint({"x"});
  const std::string token = Codec('a').Encode(fp, {1, 2});
  EXPECT_FALSE(Codec('b').Decode(token, fp).ok());
  EXPECT_FALSE(PageTokenCodec::WithRandomKey().Decode(token, fp).ok());
  const PageTokenCodec random = PageTokenCodec::WithRandomKey();
  EXPECT_TRUE(random.Decode(random.Encode(fp, {1, 2}), fp).ok());
}

TEST(PageTokenTest, TokensOfAnotherRequestAreRejected) {
  const PageTokenCodec codec = Codec();
  const std::string token = codec.Encode(RequestFingerprint({"ListApps", "P1", "f", ""}), {1, 25});
  const auto decoded = codec.Decode(token, RequestFingerprint({"ListApps", "P1", "f", "C1"}));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(decoded.status().message()),
              HasSubstr("page_token: belongs to a different request"));
}

TEST(PageTokenTest, FingerprintsSeparateTheirParts) {
  EXPECT_NE(RequestFingerprint({"ab", "c"}), RequestFingerprint({"a", "bc"}));
  EXPECT_NE(RequestFingerprint({"a", ""}), RequestFingerprint({"a"}));
  EXPECT_EQ(RequestFingerprint({"a", "b"}), RequestFingerprint({"a", "b"}));
  EXPECT_EQ(RequestFingerprint({"a"}).size(), 16u);
}

TEST(PageTokenTest, DataVersionMustBeTheCurrentOne) {
  EXPECT_TRUE(CheckDataVersion({4, 10}, 4).ok());
  const absl::Status changed = CheckDataVersion({4, 10}, 5);
  EXPECT_EQ(changed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(changed.message()), StartsWith("page_token: the data changed"));
}

TEST(PageTokenTest, ShortKeysAreRefused) {
  EXPECT_FALSE(PageTokenCodec::FromKey("short").ok());
  EXPECT_TRUE(PageTokenCodec::FromKey(std::string(32, 's')).ok());
}

TEST(PageTokenTest, PageSizes) {
  EXPECT_EQ(*EffectivePageSize(0), 25);
  EXPECT_EQ(*EffectivePageSize(1), 1);
  EXPECT_EQ(*EffectivePageSize(1000), 1000);
  EXPECT_EQ(*EffectivePageSize(1001), 1000);
  EXPECT_EQ(*EffectivePageSize(2147483647), 1000);
  const auto negative = EffectivePageSize(-1);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(negative.status().message(), "page_size: must not be negative");
}

TEST(PageTokenTest, TopCounts) {
  EXPECT_EQ(*EffectiveTopCount(0, "top_apps"), 10);
  EXPECT_EQ(*EffectiveTopCount(3, "top_apps"), 3);
  EXPECT_EQ(*EffectiveTopCount(5000, "top_apps"), 1000);
  const auto negative = EffectiveTopCount(-2, "top_customers");
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().message(), "top_customers: must not be negative");
}

}  // namespace
}  // namespace teams_usage::report
