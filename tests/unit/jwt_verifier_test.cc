// TokenVerifier: algorithms and keys (HS256 secret, RS256/ES256 PEM, JWKS by kid), the attacks
// libjwt 1.10 lets through on its own (alg none, HS256 signed with the RSA public PEM), claim
// checks, and key rotation. Keys are generated here with OpenSSL; nothing private is checked in.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "server/auth/audit_log.h"
#include "server/auth/dev_token.h"
#include "server/auth/key_set.h"
#include "server/auth/token_verifier.h"

namespace teams_usage::auth {
namespace {

using teams_usage::v1::ACCOUNT_ADMIN;
using teams_usage::v1::REPORT_VIEWER;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr int64_t kNow = 1'790'000'000;  // 2026-09-21
constexpr char kIssuer[] = "https://login.example.test/teams";
constexpr char kAudience[] = "teams-usage-report";
constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-dev-secret";

// ---- OpenSSL helpers -------------------------------------------------------------------------
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

struct TestKey {
  std::string private_pem;
  std::string public_pem;
  std::string jwk_fields;  // "\"kty\":...", without braces or kid
};

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

std::string B64Url(const std::string& bytes) { return absl::WebSafeBase64Escape(bytes); }

std::string BnBytes(EVP_PKEY* key, const char* name, int pad_to = 0) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1) << name;
  const int len = pad_to > 0 ? pad_to : BN_num_bytes(bn);
  std::string out(static_cast<size_t>(len), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), len);
  BN_free(bn);
  return out;
}

TestKey Describe(EVP_PKEY* key) {
  TestKey k;
  BIO* priv = BIO_new(BIO_s_mem());
  EXPECT_EQ(PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  k.private_pem = BioToString(priv);
  BIO* pub = BIO_new(BIO_s_mem());
  EXPECT_EQ(PEM_write_bio_PUBKEY(pub, key), 1);
  k.public_pem = BioToString(pub);
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
    k.jwk_fields =
        absl::StrCat("\"kty\":\"RSA\",\"n\":\"", B64Url(BnBytes(key, OSSL_PKEY_PARAM_RSA_N)),
                     "\",\"e\":\"", B64Url(BnBytes(key, OSSL_PKEY_PARAM_RSA_E)), "\"");
  } else {
    k.jwk_fields = absl::StrCat("\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"",
                                B64Url(BnBytes(key, OSSL_PKEY_PARAM_EC_PUB_X, 32)), "\",\"y\":\"",
                                B64Url(BnBytes(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32)), "\"");
  }
  return k;
}

TestKey NewRsa(unsigned bits = 2048) {
  PkeyPtr key(EVP_RSA_gen(bits));
  EXPECT_NE(key, nullptr);
  return Describe(key.get());
}

TestKey NewEc(const char* curve = "P-256") {
  PkeyPtr key(EVP_EC_gen(curve));
  EXPECT_NE(key, nullptr);
  return Describe(key.get());
}

// Signs header.payload with OpenSSL directly (not libjwt), as another issuer would: RS256 is
// PKCS#1 v1.5 over SHA-256, ES256 the raw 64-byte R||S of RFC 7518 §3.4.
std::string SignExternally(const TestKey& key, const std::string& header_json,
                           const std::string& payload_json) {
  const std::string signing_input = absl::StrCat(B64Url(header_json), ".", B64Url(payload_json));
  BIO* bio = BIO_new_mem_buf(key.private_pem.data(), static_cast<int>(key.private_pem.size()));
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EXPECT_EQ(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pkey.get()), 1);
  size_t len = 0;
  EXPECT_EQ(EVP_DigestSign(ctx, nullptr, &len,
                           reinterpret_cast<const unsigned char*>(signing_input.data()),
                           signing_input.size()),
            1);
  std::string sig(len, '\0');
  EXPECT_EQ(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(signing_input.data()),
                           signing_input.size()),
            1);
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  if (EVP_PKEY_get_base_id(pkey.get()) == EVP_PKEY_EC) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* ecsig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(ecsig), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(ecsig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(ecsig);
    sig = raw;
  }
  return absl::StrCat(signing_input, ".", B64Url(sig));
}

// ---- files -------------------------------------------------------------------------------------
class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "auth_test_XXXXXX";
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::system(("rm -rf '" + path_ + "'").c_str()); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Replaces the file atomically (new inode), as a key-rotation job would.
void WriteFile(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << contents;
  }
  ASSERT_EQ(std::rename(tmp.c_str(), path.c_str()), 0);
}

// ---- tokens ------------------------------------------------------------------------------------
TokenSpec Spec(const std::string& alg, const std::string& key) {
  TokenSpec spec;
  spec.alg = alg;
  spec.key = key;
  spec.subject = "user-1@contoso.test";
  spec.partner_id = "4812345";
  spec.roles = {"REPORT_VIEWER"};
  spec.issuer = kIssuer;
  spec.audience = kAudience;
  spec.issued_at = kNow - 60;
  spec.ttl_seconds = 3600;
  return spec;
}

