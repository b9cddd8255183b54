// tests/vectors/keyfile.json: member key files (CRYPTO.md "Member keys"; the layout is
// docs/FORMATS.md, "Key file"), written with Interactive Argon2id settings to keep checks
// fast (real files use Moderate; readers accept both).
//
// A JSON array; every element has `description`, `file` (hex), `passphrase` (UTF-8 text),
// the expected `ring_public` and `box_public` (hex), the boolean `valid`, and:
//   - valid elements: `derived_key`, the hex of
//     crypto_pwhash(32, passphrase, salt, opslimit, memlimit, ALG_ARGON2ID13), so another
//     implementation can check its Argon2id and its AEAD separately;
//   - invalid elements: `error`, the ErrorCodeName the C++ reader reports: "corrupt data" for
//     a file rejected before Argon2id runs (length, magic, settings out of range),
//     "unauthenticated" for a wrong passphrase or any authenticated byte changed.
// Each invalid element changes exactly one thing of the first valid file.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "crypto/bytes.h"
#include "crypto/keyfile.h"
#include "crypto/keys.h"
#include "crypto/rng.h"
#include "vectors/generator_util.h"
#include "vectors/registry.h"

namespace candor::vectors {
namespace {

using crypto::Bytes;
using crypto::KdfParams;
using crypto::MemberKeys;
using crypto::ToHex;
using nlohmann::json;

json Element(const std::string& description, const Bytes& file, const std::string& passphrase,
             const MemberKeys& keys) {
  return {{"description", description},
          {"file", ToHex(file)},
          {"passphrase", passphrase},
          {"ring_public", ToHex(keys.ring.public_key)},
          {"box_public", ToHex(keys.box.public_key)}};
}

json Valid(const std::string& description, const Bytes& file, const std::string& passphrase,
           const MemberKeys& keys) {
  json e = Element(description, file, passphrase, keys);
  e["derived_key"] = ToHex(Must(crypto::DeriveKeyFileKey(file, passphrase)).span());
  e["valid"] = true;
  return e;
}

json Invalid(const std::string& description, const Bytes& file, const std::string& passphrase,
             const MemberKeys& keys, const std::string& error) {
  json e = Element(description, file, passphrase, keys);
  e["error"] = error;
  e["valid"] = false;
  return e;
}

Bytes WithU64(Bytes file, std::size_t offset, std::uint64_t v) {
  auto le = crypto::U64Le(v);
  std::copy(le.begin(), le.end(), file.begin() + static_cast<std::ptrdiff_t>(offset));
  return file;
}

json MakeKeyFileVectors() {
  crypto::SeededRng rng(0x6b657966696c65);  // "keyfile"
  json out = json::array();
  const std::string pa = "correct horse battery staple";
  const std::string pb = "p\xc3\xa4ssw\xc3\xb6rd \xe2\x9c\x93";
  MemberKeys a = crypto::GenerateMemberKeys(rng);
  Bytes fa = Must(crypto::SealKeyFile(a, pa, KdfParams::Interactive(), rng));
  out.push_back(Valid("valid key file", fa, pa, a));
  MemberKeys b = crypto::GenerateMemberKeys(rng);
  Bytes fb = Must(crypto::SealKeyFile(b, pb, KdfParams::Interactive(), rng));
  out.push_back(Valid("valid key file, UTF-8 passphrase", fb, pb, b));

  const std::string kUnauthenticated = "unauthenticated";
  const std::string kCorrupt = "corrupt data";
  out.push_back(
      Invalid("wrong passphrase", fa, "correct horse battery stapler", a, kUnauthenticated));
  Bytes header = fa;
  header[100] ^= 1;
  out.push_back(
      Invalid("reply public key changed (authenticated header)", header, pa, a, kUnauthenticated));
  Bytes salt = fa;
  salt[30] ^= 1;
  out.push_back(Invalid("salt changed", salt, pa, a, kUnauthenticated));
  Bytes ct = fa;
  ct[150] ^= 1;
  out.push_back(Invalid("ciphertext changed", ct, pa, a, kUnauthenticated));
  Bytes tag = fa;
  tag.back() ^= 1;
  out.push_back(Invalid("authentication tag changed", tag, pa, a, kUnauthenticated));
  Bytes truncated(fa.begin(), fa.end() - 1);
  out.push_back(Invalid("truncated by one byte", truncated, pa, a, kCorrupt));
  Bytes magic = fa;
  magic[0] = 'X';
  out.push_back(Invalid("wrong magic", magic, pa, a, kCorrupt));
  // Appended after the original cases so that their bytes stay as they were.
  Bytes extended = fa;
  extended.push_back(0);
  out.push_back(Invalid("extended by one byte", extended, pa, a, kCorrupt));
  out.push_back(
      Invalid("opslimit 1, below OPSLIMIT_INTERACTIVE", WithU64(fa, 8, 1), pa, a, kCorrupt));
  out.push_back(Invalid("memlimit 2 GiB, above MEMLIMIT_SENSITIVE",
                        WithU64(fa, 16, std::uint64_t{2} << 30), pa, a, kCorrupt));
  out.push_back(Invalid("opslimit 3 (MODERATE, in range) but not what the file was sealed with",
                        WithU64(fa, 8, 3), pa, a, kUnauthenticated));
  return out;
}

}  // namespace
CANDOR_REGISTER_VECTORS("keyfile.json", MakeKeyFileVectors);
}  // namespace candor::vectors
