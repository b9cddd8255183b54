#include "domain/letter.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <set>

#include "crypto/transcript.h"
#include "domain/policy.h"
#include "domain/strict_json.h"

namespace candor::domain {
Status ValidateLetter(const Letter& letter) {
  if (letter.title.empty()) return InvalidArgument("the letter needs a title");
  if (letter.title.size() > kMaxLetterTitleBytes) {
    return InvalidArgument("the title is longer than " + std::to_string(kMaxLetterTitleBytes) +
                           " bytes");
  }
  if (!IsValidUtf8(letter.title)) return InvalidArgument("the title is not valid UTF-8 text");
  if (letter.body.empty()) return InvalidArgument("the letter needs a text");
  if (!IsValidUtf8(letter.body)) return InvalidArgument("the text is not valid UTF-8");
  if (letter.body.size() > kMaxLetterBodyBytes) {
    return InvalidArgument("the text is longer than " + std::to_string(kMaxLetterBodyBytes) +
                           " bytes");
  }
  if (letter.organizations.empty()) {
    return InvalidArgument("name at least one organization whose members may sign");
  }
  if (letter.organizations.size() > kMaxLetterOrganizations) {
    return InvalidArgument("a letter may name at most " + std::to_string(kMaxLetterOrganizations) +
                           " organizations");
  }
  std::set<std::string_view> seen;
  for (const auto& org : letter.organizations) {
    if (auto slug = ValidateOrganizationSlug(org); !slug.ok()) return slug.error();
    if (!seen.insert(org).second)
      return InvalidArgument("organization '" + org + "' is named twice");
  }
  if (letter.quorum && *letter.quorum == 0) return InvalidArgument("a quorum must be at least 1");
  return Status::Ok();
}

Status ValidateNewLetter(const Letter& letter) {
  CANDOR_RETURN_IF_ERROR(ValidateLetter(letter));
  // A control character, given whether '\n' and '\t' are allowed: C0, DEL, and C1 (U+0080 …
  // U+009F, C2 80 … C2 9F in UTF-8, valid UTF-8 being already checked).
  auto has_control = [](std::string_view s, bool lines) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (lines && (c == '\n' || c == '\t')) continue;
      if (c < 0x20 || c == 0x7f) return true;
      if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9f)
        return true;
    }
    return false;
  };
  if (letter.title.find_first_not_of(" \t\r\n") == std::string::npos)
    return InvalidArgument("the title is blank");
  if (has_control(letter.title, false))
    return InvalidArgument("the title contains a control character");
  if (has_control(letter.body, true)) {
    return InvalidArgument(
        "the text contains a control character (only line breaks and tabs are allowed)");
  }
  if (letter.closes_at_ms && *letter.closes_at_ms > static_cast<std::uint64_t>(INT64_MAX)) {
    return InvalidArgument("the closing time is too far in the future");
  }
  return Status::Ok();
}

crypto::Bytes LetterCanonicalBytes(const Letter& letter) {
  using crypto::AsBytes;
  using crypto::ByteSpan;
  crypto::Bytes out = crypto::Tr("candor/v1/letter", {AsBytes(letter.title), AsBytes(letter.body)});
  auto append_part = [&out](ByteSpan p) {
    auto len = crypto::U64Le(p.size());
    out.insert(out.end(), len.begin(), len.end());
    out.insert(out.end(), p.begin(), p.end());
  };
  auto count = crypto::U64Le(letter.organizations.size());
  append_part(count);
  for (const auto& org : letter.organizations) append_part(AsBytes(org));
  auto optional_u64 = [&](const std::optional<std::uint64_t>& v) {
    if (v) {
      auto le = crypto::U64Le(*v);
      append_part(le);
    } else {
      append_part({});
    }
  };
  optional_u64(letter.closes_at_ms);
  optional_u64(letter.quorum);
  if (letter.supersedes) {
    append_part(letter.supersedes->span());
  } else {
    append_part({});
  }
  return out;
}

LetterId ComputeLetterId(const Letter& letter) {
  return crypto::Sha256(LetterCanonicalBytes(letter));
}

std::string_view RingSchemeName(RingScheme scheme) {
  return scheme == RingScheme::kV1 ? crypto::kLrsScheme : crypto::kLrs2Scheme;
}

Result<RingScheme> ParseRingScheme(std::string_view name) {
  if (name == crypto::kLrsScheme) return RingScheme::kV1;
  if (name == crypto::kLrs2Scheme) return RingScheme::kV2;
  return InvalidArgument("unknown signature scheme '" + std::string(name.substr(0, 64)) + "'");
}

bool PlausibleSignatureSize(RingScheme scheme, std::size_t size) {
  if (size % 32 != 0) return false;
  const std::size_t words = size / 32;
  if (scheme == RingScheme::kV1) return words >= 3 && words - 2 <= kMaxRingSize;
  return words >= 18 && (words - 10) % 8 == 0 && (words - 10) / 8 <= crypto::kLrs2MaxDigits;
}