std::string Mint(const TokenSpec& spec) {
  auto token = MintToken(spec);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : std::string();
}

std::string Bearer(const std::string& token) { return "Bearer " + token; }

std::string Json(const std::string& issuer_claims_extra = "") {
  return absl::StrCat(
      "{\"sub\":\"user-1\",\"partner_id\":\"4812345\",\"roles\":[\"REPORT_VIEWER\"],"
      "\"iss\":\"",
      kIssuer, "\",\"aud\":\"", kAudience, "\",\"exp\":", kNow + 600, issuer_claims_extra, "}");
}

class VerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa1_ = new TestKey(NewRsa());
    rsa2_ = new TestKey(NewRsa());
    ec1_ = new TestKey(NewEc());
    ec2_ = new TestKey(NewEc());
  }
  static void TearDownTestSuite() {
    delete rsa1_;
    delete rsa2_;
    delete ec1_;
    delete ec2_;
  }

  void SetUp() override {
    SetAuthEventLogger([this](std::string_view level, std::string_view message) {
      absl::MutexLock lock(&log_mu_);
      log_.push_back(std::string(level) + ": " + std::string(message));
    });
  }
  void TearDown() override { SetAuthEventLogger(nullptr); }

  std::vector<std::string> log() {
    absl::MutexLock lock(&log_mu_);
    return log_;
  }

  TokenVerifierConfig Config() {
    TokenVerifierConfig config;
    config.issuer = kIssuer;
    config.audience = kAudience;
    config.recheck_interval = absl::ZeroDuration();
    return config;
  }

  std::unique_ptr<TokenVerifier> WithSecret() {
    WriteFile(dir_.File("secret"), std::string(kSecret) + "\n");
    auto config = Config();
    config.hs256_secret_file = dir_.File("secret");
    auto v = TokenVerifier::Create(config);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *std::move(v) : nullptr;
  }

  std::unique_ptr<TokenVerifier> WithPublicKey(const std::string& contents,
                                               bool also_secret = false) {
    WriteFile(dir_.File("public"), contents);
    auto config = Config();
    config.public_key_file = dir_.File("public");
    if (also_secret) {
      WriteFile(dir_.File("secret"), kSecret);
      config.hs256_secret_file = dir_.File("secret");
    }
    auto v = TokenVerifier::Create(config);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *std::move(v) : nullptr;
  }

  static void ExpectUnauthenticated(const absl::StatusOr<Principal>& result,
                                    const std::string& reason, const std::string& token = "") {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated) << result.status();
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(reason));
    if (!token.empty()) {
      // The reason never echoes the token or any part of it.
      for (absl::string_view part : absl::StrSplit(token, '.')) {
        if (part.size() >= 8) {
          EXPECT_THAT(std::string(result.status().message()), Not(HasSubstr(std::string(part))));
        }
      }
    }
  }

  static TestKey* rsa1_;
  static TestKey* rsa2_;
  static TestKey* ec1_;
  static TestKey* ec2_;
  TempDir dir_;
  absl::Mutex log_mu_;
  std::vector<std::string> log_;
};

TestKey* VerifierTest::rsa1_ = nullptr;
TestKey* VerifierTest::rsa2_ = nullptr;
TestKey* VerifierTest::ec1_ = nullptr;
TestKey* VerifierTest::ec2_ = nullptr;

// ---- algorithms and keys ---------------------------------------------------------------------

TEST_F(VerifierTest, Hs256Accepted) {
  auto v = WithSecret();
  auto spec = Spec("HS256", kSecret);
  spec.roles = {"REPORT_VIEWER", "ACCOUNT_ADMIN", "NOT_A_ROLE", "REPORT_VIEWER"};
  auto p = v->VerifyAuthorization(Bearer(Mint(spec)), kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "user-1@contoso.test");
  EXPECT_EQ(p->partner_id, "4812345");
  EXPECT_THAT(p->roles, ElementsAre(ACCOUNT_ADMIN, REPORT_VIEWER));  // unknown ignored, deduped
}

TEST_F(VerifierTest, MintHs256TokenHelper) {
  auto v = WithSecret();
  auto token =
      MintHs256Token(kSecret, "svc-ingest", "99", {"DATA_INGESTOR"}, kIssuer, kAudience, 300, kNow);
  ASSERT_TRUE(token.ok()) << token.status();
  auto p = v->VerifyToken(*token, kNow + 299);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "svc-ingest");
  EXPECT_THAT(p->roles, ElementsAre(teams_usage::v1::DATA_INGESTOR));
  ExpectUnauthenticated(v->VerifyToken(*token, kNow + 330), "expired");
}

TEST_F(VerifierTest, Rs256WithPemAccepted) {
  auto v = WithPublicKey(rsa1_->public_pem);
  auto p = v->VerifyAuthorization(Bearer(Mint(Spec("RS256", rsa1_->private_pem))), kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->partner_id, "4812345");
  // The other RSA key does not verify.
  ExpectUnauthenticated(
      v->VerifyAuthorization(Bearer(Mint(Spec("RS256", rsa2_->private_pem))), kNow),
      "invalid token signature");
}

