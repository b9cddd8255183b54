// tests/vectors/lrs.json: candor-lrs-v1 (CRYPTO.md "Linkable ring signature", "Test vectors").
//
// A JSON array; every element has the hex fields `event`, `message`, `ring` (array), `c0`,
// `s` (array), `tag`, the boolean `valid` and a `description`. Valid elements also carry
// `signer_index` and `secret`, and re-signing them reproduces c0, s and tag exactly when the
// signer's randomness is
//
//   SeededRng(H256("candor/v1/test-vectors/lrs-sign", secret, ring_digest, event, message))
//
// (rng.h; LrsSign draws α, then s_i for i ≠ π in increasing i). The seed covers the secret
// and everything signed, so no two vectors by one key share α — reusing α across two
// different challenges would reveal x, even for test keys a habit not worth having.
//
// Invalid elements are the ring-of-5 signature (or its ring) with exactly one thing changed,
// named by `description`; together they cover every rejection rule of CRYPTO.md "Verify"
// and "Rings". A truncated or over-long signature is an `s` array of the wrong length.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/lrs_testing.h"
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
using crypto::LrsSignature;
using crypto::Point;
using crypto::Ring;
using crypto::RingKeyPair;
using crypto::Scalar;
using crypto::ToHex;
using nlohmann::json;

Digest32 EventId(std::uint64_t k) {
  auto le = crypto::U64Le(k);
  return crypto::H256("candor/v1/test-vectors/lrs-event", {ByteSpan(le)});
}

std::vector<Point> Publics(const std::vector<RingKeyPair>& keys,
                           const std::vector<std::size_t>& which) {
  std::vector<Point> out;
  for (std::size_t k : which) out.push_back(keys[k].public_key);
  return out;
}

// The seed rule stated at the top of this file (lrs_test.cc applies the same rule).
crypto::SeededRng SigningRng(const RingKeyPair& key, const Ring& ring, const Digest32& event,
                             ByteSpan message) {
  return crypto::SeededRng(
      crypto::H256("candor/v1/test-vectors/lrs-sign",
                   {key.secret.span(), ring.digest().span(), event.span(), message}));
}

Scalar PlusOne(const Scalar& s) {
  Scalar one;
  one.bytes[0] = 1;
  return crypto::ScalarAdd(s, one);
}

struct Case {
  Digest32 event;
  Bytes message;
  std::vector<Point> ring;
  Scalar c0;
  std::vector<Scalar> s;
  Point tag;
};

json Element(const Case& c, bool valid, const std::string& description) {
  json ring = json::array();
  for (const Point& p : c.ring) ring.push_back(ToHex(p));
  json s = json::array();
  for (const Scalar& si : c.s) s.push_back(ToHex(si));
  return json{{"event", ToHex(c.event)},
              {"message", ToHex(c.message)},
              {"ring", ring},
              {"c0", ToHex(c.c0)},
              {"s", s},
              {"tag", ToHex(c.tag)},
              {"valid", valid},
              {"description", description}};
}

// Signs with key `keys[which[pi]]` over the ring `which` and returns the valid element
// (with signer_index and secret) and the case, for deriving tampered ones.
std::pair<json, Case> Valid(const std::vector<RingKeyPair>& keys,
                            const std::vector<std::size_t>& which, std::size_t pi,
                            const Digest32& event, const Bytes& message,
                            const std::string& description) {
  const Ring ring = Must(Ring::Create(Publics(keys, which)));
  const RingKeyPair& signer = keys[which[pi]];
  crypto::SeededRng rng = SigningRng(signer, ring, event, message);
  const LrsSignature sig = Must(crypto::LrsSign(event, message, ring, pi, signer.secret, rng));
  if (!crypto::LrsVerify(event, message, ring, sig).ok()) {
    candor::internal::DieOnBadAccess("lrs vectors: a fresh signature does not verify");
  }
  Case c{event, message, ring.members(), sig.c0, sig.s, sig.tag};
  json e = Element(c, true, description);
  e["signer_index"] = pi;
  e["secret"] = ToHex(signer.secret.span());
  return {e, c};
}

