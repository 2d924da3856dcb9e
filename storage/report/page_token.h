// Opaque page tokens for ListTopCustomers and ListApps (docs/aggregation.md, "Page tokens").
//
// A token is base64url (no padding) of
//   format (1 byte) | data_version (8, big-endian) | offset (8) | fingerprint (16) | HMAC (32)
// where the HMAC-SHA256, under a server key, covers everything before it. The fingerprint is a
// hash of the whole request except page_token and page_size (AIP-158 lets the page size change
// between pages), including the method and the partner, so a token only continues the listing
// it came from. Tokens carry an offset into the ranking; binding them to data_version makes the
// offset exact, because the ranking of one data version never changes.
// Pure logic (OpenSSL for the hash and the MAC, no I/O).
#ifndef TEAMS_STORAGE_REPORT_PAGE_TOKEN_H_
#define TEAMS_STORAGE_REPORT_PAGE_TOKEN_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace teams_usage::report {

// Page sizes (AIP-158): 0 means the default, larger requests are served the maximum.
inline constexpr int32_t kDefaultPageSize = 25;
inline constexpr int32_t kMaxPageSize = 1000;
// GetReport's top_customers / top_apps: 0 means the default, at most the maximum.
inline constexpr int32_t kDefaultTopCount = 10;
inline constexpr int32_t kMaxTopCount = 1000;

// The page size to serve; INVALID_ARGUMENT "page_size: must not be negative".
absl::StatusOr<int32_t> EffectivePageSize(int32_t requested);
// The number of rows of a GetReport ranking; INVALID_ARGUMENT "<field>: must not be negative".
absl::StatusOr<int32_t> EffectiveTopCount(int32_t requested, absl::string_view field);

// Where the next page starts.
struct PagePosition {
  int64_t data_version = 0;
  int64_t offset = 0;
};

// The fingerprint of a request: SHA-256 over the length-prefixed parts, first 16 bytes.
std::string RequestFingerprint(std::initializer_list<absl::string_view> parts);

class PageTokenCodec {
 public:
  // Keys shorter than this are refused by FromKey.
  static constexpr size_t kMinKeyBytes = 32;

  // A codec with a key from the OS's random source: its tokens are valid only in this process
  // (they do not survive a restart and are not accepted by other replicas).
  static PageTokenCodec WithRandomKey();
  // INVALID_ARGUMENT when the key is shorter than kMinKeyBytes.
  static absl::StatusOr<PageTokenCodec> FromKey(std::string key);

  std::string Encode(absl::string_view fingerprint, const PagePosition& position) const;

  // The position of a token issued by Encode for a request with the same fingerprint, or
  // INVALID_ARGUMENT "page_token: ..." when the token is malformed or tampered with, or belongs to
  // another request. The data version is checked by CheckDataVersion, once it is known.
  absl::StatusOr<PagePosition> Decode(absl::string_view token, absl::string_view fingerprint) const;

 private:
  explicit PageTokenCodec(std::string key) : key_(std::move(key)) {}
  std::string Mac(absl::string_view data) const;
  std::string key_;
};

// INVALID_ARGUMENT "page_token: ..." when the partner's data changed since the token was issued:
// its offsets refer to a ranking that no longer exists.
absl::Status CheckDataVersion(const PagePosition& position, int64_t current_data_version);

}  // namespace teams_usage::report

#endif  // TEAMS_STORAGE_REPORT_PAGE_TOKEN_H_