TEST_F(VerifierTest, Es256WithPemAccepted) {
  auto v = WithPublicKey(ec1_->public_pem);
  auto p = v->VerifyAuthorization(Bearer(Mint(Spec("ES256", ec1_->private_pem))), kNow);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_THAT(p->roles, ElementsAre(REPORT_VIEWER));
  ExpectUnauthenticated(
      v->VerifyAuthorization(Bearer(Mint(Spec("ES256", ec2_->private_pem))), kNow),
      "invalid token signature");
}

TEST_F(VerifierTest, TokensSignedByAnotherImplementationAccepted) {
  // RFC 7515 / 7518 signatures made with plain OpenSSL, so libjwt's own format is not assumed.
  auto rsa = WithPublicKey(rsa1_->public_pem);
  const std::string rs = SignExternally(*rsa1_, R"({"alg":"RS256","typ":"JWT"})", Json());
  EXPECT_TRUE(rsa->VerifyToken(rs, kNow).ok()) << rsa->VerifyToken(rs, kNow).status();
  auto ec = WithPublicKey(ec1_->public_pem);
  const std::string es = SignExternally(*ec1_, R"({"alg":"ES256","kid":"x"})", Json());
  EXPECT_TRUE(ec->VerifyToken(es, kNow).ok()) << ec->VerifyToken(es, kNow).status();
}

TEST_F(VerifierTest, JwksChoosesKeyByKid) {
  const std::string jwks =
      absl::StrCat(R"({"keys":[{"kid":"rsa-2026",)", rsa1_->jwk_fields,
                   R"(,"use":"sig","alg":"RS256"},{"kid":"ec-2026",)", ec1_->jwk_fields, "}]}");
  auto v = WithPublicKey(jwks);
  auto rs = Spec("RS256", rsa1_->private_pem);
  rs.kid = "rsa-2026";
  EXPECT_TRUE(v->VerifyToken(Mint(rs), kNow).ok());
  auto es = Spec("ES256", ec1_->private_pem);
  es.kid = "ec-2026";
  EXPECT_TRUE(v->VerifyToken(Mint(es), kNow).ok());
  // A key of the other type under that kid: refused before the signature is looked at.
  auto mismatched = Spec("RS256", rsa1_->private_pem);
  mismatched.kid = "ec-2026";
  ExpectUnauthenticated(v->VerifyToken(Mint(mismatched), kNow), "does not match its key");
  // Signed by a key not in the set, naming a kid that is.
  auto forged = Spec("RS256", rsa2_->private_pem);
  forged.kid = "rsa-2026";
  ExpectUnauthenticated(v->VerifyToken(Mint(forged), kNow), "invalid token signature");
}

TEST_F(VerifierTest, JwksUnknownKidFails) {
  const std::string jwks = absl::StrCat(R"({"keys":[{"kid":"a",)", rsa1_->jwk_fields,
                                        R"(},{"kid":"b",)", rsa2_->jwk_fields, "}]}");
  auto v = WithPublicKey(jwks);
  auto spec = Spec("RS256", rsa1_->private_pem);
  spec.kid = "c";
  ExpectUnauthenticated(v->VerifyToken(Mint(spec), kNow), "unknown token key id");
  // No kid with two keys: ambiguous.
  spec.kid.clear();
  ExpectUnauthenticated(v->VerifyToken(Mint(spec), kNow), "no key id");
}

TEST_F(VerifierTest, JwksWithOneKeyAcceptsTokenWithoutKid) {
  auto v = WithPublicKey(absl::StrCat(R"({"keys":[{"kid":"only",)", ec1_->jwk_fields, "}]}"));
  EXPECT_TRUE(v->VerifyToken(Mint(Spec("ES256", ec1_->private_pem)), kNow).ok());
}

TEST_F(VerifierTest, AlgNoneRefused) {
  auto v = WithPublicKey(rsa1_->public_pem, /*also_secret=*/true);
  const std::string unsigned_token =
      absl::StrCat(B64Url(R"({"alg":"none","typ":"JWT"})"), ".", B64Url(Json()), ".");
  ExpectUnauthenticated(v->VerifyToken(unsigned_token, kNow), "malformed token");
  const std::string with_junk_sig = unsigned_token + "AAAA";
  ExpectUnauthenticated(v->VerifyToken(with_junk_sig, kNow), "algorithm not allowed");
  const std::string none_upper =
      absl::StrCat(B64Url(R"({"alg":"NONE"})"), ".", B64Url(Json()), ".AAAA");
  ExpectUnauthenticated(v->VerifyToken(none_upper, kNow), "algorithm not allowed");
}

