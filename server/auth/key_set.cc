#include "server/auth/key_set.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <memory>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/auth/string_view_compat.h"

namespace teams_usage::auth {
namespace {

constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 16384;
constexpr size_t kP256CoordinateBytes = 32;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamFree>;

// Never prompt for a passphrase (OpenSSL's default callback reads the terminal).
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return 0; }

absl::StatusOr<std::string> ToPem(EVP_PKEY* pkey) {
  BioPtr out(BIO_new(BIO_s_mem()));
  if (out == nullptr || PEM_write_bio_PUBKEY(out.get(), pkey) != 1) {
    ERR_clear_error();
    return absl::InternalError("cannot encode public key as PEM");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

// Checks type and strength, and fills `key` (type and canonical PEM).
absl::Status Classify(EVP_PKEY* pkey, PublicKey* key) {
  const int id = EVP_PKEY_get_base_id(pkey);
  if (id == EVP_PKEY_RSA) {
    const int bits = EVP_PKEY_get_bits(pkey);
    if (bits < kMinRsaBits || bits > kMaxRsaBits) {
      return absl::InvalidArgumentError(
          absl::StrCat("RSA key of ", bits, " bits; at least ", kMinRsaBits, " required"));
    }
    key->type = KeyType::kRsa;
  } else if (id == EVP_PKEY_EC) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) != 1 ||
        std::string_view(group, len) != "prime256v1") {
      ERR_clear_error();
      return absl::InvalidArgumentError("EC key is not on curve P-256");
    }
    key->type = KeyType::kEcP256;
  } else {
    return absl::InvalidArgumentError("public key is neither RSA nor EC");
  }
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError("public key fails its consistency check");
  }
  auto pem = ToPem(pkey);
  if (!pem.ok()) return pem.status();
  key->pem = *std::move(pem);
  return absl::OkStatus();
}

absl::StatusOr<PkeyPtr> FromData(const char* type, OSSL_PARAM_BLD* bld) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat("invalid ", type, " key parameters"));
  }
  return PkeyPtr(raw);
}

// base64url without padding (RFC 7518 §6: "Base64urlUInt"); padding is tolerated.
absl::StatusOr<std::string> DecodeB64Url(const google::protobuf::Struct& jwk, const char* name) {
  const auto it = jwk.fields().find(name);
  if (it == jwk.fields().end() || it->second.kind_case() != google::protobuf::Value::kStringValue ||
      it->second.string_value().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("missing member \"", name, "\""));
  }
  std::string_view text = it->second.string_value();
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  for (char c : text) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return absl::InvalidArgumentError(absl::StrCat("member \"", name, "\" is not base64url"));
    }
  }
  std::string out;
  if (!absl::WebSafeBase64Unescape(AbslView(text), &out) || out.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("member \"", name, "\" is not base64url"));
  }
  return out;
}

// nullptr when absent; an error when present but not a string.
absl::StatusOr<const std::string*> OptionalString(const google::protobuf::Struct& s,
                                                  const char* name) {
  const auto it = s.fields().find(name);
  if (it == s.fields().end()) return nullptr;
  if (it->second.kind_case() != google::protobuf::Value::kStringValue) {
    return absl::InvalidArgumentError(absl::StrCat("member \"", name, "\" is not a string"));
  }
  return &it->second.string_value();
}

absl::StatusOr<PkeyPtr> RsaFromJwk(const google::protobuf::Struct& jwk) {
  auto n = DecodeB64Url(jwk, "n");
  if (!n.ok()) return n.status();
  auto e = DecodeB64Url(jwk, "e");
  if (!e.ok()) return e.status();
  if (e->size() > 8) return absl::InvalidArgumentError("RSA exponent too large");
  BnPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                       static_cast<int>(n->size()), nullptr));
  BnPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                       static_cast<int>(e->size()), nullptr));
  if (bn_n == nullptr || bn_e == nullptr) return absl::InternalError("out of memory");
  if (!BN_is_odd(bn_e.get()) || BN_is_one(bn_e.get())) {
    return absl::InvalidArgumentError("RSA exponent is invalid");
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return absl::InternalError("out of memory");
  }
  return FromData("RSA", bld.get());
}

absl::StatusOr<PkeyPtr> EcFromJwk(const google::protobuf::Struct& jwk) {
  auto x = DecodeB64Url(jwk, "x");
  if (!x.ok()) return x.status();
  auto y = DecodeB64Url(jwk, "y");
  if (!y.ok()) return y.status();
  if (x->size() != kP256CoordinateBytes || y->size() != kP256CoordinateBytes) {
    return absl::InvalidArgumentError("P-256 coordinates must be 32 bytes");
  }
  std::string point = absl::StrCat("\x04", *x, *y);  // uncompressed SEC1 point
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return absl::InternalError("out of memory");
  }
  return FromData("EC", bld.get());
}

}  // namespace

