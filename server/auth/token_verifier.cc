#include "server/auth/token_verifier.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <jwt.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/auth/audit_log.h"
#include "server/auth/roles.h"
#include "server/auth/string_view_compat.h"

namespace teams_usage::auth {
namespace {

constexpr size_t kMaxTokenBytes = 8192;
constexpr size_t kMaxHeaderBytes = 2048;
constexpr size_t kMinSecretBytes = 32;
constexpr std::streamsize kMaxKeyFileBytes = 1 << 20;
constexpr size_t kMaxClaimBytes = 1024;
constexpr int64_t kNoNbf = std::numeric_limits<int64_t>::min();

absl::Status Unauthenticated(absl::string_view reason) {
  return absl::UnauthenticatedError(reason);
}

struct JwtFree {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};

bool IsBase64UrlSegment(absl::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::string data;
  data.resize(static_cast<size_t>(kMaxKeyFileBytes) + 1);
  in.read(data.data(), kMaxKeyFileBytes + 1);
  if (in.bad()) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  data.resize(static_cast<size_t>(in.gcount()));
  if (data.size() > static_cast<size_t>(kMaxKeyFileBytes)) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is larger than 1 MiB"));
  }
  return data;
}

// A NumericDate claim (RFC 7519 §2): a JSON number of seconds. Fractions are truncated.
absl::StatusOr<int64_t> NumericDate(const google::protobuf::Value& v, absl::string_view name) {
  if (v.kind_case() != google::protobuf::Value::kNumberValue || !std::isfinite(v.number_value()) ||
      std::fabs(v.number_value()) > 1e15) {
    return Unauthenticated(absl::StrCat("malformed ", name, " claim"));
  }
  return static_cast<int64_t>(std::floor(v.number_value()));
}

bool IsReasonableId(absl::string_view s) {
  if (s.empty() || s.size() > kMaxClaimBytes) return false;
  return std::none_of(s.begin(), s.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

}  // namespace

absl::StatusOr<std::string> ReadSecretFile(const std::string& path) {
  auto data = ReadWholeFile(path);
  if (!data.ok()) return data.status();
  std::string secret = *std::move(data);
  while (!secret.empty() && absl::ascii_isspace(static_cast<unsigned char>(secret.back()))) {
    secret.pop_back();
  }
  return secret;
}

TokenVerifier::TokenVerifier(TokenVerifierConfig config)
    : config_(std::move(config)),
      recheck_ns_(std::max<int64_t>(0, absl::ToInt64Nanoseconds(config_.recheck_interval))) {}

TokenVerifier::~TokenVerifier() = default;

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifier::Create(TokenVerifierConfig config) {
  if (config.hs256_secret_file.empty() && config.public_key_file.empty()) {
    return absl::InvalidArgumentError(
        "no token key configured: set --jwt-hs256-secret-file and/or --jwt-public-key-file");
  }
  if (config.issuer.empty()) return absl::InvalidArgumentError("--jwt-issuer is required");
  if (config.audience.empty()) return absl::InvalidArgumentError("--jwt-audience is required");
  if (config.leeway_seconds < 0 || config.leeway_seconds > 600) {
    return absl::InvalidArgumentError("JWT leeway must be between 0 and 600 seconds");
  }
  std::unique_ptr<TokenVerifier> verifier(new TokenVerifier(std::move(config)));
  if (auto status = verifier->LoadInitial(); !status.ok()) return status;
  return verifier;
}

TokenVerifier::FileStamp TokenVerifier::Stat(const std::string& path) {
  FileStamp stamp;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return stamp;
  stamp.valid = true;
  stamp.dev = st.st_dev;
  stamp.ino = st.st_ino;
  stamp.size = st.st_size;
  stamp.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return stamp;
}

TokenVerifier::Keys TokenVerifier::LoadSecret(const std::string& path) {
  Keys keys;
  auto secret = ReadSecretFile(path);
  if (!secret.ok()) {
    keys.status = secret.status();
  } else if (secret->size() < kMinSecretBytes) {
    keys.status = absl::InvalidArgumentError(
        absl::StrCat("HS256 secret in ", path, " is shorter than ", kMinSecretBytes, " bytes"));
  } else {
    keys.secret = *std::move(secret);
  }
  return keys;
}

TokenVerifier::Keys TokenVerifier::LoadPublicKeys(const std::string& path) {
  Keys keys;
  auto data = ReadWholeFile(path);
  if (!data.ok()) {
    keys.status = data.status();
    return keys;
  }
  std::vector<std::string> warnings;
  auto parsed = ParsePublicKeyFile(*data, &warnings);
  for (const std::string& w : warnings) LogAuthEvent("warning", absl::StrCat(path, ": ", w));
  if (!parsed.ok()) {
    keys.status = absl::InvalidArgumentError(absl::StrCat(path, ": ", parsed.status().message()));
    return keys;
  }
  // The same rule as ParsePublicKeyFile: a JSON object is a JWKS, anything else PEM.
  keys.jwks = absl::StartsWith(absl::StripLeadingAsciiWhitespace(*data), "{");
  keys.public_keys = *std::move(parsed);
  return keys;
}

absl::Status TokenVerifier::LoadInitial() {
  auto snap = std::make_shared<Snapshot>();
  absl::MutexLock reload(&reload_mu_);
  if (!config_.hs256_secret_file.empty()) {
    snap->has_secret_file = true;
    secret_stamp_ = Stat(config_.hs256_secret_file);
    snap->secret = LoadSecret(config_.hs256_secret_file);
    if (!snap->secret.status.ok()) return snap->secret.status;
  }
  if (!config_.public_key_file.empty()) {
    snap->has_public_key_file = true;
    public_stamp_ = Stat(config_.public_key_file);
    snap->public_keys = LoadPublicKeys(config_.public_key_file);
    if (!snap->public_keys.status.ok()) return snap->public_keys.status;
  }
  last_check_ns_.store(SteadyNowNs(), std::memory_order_relaxed);
  absl::MutexLock lock(&mu_);
  snapshot_ = std::move(snap);
  return absl::OkStatus();
}

void TokenVerifier::MaybeReload() const {
  const int64_t now = SteadyNowNs();
  if (recheck_ns_ > 0 && now - last_check_ns_.load(std::memory_order_relaxed) < recheck_ns_) {
    return;
  }
  // Another thread is already looking: use the current keys.
  if (!reload_mu_.TryLock()) return;
  last_check_ns_.store(now, std::memory_order_relaxed);

  std::shared_ptr<const Snapshot> current = snapshot();
  std::shared_ptr<Snapshot> next;
  // Re-reads one file when its stamp changed. A stamp that moved while reading is forgotten, so
  // the next check reads the file again (a writer may have been half-way through).
  const auto check = [&](const std::string& path, FileStamp* stamp,
                         Keys (*load)(const std::string&), Keys Snapshot::*member,
                         absl::string_view what) {
    const FileStamp before = Stat(path);
    if (before == *stamp) return;
    Keys keys = load(path);
    const FileStamp after = Stat(path);
    *stamp = before == after ? before : FileStamp{};
    if (!next) next = std::make_shared<Snapshot>(*current);
    const bool was_ok = ((*current).*member).status.ok();
    if (!keys.status.ok()) {
      LogAuthEvent("error", absl::StrCat(what, " ", path, " is unusable (", keys.status.message(),
                                         "): tokens that need it are refused until it is fixed"));
    } else {
      LogAuthEvent("info",
                   absl::StrCat(what, " ", path, was_ok ? " changed: reloaded" : " is valid again",
                                keys.public_keys.empty()
                                    ? std::string()
                                    : absl::StrCat(" (", keys.public_keys.size(), " keys)")));
    }
    (*next).*member = std::move(keys);
  };
  if (current->has_secret_file) {
    check(config_.hs256_secret_file, &secret_stamp_, &LoadSecret, &Snapshot::secret,
          "HS256 secret file");
  }
  if (current->has_public_key_file) {
    check(config_.public_key_file, &public_stamp_, &LoadPublicKeys, &Snapshot::public_keys,
          "public key file");
  }
  if (next) {
    next->generation = current->generation + 1;
    absl::MutexLock lock(&mu_);
    snapshot_ = std::move(next);
  }
  reload_mu_.Unlock();
}

std::shared_ptr<const TokenVerifier::Snapshot> TokenVerifier::snapshot() const {
  absl::ReaderMutexLock lock(&mu_);
  return snapshot_;
}

absl::StatusOr<Principal> TokenVerifier::VerifyAuthorization(std::string_view header,
                                                             int64_t now_unix) const {
  const absl::string_view value = absl::StripAsciiWhitespace(AbslView(header));
  if (value.empty()) return Unauthenticated("missing bearer token");
  const size_t space = value.find_first_of(" \t");
  const absl::string_view scheme = value.substr(0, space);
  if (!absl::EqualsIgnoreCase(scheme, "Bearer")) {
    return Unauthenticated("authorization scheme must be Bearer");
  }
  if (space == absl::string_view::npos) return Unauthenticated("missing bearer token");
  const absl::string_view token = absl::StripLeadingAsciiWhitespace(value.substr(space));
  return VerifyToken(StdView(token), now_unix);
}

absl::StatusOr<Principal> TokenVerifier::CheckTimes(const CacheEntry& entry,
                                                    int64_t now_unix) const {
  const int64_t leeway = config_.leeway_seconds;
  if (now_unix >= entry.exp + leeway) return Unauthenticated("token expired");
  if (entry.nbf != kNoNbf && now_unix + leeway < entry.nbf) {
    return Unauthenticated("token not yet valid");
  }
  return entry.principal;
}

absl::StatusOr<Principal> TokenVerifier::VerifyToken(std::string_view token_view,
                                                     int64_t now_unix) const {
  const absl::string_view token = AbslView(token_view);
  // ---- shape: three non-empty base64url segments (an unsigned "alg":"none" token has an empty
  // signature and fails here already).
  if (token.empty()) return Unauthenticated("missing bearer token");
  if (token.size() > kMaxTokenBytes) return Unauthenticated("token too large");

  // ---- cache of tokens already verified against these keys (time claims re-checked). An entry
  // exists only for this exact token string after every check below passed with the keys of the
  // same generation, and those checks depend on nothing else: looked up first, it spares the
  // header parse and the signature of every repeated call.
  MaybeReload();
  const std::shared_ptr<const Snapshot> snap = snapshot();
  if (config_.cache_entries > 0) {
    absl::MutexLock lock(&cache_mu_);
    const auto it = cache_.find(token);
    if (it != cache_.end() && it->second.generation == snap->generation) {
      return CheckTimes(it->second, now_unix);
    }
  }
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3 || !std::all_of(parts.begin(), parts.end(), [](absl::string_view p) {
        return IsBase64UrlSegment(p);
      })) {
    return Unauthenticated("malformed token");
  }

  // ---- header: read alg and kid ourselves, only to choose the key. Nothing else is trusted
  // before libjwt has verified the signature.
  if (parts[0].size() > kMaxHeaderBytes) return Unauthenticated("malformed token header");
  std::string header_json;
  google::protobuf::Struct header;
  if (!absl::WebSafeBase64Unescape(parts[0], &header_json) ||
      !google::protobuf::util::JsonStringToMessage(header_json, &header).ok()) {
    return Unauthenticated("malformed token header");
  }
  const auto& hf = header.fields();
  const auto alg_it = hf.find("alg");
  if (alg_it == hf.end() || alg_it->second.kind_case() != google::protobuf::Value::kStringValue) {
    return Unauthenticated("malformed token header");
  }
  if (hf.count("crit") > 0) return Unauthenticated("unsupported token header");
  const std::string* kid = nullptr;
  if (const auto kid_it = hf.find("kid"); kid_it != hf.end()) {
    if (kid_it->second.kind_case() != google::protobuf::Value::kStringValue) {
      return Unauthenticated("malformed token header");
    }
    kid = &kid_it->second.string_value();
  }
  const std::string& alg_name = alg_it->second.string_value();
  jwt_alg_t alg;
  if (alg_name == "HS256") {
    alg = JWT_ALG_HS256;
  } else if (alg_name == "RS256") {
    alg = JWT_ALG_RS256;
  } else if (alg_name == "ES256") {
    alg = JWT_ALG_ES256;
  } else {
    return Unauthenticated("token algorithm not allowed");
  }

  // ---- key: chosen by algorithm family (and kid), never by what the token would like.
  const std::string* key = nullptr;
  if (alg == JWT_ALG_HS256) {
    if (!snap->has_secret_file) return Unauthenticated("token algorithm not allowed");
    if (!snap->secret.status.ok()) return Unauthenticated("token signing key unavailable");
    key = &snap->secret.secret;
  } else {
    if (!snap->has_public_key_file) return Unauthenticated("token algorithm not allowed");
    const Keys& keys = snap->public_keys;
    if (!keys.status.ok()) return Unauthenticated("token signing key unavailable");
    const PublicKey* chosen = nullptr;
    if (kid != nullptr && keys.jwks) {
      for (const PublicKey& k : keys.public_keys) {
        if (k.kid == *kid) chosen = &k;
      }
      if (chosen == nullptr) return Unauthenticated("unknown token key id");
    } else if (keys.public_keys.size() == 1) {
      chosen = &keys.public_keys.front();
    } else {
      return Unauthenticated("token has no key id");
    }
    const KeyType want = alg == JWT_ALG_RS256 ? KeyType::kRsa : KeyType::kEcP256;
    if (chosen->type != want) return Unauthenticated("token algorithm does not match its key");
    key = &chosen->pem;
  }
  if (key->empty()) return Unauthenticated("token signing key unavailable");  // never NULL key

  std::string token_z(token);  // libjwt wants it NUL-terminated

  // ---- signature, by libjwt, with the chosen key; then insist on the expected algorithm.
  jwt_t* raw = nullptr;
  const int rc =
      jwt_decode(&raw, token_z.c_str(), reinterpret_cast<const unsigned char*>(key->data()),
                 static_cast<int>(key->size()));
  std::unique_ptr<jwt_t, JwtFree> jwt(raw);
  if (rc != 0 || jwt == nullptr) return Unauthenticated("invalid token signature");
  if (jwt_get_alg(jwt.get()) != alg) return Unauthenticated("token algorithm not allowed");

  // ---- claims (libjwt validates none of them).
  char* grants = jwt_get_grants_json(jwt.get(), nullptr);
  if (grants == nullptr) return Unauthenticated("malformed token claims");
  const std::string claims_json(grants);
  std::free(grants);
  google::protobuf::Struct claims;
  if (!google::protobuf::util::JsonStringToMessage(claims_json, &claims).ok()) {
    return Unauthenticated("malformed token claims");
  }
  const auto& cf = claims.fields();
  const auto string_claim = [&](const char* name) -> const std::string* {
    const auto it = cf.find(name);
    if (it == cf.end() || it->second.kind_case() != google::protobuf::Value::kStringValue) {
      return nullptr;
    }
    return &it->second.string_value();
  };

  CacheEntry entry;
  entry.generation = snap->generation;
  const auto exp_it = cf.find("exp");
  if (exp_it == cf.end()) return Unauthenticated("token has no exp claim");
  auto exp = NumericDate(exp_it->second, "exp");
  if (!exp.ok()) return exp.status();
  entry.exp = *exp;
  entry.nbf = kNoNbf;
  if (const auto nbf_it = cf.find("nbf"); nbf_it != cf.end()) {
    auto nbf = NumericDate(nbf_it->second, "nbf");
    if (!nbf.ok()) return nbf.status();
    entry.nbf = *nbf;
  }

  const std::string* iss = string_claim("iss");
  if (iss == nullptr || *iss != config_.issuer) return Unauthenticated("wrong token issuer");

  bool audience_ok = false;
  if (const auto aud_it = cf.find("aud"); aud_it != cf.end()) {
    const google::protobuf::Value& aud = aud_it->second;
    if (aud.kind_case() == google::protobuf::Value::kStringValue) {
      audience_ok = aud.string_value() == config_.audience;
    } else if (aud.kind_case() == google::protobuf::Value::kListValue) {
      for (const auto& a : aud.list_value().values()) {
        if (a.kind_case() == google::protobuf::Value::kStringValue &&
            a.string_value() == config_.audience) {
          audience_ok = true;
        }
      }
    }
  }
  if (!audience_ok) return Unauthenticated("wrong token audience");

  const std::string* sub = string_claim("sub");
  if (sub == nullptr || !IsReasonableId(*sub))
    return Unauthenticated("token has no valid sub claim");
  const std::string* partner = string_claim("partner_id");
  if (partner == nullptr || !IsReasonableId(*partner)) {
    return Unauthenticated("token has no valid partner_id claim");
  }
  entry.principal.subject = *sub;
  entry.principal.partner_id = *partner;

  if (const auto roles_it = cf.find("roles"); roles_it != cf.end()) {
    if (roles_it->second.kind_case() != google::protobuf::Value::kListValue) {
      return Unauthenticated("malformed roles claim");
    }
    for (const auto& r : roles_it->second.list_value().values()) {
      if (r.kind_case() != google::protobuf::Value::kStringValue) {
        return Unauthenticated("malformed roles claim");
      }
      const auto role = RoleFromName(r.string_value());  // unknown names are ignored
      if (role && !HasRole(entry.principal, *role)) entry.principal.roles.push_back(*role);
    }
    std::sort(entry.principal.roles.begin(), entry.principal.roles.end());
  }

  if (config_.cache_entries > 0) {
    absl::MutexLock lock(&cache_mu_);
    if (cache_.size() >= config_.cache_entries) cache_.clear();
    cache_.insert_or_assign(std::move(token_z), entry);
  }
  return CheckTimes(entry, now_unix);
}

}  // namespace teams_usage::auth