TEST_F(VerifierTest, Hs256SignedWithRsaPublicPemRefused) {
  // The classic key-confusion attack: libjwt 1.10 alone would accept this with the PEM as key.
  const std::string attack = Mint(Spec("HS256", rsa1_->public_pem));
  auto only_public = WithPublicKey(rsa1_->public_pem);
  ExpectUnauthenticated(only_public->VerifyToken(attack, kNow), "algorithm not allowed", attack);
  auto both = WithPublicKey(rsa1_->public_pem, /*also_secret=*/true);
  ExpectUnauthenticated(both->VerifyToken(attack, kNow), "invalid token signature", attack);
  // Same with the canonical PEM text the verifier hands libjwt.
  auto canonical = ParsePemPublicKey(rsa1_->public_pem);
  ASSERT_TRUE(canonical.ok());
  ExpectUnauthenticated(both->VerifyToken(Mint(Spec("HS256", canonical->pem)), kNow),
                        "invalid token signature");
}

TEST_F(VerifierTest, DuplicateAlgHeaderCannotSwitchTheAlgorithm) {
  // If our header reading and libjwt's disagreed on a duplicated "alg", a token could select
  // the RSA key here and be HMAC-verified with it by libjwt; the algorithm libjwt reports must
  // therefore equal the one that chose the key.
  auto canonical = ParsePemPublicKey(rsa1_->public_pem);
  ASSERT_TRUE(canonical.ok());
  auto v = WithPublicKey(rsa1_->public_pem, /*also_secret=*/true);
  for (const char* header : {R"({"alg":"RS256","alg":"HS256"})", R"({"alg":"HS256","alg":"RS256"})",
                             R"({"alg":"RS256","typ":"JWT","alg":"HS256"})"}) {
    for (const std::string& key : {canonical->pem, rsa1_->public_pem, std::string(kSecret)}) {
      const std::string input = absl::StrCat(B64Url(header), ".", B64Url(Json()));
      unsigned char mac[EVP_MAX_MD_SIZE];
      unsigned int mac_len = 0;
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &mac_len);
      const std::string token =
          absl::StrCat(input, ".", B64Url(std::string(reinterpret_cast<char*>(mac), mac_len)));
      auto result = v->VerifyToken(token, kNow);
      EXPECT_FALSE(result.ok()) << header;
      EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
    }
  }
}

TEST_F(VerifierTest, OtherAlgorithmsRefused) {
  auto v = WithPublicKey(rsa1_->public_pem, /*also_secret=*/true);
  // HS384/HS512 with the right secret, RS256 key used for an ES256 header.
  for (const char* alg : {"HS384", "HS512", "RS384", "ES384", "PS256"}) {
    const std::string token =
        absl::StrCat(B64Url(absl::StrCat(R"({"alg":")", alg, "\"}")), ".", B64Url(Json()), ".AAAA");
    ExpectUnauthenticated(v->VerifyToken(token, kNow), "algorithm not allowed");
  }
  // An RS256-only deployment refuses HS256 even when correctly signed with some secret.
  auto rsa_only = WithPublicKey(rsa1_->public_pem);
  ExpectUnauthenticated(rsa_only->VerifyToken(Mint(Spec("HS256", kSecret)), kNow),
                        "algorithm not allowed");
  // ES256 header against an RSA-only key file.
  ExpectUnauthenticated(rsa_only->VerifyToken(Mint(Spec("ES256", ec1_->private_pem)), kNow),
                        "does not match its key");
  // HS256-only deployment refuses RS256.
  auto secret_only = WithSecret();
  ExpectUnauthenticated(secret_only->VerifyToken(Mint(Spec("RS256", rsa1_->private_pem)), kNow),
                        "algorithm not allowed");
}

// ---- the authorization header ----------------------------------------------------------------

TEST_F(VerifierTest, BearerSchemeRequired) {
  auto v = WithSecret();
  const std::string token = Mint(Spec("HS256", kSecret));
  EXPECT_TRUE(v->VerifyAuthorization("Bearer " + token, kNow).ok());
  EXPECT_TRUE(v->VerifyAuthorization("bearer " + token, kNow).ok());
  EXPECT_TRUE(v->VerifyAuthorization("BEARER   " + token + " ", kNow).ok());
  ExpectUnauthenticated(v->VerifyAuthorization(token, kNow), "scheme must be Bearer", token);
  ExpectUnauthenticated(v->VerifyAuthorization("Basic " + token, kNow), "scheme must be Bearer",
                        token);
  ExpectUnauthenticated(v->VerifyAuthorization("Token " + token, kNow), "scheme must be Bearer");
  ExpectUnauthenticated(v->VerifyAuthorization("Bearer", kNow), "missing bearer token");
  ExpectUnauthenticated(v->VerifyAuthorization("Bearer   ", kNow), "missing bearer token");
  ExpectUnauthenticated(v->VerifyAuthorization("", kNow), "missing bearer token");
  ExpectUnauthenticated(v->VerifyAuthorization("Bearer " + token + " " + token, kNow),
                        "malformed token", token);
}

