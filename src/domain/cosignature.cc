#include "domain/cosignature.h"

#include <algorithm>
#include <set>

#include "domain/strict_json.h"

namespace candor::domain {
namespace {

constexpr std::string_view kRingScheme = "candor-ring-v1";

}  // namespace

Json RingToJson(const crypto::Ring& ring) {
  Json members = Json::array();
  for (const auto& p : ring.members()) members.push_back(crypto::ToHex(p));
  return Json{
      {"scheme", kRingScheme}, {"members", members}, {"digest", crypto::ToHex(ring.digest())}};
}

Result<crypto::Ring> RingFromJson(const Json& j) {
  FieldReader r(j, "the ring", {"scheme", "members", "digest"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CANDOR_ASSIGN_OR_RETURN(auto scheme, r.OptionalString("scheme"));
  if (scheme && *scheme != kRingScheme) {
    return InvalidArgument("unknown ring scheme '" + *scheme + "'");
  }
  const Json* it = r.Find("members");
  if (it == nullptr || !it->is_array()) {
    return InvalidArgument("a ring needs a 'members' array of hex public keys");
  }
  std::vector<crypto::Point> members;
  members.reserve(it->size());
  for (std::size_t i = 0; i < it->size(); ++i) {
    const Json& m = (*it)[i];
    if (!m.is_string())
      return InvalidArgument("ring member " + std::to_string(i) + " is not a string");
    auto p = crypto::FixedFromHex<crypto::Point>(m.get<std::string>(),
                                                 "ring member " + std::to_string(i));
    if (!p.ok()) return p.error();
    members.push_back(*p);
  }
  CANDOR_ASSIGN_OR_RETURN(crypto::Ring ring, crypto::Ring::Create(std::move(members)));
  CANDOR_ASSIGN_OR_RETURN(auto digest, r.OptionalFixed<crypto::Digest32>("digest"));
  if (digest) {
    if (*digest != ring.digest()) {
      return InvalidArgument("the ring's 'digest' does not match its members");
    }
  }
  return ring;
}

Json CoSignatureToJson(const CoSignature& sig) {
  return Json{{"scheme", RingSchemeName(sig.scheme)},
              {"letter", crypto::ToHex(sig.letter)},
              {"action", SignatureActionName(sig.action)},
              {"ring_digest", crypto::ToHex(sig.ring_digest)},
              {"signature", crypto::ToHex(sig.signature)}};
}

Result<CoSignature> CoSignatureFromJson(const Json& j) {
  FieldReader r(j, "the co-signature", {"scheme", "letter", "action", "ring_digest", "signature"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CANDOR_ASSIGN_OR_RETURN(std::string scheme, r.String("scheme"));
  CoSignature sig;
  CANDOR_ASSIGN_OR_RETURN(sig.scheme, ParseRingScheme(scheme));
  CANDOR_ASSIGN_OR_RETURN(sig.letter, r.Fixed<LetterId>("letter"));
  CANDOR_ASSIGN_OR_RETURN(std::string action, r.String("action"));
  CANDOR_ASSIGN_OR_RETURN(sig.action, ParseSignatureAction(action));
  CANDOR_ASSIGN_OR_RETURN(sig.ring_digest, r.Fixed<crypto::Digest32>("ring_digest"));
  CANDOR_ASSIGN_OR_RETURN(sig.signature, r.Hex("signature"));
  return sig;
}

Result<CoSignature> SignLetter(const LetterId& letter, SignatureAction action,
                               const crypto::Ring& ring, std::size_t signer_index,
                               const crypto::SecretScalar& secret, crypto::Rng& rng) {
  crypto::Bytes statement = LetterStatement(letter, action);
  CANDOR_ASSIGN_OR_RETURN(crypto::LrsSignature lrs,
                          crypto::LrsSign(letter, statement, ring, signer_index, secret, rng));
  return CoSignature{letter, action, ring.digest(), lrs.Encode()};
}

Result<CoSignature> SignLetterV2(const LetterId& letter, SignatureAction action,
                                 const crypto::Lrs2Ring& ring, std::size_t signer_index,
                                 const crypto::SecretScalar& secret, crypto::Rng& rng,
                                 std::optional<crypto::Lrs2Precomputation> precomputed) {
  crypto::Bytes statement = LetterStatement(letter, action);
  auto made = precomputed ? crypto::Lrs2Sign(letter, statement, ring, signer_index, secret, rng,
                                             std::move(*precomputed))
                          : crypto::Lrs2Sign(letter, statement, ring, signer_index, secret, rng);
  if (!made.ok()) return made.error();
  return CoSignature{letter, action, ring.digest(), made->Encode(), RingScheme::kV2};
}

namespace {

// The checks before the equations, shared by one and many: the scheme, the ring, the length.
Result<crypto::Lrs2Signature> DecodeV2(const CoSignature& sig, const crypto::Lrs2Ring& ring) {
  if (sig.scheme != RingScheme::kV2) {
    return InvalidArgument("a candor-lrs-v1 signature cannot be checked over a whole roster");
  }
  if (sig.ring_digest != ring.digest()) {
    return VerificationFailed("the signature was made over a different ring");
  }
  return crypto::Lrs2Signature::Decode(sig.signature, ring.size());
}

}  // namespace

Result<crypto::Point> VerifyCoSignature(const CoSignature& sig, const crypto::Lrs2Ring& ring) {
  CANDOR_ASSIGN_OR_RETURN(crypto::Lrs2Signature lrs, DecodeV2(sig, ring));
  crypto::Bytes statement = LetterStatement(sig.letter, sig.action);
  CANDOR_RETURN_IF_ERROR(crypto::Lrs2Verify(sig.letter, statement, ring, lrs));
  return lrs.tag;
}

std::vector<Result<crypto::Point>> VerifyCoSignaturesV2(std::span<const CoSignature* const> sigs,
                                                        const crypto::Lrs2Ring& ring,
                                                        crypto::Rng& weights) {
  std::vector<Result<crypto::Point>> out;
  out.reserve(sigs.size());
  std::vector<crypto::Lrs2Signature> decoded;
  std::vector<crypto::Bytes> statements;
  std::vector<std::size_t> where;  // decoded[t] is sigs[where[t]]
  decoded.reserve(sigs.size());
  statements.reserve(sigs.size());
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    auto d = DecodeV2(*sigs[i], ring);
    if (!d.ok()) {
      out.emplace_back(d.error());
      continue;
    }
    out.emplace_back(d->tag);
    decoded.push_back(std::move(*d));
    statements.push_back(LetterStatement(sigs[i]->letter, sigs[i]->action));
    where.push_back(i);
  }
  std::vector<crypto::Lrs2BatchItem> items;
  items.reserve(decoded.size());
  for (std::size_t t = 0; t < decoded.size(); ++t) {
    items.push_back(crypto::Lrs2BatchItem{sigs[where[t]]->letter, statements[t], &decoded[t]});
  }
  for (std::size_t bad : crypto::Lrs2VerifyBatch(ring, items, weights)) {
    // Checked alone only when it failed the batch, for the precise reason (malformed or false).
    Status why = crypto::Lrs2Verify(items[bad].event, items[bad].message, ring, decoded[bad]);
    out[where[bad]] = why.ok() ? VerificationFailed("the signature does not verify in a batch")
                               : Result<crypto::Point>(why.error());
  }
  return out;
}

Result<crypto::Point> VerifyRingSignature(const crypto::Ring& ring, const crypto::Digest32& event,
                                          crypto::ByteSpan message, crypto::ByteSpan wire) {
  CANDOR_ASSIGN_OR_RETURN(crypto::LrsSignature sig,
                          crypto::LrsSignature::Decode(wire, ring.size()));
  CANDOR_RETURN_IF_ERROR(crypto::LrsVerify(event, message, ring, sig));
  return sig.tag;
}

Result<crypto::Point> VerifyRingSignature(const crypto::Lrs2Ring& ring,
                                          const crypto::Digest32& event, crypto::ByteSpan message,
                                          crypto::ByteSpan wire) {
  CANDOR_ASSIGN_OR_RETURN(crypto::Lrs2Signature sig,
                          crypto::Lrs2Signature::Decode(wire, ring.size()));
  CANDOR_RETURN_IF_ERROR(crypto::Lrs2Verify(event, message, ring, sig));
  return sig.tag;
}

Result<crypto::Bytes> MemberRing::Sign(const crypto::Digest32& event, crypto::ByteSpan message,
                                       const crypto::SecretScalar& secret, crypto::Rng& rng) const {
  if (whole) {
    CANDOR_ASSIGN_OR_RETURN(auto sig, crypto::Lrs2Sign(event, message, *whole, index, secret, rng));
    return sig.Encode();
  }
  CANDOR_ASSIGN_OR_RETURN(auto sig, crypto::LrsSign(event, message, *bucket, index, secret, rng));
  return sig.Encode();
}

Result<crypto::Point> MemberRing::Verify(const crypto::Digest32& event, crypto::ByteSpan message,
                                         crypto::ByteSpan wire) const {
  return whole ? VerifyRingSignature(*whole, event, message, wire)
               : VerifyRingSignature(*bucket, event, message, wire);
}

Result<MemberRing> MemberRingOf(const std::vector<crypto::Point>& roster,
                                const crypto::Point& member, RingScheme scheme,
                                std::size_t max_ring, std::size_t min_ring) {
  MemberRing out;
  out.scheme = scheme;
  if (scheme == RingScheme::kV1) {
    CANDOR_ASSIGN_OR_RETURN(SignerRing signer, SignerRingOf(roster, member, max_ring, min_ring));
    out.bucket = std::move(signer.ring);
    out.index = signer.index;
    return out;
  }
  const auto at = std::find(roster.begin(), roster.end(), member);
  if (at == roster.end()) return Error(ErrorCode::kNotFound, "the key is not on the roster");
  CANDOR_ASSIGN_OR_RETURN(crypto::Lrs2Ring ring, WholeRosterRing(roster));
  CANDOR_RETURN_IF_ERROR(CheckMinRing(ring.size(), min_ring));
  out.whole.emplace(std::move(ring));
  out.index = static_cast<std::size_t>(at - roster.begin());
  return out;
}

Result<crypto::Point> VerifyCoSignature(const CoSignature& sig, const crypto::Ring& ring) {
  if (sig.scheme != RingScheme::kV1) {
    return InvalidArgument("a candor-lrs-v2 signature cannot be checked over a bucket ring");
  }
  if (sig.ring_digest != ring.digest()) {
    return VerificationFailed("the signature was made over a different ring");
  }
  CANDOR_ASSIGN_OR_RETURN(crypto::LrsSignature lrs,
                          crypto::LrsSignature::Decode(sig.signature, ring.size()));
  crypto::Bytes statement = LetterStatement(sig.letter, sig.action);
  CANDOR_RETURN_IF_ERROR(crypto::LrsVerify(sig.letter, statement, ring, lrs));
  return lrs.tag;
}

}  // namespace candor::domain
