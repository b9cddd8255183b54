// tests/vectors/envelope.json: candor-env-v1 (CRYPTO.md "Cable envelopes", "Test vectors").
//
// A JSON array; every element has the hex fields `header`, `plaintext`, `nonce`,
// `ciphertext`, `wrapped_keys` (array, one per recipient, in recipient order), `envelope`
// (the docs/FORMATS.md encoding of those three), `cable_digest`
// (H256("candor/v1/cable", header, ciphertext)), `opener_public` and `opener_secret` (the
// X25519 key pair that tries to open it), the boolean `valid` and a `description`.
//
// Valid elements also carry `rewrap_to_public`, `rewrap_to_secret`, `rewrap_rng_seed` and
// `rewrap`: RewrapEnvelopeKey(header, envelope, recipients[0]'s key pair, rewrap_to_public,
// SeededRng(rewrap_rng_seed)) gives `rewrap` (one ephemeral secret drawn), and the envelope with
// it appended opens for the rewrap key pair to `plaintext`.
//
// Valid elements also carry `recipients` and `recipient_secrets` (hex arrays, each of which
// opens the envelope to `plaintext`) and `seal_rng_seed`: SealEnvelope(header, plaintext,
// recipients, SeededRng(seal_rng_seed)) reproduces the envelope byte for byte (envelope.h
// documents the draw order: k, N, then one ephemeral secret per recipient). Another
// implementation checks that it opens every valid envelope and refuses every invalid one;
// the wraps are ordinary crypto_box_seal output.
//
// Invalid elements carry `error`, the ErrorCodeName the C++ opener reports: "permission
// denied" when no wrap opens for the opener, "verification failed" when one does but the
// ciphertext does not authenticate. Each changes exactly one thing of a valid envelope,
// named by `description`.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/envelope.h"
#include "crypto/keys.h"
#include "crypto/rng.h"
#include "vectors/generator_util.h"
#include "vectors/registry.h"