TEST_F(VerifierTest, MalformedTokensRefused) {
  auto v = WithSecret();
  const std::string good = Mint(Spec("HS256", kSecret));
  const std::vector<std::string> parts = absl::StrSplit(good, '.');
  for (const std::string& bad : std::vector<std::string>{
           "abc", "a.b", "a.b.c.d", "..", parts[0] + "." + parts[1],
           parts[0] + "." + parts[1] + ".", "." + parts[1] + "." + parts[2],
           parts[0] + ".." + parts[2], parts[0] + "=." + parts[1] + "." + parts[2],
           parts[0] + "." + parts[1] + "." + parts[2] + "%", B64Url("not json") + ".e30.AAAA",
           B64Url(R"({"typ":"JWT"})") + ".e30.AAAA", B64Url(R"({"alg":256})") + ".e30.AAAA",
           B64Url(R"(["HS256"])") + ".e30.AAAA", std::string(9000, 'a') + ".b.c"}) {
    auto result = v->VerifyToken(bad, kNow);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated) << bad;
  }
  // Critical header extensions we do not implement.
  const std::string crit = SignExternally(*rsa1_, R"({"alg":"RS256","crit":["exp"]})", Json());
  ExpectUnauthenticated(WithPublicKey(rsa1_->public_pem)->VerifyToken(crit, kNow),
                        "unsupported token header");
}

TEST_F(VerifierTest, WrongSignatureRefused) {
  auto v = WithSecret();
  auto other = Spec("HS256", "another-secret-of-at-least-32-bytes!!");
  const std::string forged = Mint(other);
  ExpectUnauthenticated(v->VerifyToken(forged, kNow), "invalid token signature", forged);
  // A valid token's signature on a different payload (partner changed).
  auto mine = Spec("HS256", kSecret);
  const std::vector<std::string> a = absl::StrSplit(Mint(mine), '.');
  mine.partner_id = "999";
  const std::vector<std::string> b = absl::StrSplit(Mint(mine), '.');
  ExpectUnauthenticated(v->VerifyToken(absl::StrCat(a[0], ".", b[1], ".", a[2]), kNow),
                        "invalid token signature");
}

// ---- claims ------------------------------------------------------------------------------------

TEST_F(VerifierTest, ExpiryWithLeeway) {
  auto v = WithSecret();  // leeway 30 s
  auto spec = Spec("HS256", kSecret);
  spec.issued_at = kNow - 3600;
  spec.ttl_seconds = 3600;  // exp == kNow
  const std::string token = Mint(spec);
  EXPECT_TRUE(v->VerifyToken(token, kNow - 1).ok());
  EXPECT_TRUE(v->VerifyToken(token, kNow + 29).ok());  // within leeway
  ExpectUnauthenticated(v->VerifyToken(token, kNow + 30), "token expired", token);
  ExpectUnauthenticated(v->VerifyToken(token, kNow + 31), "token expired");
  // Verified once (and cached): still expires.
  ExpectUnauthenticated(v->VerifyToken(token, kNow + 7200), "token expired");
}

TEST_F(VerifierTest, NotBeforeWithLeeway) {
  auto v = WithSecret();
  auto spec = Spec("HS256", kSecret);
  spec.not_before = kNow + 29;
  EXPECT_TRUE(v->VerifyToken(Mint(spec), kNow).ok());  // within leeway
  spec.not_before = kNow + 31;
  const std::string early = Mint(spec);
  ExpectUnauthenticated(v->VerifyToken(early, kNow), "not yet valid", early);
  EXPECT_TRUE(v->VerifyToken(early, kNow + 2).ok());
}

TEST_F(VerifierTest, ZeroLeewayIsExact) {
  WriteFile(dir_.File("secret"), kSecret);
  auto config = Config();
  config.hs256_secret_file = dir_.File("secret");
  config.leeway_seconds = 0;
  auto v = TokenVerifier::Create(config);
  ASSERT_TRUE(v.ok());
  auto spec = Spec("HS256", kSecret);
  spec.issued_at = kNow - 10;
  spec.ttl_seconds = 10;
  const std::string token = Mint(spec);
  EXPECT_TRUE((*v)->VerifyToken(token, kNow - 1).ok());
  ExpectUnauthenticated((*v)->VerifyToken(token, kNow), "token expired");
}

TEST_F(VerifierTest, ExpRequired) {
  auto rsa = WithPublicKey(rsa1_->public_pem);
  const std::string header = R"({"alg":"RS256"})";
  const std::string base = absl::StrCat(R"({"sub":"u","partner_id":"p","iss":")", kIssuer,
                                        R"(","aud":")", kAudience, "\"");
  ExpectUnauthenticated(rsa->VerifyToken(SignExternally(*rsa1_, header, base + "}"), kNow),
                        "no exp claim");
  ExpectUnauthenticated(
      rsa->VerifyToken(SignExternally(*rsa1_, header, base + R"(,"exp":"tomorrow"})"), kNow),
      "malformed exp claim");
  ExpectUnauthenticated(
      rsa->VerifyToken(SignExternally(*rsa1_, header,
                                      absl::StrCat(base, ",\"exp\":", kNow + 60, ",\"nbf\":true}")),
                       kNow),
      "malformed nbf claim");
  // A fractional NumericDate is fine.
  EXPECT_TRUE(rsa->VerifyToken(SignExternally(*rsa1_, header,
                                              absl::StrCat(base, ",\"exp\":", kNow + 60, ".5}")),
                               kNow)
                  .ok());
}

