#include "storage/report/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace teams_usage::report {
namespace {

constexpr unsigned char kFormat = 1;
constexpr size_t kFingerprintBytes = 16;
constexpr size_t kMacBytes = 32;
constexpr size_t kPayloadBytes = 1 + 8 + 8 + kFingerprintBytes;
constexpr size_t kTokenBytes = kPayloadBytes + kMacBytes;
// base64url without padding.
constexpr size_t kTokenChars = (kTokenBytes * 4 + 2) / 3;

void AppendBigEndian(std::string* out, int64_t value) {
  const uint64_t u = static_cast<uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((u >> shift) & 0xFF));
  }
}

int64_t ReadBigEndian(absl::string_view bytes) {
  uint64_t u = 0;
  for (char c : bytes) u = (u << 8) | static_cast<unsigned char>(c);
  return static_cast<int64_t>(u);
}

// The fingerprint as stored in a token: exactly kFingerprintBytes bytes.
std::string FingerprintField(absl::string_view fingerprint) {
  std::string field(fingerprint.substr(0, kFingerprintBytes));
  field.resize(kFingerprintBytes, '\0');
  return field;
}

absl::Status Malformed() {
  return absl::InvalidArgumentError(
      "page_token: not a token issued by this service (malformed or altered); pass the "
      "next_page_token of the previous response unchanged, or none for the first page");
}

}  // namespace

std::string RequestFingerprint(std::initializer_list<absl::string_view> parts) {
  std::string canonical;
  for (absl::string_view part : parts) absl::StrAppend(&canonical, part.size(), ":", part, ";");
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), kFingerprintBytes);
}

PageTokenCodec PageTokenCodec::WithRandomKey() {
  std::string key(kMinKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
    // Without randomness the tokens would be forgeable; there is no sensible way on.
    std::abort();
  }
  return PageTokenCodec(std::move(key));
}

absl::StatusOr<PageTokenCodec> PageTokenCodec::FromKey(std::string key) {
  if (key.size() < kMinKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the page token secret must be at least ", kMinKeyBytes, " bytes"));
  }
  return PageTokenCodec(std::move(key));
}

std::string PageTokenCodec::Mac(absl::string_view data) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &mac_len);
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

std::string PageTokenCodec::Encode(absl::string_view fingerprint,
                                   const PagePosition& position) const {
  std::string payload;
  payload.reserve(kTokenBytes);
  payload.push_back(static_cast<char>(kFormat));
  AppendBigEndian(&payload, position.data_version);
  AppendBigEndian(&payload, position.offset);
  payload += FingerprintField(fingerprint);
  payload += Mac(payload);
  return absl::WebSafeBase64Escape(payload);
}

absl::StatusOr<PagePosition> PageTokenCodec::Decode(absl::string_view token,
                                                    absl::string_view fingerprint) const {
  std::string bytes;
  // Only the canonical encoding is accepted, so one position has exactly one token.
  if (token.size() != kTokenChars || !absl::WebSafeBase64Unescape(token, &bytes) ||
      bytes.size() != kTokenBytes || absl::WebSafeBase64Escape(bytes) != token) {
    return Malformed();
  }
  const absl::string_view payload = absl::string_view(bytes).substr(0, kPayloadBytes);
  const std::string expected_mac = Mac(payload);
  if (CRYPTO_memcmp(expected_mac.data(), bytes.data() + kPayloadBytes, kMacBytes) != 0 ||
      static_cast<unsigned char>(bytes[0]) != kFormat) {
    return Malformed();
  }
  if (payload.substr(1 + 8 + 8) != FingerprintField(fingerprint)) {
    return absl::InvalidArgumentError(
        "page_token: belongs to a different request (the filter, metric or customer_id is not "
        "the one of the first page); repeat the first request's fields, or start again without "
        "a page_token");
  }
  PagePosition position;
  position.data_version = ReadBigEndian(payload.substr(1, 8));
  position.offset = ReadBigEndian(payload.substr(9, 8));
  if (position.offset < 0) return Malformed();
  return position;
}

absl::StatusOr<int32_t> EffectivePageSize(int32_t requested) {
  if (requested < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return std::min(requested, kMaxPageSize);
}

absl::StatusOr<int32_t> EffectiveTopCount(int32_t requested, absl::string_view field) {
  if (requested < 0)
    return absl::InvalidArgumentError(absl::StrCat(field, ": must not be negative"));
  if (requested == 0) return kDefaultTopCount;
  return std::min(requested, kMaxTopCount);
}

absl::Status CheckDataVersion(const PagePosition& position, int64_t current_data_version) {
  if (position.data_version == current_data_version) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("page_token: the data changed since the first page was listed (data version ",
                   position.data_version, ", now ", current_data_version,
                   "); start again without a page_token"));
}

}  // namespace teams_usage::report