std::string_view SignatureActionName(SignatureAction action) {
  return action == SignatureAction::kSign ? "sign" : "withdraw";
}

Result<SignatureAction> ParseSignatureAction(std::string_view name) {
  if (name == "sign") return SignatureAction::kSign;
  if (name == "withdraw") return SignatureAction::kWithdraw;
  return InvalidArgument("action must be 'sign' or 'withdraw', got '" +
                         std::string(name.substr(0, 64)) + "'");
}

crypto::Bytes LetterStatement(const LetterId& letter_id, SignatureAction action) {
  return crypto::Tr("candor/v1/letter/statement",
                    {letter_id.span(), crypto::AsBytes(SignatureActionName(action))});
}

Result<Letter> DecodeLetterCanonicalBytes(crypto::ByteSpan bytes) {
  constexpr std::size_t kMaxParts = 1 + 2 + 1 + kMaxLetterOrganizations + 3;
  auto parts_or = crypto::SplitTranscript(bytes, kMaxParts);
  if (!parts_or.ok()) return InvalidArgument("letter bytes: " + parts_or.error().message());
  const auto& parts = *parts_or;
  constexpr std::string_view kLabel = "candor/v1/letter";
  if (parts.empty() ||
      !std::equal(parts[0].begin(), parts[0].end(), kLabel.begin(), kLabel.end())) {
    return InvalidArgument("letter bytes: the label is not 'candor/v1/letter'");
  }
  if (parts.size() < 4) return InvalidArgument("letter bytes: too few parts");
  Letter letter;
  letter.title.assign(parts[1].begin(), parts[1].end());
  letter.body.assign(parts[2].begin(), parts[2].end());
  if (parts[3].size() != 8)
    return InvalidArgument("letter bytes: the organization count must be 8 bytes");
  const std::uint64_t k = crypto::ReadU64Le(parts[3].data());
  if (k > kMaxLetterOrganizations || parts.size() != 4 + k + 3) {
    return InvalidArgument(
        "letter bytes: the number of parts does not match the organization count");
  }
  for (std::uint64_t i = 0; i < k; ++i) {
    letter.organizations.emplace_back(parts[4 + i].begin(), parts[4 + i].end());
  }
  auto optional_u64 = [](crypto::ByteSpan p,
                         const char* what) -> Result<std::optional<std::uint64_t>> {
    if (p.empty()) return std::optional<std::uint64_t>();
    if (p.size() != 8)
      return InvalidArgument(std::string("letter bytes: ") + what + " must be empty or 8 bytes");
    return std::optional<std::uint64_t>(crypto::ReadU64Le(p.data()));
  };
  CANDOR_ASSIGN_OR_RETURN(letter.closes_at_ms, optional_u64(parts[4 + k], "the closing time"));
  CANDOR_ASSIGN_OR_RETURN(letter.quorum, optional_u64(parts[5 + k], "the quorum"));
  const crypto::ByteSpan sup = parts[6 + k];
  if (!sup.empty()) {
    if (sup.size() != 32)
      return InvalidArgument("letter bytes: 'supersedes' must be empty or 32 bytes");
    LetterId id;
    std::copy(sup.begin(), sup.end(), id.bytes.begin());
    letter.supersedes = id;
  }
  CANDOR_RETURN_IF_ERROR(ValidateLetter(letter));
  const crypto::Bytes again = LetterCanonicalBytes(letter);
  if (!std::equal(again.begin(), again.end(), bytes.begin(), bytes.end())) {
    return InvalidArgument("letter bytes are not in canonical form");
  }
  return letter;
}

nlohmann::json LetterToJson(const Letter& letter) {
  nlohmann::json j{
      {"title", letter.title}, {"body", letter.body}, {"organizations", letter.organizations}};
  if (letter.closes_at_ms) j["closes_at_ms"] = *letter.closes_at_ms;
  if (letter.quorum) j["quorum"] = *letter.quorum;
  if (letter.supersedes) j["supersedes"] = crypto::ToHex(*letter.supersedes);
  return j;
}