TEST_F(VerifierTest, IssuerAndAudienceChecked) {
  auto v = WithSecret();
  auto spec = Spec("HS256", kSecret);
  spec.issuer = "https://evil.example.test/";
  ExpectUnauthenticated(v->VerifyToken(Mint(spec), kNow), "wrong token issuer");
  spec = Spec("HS256", kSecret);
  spec.issuer.clear();
  ExpectUnauthenticated(v->VerifyToken(Mint(spec), kNow), "wrong token issuer");
  spec = Spec("HS256", kSecret);
  spec.audience = "some-other-service";
  ExpectUnauthenticated(v->VerifyToken(Mint(spec), kNow), "wrong token audience");
  spec.audience.clear();
  ExpectUnauthenticated(v->VerifyToken(Mint(spec), kNow), "wrong token audience");

  // aud as an array (RFC 7519 §4.1.3), signed externally.
  auto rsa = WithPublicKey(rsa1_->public_pem);
  const auto with_aud = [&](const std::string& aud) {
    return SignExternally(*rsa1_, R"({"alg":"RS256"})",
                          absl::StrCat(R"({"sub":"u","partner_id":"p","iss":")", kIssuer,
                                       R"(","aud":)", aud, ",\"exp\":", kNow + 60, "}"));
  };
  EXPECT_TRUE(
      rsa->VerifyToken(with_aud(absl::StrCat(R"(["other",")", kAudience, "\"]")), kNow).ok());
  ExpectUnauthenticated(rsa->VerifyToken(with_aud(R"(["other","more"])"), kNow),
                        "wrong token audience");
  ExpectUnauthenticated(rsa->VerifyToken(with_aud("[]"), kNow), "wrong token audience");
  ExpectUnauthenticated(rsa->VerifyToken(with_aud("42"), kNow), "wrong token audience");
}

TEST_F(VerifierTest, SubjectPartnerAndRolesChecked) {
  auto v = WithSecret();
  auto spec = Spec("HS256", kSecret);
  spec.partner_id.clear();
  ExpectUnauthenticated(v->VerifyToken(Mint(spec), kNow), "partner_id");
  spec = Spec("HS256", kSecret);
  spec.subject.clear();
  ExpectUnauthenticated(v->VerifyToken(Mint(spec), kNow), "sub claim");
  // No roles at all: a valid principal without roles (the policy then denies).
  spec = Spec("HS256", kSecret);
  spec.roles.clear();
  auto p = v->VerifyToken(Mint(spec), kNow);
  ASSERT_TRUE(p.ok());
  EXPECT_THAT(p->roles, IsEmpty());

  auto rsa = WithPublicKey(rsa1_->public_pem);
  const auto with = [&](const std::string& claims) {
    return rsa->VerifyToken(
        SignExternally(*rsa1_, R"({"alg":"RS256"})",
                       absl::StrCat(R"({"iss":")", kIssuer, R"(","aud":")", kAudience,
                                    "\",\"exp\":", kNow + 60, ",", claims, "}")),
        kNow);
  };
  EXPECT_TRUE(with(R"("sub":"u","partner_id":"p","roles":["GLOBAL_ADMIN"])").ok());
  ExpectUnauthenticated(with(R"("sub":"u","partner_id":4812345)"), "partner_id");
  ExpectUnauthenticated(with(R"("sub":"u","partner_id":"")"), "partner_id");
  ExpectUnauthenticated(with(R"("sub":"u","partner_id":"a\nb")"), "partner_id");
  ExpectUnauthenticated(with(R"("sub":7,"partner_id":"p")"), "sub claim");
  ExpectUnauthenticated(with(R"("sub":"u","partner_id":"p","roles":"GLOBAL_ADMIN")"),
                        "malformed roles claim");
  ExpectUnauthenticated(with(R"("sub":"u","partner_id":"p","roles":[1])"), "malformed roles claim");
  auto lower = with(R"("sub":"u","partner_id":"p","roles":["global_admin","ROLE_UNSPECIFIED"])");
  ASSERT_TRUE(lower.ok());
  EXPECT_THAT(lower->roles, IsEmpty());  // names are exact; unknown ones are ignored
}

// ---- key files ---------------------------------------------------------------------------------

