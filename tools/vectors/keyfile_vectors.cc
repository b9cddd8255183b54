// tests/vectors/keyfile.json: key files (Interactive Argon2id settings, to keep checks fast)
// with their passphrases and expected public keys, and damaged or wrongly unlocked ones.
#include "crypto/keyfile.h"
#include "vectors/registry.h"

namespace candor::vectors {
namespace {

nlohmann::json MakeKeyFileVectors() {
  using namespace candor::crypto;  // NOLINT(google-build-using-namespace)
  SeededRng rng(0x6b657966696c65);  // "keyfile"
  nlohmann::json out = nlohmann::json::array();
  auto add = [&](const Bytes& file, const std::string& passphrase, const MemberKeys& keys,
                 bool valid, const std::string& description) {
    out.push_back({{"description", description},
                   {"file", ToHex(file)},
                   {"passphrase", passphrase},
                   {"ring_public", ToHex(keys.ring.public_key)},
                   {"box_public", ToHex(keys.box.public_key)},
                   {"valid", valid}});
  };
  MemberKeys a = GenerateMemberKeys(rng);
  Bytes fa = *SealKeyFile(a, "correct horse battery staple", KdfParams::Interactive(), rng);
  add(fa, "correct horse battery staple", a, true, "valid key file");
  MemberKeys b = GenerateMemberKeys(rng);
  Bytes fb = *SealKeyFile(b, "p\xc3\xa4ssw\xc3\xb6rd \xe2\x9c\x93", KdfParams::Interactive(), rng);
  add(fb, "p\xc3\xa4ssw\xc3\xb6rd \xe2\x9c\x93", b, true, "valid key file, UTF-8 passphrase");
  add(fa, "correct horse battery stapler", a, false, "wrong passphrase");
  Bytes header = fa;
  header[100] ^= 1;
  add(header, "correct horse battery staple", a, false, "reply public key changed (authenticated header)");
  Bytes salt = fa;
  salt[30] ^= 1;
  add(salt, "correct horse battery staple", a, false, "salt changed");
  Bytes ct = fa;
  ct[150] ^= 1;
  add(ct, "correct horse battery staple", a, false, "ciphertext changed");
  Bytes tag = fa;
  tag.back() ^= 1;
  add(tag, "correct horse battery staple", a, false, "authentication tag changed");
  Bytes truncated(fa.begin(), fa.end() - 1);
  add(truncated, "correct horse battery staple", a, false, "truncated by one byte");
  Bytes magic = fa;
  magic[0] = 'X';
  add(magic, "correct horse battery staple", a, false, "wrong magic");
  return out;
}

}  // namespace
CANDOR_REGISTER_VECTORS("keyfile.json", MakeKeyFileVectors);
}  // namespace candor::vectors
