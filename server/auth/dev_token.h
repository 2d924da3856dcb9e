// Minting tokens for development and tests (the sample client's `teams-report token`), with
// libjwt. Production tokens come from the identity provider; the server only verifies.
#ifndef TEAMS_SERVER_AUTH_DEV_TOKEN_H_
#define TEAMS_SERVER_AUTH_DEV_TOKEN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace teams_usage::auth {

struct TokenSpec {
  std::string alg = "HS256";  // HS256 (key = the secret), RS256 / ES256 (key = private key PEM)
  std::string key;
  std::string kid;  // header `kid`; omitted when empty
  // Claims; an empty string leaves the claim out.
  std::string subject;
  std::string partner_id;
  std::vector<std::string> roles;  // Role names, e.g. "REPORT_VIEWER"; written as given
  std::string issuer;
  std::string audience;
  int64_t issued_at = 0;              // `iat`, unix seconds
  int64_t ttl_seconds = 3600;         // `exp` = issued_at + ttl_seconds
  std::optional<int64_t> not_before;  // `nbf`, omitted when unset
};

// A signed compact JWT. INVALID_ARGUMENT for an unknown algorithm, an empty key or an unusable
// key.
absl::StatusOr<std::string> MintToken(const TokenSpec& spec);

// HS256 token with sub, partner_id, roles, iss, aud, iat = now, exp = now + ttl_seconds.
absl::StatusOr<std::string> MintHs256Token(std::string_view secret, std::string_view sub,
                                           std::string_view partner_id,
                                           const std::vector<std::string>& roles,
                                           std::string_view issuer, std::string_view audience,
                                           int64_t ttl_seconds, int64_t now);

}  // namespace teams_usage::auth

#endif  // TEAMS_SERVER_AUTH_DEV_TOKEN_H_
