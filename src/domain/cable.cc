#include "domain/cable.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "crypto/keys.h"
#include "crypto/receipt_words.h"
#include "crypto/transcript.h"
#include "domain/strict_json.h"

namespace candor::domain {
namespace {

using crypto::AsBytes;
using crypto::Bytes;
using crypto::ByteSpan;
using Json = nlohmann::json;

constexpr std::string_view kHeaderLabel = "candor/v1/cable-header";
constexpr std::string_view kGrantLabel = "candor/v1/cable-grant";
constexpr std::string_view kContentFormat = "candor-cable-v1";
constexpr std::string_view kFollowUpFormat = "candor-cable-follow-up-v1";

std::string Text(ByteSpan b) { return {b.begin(), b.end()}; }

}  // namespace

std::string_view CableAuthorName(CableAuthor author) {
  return author == CableAuthor::kNamed ? "named" : "anonymous";
}

Result<CableAuthor> ParseCableAuthor(std::string_view name) {
  if (name == "named") return CableAuthor::kNamed;
  if (name == "anonymous") return CableAuthor::kAnonymous;
  return InvalidArgument(R"(the author must be "named" or "anonymous")");
}

Status ValidateCableHeader(const CableHeader& h) {
  if (auto s = ValidateOrganizationSlug(h.organization); !s.ok()) {
    return InvalidArgument("cable header: " + s.error().message());
  }
  if (h.roster_version == 0)
    return InvalidArgument("cable header: the roster version must be at least 1");
  if (h.recipients.empty())
    return InvalidArgument("cable header: there must be at least one recipient");
  if (h.recipients.size() > kMaxCableRecipients) {
    return InvalidArgument("cable header: more than " + std::to_string(kMaxCableRecipients) +
                           " recipients");
  }
  std::set<crypto::BoxPublicKey> seen;
  for (const auto& r : h.recipients) {
    if (!crypto::IsValidBoxPublicKey(r)) {
      return InvalidArgument("cable header: a recipient key is not a valid X25519 key");
    }
    if (!seen.insert(r).second) return InvalidArgument("cable header: a recipient key is repeated");
  }
  if (!h.channel.empty()) {
    if (auto s = ValidateChannelId(h.channel); !s.ok()) {
      return InvalidArgument("cable header: " + s.error().message());
    }
  }
  return Status::Ok();
}

Bytes CableHeaderBytes(const CableHeader& h) {
  const auto version = crypto::U64Le(h.roster_version);
  const auto window = crypto::U64Le(h.quota_window);
  const auto k = crypto::U64Le(h.recipients.size());
  std::vector<ByteSpan> parts = {
      h.id.span(),       AsBytes(h.organization), AsBytes(CableAuthorName(h.author)),
      ByteSpan(version), h.ring_digest.span(),    ByteSpan(window),
      ByteSpan(k)};
  for (const auto& r : h.recipients) parts.push_back(r.span());
  parts.push_back(h.access_hash.span());
  if (h.scheme == RingScheme::kV2 || !h.channel.empty()) {
    parts.push_back(AsBytes(RingSchemeName(h.scheme)));
  }
  if (!h.channel.empty()) parts.push_back(AsBytes(h.channel));
  return crypto::TrParts(kHeaderLabel, parts);
}

Result<CableHeader> DecodeCableHeader(ByteSpan bytes) {
  // label + 7 fixed parts + up to kMaxCableRecipients + access hash + scheme + channel.
  auto parts_or = crypto::SplitTranscript(bytes, 1 + 7 + kMaxCableRecipients + 3);
  if (!parts_or.ok())
    return InvalidArgument("the cable header is malformed: " + parts_or.error().message());
  const auto& p = *parts_or;
  if (p.size() < 9 || Text(p[0]) != kHeaderLabel)
    return InvalidArgument("this is not a cable header");
  CableHeader h;
  auto fixed32 = [](ByteSpan b, auto* out, const char* what) -> Status {
    if (b.size() != 32)
      return InvalidArgument(std::string("cable header: ") + what + " must be 32 bytes");
    std::copy(b.begin(), b.end(), out->bytes.begin());
    return Status::Ok();
  };
  auto u64 = [](ByteSpan b, std::uint64_t* out, const char* what) -> Status {
    if (b.size() != 8)
      return InvalidArgument(std::string("cable header: ") + what + " must be 8 bytes");
    *out = crypto::ReadU64Le(b.data());
    return Status::Ok();
  };
  CANDOR_RETURN_IF_ERROR(fixed32(p[1], &h.id, "the cable id"));
  h.organization = Text(p[2]);
  CANDOR_ASSIGN_OR_RETURN(h.author, ParseCableAuthor(Text(p[3])));
  CANDOR_RETURN_IF_ERROR(u64(p[4], &h.roster_version, "the roster version"));
  CANDOR_RETURN_IF_ERROR(fixed32(p[5], &h.ring_digest, "the ring digest"));
  CANDOR_RETURN_IF_ERROR(u64(p[6], &h.quota_window, "the quota window"));
  std::uint64_t k = 0;
  CANDOR_RETURN_IF_ERROR(u64(p[7], &k, "the recipient count"));
  // Nine parts and the recipients; then the scheme (v2, or with a channel), then the channel.
  if (k > p.size() - 9 || p.size() - 9 - k > 2)
    return InvalidArgument("cable header: the recipient count does not match the recipients");
  for (std::size_t i = 0; i < k; ++i) {
    crypto::BoxPublicKey r;
    CANDOR_RETURN_IF_ERROR(fixed32(p[8 + i], &r, "a recipient key"));
    h.recipients.push_back(r);
  }
  CANDOR_RETURN_IF_ERROR(fixed32(p[8 + k], &h.access_hash, "the access hash"));
  if (p.size() >= 10 + k) {
    auto scheme = ParseRingScheme(Text(p[9 + k]));
    if (!scheme.ok()) {
      return InvalidArgument("cable header: the part after the access hash must be the scheme '" +
                             std::string(crypto::kLrs2Scheme) + "' or '" +
                             std::string(RingSchemeName(RingScheme::kV1)) + "'");
    }
    h.scheme = *scheme;
  }
  if (p.size() == 11 + k) {
    h.channel = Text(p[10 + k]);
    if (h.channel.empty()) return InvalidArgument("cable header: the channel's id is empty");
  }
  CANDOR_RETURN_IF_ERROR(ValidateCableHeader(h));
  if (CableHeaderBytes(h) != Bytes(bytes.begin(), bytes.end())) {
    return InvalidArgument("the cable header is not in canonical form");
  }
  return h;
}

Json CableHeaderToJson(const CableHeader& h) {
  Json recipients = Json::array();
  for (const auto& r : h.recipients) recipients.push_back(crypto::ToHex(r));
  Json out{{"id", crypto::ToHex(h.id)},
           {"organization", h.organization},
           {"author", CableAuthorName(h.author)},
           {"roster_version", h.roster_version},
           {"ring_digest", crypto::ToHex(h.ring_digest)},
           {"quota_window", h.quota_window},
           {"recipients", recipients},
           {"access_hash", crypto::ToHex(h.access_hash)}};
  if (h.scheme == RingScheme::kV2) out["scheme"] = RingSchemeName(h.scheme);
  if (!h.channel.empty()) out["channel"] = h.channel;
  return out;
}

Result<CableHeader> CableHeaderFromJson(const Json& j) {
  FieldReader f(j, "the cable header",
                {"id", "organization", "author", "roster_version", "ring_digest", "quota_window",
                 "recipients", "access_hash", "scheme", "channel"});
  CANDOR_RETURN_IF_ERROR(f.Shape());
  CableHeader h;
  CANDOR_ASSIGN_OR_RETURN(h.id, f.Fixed<CableId>("id"));
  CANDOR_ASSIGN_OR_RETURN(h.organization, f.String("organization"));
  CANDOR_ASSIGN_OR_RETURN(std::string author, f.String("author"));
  CANDOR_ASSIGN_OR_RETURN(h.author, ParseCableAuthor(author));
  CANDOR_ASSIGN_OR_RETURN(h.roster_version, f.Unsigned("roster_version"));
  CANDOR_ASSIGN_OR_RETURN(h.ring_digest, f.Fixed<crypto::Digest32>("ring_digest"));
  CANDOR_ASSIGN_OR_RETURN(h.quota_window, f.Unsigned("quota_window"));
  CANDOR_ASSIGN_OR_RETURN(const Json* recipients, f.Value("recipients"));
  if (!recipients->is_array())
    return InvalidArgument("'recipients' must be a list of X25519 keys (hex)");
  if (recipients->size() > kMaxCableRecipients) {
    return InvalidArgument("more than " + std::to_string(kMaxCableRecipients) + " recipients");
  }
  for (const auto& r : *recipients) {
    if (!r.is_string()) return InvalidArgument("'recipients' must hold only hex strings");
    CANDOR_ASSIGN_OR_RETURN(
        auto key, crypto::FixedFromHex<crypto::BoxPublicKey>(r.get<std::string>(), "a recipient"));
    h.recipients.push_back(key);
  }
  CANDOR_ASSIGN_OR_RETURN(h.access_hash, f.Fixed<crypto::Digest32>("access_hash"));
  CANDOR_ASSIGN_OR_RETURN(auto scheme, f.OptionalString("scheme"));
  if (scheme) {
    CANDOR_ASSIGN_OR_RETURN(h.scheme, ParseRingScheme(*scheme));
  }
  CANDOR_ASSIGN_OR_RETURN(auto channel, f.OptionalString("channel"));
  if (channel) {
    if (channel->empty()) return InvalidArgument("'channel' must not be empty (leave it out)");
    h.channel = std::move(*channel);
  }
  CANDOR_RETURN_IF_ERROR(ValidateCableHeader(h));
  return h;
}

crypto::Digest32 CableQuotaEvent(std::string_view slug, std::uint64_t window, std::uint64_t slot) {
  const auto w = crypto::U64Le(window);
  const auto s = crypto::U64Le(slot);
  return crypto::H256("candor/v1/cable/quota", {AsBytes(slug), ByteSpan(w), ByteSpan(s)});
}

crypto::Digest32 CableSubmissionDigest(ByteSpan header_bytes, ByteSpan envelope_bytes,
                                       ByteSpan signature, std::uint64_t quota_slot,
                                       ByteSpan quota_signature, ByteSpan author_signature) {
  const auto slot = crypto::U64Le(quota_slot);
  return crypto::H256(
      "candor/v1/cable/submission",
      {header_bytes, envelope_bytes, signature, ByteSpan(slot), quota_signature, author_signature});
}

namespace {
constexpr std::array<std::pair<CableAction, std::string_view>, 10> kActions{{
    {CableAction::kSubmitted, "submitted"},
    {CableAction::kAcknowledged, "acknowledged"},
    {CableAction::kExtended, "extended"},
    {CableAction::kReplied, "replied"},
    {CableAction::kNoted, "noted"},
    {CableAction::kClosed, "closed"},
    {CableAction::kPurged, "purged"},
    {CableAction::kFollowedUp, "followed-up"},
    {CableAction::kRecused, "recused"},
    {CableAction::kGranted, "granted"},
}};
}  // namespace

std::string_view CableActionName(CableAction action) {
  for (const auto& [a, name] : kActions) {
    if (a == action) return name;
  }
  return "unknown";
}

Result<CableAction> ParseCableAction(std::string_view name) {
  for (const auto& [a, n] : kActions) {
    if (n == name) return a;
  }
  return InvalidArgument("unknown cable action '" + std::string(name.substr(0, 64)) + "'");
}

bool CableActionHasMessage(CableAction a) {
  return a == CableAction::kExtended || a == CableAction::kReplied || a == CableAction::kNoted ||
         a == CableAction::kClosed || a == CableAction::kFollowedUp;
}

bool CableMessageReachesAuthor(CableAction a) {
  return a == CableAction::kExtended || a == CableAction::kReplied || a == CableAction::kClosed ||
         a == CableAction::kFollowedUp;
}

Bytes CableMessageHeaderBytes(const CableId& cable, CableAction action,
                              std::span<const crypto::BoxPublicKey> recipients) {
  const auto k = crypto::U64Le(recipients.size());
  std::vector<ByteSpan> parts = {cable.span(), AsBytes(CableActionName(action)), ByteSpan(k)};
  for (const auto& r : recipients) parts.push_back(r.span());
  return crypto::TrParts("candor/v1/cable-message", parts);
}

Status ValidateCableGrant(const CableGrant& g) {
  if (!crypto::IsValidBoxPublicKey(g.to)) {
    return InvalidArgument("cable grant: the reviewer's key is not a valid X25519 key");
  }
  if (g.wraps.empty() || g.wraps.size() > kMaxCableGrantWraps) {
    return InvalidArgument("cable grant: 1 to " + std::to_string(kMaxCableGrantWraps) +
                           " wrapped keys");
  }
  if (g.wraps.front().first != 1) {
    return InvalidArgument("cable grant: the first wrapped key must be the cable's own (seq 1)");
  }
  for (std::size_t i = 1; i < g.wraps.size(); ++i) {
    if (g.wraps[i].first <= g.wraps[i - 1].first) {
      return InvalidArgument("cable grant: the events must be in increasing order, each once");
    }
  }
  return Status::Ok();
}

Bytes CableGrantBytes(const CableGrant& g) {
  std::vector<std::array<std::uint8_t, 8>> seqs;
  seqs.reserve(g.wraps.size());
  for (const auto& w : g.wraps) seqs.push_back(crypto::U64Le(w.first));
  const auto n = crypto::U64Le(g.wraps.size());
  std::vector<ByteSpan> parts = {g.to.span(), ByteSpan(n)};
  for (std::size_t i = 0; i < g.wraps.size(); ++i) {
    parts.emplace_back(seqs[i]);
    parts.emplace_back(g.wraps[i].second.data(), g.wraps[i].second.size());
  }
  return crypto::TrParts(kGrantLabel, parts);
}

Result<CableGrant> DecodeCableGrant(ByteSpan bytes) {
  auto parts_or = crypto::SplitTranscript(bytes, 3 + 2 * kMaxCableGrantWraps);
  if (!parts_or.ok())
    return InvalidArgument("the cable grant is malformed: " + parts_or.error().message());
  const auto& p = *parts_or;
  if (p.size() < 3 || Text(p[0]) != kGrantLabel)
    return InvalidArgument("this is not a cable grant");
  if (p[1].size() != 32 || p[2].size() != 8) {
    return InvalidArgument("cable grant: the key must be 32 bytes and the count 8");
  }
  CableGrant g;
  std::copy(p[1].begin(), p[1].end(), g.to.bytes.begin());
  const std::uint64_t n = crypto::ReadU64Le(p[2].data());
  if (n != (p.size() - 3) / 2 || (p.size() - 3) % 2 != 0) {
    return InvalidArgument("cable grant: the count does not match the wrapped keys");
  }
  for (std::size_t i = 3; i < p.size(); i += 2) {
    if (p[i].size() != 8 || p[i + 1].size() != crypto::kWrappedKeySize) {
      return InvalidArgument("cable grant: each event is 8 bytes and each wrapped key " +
                             std::to_string(crypto::kWrappedKeySize));
    }
    crypto::WrappedKey w{};
    std::copy(p[i + 1].begin(), p[i + 1].end(), w.begin());
    g.wraps.emplace_back(crypto::ReadU64Le(p[i].data()), w);
  }
  CANDOR_RETURN_IF_ERROR(ValidateCableGrant(g));
  if (CableGrantBytes(g) != Bytes(bytes.begin(), bytes.end())) {
    return InvalidArgument("the cable grant is not in canonical form");
  }
  return g;
}

crypto::Digest32 CableGrantDigest(const CableId& cable, ByteSpan grant_bytes) {
  return crypto::H256("candor/v1/cable/grant", {cable.span(), grant_bytes});
}

crypto::Digest32 CableRecusalDigest(const CableId& cable, const crypto::BoxPublicKey& key) {
  return crypto::H256("candor/v1/cable/recusal", {cable.span(), key.span()});
}

crypto::Digest32 CableMessageDigest(ByteSpan message_header, ByteSpan envelope_bytes) {
  return crypto::H256("candor/v1/cable/message", {message_header, envelope_bytes});
}

Bytes ReviewerKeyProofContext(std::string_view slug, std::uint64_t account_id) {
  const auto id = crypto::U64Le(account_id);
  return crypto::Tr("candor/v1/reviewer-key", {crypto::AsBytes(slug), crypto::ByteSpan(id)});
}

Bytes CableAuthorBindingMessage(const crypto::SignPublicKey& signing_public) {
  return crypto::Tr("candor/v1/cable/author", {signing_public.span()});
}

std::string FormatCableReceipt(const CableId& id, const crypto::ReceiptSecret& secret) {
  return std::string(kCableReceiptPrefix) + crypto::ToHex(id) + "-" + crypto::ToHex(secret.span());
}

Result<CableReceipt> ParseCableReceipt(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  if (!text.starts_with("candor-receipt")) {
    CANDOR_ASSIGN_OR_RETURN(crypto::ReceiptSeed seed, crypto::ParseReceiptWords(text));
    return CableReceipt{crypto::ReceiptWordsCableId(seed), crypto::ReceiptWordsSecret(seed)};
  }
  const Error bad = InvalidArgument(
      "this is not a Candor receipt: a long receipt starts with 'candor-receipt-v1-' followed by "
      "129 more characters; copy it again exactly as it was shown when the cable was sent");
  if (text.substr(0, kCableReceiptPrefix.size()) != kCableReceiptPrefix) return bad;
  text.remove_prefix(kCableReceiptPrefix.size());
  if (text.size() != 64 + 1 + 64 || text[64] != '-') return bad;
  auto id = crypto::FixedFromHex<CableId>(text.substr(0, 64), "cable id");
  auto secret = crypto::FromHex(text.substr(65));
  if (!id.ok() || !secret.ok()) return bad;
  CableReceipt r{*id, crypto::ReceiptSecretFromBytes(*secret)};
  crypto::Wipe(*secret);
  return r;
}

namespace {

Status ValidateAttachments(const std::vector<CableAttachment>& attachments) {
  if (attachments.size() > kMaxCableAttachments) {
    return InvalidArgument("at most " + std::to_string(kMaxCableAttachments) + " attachments");
  }
  for (const auto& a : attachments) {
    if (a.name.empty() || a.name.size() > kMaxAttachmentNameBytes || !IsValidUtf8(a.name) ||
        HasControlCharacter(a.name) || a.name.find('/') != std::string::npos ||
        a.name.find('\\') != std::string::npos) {
      return InvalidArgument(
          "an attachment's name must be a plain file name (1 to 255 bytes, no '/')");
    }
    if (a.type.size() > 255 || HasControlCharacter(a.type) || !IsValidUtf8(a.type)) {
      return InvalidArgument("an attachment's type must be a media type such as application/pdf");
    }
  }
  return Status::Ok();
}

Json AttachmentsToJson(const std::vector<CableAttachment>& attachments) {
  Json out = Json::array();
  for (const auto& a : attachments) {
    out.push_back({{"name", a.name}, {"type", a.type}, {"data", crypto::ToHex(a.data)}});
  }
  return out;
}

Result<std::vector<CableAttachment>> AttachmentsFromJson(FieldReader& f) {
  CANDOR_ASSIGN_OR_RETURN(const Json* attachments, f.Value("attachments"));
  if (!attachments->is_array()) return InvalidArgument("'attachments' must be a list");
  std::vector<CableAttachment> out;
  for (const auto& a : *attachments) {
    FieldReader af(a, "an attachment", {"name", "type", "data"});
    CANDOR_RETURN_IF_ERROR(af.Shape());
    CableAttachment att;
    CANDOR_ASSIGN_OR_RETURN(att.name, af.String("name"));
    CANDOR_ASSIGN_OR_RETURN(att.type, af.String("type"));
    CANDOR_ASSIGN_OR_RETURN(att.data, af.Hex("data"));
    out.push_back(std::move(att));
  }
  return out;
}

}  // namespace

Status ValidateCableFollowUp(const CableFollowUp& f) {
  if (f.body.empty() || !IsValidUtf8(f.body) || f.body.find('\0') != std::string::npos)
    return InvalidArgument("the text must not be empty and must be UTF-8 without NUL characters");
  return ValidateAttachments(f.attachments);
}

Bytes CableFollowUpToBytes(const CableFollowUp& f) {
  const Json j = {{"format", kFollowUpFormat},
                  {"body", f.body},
                  {"attachments", AttachmentsToJson(f.attachments)}};
  const std::string text = j.dump();
  return Bytes(text.begin(), text.end());
}

Result<CableFollowUp> CableFollowUpFromBytes(ByteSpan bytes) {
  Json j = ParseStrictJsonOrDiscarded(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  if (j.is_discarded()) return InvalidArgument("the follow-up is not JSON");
  FieldReader f(j, "the follow-up", {"format", "body", "attachments"});
  CANDOR_RETURN_IF_ERROR(f.Shape());
  CANDOR_ASSIGN_OR_RETURN(std::string format, f.String("format"));
  if (format != kFollowUpFormat)
    return InvalidArgument("the follow-up is not " + std::string(kFollowUpFormat));
  CableFollowUp out;
  CANDOR_ASSIGN_OR_RETURN(out.body, f.String("body"));
  CANDOR_ASSIGN_OR_RETURN(out.attachments, AttachmentsFromJson(f));
  CANDOR_RETURN_IF_ERROR(ValidateCableFollowUp(out));
  return out;
}

Status ValidateCableContent(const CableContent& c) {
  if (c.subject.empty() || c.subject.size() > kMaxCableSubjectBytes || !IsValidUtf8(c.subject) ||
      HasControlCharacter(c.subject)) {
    return InvalidArgument("the subject must be 1 to " + std::to_string(kMaxCableSubjectBytes) +
                           " bytes of text on one line");
  }
  if (c.body.empty() || !IsValidUtf8(c.body))
    return InvalidArgument("the text must not be empty and must be UTF-8");
  if (!crypto::IsValidBoxPublicKey(c.reply_public))
    return InvalidArgument("the reply key is not a valid X25519 key");
  CANDOR_RETURN_IF_ERROR(ValidateAttachments(c.attachments));
  if (c.author) {
    if (c.author->name.empty() || c.author->name.size() > 200 || !IsValidUtf8(c.author->name) ||
        HasControlCharacter(c.author->name)) {
      return InvalidArgument("the author's name must be 1 to 200 bytes of text on one line");
    }
    if (c.author->binding.empty())
      return InvalidArgument("a named cable needs the author's binding proof");
  }
  return Status::Ok();
}

Bytes CableContentToBytes(const CableContent& c) {
  const Json attachments = AttachmentsToJson(c.attachments);
  Json author = nullptr;
  if (c.author) {
    author = {{"name", c.author->name},
              {"ring_public", crypto::ToHex(c.author->ring_public)},
              {"signing_public", crypto::ToHex(c.author->signing_public)},
              {"binding", crypto::ToHex(c.author->binding)}};
  }
  const Json j = {{"format", kContentFormat},
                  {"subject", c.subject},
                  {"body", c.body},
                  {"reply_public", crypto::ToHex(c.reply_public)},
                  {"attachments", attachments},
                  {"author", author}};
  const std::string text = j.dump();
  return Bytes(text.begin(), text.end());
}

std::size_t CablePaddedSize(std::size_t n) {
  std::size_t size = kMinCablePadded;
  while (size < n) size <<= 1;
  return size;
}

bool IsCablePaddedSize(std::size_t n) { return n >= kMinCablePadded && (n & (n - 1)) == 0; }

Bytes PadCablePlaintext(ByteSpan text) {
  Bytes out(CablePaddedSize(text.size()), 0);
  std::copy(text.begin(), text.end(), out.begin());
  return out;
}

Result<ByteSpan> UnpadCablePlaintext(ByteSpan padded) {
  if (!IsCablePaddedSize(padded.size())) {
    return InvalidArgument("the plaintext is " + std::to_string(padded.size()) +
                           " bytes, not a padding bucket (a power of two, at least " +
                           std::to_string(kMinCablePadded) + ")");
  }
  std::size_t end = padded.size();
  while (end > 0 && padded[end - 1] == 0) --end;
  if (end == 0) return InvalidArgument("the plaintext is all padding");
  // A text never holds a zero byte, so where the padding starts is never in doubt.
  if (std::find(padded.begin(), padded.begin() + static_cast<std::ptrdiff_t>(end), 0) !=
      padded.begin() + static_cast<std::ptrdiff_t>(end)) {
    return InvalidArgument("the padded text holds a zero byte");
  }
  if (CablePaddedSize(end) != padded.size()) {
    return InvalidArgument("the plaintext is padded beyond its bucket");
  }
  return padded.first(end);
}

Result<CableContent> CableContentFromBytes(ByteSpan bytes) {
  Json j = ParseStrictJsonOrDiscarded(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  if (j.is_discarded()) return InvalidArgument("the cable's content is not JSON");
  FieldReader f(j, "the cable's content",
                {"format", "subject", "body", "reply_public", "attachments", "author"});
  CANDOR_RETURN_IF_ERROR(f.Shape());
  CANDOR_ASSIGN_OR_RETURN(std::string format, f.String("format"));
  if (format != kContentFormat)
    return InvalidArgument("the cable's content is not " + std::string(kContentFormat));
  CableContent c;
  CANDOR_ASSIGN_OR_RETURN(c.subject, f.String("subject"));
  CANDOR_ASSIGN_OR_RETURN(c.body, f.String("body"));
  CANDOR_ASSIGN_OR_RETURN(c.reply_public, f.Fixed<crypto::BoxPublicKey>("reply_public"));
  CANDOR_ASSIGN_OR_RETURN(c.attachments, AttachmentsFromJson(f));
  CANDOR_ASSIGN_OR_RETURN(const Json* author, f.Value("author"));
  if (!author->is_null()) {
    FieldReader a(*author, "the author", {"name", "ring_public", "signing_public", "binding"});
    CANDOR_RETURN_IF_ERROR(a.Shape());
    CableAuthorIdentity id;
    CANDOR_ASSIGN_OR_RETURN(id.name, a.String("name"));
    CANDOR_ASSIGN_OR_RETURN(id.ring_public, a.Fixed<crypto::Point>("ring_public"));
    CANDOR_ASSIGN_OR_RETURN(id.signing_public, a.Fixed<crypto::SignPublicKey>("signing_public"));
    CANDOR_ASSIGN_OR_RETURN(id.binding, a.Hex("binding"));
    c.author = std::move(id);
  }
  CANDOR_RETURN_IF_ERROR(ValidateCableContent(c));
  return c;
}

namespace {
std::int64_t DaysLeft(const Period& period, const WorkingCalendar& calendar, const Date& today,
                      const Date& deadline) {
  if (period.unit == PeriodUnit::kWorkingDays) return calendar.WorkingDaysBetween(today, deadline);
  return DaysFromCivil(deadline) - DaysFromCivil(today);
}
}  // namespace

CableClock ComputeCableClock(const DeadlinePolicy& policy, const WorkingCalendar& calendar,
                             const CableDates& dates, const Date& today) {
  CableClock clock;
  const CableDeadlines base = ComputeDeadlines(policy, calendar, dates.received);
  clock.acknowledge_by = base.acknowledge_by;
  clock.answer_by = base.answer_by;
  Period answer_period = policy.answer;
  if (dates.extended && policy.extended_answer) {
    clock.extended = true;
    clock.answer_by = AddPeriod(calendar, dates.received, *policy.extended_answer);
    answer_period = *policy.extended_answer;
  }
  clock.acknowledged = dates.acknowledged.has_value();
  clock.closed = dates.closed.has_value();
  clock.acknowledge_days_left = DaysLeft(policy.acknowledge, calendar, today, clock.acknowledge_by);
  clock.answer_days_left = DaysLeft(answer_period, calendar, today, clock.answer_by);
  clock.acknowledge_overdue = !clock.acknowledged && today > clock.acknowledge_by;
  clock.answer_overdue = !clock.closed && today > clock.answer_by;
  return clock;
}

Date DateOfMs(std::int64_t ms) {
  std::int64_t days = ms / 86'400'000;
  if (ms % 86'400'000 < 0) --days;
  return CivilFromDays(days);
}

}  // namespace candor::domain