json MakeLrsVectors() {
  crypto::SeededRng key_rng(0x1b5a6);
  std::vector<RingKeyPair> keys;
  for (int i = 0; i < 17; ++i) keys.push_back(crypto::GenerateRingKeyPair(key_rng));
  // keys[16] is never in a ring: the stranger used by "member replaced".

  crypto::SeededRng msg_rng(0x1b5a7);
  Bytes random64(64), random300(300);
  msg_rng.Fill(random64);
  msg_rng.Fill(random300);

  const Digest32 e1 = EventId(1), e2 = EventId(2), e3 = EventId(3);
  json out = json::array();

  // Valid signatures: ring sizes 1, 2, 5, 16; several signer positions; linkability.
  out.push_back(Valid(keys, {0}, 0, e1, {}, "ring of 1, empty message").first);
  out.push_back(Valid(keys, {1, 2}, 0, e1, Text("letter body"), "ring of 2, signer 0").first);
  out.push_back(Valid(keys, {1, 2}, 1, e1, Text("letter body"), "ring of 2, signer 1").first);
  auto base_pair = Valid(keys, {0, 1, 2, 3, 4}, 3, e2, random64,
                         "ring of 5, signer 3 (base of the invalid cases)");
  out.push_back(base_pair.first);
  const Case base = base_pair.second;
  std::vector<std::size_t> all16;
  for (std::size_t i = 0; i < 16; ++i) all16.push_back(i);
  out.push_back(Valid(keys, all16, 11, e2, random300, "ring of 16, signer 11").first);
  out.push_back(Valid(keys, {4, 3, 2, 1, 0}, 1, e2, Text("a different message"),
                      "same key and event as the ring-of-5 vector, other message and ring order: "
                      "same tag (linked)")
                    .first);
  auto other_event_pair =
      Valid(keys, {0, 1, 2, 3, 4}, 3, e3, random64,
            "same key and message as the ring-of-5 vector, other event: different tag");
  out.push_back(other_event_pair.first);
  const Case other_event = other_event_pair.second;
  out.push_back(Valid(keys, {0, 1, 2, 3, 4}, 2, e2, random64,
                      "other key, same event as the ring-of-5 vector: different tag")
                    .first);

  // Invalid: the ring-of-5 signature with one thing changed.
  auto invalid = [&out, &base](const std::string& description, auto change) {
    Case c = base;
    change(c);
    out.push_back(Element(c, false, description));
  };
  const Point g = crypto::ScalarMultBase(PlusOne(Scalar{}));

  invalid("c0 changed (c0 + 1)", [](Case& c) { c.c0 = PlusOne(c.c0); });
  for (std::size_t i = 0; i < base.s.size(); ++i) {
    invalid("s_" + std::to_string(i) + " changed (s_" + std::to_string(i) + " + 1)",
            [i](Case& c) { c.s[i] = PlusOne(c.s[i]); });
  }
  invalid("tag replaced by another valid point (I + G)",
          [&g](Case& c) { c.tag = crypto::PointAdd(c.tag, g); });
  invalid("tag replaced by the same key's tag on another event",
          [&other_event](Case& c) { c.tag = other_event.tag; });
  invalid("tag is the identity", [](Case& c) { c.tag = crypto::kIdentity; });
  invalid("tag is not a valid encoding (negative field element 1, RFC 9496 A.2)", [](Case& c) {
    c.tag = Must(crypto::FixedFromHex<Point>(
        "0100000000000000000000000000000000000000000000000000000000000000"));
  });
  invalid("tag is not a valid encoding (non-canonical field element, RFC 9496 A.2)", [](Case& c) {
    c.tag = Must(crypto::FixedFromHex<Point>(
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
  });
  // Security review C1: libsodium 1.0.18 ignores bit 255 when decoding, so these decode there
  // to the same point as the canonical encoding. RFC 9496 and CRYPTO.md reject them.
  invalid("tag with bit 255 set (the same point: a second encoding of the signer's tag)",
          [](Case& c) { c.tag.bytes[31] |= 0x80; });
  invalid("ring member 2 with bit 255 set (the same point as member 2)",
          [](Case& c) { c.ring[2].bytes[31] |= 0x80; });
  invalid("message changed (one bit of byte 0 flipped)", [](Case& c) { c.message[0] ^= 0x01; });
  invalid("message extended by one zero byte", [](Case& c) { c.message.push_back(0); });
  invalid("event id changed", [&e1](Case& c) { c.event = e1; });
  invalid("ring order changed (members 0 and 1 swapped)",
          [](Case& c) { std::swap(c.ring[0], c.ring[1]); });
  invalid("ring member 0 replaced by a key outside the ring",
          [&keys](Case& c) { c.ring[0] = keys[16].public_key; });
  invalid("ring has a repeated key (member 4 equals member 0)",
          [](Case& c) { c.ring[4] = c.ring[0]; });
  invalid("ring member 2 is the identity", [](Case& c) { c.ring[2] = crypto::kIdentity; });
  invalid("ring member 2 is not a valid encoding (RFC 9496 A.2, non-square x^2)", [](Case& c) {
    c.ring[2] = Must(crypto::FixedFromHex<Point>(
        "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371"));
  });
  invalid("ring is empty (and s is empty)", [](Case& c) {
    c.ring.clear();
    c.s.clear();
  });
  invalid("c0 not canonical (c0 + l, same residue)", [](Case& c) { c.c0 = PlusL(c.c0); });
  invalid("s_0 not canonical (s_0 + l, same residue)", [](Case& c) { c.s[0] = PlusL(c.s[0]); });
  invalid("s_3 (the signer's response) not canonical (s_3 + l, same residue)",
          [](Case& c) { c.s[3] = PlusL(c.s[3]); });
  invalid("signature truncated: last response missing (4 for a ring of 5)",
          [](Case& c) { c.s.pop_back(); });
  invalid("signature over-long: an extra response (6 for a ring of 5)",
          [](Case& c) { c.s.push_back(c.s[0]); });
  // The double signature of security review C1, whole: the ring-of-5 signer signs again
  // with its tag's bit 255 set, the challenge hashing those bytes, so the ring equations
  // close for them (they do in libsodium 1.0.18, which decodes the tag to the same point).
  // Only the canonical-encoding rule refuses it.
  {
    const Ring ring = Must(Ring::Create(base.ring));
    crypto::SeededRng rng(crypto::H256("candor/v1/test-vectors/lrs-bit255", {base.tag.span()}));
    const LrsSignature twin = crypto::testing::LrsSignWithTagEncoding(
        base.event, base.message, ring, 3, keys[3].secret, rng, crypto::testing::SetBit255);
    out.push_back(Element(
        Case{base.event, base.message, base.ring, twin.c0, twin.s, twin.tag}, false,
        "re-signed by the ring-of-5 signer with its tag's bit 255 set, the challenges hashing "
        "those bytes (a second signature by the same key that 1.0.18 arithmetic accepts)"));
  }
  return out;
}

}  // namespace

CANDOR_REGISTER_VECTORS("lrs.json", MakeLrsVectors);

}  // namespace candor::vectors
