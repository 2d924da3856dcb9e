// Verifies the caller's `authorization: Bearer <JWT>` and turns it into a Principal.
//
// Signature checking is done by libjwt (Debian's 1.10) over OpenSSL, with an explicit algorithm
// allow-list per key type, because libjwt 1.10's jwt_decode verifies with whatever algorithm the
// token's header names:
//   HS256 - only with the HMAC secret file,
//   RS256 - only with an RSA public key (PEM or JWKS),
//   ES256 - only with an EC P-256 public key (PEM or JWKS);
// everything else ("none", HS384, RS512, ...) is refused before libjwt sees the token, and the
// algorithm libjwt reports after decoding must equal the one that selected the key. libjwt has
// no claim validation, so `exp` (required), `nbf` (optional, both with leeway), `iss`, `aud`,
// `sub`, `partner_id` and `roles` are checked here.
//
// Key files are re-read when their inode, size or mtime change (looked at no more than once per
// `recheck_interval`), so keys rotate without a restart. A key file that becomes unreadable or
// invalid fails closed: tokens needing it fail until it is valid again (logged once per change).
#ifndef TEAMS_SERVER_AUTH_TOKEN_VERIFIER_H_
#define TEAMS_SERVER_AUTH_TOKEN_VERIFIER_H_

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth/key_set.h"
#include "server/auth/principal.h"

namespace teams_usage::auth {

struct TokenVerifierConfig {
  std::string hs256_secret_file;  // HMAC secret for HS256 (dev); at least 32 bytes
  std::string public_key_file;    // PEM public key (RSA / EC P-256) or JWKS, for RS256 / ES256
  std::string issuer;             // required: tokens' `iss` must equal it
  std::string audience;           // required: tokens' `aud` must equal or contain it
  int64_t leeway_seconds = 30;    // clock skew allowed for `exp` and `nbf`
  absl::Duration recheck_interval = absl::Seconds(1);  // key file change detection; 0 = always
  size_t cache_entries = 4096;  // verified-token cache (per token string); 0 disables it
};

// Reads a secret file as TokenVerifier does: the bytes with trailing white space (a final
// newline) removed.
absl::StatusOr<std::string> ReadSecretFile(const std::string& path);

class TokenVerifier {
 public:
  // Fails (INVALID_ARGUMENT / NOT_FOUND) when no key file is configured, a configured file
  // cannot be read or is invalid, or issuer / audience are empty: the server must not start.
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> Create(TokenVerifierConfig config);

  ~TokenVerifier();
  TokenVerifier(const TokenVerifier&) = delete;
  TokenVerifier& operator=(const TokenVerifier&) = delete;

  // `authorization_metadata_value` is the whole value of the `authorization` header: the scheme
  // `Bearer` (case-insensitive), white space, one token. Every failure is UNAUTHENTICATED with a
  // short reason that never contains the token. Thread-safe.
  absl::StatusOr<Principal> VerifyAuthorization(std::string_view authorization_metadata_value,
                                                int64_t now_unix) const;

  // The same for the bare token.
  absl::StatusOr<Principal> VerifyToken(std::string_view token, int64_t now_unix) const;

  const TokenVerifierConfig& config() const { return config_; }

 private:
  struct FileStamp {
    bool valid = false;
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    int64_t mtime_ns = 0;
    bool operator==(const FileStamp& o) const {
      return valid == o.valid && dev == o.dev && ino == o.ino && size == o.size &&
             mtime_ns == o.mtime_ns;
    }
  };
  // What one key file currently provides.
  struct Keys {
    absl::Status status;  // not OK: the file is configured but unusable (fail closed)
    std::string secret;   // HS256 source
    std::vector<PublicKey> public_keys;  // public-key source
    bool jwks = false;                   // public-key source: the file was a JWKS
  };
  struct Snapshot {
    bool has_secret_file = false;
    bool has_public_key_file = false;
    Keys secret;
    Keys public_keys;
    uint64_t generation = 0;  // bumps on every change of either file
  };
  struct CacheEntry {
    Principal principal;
    int64_t exp = 0;
    int64_t nbf = 0;  // INT64_MIN when absent
    uint64_t generation = 0;
  };

  explicit TokenVerifier(TokenVerifierConfig config);

  absl::Status LoadInitial();
  void MaybeReload() const;
  std::shared_ptr<const Snapshot> snapshot() const;
  absl::StatusOr<Principal> CheckTimes(const CacheEntry& entry, int64_t now_unix) const;

  static Keys LoadSecret(const std::string& path);
  static Keys LoadPublicKeys(const std::string& path);
  static FileStamp Stat(const std::string& path);

  const TokenVerifierConfig config_;
  const int64_t recheck_ns_;

  // Key state. `mu_` guards the snapshot pointer; `reload_mu_` serialises reloads.
  mutable absl::Mutex mu_;
  mutable std::shared_ptr<const Snapshot> snapshot_ ABSL_GUARDED_BY(mu_);
  mutable absl::Mutex reload_mu_;
  mutable FileStamp secret_stamp_ ABSL_GUARDED_BY(reload_mu_);
  mutable FileStamp public_stamp_ ABSL_GUARDED_BY(reload_mu_);
  mutable std::atomic<int64_t> last_check_ns_{0};

  mutable absl::Mutex cache_mu_;
  mutable absl::flat_hash_map<std::string, CacheEntry> cache_ ABSL_GUARDED_BY(cache_mu_);
};

}  // namespace teams_usage::auth

#endif  // TEAMS_SERVER_AUTH_TOKEN_VERIFIER_H_
