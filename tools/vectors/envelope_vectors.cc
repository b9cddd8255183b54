// tests/vectors/envelope.json: envelopes with the key pair that opens them (or should fail to),
// the encoded envelope, its cable digest, and tampered or not-a-recipient cases.
#include "crypto/envelope.h"
#include "vectors/registry.h"

namespace candor::vectors {
namespace {

nlohmann::json MakeEnvelopeVectors() {
  using namespace candor::crypto;  // NOLINT(google-build-using-namespace)
  SeededRng rng(0x656e76656c6f7065);  // "envelope"
  std::vector<BoxKeyPair> keys;
  std::vector<BoxPublicKey> publics;
  for (int i = 0; i < 3; ++i) {
    keys.push_back(GenerateBoxKeyPair(rng));
    publics.push_back(keys.back().public_key);
  }
  BoxKeyPair outsider = GenerateBoxKeyPair(rng);
  nlohmann::json out = nlohmann::json::array();
  auto add = [&](const std::string& description, const Bytes& header, const Bytes& plaintext,
                 const Envelope& env, const BoxKeyPair& opener, bool valid) {
    nlohmann::json recipients = nlohmann::json::array();
    for (const auto& p : publics) recipients.push_back(ToHex(p));
    nlohmann::json wraps = nlohmann::json::array();
    for (const auto& w : env.wrapped_keys) wraps.push_back(ToHex(ByteSpan(w)));
    out.push_back({{"description", description},
                   {"header", ToHex(header)},
                   {"plaintext", ToHex(plaintext)},
                   {"recipients", recipients},
                   {"nonce", ToHex(ByteSpan(env.nonce))},
                   {"ciphertext", ToHex(env.ciphertext)},
                   {"wrapped_keys", wraps},
                   {"envelope", ToHex(env.Encode())},
                   {"cable_digest", ToHex(CableDigest(header, env.ciphertext))},
                   {"opener_public", ToHex(opener.public_key)},
                   {"opener_secret", ToHex(opener.secret.span())},
                   {"valid", valid}});
  };
  Bytes header(AsBytes("candor/v1 cable header: org=demo-agency").begin(),
               AsBytes("candor/v1 cable header: org=demo-agency").end());
  std::string text = "We ask leadership to reconsider.";
  Bytes plain(text.begin(), text.end());
  Envelope env = *SealEnvelope(header, plain, publics, rng);
  for (int i = 0; i < 3; ++i) {
    add("valid, opened by recipient " + std::to_string(i), header, plain, env, keys[i], true);
  }
  Envelope empty = *SealEnvelope(header, {}, std::span(publics).first(1), rng);
  add("valid, empty plaintext, one recipient", header, {}, empty, keys[0], true);
  add("not a recipient", header, plain, env, outsider, false);
  Bytes other_header = header;
  other_header.back() ^= 1;
  add("header changed", other_header, plain, env, keys[0], false);
  Envelope ct = env;
  ct.ciphertext[5] ^= 1;
  add("ciphertext changed", header, plain, ct, keys[0], false);
  Envelope tag = env;
  tag.ciphertext.back() ^= 1;
  add("authentication tag changed", header, plain, tag, keys[0], false);
  Envelope nonce = env;
  nonce.nonce[0] ^= 1;
  add("nonce changed", header, plain, nonce, keys[0], false);
  Envelope wrap = env;
  wrap.wrapped_keys[1][40] ^= 1;
  add("recipient 1's wrapped key changed", header, plain, wrap, keys[1], false);
  return out;
}

}  // namespace
CANDOR_REGISTER_VECTORS("envelope.json", MakeEnvelopeVectors);
}  // namespace candor::vectors
