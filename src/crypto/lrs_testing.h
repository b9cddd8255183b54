// Test-only: a candor-lrs-v1 signer that lets the caller choose the bytes of the tag.
//
// The attack of security review C1: a member signs once honestly, then again with the
// tag's encoding changed (bit 255 set), which libsodium 1.0.18 decodes to the same point.
// The challenge hashes the changed bytes, so every ring equation closes for those bytes;
// only the canonical-encoding rule (IsValidPoint) stops the second signature. Tests,
// the vector generator and the integration tests use this to build exactly that signature.
//
// Not constant time and not for production: it computes with α as a public scalar.
#pragma once

#include <functional>

#include "crypto/lrs.h"
#include "crypto/ristretto.h"
#include "crypto/transcript.h"

namespace candor::crypto::testing {

// Signs as LrsSign does, with the tag's encoding passed through `encode_tag` before it is
// hashed and published; the arithmetic uses the true tag I = x·T (the same point, when the
// new encoding is another encoding of it). REQUIRES: ring.members()[pi] == x·G.
inline LrsSignature LrsSignWithTagEncoding(const Digest32& event, ByteSpan message,
                                           const Ring& ring, std::size_t pi, const SecretScalar& x,
                                           Rng& rng,
                                           const std::function<void(Point&)>& encode_tag) {
  const std::size_t n = ring.size();
  const Point tag_base = LrsTagBase(event);
  const Point tag = SecretScalarMult(x, tag_base);
  LrsSignature sig;
  sig.tag = tag;
  encode_tag(sig.tag);
  sig.s.resize(n);
  Sha512Transcript prefix("candor/v1/lrs/challenge");
  prefix.Add(ring.digest().span()).Add(event.span()).Add(sig.tag.span()).Add(message);
  auto challenge = [&prefix](const Point& l, const Point& r) {
    Sha512Transcript t = prefix;
    t.Add(l.span()).Add(r.span());
    return t.FinishScalar();
  };
  const Scalar alpha = rng.RandomPublicScalar();
  for (std::size_t i = 0; i < n; ++i) {
    if (i != pi) sig.s[i] = rng.RandomPublicScalar();
  }
  Scalar c = challenge(ScalarMultBase(alpha), ScalarMult(alpha, tag_base));
  std::size_t i = (pi + 1) % n;
  if (i == 0) sig.c0 = c;
  while (i != pi) {
    const Point l = PointAdd(ScalarMultBase(sig.s[i]), ScalarMult(c, ring.members()[i]));
    const Point r = PointAdd(ScalarMult(sig.s[i], tag_base), ScalarMult(c, tag));
    c = challenge(l, r);
    i = (i + 1) % n;
    if (i == 0) sig.c0 = c;
  }
  Scalar xs;
  std::copy(x.data(), x.data() + x.size(), xs.bytes.begin());
  sig.s[pi] = ScalarSub(alpha, ScalarMul(c, xs));
  return sig;
}

// Sets bit 255 of an encoding: the non-canonical twin that libsodium 1.0.18 accepts.
inline void SetBit255(Point& p) { p.bytes[31] |= 0x80; }

}  // namespace candor::crypto::testing