Result<Letter> LetterFromJson(const nlohmann::json& j) {
  FieldReader r(j, "the letter",
                {"title", "body", "organizations", "closes_at_ms", "quorum", "supersedes"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  Letter letter;
  CANDOR_ASSIGN_OR_RETURN(letter.title, r.String("title"));
  CANDOR_ASSIGN_OR_RETURN(letter.body, r.String("body"));
  CANDOR_ASSIGN_OR_RETURN(letter.organizations, r.Strings("organizations"));
  CANDOR_ASSIGN_OR_RETURN(letter.closes_at_ms, r.OptionalUnsigned("closes_at_ms"));
  CANDOR_ASSIGN_OR_RETURN(letter.quorum, r.OptionalUnsigned("quorum"));
  CANDOR_ASSIGN_OR_RETURN(letter.supersedes, r.OptionalFixed<LetterId>("supersedes"));
  CANDOR_RETURN_IF_ERROR(ValidateLetter(letter));
  return letter;
}

std::vector<std::vector<crypto::Point>> BucketRoster(const std::vector<crypto::Point>& roster,
                                                     std::size_t max_ring) {
  const std::size_t n = roster.size();
  if (n == 0) return {};
  if (n <= max_ring) return {roster};
  const std::size_t b = (n + max_ring - 1) / max_ring;
  std::vector<std::pair<crypto::Digest32, std::size_t>> keyed;  // (bucket hash, roster index)
  keyed.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    keyed.emplace_back(crypto::H256("candor/v1/bucket", {roster[i].span()}), i);
  }
  std::sort(keyed.begin(), keyed.end(), [](const auto& x, const auto& y) {
    return x.first.bytes != y.first.bytes ? x.first.bytes < y.first.bytes : x.second < y.second;
  });
  std::vector<std::vector<crypto::Point>> buckets;
  buckets.reserve(b);
  std::size_t pos = 0;
  for (std::size_t j = 0; j < b; ++j) {
    const std::size_t size = n / b + (j < n % b ? 1 : 0);
    std::vector<std::size_t> idx;
    idx.reserve(size);
    for (std::size_t t = 0; t < size; ++t) idx.push_back(keyed[pos + t].second);
    pos += size;
    std::sort(idx.begin(), idx.end());
    std::vector<crypto::Point> ring;
    ring.reserve(size);
    for (auto i : idx) ring.push_back(roster[i]);
    buckets.push_back(std::move(ring));
  }
  return buckets;
}

std::optional<std::size_t> BucketOf(const std::vector<std::vector<crypto::Point>>& buckets,
                                    const crypto::Point& key) {
  for (std::size_t j = 0; j < buckets.size(); ++j) {
    if (std::find(buckets[j].begin(), buckets[j].end(), key) != buckets[j].end()) return j;
  }
  return std::nullopt;
}

Result<std::vector<crypto::Ring>> RosterRings(const std::vector<crypto::Point>& roster,
                                              std::size_t max_ring) {
  std::vector<crypto::Ring> rings;
  for (auto& bucket : BucketRoster(roster, max_ring)) {
    CANDOR_ASSIGN_OR_RETURN(crypto::Ring ring, crypto::Ring::Create(std::move(bucket)));
    rings.push_back(std::move(ring));
  }
  return rings;
}

Status CheckMinRing(std::size_t ring_size, std::size_t min_ring) {
  if (ring_size < min_ring) {
    return Error(ErrorCode::kFailedPrecondition, "the ring has " + std::to_string(ring_size) +
                                                     " members, fewer than the minimum of " +
                                                     std::to_string(min_ring));
  }
  return Status::Ok();
}

Result<SignerRing> SignerRingOf(const std::vector<crypto::Point>& roster,
                                const crypto::Point& member, std::size_t max_ring,
                                std::size_t min_ring) {
  auto buckets = BucketRoster(roster, max_ring);
  const auto which = BucketOf(buckets, member);
  if (!which) return Error(ErrorCode::kNotFound, "the key is not on the roster");
  CANDOR_ASSIGN_OR_RETURN(crypto::Ring ring, crypto::Ring::Create(std::move(buckets[*which])));
  CANDOR_RETURN_IF_ERROR(CheckMinRing(ring.size(), min_ring));
  const std::size_t index = *ring.IndexOf(member);
  return SignerRing{std::move(ring), index};
}

Result<crypto::Lrs2Ring> WholeRosterRing(const std::vector<crypto::Point>& roster) {
  if (roster.size() > crypto::kLrs2MaxRing) {
    return InvalidArgument("a roster of " + std::to_string(roster.size()) +
                           " members is larger than a candor-lrs-v2 ring may be (" +
                           std::to_string(crypto::kLrs2MaxRing) + ")");
  }
  CANDOR_ASSIGN_OR_RETURN(crypto::Ring ring, crypto::Ring::Create(roster));
  return crypto::Lrs2Ring::Create(std::move(ring));
}

const crypto::Ring* FindRing(const std::vector<crypto::Ring>& rings,
                             const crypto::Digest32& digest) {
  for (const auto& ring : rings) {
    if (ring.digest() == digest) return &ring;
  }
  return nullptr;
}

crypto::Digest32 PublishQuotaEvent(std::string_view slug, std::uint64_t window,
                                   std::uint64_t slot) {
  const auto w = crypto::U64Le(window);
  const auto s = crypto::U64Le(slot);
  return crypto::H256("candor/v1/letter/publish-quota",
                      {crypto::AsBytes(slug), crypto::ByteSpan(w), crypto::ByteSpan(s)});
}

crypto::Bytes PublishProofMessage(const LetterId& letter_id) {
  return crypto::Tr("candor/v1/letter/publish-statement", {letter_id.span()});
}

}  // namespace candor::domain
