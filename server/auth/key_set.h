// Public verification keys for RS256 / ES256 tokens, read from a PEM public key or a JWKS file.
// Pure parsing (no file I/O): TokenVerifier reads the file and hands the contents here.
#ifndef TEAMS_SERVER_AUTH_KEY_SET_H_
#define TEAMS_SERVER_AUTH_KEY_SET_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace teams_usage::auth {

enum class KeyType {
  kRsa,     // verifies RS256 only
  kEcP256,  // verifies ES256 only
};

struct PublicKey {
  std::string kid;  // the JWKS `kid`; empty for a PEM file (and for a JWKS key without one)
  KeyType type = KeyType::kRsa;
  std::string pem;  // canonical SubjectPublicKeyInfo PEM, as libjwt's jwt_decode wants it
};

// One PEM "PUBLIC KEY" (SubjectPublicKeyInfo): RSA of at least 2048 bits, or EC on P-256.
// Private keys, certificates, other curves and several keys in one file are rejected.
absl::StatusOr<PublicKey> ParsePemPublicKey(std::string_view pem);

// A JWK Set ({"keys": [...]}) of RSA keys (n, e) and EC P-256 keys (crv, x, y). Keys that are
// not for signatures (`use` other than "sig"), that name another algorithm (`alg` other than
// RS256 / ES256 for their type) or another key type / curve are skipped, each with a line in
// `warnings`. Fails when no usable key remains, when two usable keys share a `kid`, or on
// malformed JSON or key material.
absl::StatusOr<std::vector<PublicKey>> ParseJwks(std::string_view json,
                                                 std::vector<std::string>* warnings);

// A JWKS when the contents start with '{' (after white space), else a PEM public key.
absl::StatusOr<std::vector<PublicKey>> ParsePublicKeyFile(std::string_view contents,
                                                          std::vector<std::string>* warnings);

}  // namespace teams_usage::auth

#endif  // TEAMS_SERVER_AUTH_KEY_SET_H_
