// tests/vectors/lrs2.json: candor-lrs-v2 (docs/LRS-V2.md).
//
// A JSON array; every element has the hex fields `event`, `message`, `ring` (array) and
// `signature` (the whole wire form), the boolean `valid` and a `description`. Valid
// elements also carry `signer_index` and `secret`; re-signing them reproduces `signature`
// exactly when the signer's randomness is
//
//   SeededRng(H256("candor/v2/test-vectors/lrs2-sign", secret, ring_digest, event, message))
//
// (rng.h; Lrs2Sign draws its 32 fresh bytes first; the side-channel masks it draws next
// cancel out and do not change the signature).
//
// Invalid elements are the ring-of-9 signature (or its statement) with exactly one thing
// changed, named by `description`: every element of the wire form replaced by another valid
// value of its kind, every kind of field made non-canonical (a scalar + l, a point with bit
// 255 set, the identity, an invalid encoding), the length, and every statement field (the
// message, the event, the ring's order, size and members).
#include <sodium.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/keys.h"
#include "crypto/lrs2.h"
#include "crypto/ristretto.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"
#include "vectors/generator_util.h"
#include "vectors/registry.h"

namespace candor::vectors {
namespace {

using crypto::Bytes;
using crypto::ByteSpan;
using crypto::Digest32;
using crypto::Point;
using crypto::Ring;
using crypto::RingKeyPair;
using crypto::Scalar;
using crypto::ToHex;
using nlohmann::json;

Digest32 EventId(std::uint64_t k) {
  auto le = crypto::U64Le(k);
  return crypto::H256("candor/v2/test-vectors/lrs2-event", {ByteSpan(le)});
}

struct Case {
  Digest32 event;
  Bytes message;
  std::vector<Point> ring;
  Bytes signature;
};

json Element(const Case& c, bool valid, const std::string& description) {
  json ring = json::array();
  for (const Point& p : c.ring) ring.push_back(ToHex(p));
  return json{{"event", ToHex(c.event)},
              {"message", ToHex(c.message)},
              {"ring", ring},
              {"signature", ToHex(c.signature)},
              {"valid", valid},
              {"description", description}};
}

std::pair<json, Case> Valid(const std::vector<RingKeyPair>& keys, std::size_t n, std::size_t pi,
                            const Digest32& event, const Bytes& message,
                            const std::string& description) {
  std::vector<Point> publics;
  for (std::size_t k = 0; k < n; ++k) publics.push_back(keys[k].public_key);
  const crypto::Lrs2Ring ring = Must(crypto::Lrs2Ring::Create(Must(Ring::Create(publics))));
  const RingKeyPair& signer = keys[pi];
  crypto::SeededRng rng(
      crypto::H256("candor/v2/test-vectors/lrs2-sign",
                   {signer.secret.span(), ring.digest().span(), event.span(), ByteSpan(message)}));
  const auto sig = Must(crypto::Lrs2Sign(event, message, ring, pi, signer.secret, rng));
  if (!crypto::Lrs2Verify(event, message, ring, sig).ok()) {
    candor::internal::DieOnBadAccess("lrs2 vectors: a fresh signature does not verify");
  }
  Case c{event, message, publics, sig.Encode()};
  json e = Element(c, true, description);
  e["signer_index"] = pi;
  e["secret"] = ToHex(signer.secret.span());
  return {e, c};
}

// Replaces the 32 bytes at p, a scalar, by the same scalar + l (not canonical).
void AddL(std::uint8_t* p) {
  Scalar s;
  std::copy(p, p + 32, s.bytes.begin());
  const Scalar plus = PlusL(s);
  std::copy(plus.bytes.begin(), plus.bytes.end(), p);
}

json MakeLrs2Vectors() {
  crypto::SeededRng key_rng(0x1b5a62);
  std::vector<RingKeyPair> keys;
  for (int i = 0; i < 66; ++i) keys.push_back(crypto::GenerateRingKeyPair(key_rng));
  // keys[65] is never in a ring: the stranger of "ring member replaced".

  const Digest32 e1 = EventId(1), e2 = EventId(2);
  const Bytes letter = {'l', 'e', 't', 't', 'e', 'r'};
  json out = json::array();

  // Valid: m = 1 (1 and 8 keys), m = 2 (9 keys, with padding; 64 keys, none), m = 3 (65),
  // the signer first, inside and last (the last key carries the padded tail).
  out.push_back(Valid(keys, 1, 0, e1, {}, "ring of 1, empty message").first);
  out.push_back(Valid(keys, 8, 7, e1, letter, "ring of 8 (m = 1, no padding), signer 7").first);
  auto base_pair = Valid(keys, 9, 4, e2, letter,
                         "ring of 9 (m = 2), signer 4 (base of the "
                         "invalid cases)");
  out.push_back(base_pair.first);
  const Case base = base_pair.second;
  out.push_back(Valid(keys, 9, 8, e2, letter,
                      "ring of 9, signer 8 (the last key, which carries the "
                      "padded tail)")
                    .first);
  out.push_back(Valid(keys, 64, 63, e1, letter, "ring of 64 (m = 2, no padding), signer 63").first);
  out.push_back(Valid(keys, 65, 17, e1, letter, "ring of 65 (m = 3), signer 17").first);

  const std::size_t m = crypto::Lrs2Digits(9);
  const std::size_t elements = base.signature.size() / 32;
  std::vector<std::string> names = {"I (the tag)", "K", "A", "B"};
  for (std::size_t j = 0; j < m; ++j) names.push_back("X_" + std::to_string(j));
  for (std::size_t j = 0; j < m; ++j) {
    for (std::size_t i = 1; i < 8; ++i) {
      names.push_back("f_" + std::to_string(j) + "," + std::to_string(i));
    }
  }
  for (const char* n : {"z_A", "z", "R1", "R2", "s1", "s2"}) names.push_back(n);
  auto is_point = [&](std::size_t e) {
    return e < 4 + m || e == elements - 4 || e == elements - 3;
  };
  auto invalid = [&out, &base](const std::string& description, auto change) {
    Case c = base;
    change(c);
    out.push_back(Element(c, false, description));
  };
  Scalar one;
  one.bytes[0] = 1;
  const Point g = crypto::ScalarMultBase(one);

  // Every element replaced by another valid value of its kind.
  for (std::size_t e = 0; e < elements; ++e) {
    invalid(
        names[e] + " replaced by another valid " + (is_point(e) ? "point (+ G)" : "scalar (+ 1)"),
        [&, e](Case& c) {
          auto* at = c.signature.data() + 32 * e;
          Point p;
          std::copy(at, at + 32, p.bytes.begin());
          if (is_point(e)) {
            p = crypto::PointAdd(p, g);
          } else {
            Scalar s;
            s.bytes = p.bytes;
            p.bytes = crypto::ScalarAdd(s, one).bytes;
          }
          std::copy(p.bytes.begin(), p.bytes.end(), at);
        });
  }
  // Non-canonical encodings of every kind of field.
  for (std::size_t e :
       {std::size_t{4 + m}, elements - 6, elements - 5, elements - 2, elements - 1}) {
    invalid(names[e] + " not canonical (+ l, the same residue)",
            [e](Case& c) { AddL(c.signature.data() + 32 * e); });
  }
  for (std::size_t e :
       {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{4}, elements - 4}) {
    invalid(names[e] + " with bit 255 set", [e](Case& c) { c.signature[32 * e + 31] |= 0x80; });
  }
  for (std::size_t e : {std::size_t{0}, std::size_t{3}, elements - 3}) {
    invalid(names[e] + " is the identity", [e](Case& c) {
      std::fill(c.signature.begin() + static_cast<std::ptrdiff_t>(32 * e),
                c.signature.begin() + static_cast<std::ptrdiff_t>(32 * e + 32), 0);
    });
  }
  invalid("B is not a valid encoding (RFC 9496 A.2, non-square x^2)", [](Case& c) {
    const Bytes bad =
        Must(crypto::FromHex("26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371"));
    std::copy(bad.begin(), bad.end(), c.signature.begin() + 96);
  });
  // Lengths.
  invalid("signature truncated by one element",
          [](Case& c) { c.signature.resize(c.signature.size() - 32); });
  invalid("signature with one element too many",
          [](Case& c) { c.signature.resize(c.signature.size() + 32); });
  invalid("signature one byte short", [](Case& c) { c.signature.pop_back(); });
  // The statement.
  invalid("message changed (one bit flipped)", [](Case& c) { c.message[0] ^= 0x01; });
  invalid("message extended by one zero byte", [](Case& c) { c.message.push_back(0); });
  invalid("event id changed", [&e1](Case& c) { c.event = e1; });
  invalid("ring order changed (members 0 and 1 swapped)",
          [](Case& c) { std::swap(c.ring[0], c.ring[1]); });
  invalid("ring member 0 replaced by a key outside the ring",
          [&keys](Case& c) { c.ring[0] = keys[65].public_key; });
  invalid("ring without its last member (8 keys: m = 1, so the length is wrong)",
          [](Case& c) { c.ring.pop_back(); });
  invalid("ring with one more member (10 keys, the same m)",
          [&keys](Case& c) { c.ring.push_back(keys[10].public_key); });
  invalid("ring has a repeated key (member 8 equals member 0)",
          [](Case& c) { c.ring[8] = c.ring[0]; });
  invalid("ring member 2 with bit 255 set", [](Case& c) { c.ring[2].bytes[31] |= 0x80; });

  // Forgeries by a signer who breaks one rule (crypto::testing::Lrs2SignCheating), each
  // refused by exactly one verification equation (docs/LRS-V2.md "Verification"): a verifier
  // that skips an equation accepts its forgery.
  {
    const crypto::Lrs2Ring ring = Must(crypto::Lrs2Ring::Create(Must(Ring::Create(base.ring))));
    auto forged = [&](const std::string& description, const crypto::SecretScalar& x,
                      const crypto::testing::Lrs2Cheat& cheat, std::uint64_t seed) {
      crypto::SeededRng rng(
          crypto::H256("candor/v2/test-vectors/lrs2-forgery", {ByteSpan(crypto::U64Le(seed))}));
      const auto sig =
          Must(crypto::testing::Lrs2SignCheating(base.event, base.message, ring, 4, x, rng, cheat));
      out.push_back(
          Element(Case{base.event, base.message, base.ring, sig.Encode()}, false, description));
    };
    crypto::testing::Lrs2Cheat outsider;
    outsider.skip_key_check = true;
    forged("forgery: signed with a key outside the ring (equation 2, membership)", keys[65].secret,
           outsider, 1);
    // Members 1 and 4 (base-8 digits (1, 0) and (4, 0)) differ only in the lowest digit: σ is
    // 1/2 at both, and the secret is (x_1 + x_4)/2.
    {
      const Scalar x1 = Must(crypto::FixedFromBytes<Scalar>(keys[1].secret.span()));
      const Scalar x4 = Must(crypto::FixedFromBytes<Scalar>(keys[4].secret.span()));
      Scalar two;
      two.bytes[0] = 2;
      Scalar half;
      crypto_core_ristretto255_scalar_invert(half.data(), two.data());
      const Scalar mid = crypto::ScalarMul(crypto::ScalarAdd(x1, x4), half);
      crypto::SecretScalar secret;
      std::copy(mid.bytes.begin(), mid.bytes.end(), secret.data());
      const std::size_t digits[2] = {1, 4};
      crypto::testing::Lrs2Cheat fractional;
      fractional.skip_key_check = true;
      fractional.half_digits = digits;
      forged(
          "forgery: members 1 and 4 together, for half the sum of their keys, with a tag "
          "that links to neither (equation 1, the digits are bits)",
          secret, fractional, 2);
    }
    for (bool s1_for_tag : {false, true}) {
      crypto::testing::Lrs2Cheat other_tag;
      other_tag.tag_secret = &keys[65].secret;
      other_tag.s1_answers_for_tag = s1_for_tag;
      forged(std::string("forgery: member 4 carries the tag of another secret, s1 answering for ") +
                 (s1_for_tag ? "the tag's secret (equation 3)" : "the key's (equation 4)"),
             keys[4].secret, other_tag, s1_for_tag ? 4 : 3);
    }
  }
  return out;
}

}  // namespace

CANDOR_REGISTER_VECTORS("lrs2.json", MakeLrs2Vectors);

}  // namespace candor::vectors