absl::StatusOr<PublicKey> ParsePemPublicKey(std::string_view pem) {
  if (!absl::StrContains(AbslView(pem), "-----BEGIN PUBLIC KEY-----")) {
    return absl::InvalidArgumentError(
        "not a PEM public key (expected \"-----BEGIN PUBLIC KEY-----\")");
  }
  BioPtr in(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (in == nullptr) return absl::InternalError("out of memory");
  PkeyPtr pkey(PEM_read_bio_PUBKEY(in.get(), nullptr, NoPassphrase, nullptr));
  if (pkey == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("cannot parse the PEM public key");
  }
  PkeyPtr second(PEM_read_bio_PUBKEY(in.get(), nullptr, NoPassphrase, nullptr));
  ERR_clear_error();
  if (second != nullptr) {
    return absl::InvalidArgumentError("several keys in one PEM file; use a JWKS file instead");
  }
  PublicKey key;
  if (auto status = Classify(pkey.get(), &key); !status.ok()) return status;
  return key;
}

absl::StatusOr<std::vector<PublicKey>> ParseJwks(std::string_view json,
                                                 std::vector<std::string>* warnings) {
  google::protobuf::Struct doc;
  if (!google::protobuf::util::JsonStringToMessage(std::string(json), &doc).ok()) {
    return absl::InvalidArgumentError("JWKS is not a JSON object");
  }
  const auto keys_it = doc.fields().find("keys");
  if (keys_it == doc.fields().end() ||
      keys_it->second.kind_case() != google::protobuf::Value::kListValue) {
    return absl::InvalidArgumentError("JWKS has no \"keys\" array");
  }
  std::vector<PublicKey> out;
  std::set<std::string> kids;
  const auto& list = keys_it->second.list_value().values();
  for (int i = 0; i < list.size(); ++i) {
    const std::string where = absl::StrCat("JWKS key #", i);
    if (list[i].kind_case() != google::protobuf::Value::kStructValue) {
      return absl::InvalidArgumentError(absl::StrCat(where, " is not an object"));
    }
    const auto& jwk = list[i].struct_value();
    auto kty = OptionalString(jwk, "kty");
    auto kid = OptionalString(jwk, "kid");
    auto use = OptionalString(jwk, "use");
    auto alg = OptionalString(jwk, "alg");
    auto crv = OptionalString(jwk, "crv");
    for (const auto* s : {&kty, &kid, &use, &alg, &crv}) {
      if (!s->ok())
        return absl::InvalidArgumentError(absl::StrCat(where, ": ", s->status().message()));
    }
    if (*kty == nullptr) return absl::InvalidArgumentError(absl::StrCat(where, ": no \"kty\""));
    const std::string label = *kid ? absl::StrCat(where, " (kid \"", **kid, "\")") : where;
    if (*use != nullptr && **use != "sig") {
      if (warnings) warnings->push_back(absl::StrCat(label, ": skipped, \"use\" is not \"sig\""));
      continue;
    }
    absl::StatusOr<PkeyPtr> pkey = absl::UnknownError("");
    if (**kty == "RSA") {
      if (*alg != nullptr && **alg != "RS256") {
        if (warnings) warnings->push_back(absl::StrCat(label, ": skipped, alg ", **alg));
        continue;
      }
      pkey = RsaFromJwk(jwk);
    } else if (**kty == "EC") {
      if (*crv == nullptr || **crv != "P-256") {
        if (warnings) warnings->push_back(absl::StrCat(label, ": skipped, curve is not P-256"));
        continue;
      }
      if (*alg != nullptr && **alg != "ES256") {
        if (warnings) warnings->push_back(absl::StrCat(label, ": skipped, alg ", **alg));
        continue;
      }
      pkey = EcFromJwk(jwk);
    } else {
      if (warnings) warnings->push_back(absl::StrCat(label, ": skipped, kty ", **kty));
      continue;
    }
    if (!pkey.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(label, ": ", pkey.status().message()));
    }
    PublicKey key;
    if (auto status = Classify(pkey->get(), &key); !status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(label, ": ", status.message()));
    }
    if (*kid != nullptr) {
      if (!kids.insert(**kid).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("JWKS has two keys with kid \"", **kid, "\""));
      }
      key.kid = **kid;
    }
    out.push_back(std::move(key));
  }
  if (out.empty()) return absl::InvalidArgumentError("JWKS has no usable RS256 or ES256 key");
  return out;
}

absl::StatusOr<std::vector<PublicKey>> ParsePublicKeyFile(std::string_view contents,
                                                          std::vector<std::string>* warnings) {
  const std::string_view trimmed = StdView(absl::StripLeadingAsciiWhitespace(AbslView(contents)));
  if (!trimmed.empty() && trimmed.front() == '{') return ParseJwks(trimmed, warnings);
  auto key = ParsePemPublicKey(contents);
  if (!key.ok()) return key.status();
  return std::vector<PublicKey>{*std::move(key)};
}

}  // namespace teams_usage::auth