TEST_F(VerifierTest, CreateRefusesBadConfiguration) {
  auto config = Config();
  EXPECT_EQ(TokenVerifier::Create(config).status().code(), absl::StatusCode::kInvalidArgument);
  config.hs256_secret_file = dir_.File("does-not-exist");
  EXPECT_EQ(TokenVerifier::Create(config).status().code(), absl::StatusCode::kNotFound);
  WriteFile(dir_.File("short"), "too-short\n");
  config.hs256_secret_file = dir_.File("short");
  EXPECT_THAT(std::string(TokenVerifier::Create(config).status().message()),
              HasSubstr("shorter than 32 bytes"));
  WriteFile(dir_.File("secret"), kSecret);
  config.hs256_secret_file = dir_.File("secret");
  config.issuer.clear();
  EXPECT_EQ(TokenVerifier::Create(config).status().code(), absl::StatusCode::kInvalidArgument);
  config = Config();
  config.hs256_secret_file = dir_.File("secret");
  config.audience.clear();
  EXPECT_EQ(TokenVerifier::Create(config).status().code(), absl::StatusCode::kInvalidArgument);

  const auto public_key = [&](const std::string& contents) {
    WriteFile(dir_.File("pub"), contents);
    auto c = Config();
    c.public_key_file = dir_.File("pub");
    return TokenVerifier::Create(c).status();
  };
  EXPECT_FALSE(public_key(rsa1_->private_pem).ok());                    // a private key
  EXPECT_FALSE(public_key(NewRsa(1024).public_pem).ok());               // too weak
  EXPECT_FALSE(public_key(NewEc("P-384").public_pem).ok());             // wrong curve
  EXPECT_FALSE(public_key(rsa1_->public_pem + ec1_->public_pem).ok());  // two keys in a PEM
  EXPECT_FALSE(public_key("garbage").ok());
  EXPECT_FALSE(public_key("{\"keys\":[]}").ok());
  EXPECT_TRUE(public_key(ec1_->public_pem).ok());
}

TEST_F(VerifierTest, JwksParsing) {
  std::vector<std::string> warnings;
  auto keys = ParseJwks(
      absl::StrCat(R"({"keys":[)", R"({"kty":"oct","kid":"sym","k":"c2VjcmV0"},)",
                   R"({"kid":"enc",)", rsa2_->jwk_fields, R"(,"use":"enc"},)", R"({"kid":"ps",)",
                   rsa2_->jwk_fields, R"(,"alg":"PS256"},)", R"({"kid":"r",)", rsa1_->jwk_fields,
                   R"(},)", R"({"kid":"e",)", ec1_->jwk_fields, R"(}]})"),
      &warnings);
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].kid, "r");
  EXPECT_EQ((*keys)[0].type, KeyType::kRsa);
  EXPECT_EQ((*keys)[1].kid, "e");
  EXPECT_EQ((*keys)[1].type, KeyType::kEcP256);
  EXPECT_EQ(warnings.size(), 3u);
  // The PEM built from n/e is the same key as the original PEM.
  EXPECT_EQ((*keys)[0].pem, ParsePemPublicKey(rsa1_->public_pem)->pem);
  EXPECT_EQ((*keys)[1].pem, ParsePemPublicKey(ec1_->public_pem)->pem);

  EXPECT_FALSE(ParseJwks(absl::StrCat(R"({"keys":[{"kid":"a",)", rsa1_->jwk_fields,
                                      R"(},{"kid":"a",)", ec1_->jwk_fields, "}]}"),
                         nullptr)
                   .ok());  // duplicate kid
  EXPECT_FALSE(ParseJwks(R"({"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}]})",
                         nullptr)
                   .ok());  // short coordinates
  // A point that is not on the curve.
  const std::string zeros = B64Url(std::string(32, '\0'));
  EXPECT_FALSE(
      ParseJwks(absl::StrCat(R"({"keys":[{"kty":"EC","crv":"P-256","x":")", zeros, R"(","y":")",
                             B64Url(std::string(31, '\0') + "\x01"), "\"}]}"),
                nullptr)
          .ok());
  EXPECT_FALSE(ParseJwks(R"({"keys":[{"kty":"RSA","n":"AQAB"}]})", nullptr).ok());  // no e
  EXPECT_FALSE(ParseJwks("[]", nullptr).ok());
  EXPECT_FALSE(ParseJwks("{\"keys\":{}}", nullptr).ok());
}

TEST_F(VerifierTest, PublicKeyRotationWithoutRestart) {
  auto v = WithPublicKey(rsa1_->public_pem);
  const std::string old_token = Mint(Spec("RS256", rsa1_->private_pem));
  const std::string new_token = Mint(Spec("RS256", rsa2_->private_pem));
  ASSERT_TRUE(v->VerifyToken(old_token, kNow).ok());  // verified and cached
  ExpectUnauthenticated(v->VerifyToken(new_token, kNow), "invalid token signature");

  WriteFile(dir_.File("public"), rsa2_->public_pem);
  EXPECT_TRUE(v->VerifyToken(new_token, kNow).ok());
  ExpectUnauthenticated(v->VerifyToken(old_token, kNow), "invalid token signature");

  // To a JWKS holding both (an overlap window), then to EC only.
  WriteFile(dir_.File("public"), absl::StrCat(R"({"keys":[{"kid":"old",)", rsa1_->jwk_fields,
                                              R"(},{"kid":"new",)", rsa2_->jwk_fields, "}]}"));
  auto old_kid = Spec("RS256", rsa1_->private_pem);
  old_kid.kid = "old";
  auto new_kid = Spec("RS256", rsa2_->private_pem);
  new_kid.kid = "new";
  EXPECT_TRUE(v->VerifyToken(Mint(old_kid), kNow).ok());
  EXPECT_TRUE(v->VerifyToken(Mint(new_kid), kNow).ok());
  WriteFile(dir_.File("public"), ec1_->public_pem);
  ExpectUnauthenticated(v->VerifyToken(Mint(new_kid), kNow), "does not match its key");
  EXPECT_TRUE(v->VerifyToken(Mint(Spec("ES256", ec1_->private_pem)), kNow).ok());
}

