#include "domain/cosignature.h"

#include <set>

namespace candor::domain {
namespace {

constexpr std::string_view kRingScheme = "candor-ring-v1";

Result<std::string> GetString(const Json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end()) return InvalidArgument(std::string("missing field '") + field + "'");
  if (!it->is_string())
    return InvalidArgument(std::string("field '") + field + "' must be a string");
  return it->get<std::string>();
}

template <typename F>
Result<F> GetHex(const Json& j, const char* field) {
  CANDOR_ASSIGN_OR_RETURN(std::string s, GetString(j, field));
  return crypto::FixedFromHex<F>(s, field);
}

Status OnlyFields(const Json& j, std::initializer_list<std::string_view> allowed) {
  if (!j.is_object()) return InvalidArgument("expected a JSON object");
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (auto a : allowed) known = known || key == a;
    if (!known) return InvalidArgument("unknown field '" + key + "'");
  }
  return Status::Ok();
}

}  // namespace

Json RingToJson(const crypto::Ring& ring) {
  Json members = Json::array();
  for (const auto& p : ring.members()) members.push_back(crypto::ToHex(p));
  return Json{
      {"scheme", kRingScheme}, {"members", members}, {"digest", crypto::ToHex(ring.digest())}};
}

Result<crypto::Ring> RingFromJson(const Json& j) {
  CANDOR_RETURN_IF_ERROR(OnlyFields(j, {"scheme", "members", "digest"}));
  if (j.contains("scheme")) {
    CANDOR_ASSIGN_OR_RETURN(std::string scheme, GetString(j, "scheme"));
    if (scheme != kRingScheme) return InvalidArgument("unknown ring scheme '" + scheme + "'");
  }
  auto it = j.find("members");
  if (it == j.end() || !it->is_array()) {
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
  if (j.contains("digest")) {
    CANDOR_ASSIGN_OR_RETURN(auto digest, GetHex<crypto::Digest32>(j, "digest"));
    if (digest != ring.digest()) {
      return InvalidArgument("the ring's 'digest' does not match its members");
    }
  }
  return ring;
}

Json CoSignatureToJson(const CoSignature& sig) {
  return Json{{"scheme", crypto::kLrsScheme},
              {"letter", crypto::ToHex(sig.letter)},
              {"action", SignatureActionName(sig.action)},
              {"ring_digest", crypto::ToHex(sig.ring_digest)},
              {"signature", crypto::ToHex(sig.signature)}};
}

Result<CoSignature> CoSignatureFromJson(const Json& j) {
  CANDOR_RETURN_IF_ERROR(OnlyFields(j, {"scheme", "letter", "action", "ring_digest", "signature"}));
  CANDOR_ASSIGN_OR_RETURN(std::string scheme, GetString(j, "scheme"));
  if (scheme != crypto::kLrsScheme)
    return InvalidArgument("unknown signature scheme '" + scheme + "'");
  CoSignature sig;
  CANDOR_ASSIGN_OR_RETURN(sig.letter, GetHex<LetterId>(j, "letter"));
  CANDOR_ASSIGN_OR_RETURN(std::string action, GetString(j, "action"));
  CANDOR_ASSIGN_OR_RETURN(sig.action, ParseSignatureAction(action));
  CANDOR_ASSIGN_OR_RETURN(sig.ring_digest, GetHex<crypto::Digest32>(j, "ring_digest"));
  CANDOR_ASSIGN_OR_RETURN(std::string hex, GetString(j, "signature"));
  auto bytes = crypto::FromHex(hex);
  if (!bytes.ok()) return bytes.error().WithContext("signature");
  sig.signature = std::move(*bytes);
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

Result<crypto::Point> VerifyCoSignature(const CoSignature& sig, const crypto::Ring& ring) {
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
