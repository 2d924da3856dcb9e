#include "server/auth/dev_token.h"

#include <jwt.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/auth/audit_log.h"
#include "server/log.h"

namespace teams_usage::auth {
namespace {

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};

}  // namespace

absl::StatusOr<std::string> MintToken(const TokenSpec& spec) {
  jwt_alg_t alg;
  if (spec.alg == "HS256") {
    alg = JWT_ALG_HS256;
  } else if (spec.alg == "RS256") {
    alg = JWT_ALG_RS256;
  } else if (spec.alg == "ES256") {
    alg = JWT_ALG_ES256;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unsupported algorithm ", spec.alg));
  }
  if (spec.key.empty()) return absl::InvalidArgumentError("empty signing key");

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::ResourceExhaustedError("jwt_new failed");
  std::unique_ptr<jwt_t, JwtFree> jwt(raw);

  // roles as a JSON array, escaped by our JSON writer.
  std::string roles_json = "{\"roles\":[";
  for (size_t i = 0; i < spec.roles.size(); ++i) {
    if (i > 0) roles_json.push_back(',');
    server::AppendJsonString(spec.roles[i], &roles_json);
  }
  roles_json.append("]}");

  int rc = 0;
  // Empty strings are left out (tests use that for "claim missing").
  const std::pair<const char*, const std::string*> strings[] = {{"sub", &spec.subject},
                                                                {"partner_id", &spec.partner_id},
                                                                {"iss", &spec.issuer},
                                                                {"aud", &spec.audience}};
  for (const auto& [name, value] : strings) {
    if (!value->empty()) rc |= jwt_add_grant(jwt.get(), name, value->c_str());
  }
  rc |= jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(spec.issued_at));
  rc |= jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(spec.issued_at + spec.ttl_seconds));
  if (spec.not_before)
    rc |= jwt_add_grant_int(jwt.get(), "nbf", static_cast<long>(*spec.not_before));
  rc |= jwt_add_grants_json(jwt.get(), roles_json.c_str());
  if (!spec.kid.empty()) rc |= jwt_add_header(jwt.get(), "kid", spec.kid.c_str());
  if (rc != 0) return absl::InvalidArgumentError("cannot set token claims");
  if (jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(spec.key.data()),
                  static_cast<int>(spec.key.size())) != 0) {
    return absl::InvalidArgumentError("cannot set token algorithm and key");
  }
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("cannot sign token with ", spec.alg, " key"));
  }
  std::string token(encoded);
  std::free(encoded);
  return token;
}

absl::StatusOr<std::string> MintHs256Token(std::string_view secret, std::string_view sub,
                                           std::string_view partner_id,
                                           const std::vector<std::string>& roles,
                                           std::string_view issuer, std::string_view audience,
                                           int64_t ttl_seconds, int64_t now) {
  TokenSpec spec;
  spec.alg = "HS256";
  spec.key = std::string(secret);
  spec.subject = std::string(sub);
  spec.partner_id = std::string(partner_id);
  spec.roles = roles;
  spec.issuer = std::string(issuer);
  spec.audience = std::string(audience);
  spec.issued_at = now;
  spec.ttl_seconds = ttl_seconds;
  return MintToken(spec);
}

}  // namespace teams_usage::auth