TEST_F(VerifierTest, InPlaceRewriteDetected) {
  // Same inode, same size (two 2048-bit RSA keys), only mtime differs.
  auto v = WithPublicKey(rsa1_->public_pem);
  const std::string path = dir_.File("public");
  ASSERT_EQ(rsa1_->public_pem.size(), rsa2_->public_pem.size());
  {
    std::ofstream out(path, std::ios::binary | std::ios::in | std::ios::out);
    out << rsa2_->public_pem;
  }
  struct timespec times[2] = {{0, UTIME_NOW}, {kNow, 0}};  // mtime bumped explicitly
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  EXPECT_TRUE(v->VerifyToken(Mint(Spec("RS256", rsa2_->private_pem)), kNow).ok());
}

TEST_F(VerifierTest, SecretRotation) {
  auto v = WithSecret();
  const std::string old_token = Mint(Spec("HS256", kSecret));
  ASSERT_TRUE(v->VerifyToken(old_token, kNow).ok());
  const std::string next_secret = "a-completely-new-secret-of-enough-length";
  WriteFile(dir_.File("secret"), next_secret);
  ExpectUnauthenticated(v->VerifyToken(old_token, kNow), "invalid token signature");
  EXPECT_TRUE(v->VerifyToken(Mint(Spec("HS256", next_secret)), kNow).ok());
}

TEST_F(VerifierTest, BrokenKeyFileFailsClosedAndLogsOnce) {
  auto v = WithPublicKey(rsa1_->public_pem);
  const std::string token = Mint(Spec("RS256", rsa1_->private_pem));
  ASSERT_TRUE(v->VerifyToken(token, kNow).ok());
  WriteFile(dir_.File("public"), "-----BEGIN PUBLIC KEY-----\nnot base64\n");
  for (int i = 0; i < 5; ++i) {
    ExpectUnauthenticated(v->VerifyToken(token, kNow), "signing key unavailable");
  }
  const auto errors = [&] {
    int n = 0;
    for (const auto& line : log()) n += line.rfind("error:", 0) == 0;
    return n;
  };
  EXPECT_EQ(errors(), 1);
  // Unreadable (removed): still closed, logged once more for the change.
  ASSERT_EQ(std::remove(dir_.File("public").c_str()), 0);
  ExpectUnauthenticated(v->VerifyToken(token, kNow), "signing key unavailable");
  ExpectUnauthenticated(v->VerifyToken(token, kNow), "signing key unavailable");
  EXPECT_EQ(errors(), 2);
  // Fixed: accepted again without a restart.
  WriteFile(dir_.File("public"), rsa1_->public_pem);
  EXPECT_TRUE(v->VerifyToken(token, kNow).ok());
  for (const auto& line : log()) EXPECT_THAT(line, Not(HasSubstr(token.substr(0, 20))));
}

TEST_F(VerifierTest, RecheckIntervalThrottlesStat) {
  WriteFile(dir_.File("public"), rsa1_->public_pem);
  auto config = Config();
  config.public_key_file = dir_.File("public");
  config.recheck_interval = absl::Milliseconds(300);
  auto v = TokenVerifier::Create(config);
  ASSERT_TRUE(v.ok());
  const std::string new_token = Mint(Spec("RS256", rsa2_->private_pem));
  WriteFile(dir_.File("public"), rsa2_->public_pem);
  // Within the interval the old key is still in use...
  ExpectUnauthenticated((*v)->VerifyToken(new_token, kNow), "invalid token signature");
  // ...and after it the new one.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_TRUE((*v)->VerifyToken(new_token, kNow).ok());
}

TEST_F(VerifierTest, PemWithLeadingTextAndKidInToken) {
  // `openssl` output may carry text before the PEM block; a kid in the token is then ignored.
  auto v = WithPublicKey("Public-Key: (2048 bit)\n" + rsa1_->public_pem);
  auto spec = Spec("RS256", rsa1_->private_pem);
  spec.kid = "whatever";
  EXPECT_TRUE(v->VerifyToken(Mint(spec), kNow).ok());
}

TEST_F(VerifierTest, ConcurrentVerificationAndRotation) {
  // Without the cache, so that jwt_decode itself runs on several threads at once.
  WriteFile(dir_.File("secret"), kSecret);
  auto config = Config();
  config.hs256_secret_file = dir_.File("secret");
  config.cache_entries = 0;
  auto created = TokenVerifier::Create(config);
  ASSERT_TRUE(created.ok());
  const std::unique_ptr<TokenVerifier>& v = *created;
  const std::string token = Mint(Spec("HS256", kSecret));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        if (!v->VerifyToken(token, kNow).ok()) ++failures;
      }
    });
  }
  for (int i = 0; i < 20; ++i) WriteFile(dir_.File("secret"), kSecret);  // same secret, rewritten
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace teams_usage::auth