namespace candor::vectors {
namespace {

using crypto::BoxKeyPair;
using crypto::BoxPublicKey;
using crypto::Bytes;
using crypto::ByteSpan;
using crypto::Envelope;
using crypto::SeededRng;
using crypto::ToHex;
using nlohmann::json;

json Element(const std::string& description, const Bytes& header, const Bytes& plaintext,
             const Envelope& env, const BoxKeyPair& opener) {
  json wraps = json::array();
  for (const auto& w : env.wrapped_keys) wraps.push_back(ToHex(ByteSpan(w)));
  return {{"description", description},
          {"header", ToHex(header)},
          {"plaintext", ToHex(plaintext)},
          {"nonce", ToHex(ByteSpan(env.nonce))},
          {"ciphertext", ToHex(env.ciphertext)},
          {"wrapped_keys", wraps},
          {"envelope", ToHex(env.Encode())},
          {"cable_digest", ToHex(crypto::CableDigest(header, env.ciphertext))},
          {"opener_public", ToHex(opener.public_key)},
          {"opener_secret", ToHex(opener.secret.span())}};
}

// One sealed envelope and the key pairs of its recipients.
struct Sealed {
  Bytes header;
  Bytes plaintext;
  std::vector<const BoxKeyPair*> recipients;
  std::uint64_t seed;
  Envelope env;
};

Sealed Seal(Bytes header, Bytes plaintext, std::vector<const BoxKeyPair*> recipients,
            std::uint64_t seed) {
  std::vector<BoxPublicKey> publics;
  for (const BoxKeyPair* kp : recipients) publics.push_back(kp->public_key);
  SeededRng rng(seed);
  Envelope env = Must(crypto::SealEnvelope(header, plaintext, publics, rng));
  return {std::move(header), std::move(plaintext), std::move(recipients), seed, std::move(env)};
}

json Valid(const std::string& description, const Sealed& s, std::size_t opener) {
  json e = Element(description, s.header, s.plaintext, s.env, *s.recipients[opener]);
  json publics = json::array(), secrets = json::array();
  for (const BoxKeyPair* kp : s.recipients) {
    publics.push_back(ToHex(kp->public_key));
    secrets.push_back(ToHex(kp->secret.span()));
  }
  e["recipients"] = publics;
  e["recipient_secrets"] = secrets;
  e["seal_rng_seed"] = s.seed;
  // RewrapEnvelopeKey(header, envelope, recipients[0], rewrap_to, SeededRng(rewrap_rng_seed)):
  // one more wrap of the same content key, for a key pair that is not a recipient.
  SeededRng to_rng(s.seed + 1000);
  const BoxKeyPair to = crypto::GenerateBoxKeyPair(to_rng);
  SeededRng rewrap_rng(s.seed + 2000);
  const crypto::WrappedKey wrap =
      Must(crypto::RewrapEnvelopeKey(s.header, s.env, *s.recipients[0], to.public_key, rewrap_rng));
  e["rewrap_to_public"] = ToHex(to.public_key);
  e["rewrap_to_secret"] = ToHex(to.secret.span());
  e["rewrap_rng_seed"] = s.seed + 2000;
  e["rewrap"] = ToHex(ByteSpan(wrap.data(), wrap.size()));
  e["valid"] = true;
  return e;
}

json Invalid(const std::string& description, const Bytes& header, const Sealed& s,
             const Envelope& env, const BoxKeyPair& opener, std::string_view error) {
  json e = Element(description, header, s.plaintext, env, opener);
  e["error"] = std::string(error);
  e["valid"] = false;
  return e;
}

json MakeEnvelopeVectors() {
  SeededRng key_rng(0x656e76656c6f7065);  // "envelope": the key pairs, nothing else
  std::vector<BoxKeyPair> keys;
  for (int i = 0; i < 10; ++i) keys.push_back(crypto::GenerateBoxKeyPair(key_rng));
  const BoxKeyPair outsider = crypto::GenerateBoxKeyPair(key_rng);

  const Bytes header = Text("candor/v1 cable 3f9a; org demo-agency; reviewers r0 r1 r2");
  const Sealed three = Seal(header, Text("We ask leadership to reconsider the audit."),
                            {&keys[0], &keys[1], &keys[2]}, 101);
  const Sealed empty = Seal({}, {}, {&keys[3]}, 102);
  std::vector<const BoxKeyPair*> all;
  for (const BoxKeyPair& kp : keys) all.push_back(&kp);
  Bytes body(300);
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<std::uint8_t>(i * 7);
  const Sealed ten = Seal(Text("cable with ten reviewers"), body, all, 103);
  const Sealed other = Seal(header, three.plaintext, three.recipients, 104);  // fresh k, N

  json out = json::array();
  for (std::size_t i = 0; i < 3; ++i) {
    out.push_back(Valid("three recipients, opened by recipient " + std::to_string(i), three, i));
  }
  out.push_back(Valid("one recipient, empty header and empty plaintext", empty, 0));
  out.push_back(Valid("ten recipients, opened by the last", ten, 9));

  constexpr std::string_view kDenied = "permission denied";
  constexpr std::string_view kFailed = "verification failed";
  const Envelope& env = three.env;
  out.push_back(Invalid("not a recipient", header, three, env, outsider, kDenied));
  out.push_back(Invalid("a recipient of another envelope, not this one", header, three, env,
                        keys[5], kDenied));
  BoxKeyPair mismatched{keys[1].public_key, keys[0].secret.Clone()};
  out.push_back(Invalid("recipient 0's secret key with recipient 1's public key", header, three,
                        env, mismatched, kDenied));
  Envelope wrap = env;
  wrap.wrapped_keys[1][40] ^= 0x01;
  out.push_back(Invalid("recipient 1's wrapped key changed (byte 40)", header, three, wrap, keys[1],
                        kDenied));
  Envelope epk = env;
  epk.wrapped_keys[0][0] ^= 0x01;
  out.push_back(
      Invalid("recipient 0's ephemeral public key changed", header, three, epk, keys[0], kDenied));
  Bytes changed_header = header;
  changed_header.back() ^= 0x01;
  out.push_back(
      Invalid("header changed (last byte)", changed_header, three, env, keys[0], kFailed));
  out.push_back(Invalid("header replaced by the empty header", {}, three, env, keys[2], kFailed));
  Envelope ct = env;
  ct.ciphertext[5] ^= 0x01;
  out.push_back(Invalid("ciphertext changed (byte 5)", header, three, ct, keys[0], kFailed));
  Envelope tag = env;
  tag.ciphertext.back() ^= 0x80;
  out.push_back(Invalid("authentication tag changed", header, three, tag, keys[1], kFailed));
  Envelope shorter = env;
  shorter.ciphertext.erase(shorter.ciphertext.begin());
  out.push_back(
      Invalid("ciphertext missing its first byte", header, three, shorter, keys[0], kFailed));
  Envelope nonce = env;
  nonce.nonce[0] ^= 0x01;
  out.push_back(Invalid("nonce changed (byte 0)", header, three, nonce, keys[2], kFailed));
  Envelope swapped = env;
  swapped.wrapped_keys[0] = other.env.wrapped_keys[0];
  out.push_back(
      Invalid("recipient 0's wrapped key taken from another envelope to the same "
              "recipients",
              header, three, swapped, keys[0], kFailed));
  return out;
}

}  // namespace
CANDOR_REGISTER_VECTORS("envelope.json", MakeEnvelopeVectors);
}  // namespace candor::vectors
