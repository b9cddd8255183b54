// tests/vectors/cable.json: the bytes of dissent cables that are not the envelope itself
// (docs/PROTOCOL.md, "Cables"): the public header, quota events, receipts and what is derived
// from them, reviewer message headers, and the digests the log commits to.
//
// A JSON array; every element has `kind`, `description` and `valid`, plus per kind (hex unless
// said otherwise):
//   "header":       `header` (the JSON form, PROTOCOL.md), `bytes` (canonical header bytes);
//                   invalid ones carry only `bytes` (which a decoder must refuse)
//   "quota-event":  `organization` (text), `window`, `slot` (numbers), `event`
//   "recusal":      `cable_id`, `key` (the reviewer's X25519 key), `digest`
//   "grant":        `bytes` (CableGrantBytes); valid ones also `cable_id`, `to`, `wraps`
//                   (array of {`seq`, `wrap`}), `digest` (CableGrantDigest)
//   "receipt":      `cable_id`, `secret`, `receipt` (text), `reply_secret`, `reply_public`,
//                   `access`, `access_hash`; invalid ones carry only `receipt` (to refuse)
//   "receipt-words": `typed` (text, as a person might type it); valid ones also `seed`, `words`
//                   (text, as a client prints them), `cable_id`, `secret`, `access_hash`;
//                   invalid ones `error` (text the error message must contain: the same slip
//                   is named the same way by every implementation)
//   "message":      `cable_id`, `action` (text), `recipients` (array), `envelope`,
//                   `header_bytes`, `digest`
//   "submission":   `header_bytes`, `envelope`, `signature`, `quota_slot` (number),
//                   `quota_signature`, `author_signature` (may be empty), `digest`
//   "binding":      `signing_public`, `message` (CableAuthorBindingMessage)
//   "reviewer-key-proof": `organization` (text), `account_id` (number), `reviewer_secret`,
//                   `reviewer_public`, `server_secret`, `server_public`, `proof`
//                   (crypto::ProveBoxKeyPossession over ReviewerKeyProofContext)
//   "padding":      `text`, `padded_size` (number): the plaintext is `text`, then zero bytes up
//                   to `padded_size` bytes, then — when present — `tail` (hex) overwriting the
//                   last bytes; valid ones unpad to `text` and pad `text` back to exactly that
//                   plaintext, invalid ones must be refused by the unpadder
//   "follow-up":    an author's follow-up plaintext (domain::CableFollowUpToBytes): `bytes`;
//                   valid ones also `body` (text) and `attachments` (array of {`name`,
//                   `type` (text), `data`}), which encode to exactly `bytes`; invalid ones
//                   must be refused by the reader
//   "sealed-cable": a whole cable sealed by the author's client (cli::SealCable) from a
//                   SeededRng: `seed` (number), the inputs `organization`, `roster_version`,
//                   `roster` (array), `reviewers` (array), `quota_window`, `quota_slots`,
//                   `used_tags` (array of {`slot`, `tag`}), `min_ring`, the member's
//                   `ring_secret` and `box_secret`, the draft's `subject`, `body` (text),
//                   `attachments` (array of {`name`, `type` (text), `data`}) and, for a named
//                   cable, `author_name` (text); the outputs `request` (the JSON body of
//                   POST /api/v1/cables) and `receipt` (text). Every random draw, its size and
//                   its order are pinned by these: a client that draws differently (the slot
//                   from 4 bytes instead of 8, say) seals other bytes
//   "sealed-message": a reviewer's message sealed (cli::SealMessage) from a SeededRng: `seed`,
//                   `cable_id`, `action` (text), `text` (text), `author_reply_public`,
//                   `reviewers` (array); the output `body` (the JSON body of
//                   POST …/cables/messages)
#include <nlohmann/json.hpp>

#include "cli/cable_client.h"
#include "crypto/bytes.h"
#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/receipt.h"
#include "crypto/receipt_words.h"
#include "crypto/ristretto.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"
#include "domain/cable.h"
#include "vectors/registry.h"

namespace candor::vectors {
namespace {

using crypto::Bytes;
using crypto::ToHex;
using nlohmann::json;

template <typename F>
F Random(crypto::Rng& rng) {
  F f;
  rng.Fill(f.bytes);
  return f;
}

// A random X25519 public key: 32 random bytes with bit 255 cleared (the canonical encoding;
// CRYPTO.md refuses the bit). Such a u is below p and not of small order except with
// negligible probability, which IsValidBoxPublicKey confirms.
crypto::BoxPublicKey RandomBoxKey(crypto::Rng& rng) {
  auto k = Random<crypto::BoxPublicKey>(rng);
  k.bytes[31] &= 0x7f;
  if (!crypto::IsValidBoxPublicKey(k))
    candor::internal::DieOnBadAccess("cable vectors: an invalid random key");
  return k;
}

Bytes RandomBytes(crypto::Rng& rng, std::size_t n) {
  Bytes b(n);
  rng.Fill(b);
  return b;
}

json HexList(const auto& keys) {
  json out = json::array();
  for (const auto& k : keys) out.push_back(ToHex(k));
  return out;
}

// Receipt words (the "receipt-words" kind above): the seeds of BIP-39's own vectors and
// random ones, what they derive, and typed receipts that must be read or refused the same way
// everywhere.
void ReceiptWordVectors(json& out) {
  auto valid = [&out](const std::string& description, const crypto::ReceiptSeed& seed,
                      const std::string& typed) {
    const crypto::ReceiptSecret secret = crypto::ReceiptWordsSecret(seed);
    const crypto::ReceiptKeys keys = crypto::DeriveReceiptKeys(secret);
    out.push_back({{"kind", "receipt-words"},
                   {"valid", true},
                   {"description", description},
                   {"seed", ToHex(seed.span())},
                   {"words", crypto::ReceiptWords(seed)},
                   {"typed", typed},
                   {"cable_id", ToHex(crypto::ReceiptWordsCableId(seed))},
                   {"secret", ToHex(secret.span())},
                   {"access_hash", ToHex(keys.access_hash)}});
  };
  auto seed_of = [](std::string_view hex) {
    crypto::ReceiptSeed s;
    const Bytes b = *crypto::FromHex(hex);
    std::copy(b.begin(), b.end(), s.data());
    return s;
  };
  valid("BIP-39's all-zero vector", seed_of("00000000000000000000000000000000"),
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
        "about");
  valid("BIP-39's 7f vector, typed with capitals, numbers and line breaks",
        seed_of("7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f"),
        "  1. Legal 2. winner 3. THANK 4) year\n5 wave sausage\r\n\tworth useful legal   winner "
        "thank 12. yellow\n");
  valid("BIP-39's all-ones vector", seed_of("ffffffffffffffffffffffffffffffff"),
        "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong");
  crypto::SeededRng rng(0x3017d5);
  for (int i = 0; i < 8; ++i) {
    const crypto::ReceiptSeed s = crypto::GenerateReceiptSeed(rng);
    valid("a random seed", s, crypto::ReceiptWords(s));
  }
  for (auto [description, typed, error] : {
           std::tuple{"nothing", "  \n", "no receipt given"},
           std::tuple{"eleven words",
                      "legal winner thank year wave sausage worth useful legal "
                      "winner thank",
                      "this has 11"},
           std::tuple{"a misspelt word, known by its first four letters",
                      "legal winner thank year wave sausage worth usefull legal winner thank "
                      "yellow",
                      "word 8, 'usefull', is not one of the receipt words; did you mean 'useful'?"},
           std::tuple{"two letters swapped",
                      "legal winner thank year wave sausage worht useful legal winner thank yellow",
                      "word 7, 'worht', is not one of the receipt words; did you mean 'worth'?"},
           std::tuple{"a slip two list words are close to",
                      "legal winner thnk year wave sausage worth useful legal winner thank yellow",
                      "word 3, 'thnk', is not one of the receipt words: check it"},
           std::tuple{
               "a word with a character that is not a letter",
               "legal winner thank year wave sausage worth use-ful legal winner thank yellow",
               "word 8 is not one of the receipt words"},
           std::tuple{"two words swapped",
                      "winner legal thank year wave sausage worth useful legal winner thank yellow",
                      "do not belong together"},
           std::tuple{"a wrong list word",
                      "legal winner thank year wave sausage worth useful legal winner thank zoo",
                      "do not belong together"},
       }) {
    out.push_back({{"kind", "receipt-words"},
                   {"valid", false},
                   {"description", description},
                   {"typed", typed},
                   {"error", error}});
  }
}

// The plaintext of an author's follow-up (the "follow-up" kind above).
void FollowUpVectors(json& out) {
  auto valid = [&out](const std::string& description, const domain::CableFollowUp& f) {
    json atts = json::array();
    for (const auto& a : f.attachments)
      atts.push_back({{"name", a.name}, {"type", a.type}, {"data", ToHex(a.data)}});
    out.push_back({{"kind", "follow-up"},
                   {"valid", true},
                   {"description", description},
                   {"body", f.body},
                   {"attachments", atts},
                   {"bytes", ToHex(domain::CableFollowUpToBytes(f))}});
  };
  valid("text only", {"One more thing: the April logs were back-dated too.", {}});
  valid("text and two attachments",
        {"The memo and a photo.\nSee both.",
         {{"memo.pdf", "application/pdf", Bytes{0x25, 0x50, 0x44, 0x46}},
          {"photo \u00e9t\u00e9.jpg", "", Bytes{0xff, 0xd8}}}});
  for (
      auto [description, text] : {
          std::pair{"not JSON", std::string("plain text")},
          std::pair{"the content format",
                    std::string(R"({"attachments":[],"body":"x","format":"candor-cable-v1"})")},
          std::pair{
              "an unknown field",
              std::string(
                  R"({"attachments":[],"body":"x","extra":1,"format":"candor-cable-follow-up-v1"})")},
          std::pair{
              "an empty text",
              std::string(R"({"attachments":[],"body":"","format":"candor-cable-follow-up-v1"})")},
          std::pair{
              "an attachment named with a path",
              std::string(
                  R"({"attachments":[{"data":"00","name":"../x","type":""}],"body":"x","format":"candor-cable-follow-up-v1"})")},
          std::pair{
              "upper-case hex",
              std::string(
                  R"({"attachments":[{"data":"AB","name":"x","type":""}],"body":"x","format":"candor-cable-follow-up-v1"})")},
      }) {
    out.push_back({{"kind", "follow-up"},
                   {"valid", false},
                   {"description", description},
                   {"bytes", ToHex(crypto::AsBytes(text))}});
  }
}

// Whole cables and messages sealed from a SeededRng (the "sealed-cable" and "sealed-message"
// kinds above): the browser must draw the same bytes in the same order to seal the same ones.
void SealedVectors(json& out) {
  crypto::SeededRng keys_rng(0x5ea1);
  std::vector<crypto::MemberKeys> members;
  std::vector<crypto::Point> roster;
  for (int i = 0; i < 6; ++i) {
    members.push_back(crypto::GenerateMemberKeys(keys_rng));
    roster.push_back(members.back().ring.public_key);
  }
  std::vector<crypto::BoxPublicKey> reviewers;
  for (int i = 0; i < 2; ++i) reviewers.push_back(crypto::GenerateBoxKeyPair(keys_rng).public_key);

  struct Case {
    const char* description;
    std::uint64_t seed;
    std::size_t member;
    std::uint64_t slots;
    std::vector<std::uint64_t> used;  // slots whose tag (of this member) the server lists
    std::optional<std::string> author_name;
    std::vector<domain::CableAttachment> attachments;
    domain::RingScheme scheme = domain::RingScheme::kV1;
  };
  const std::vector<Case> cases = {
      {"an anonymous cable; slot 1 of 3 already used, so the slot is drawn from two",
       101,
       2,
       3,
       {1},
       std::nullopt,
       {}},
      {"a named cable with an attachment, five free slots",
       102,
       4,
       5,
       {},
       "A. Author",
       {{"memo.txt", "text/plain", Bytes{'m', 'e', 'm', 'o', '\n'}}}},
      {"a named cable signed within the whole roster (candor-lrs-v2)",
       104,
       5,
       2,
       {},
       "B. Author",
       {},
       domain::RingScheme::kV2},
  };
  for (const Case& c : cases) {
    const crypto::MemberKeys& me = members[c.member];
    cli::CableInputs in;
    in.organization = "state";
    in.roster_version = 3;
    in.roster = roster;
    in.reviewers = reviewers;
    in.quota_window = 2937;
    in.quota_slots = c.slots;
    in.min_ring = 5;
    in.scheme = c.scheme;
    json used = json::array();
    for (std::uint64_t slot : c.used) {
      const crypto::Point tag = crypto::SecretScalarMult(
          me.ring.secret,
          crypto::LrsTagBase(domain::CableQuotaEvent(in.organization, in.quota_window, slot)));
      in.used_tags.emplace_back(static_cast<std::int64_t>(slot), tag);
      used.push_back({{"slot", slot}, {"tag", ToHex(tag)}});
    }
    cli::CableDraft draft{"Concerns about the new policy", "The reasons, at length.", c.attachments,
                          c.author_name};
    crypto::SeededRng rng(c.seed);
    auto sealed = cli::SealCable(draft, in, me, rng);
    if (!sealed.ok()) candor::internal::DieOnBadAccess("cable vectors: a cable does not seal");
    json attachments = json::array();
    for (const auto& a : c.attachments)
      attachments.push_back({{"name", a.name}, {"type", a.type}, {"data", ToHex(a.data)}});
    json v{{"kind", "sealed-cable"},
           {"valid", true},
           {"description", c.description},
           {"seed", c.seed},
           {"organization", in.organization},
           {"roster_version", in.roster_version},
           {"roster", HexList(roster)},
           {"reviewers", HexList(reviewers)},
           {"quota_window", in.quota_window},
           {"quota_slots", in.quota_slots},
           {"used_tags", used},
           {"min_ring", in.min_ring},
           {"ring_secret", ToHex(me.ring.secret.span())},
           {"box_secret", ToHex(me.box.secret.span())},
           {"subject", draft.subject},
           {"body", draft.body},
           {"attachments", attachments}};
    if (c.author_name) v["author_name"] = *c.author_name;
    v["scheme"] = domain::RingSchemeName(c.scheme);
    v["request"] = sealed->request;
    v["receipt"] = sealed->receipt;
    out.push_back(std::move(v));
  }

  cli::OpenedCable opened;
  opened.header.id = Random<domain::CableId>(keys_rng);
  opened.content.reply_public = RandomBoxKey(keys_rng);
  crypto::SeededRng rng(103);  // the sealing's own stream, from its first draw
  auto body = cli::SealMessage(opened.header.id, domain::CableAction::kReplied,
                               "Thank you; we are looking into it.", opened, reviewers, rng);
  if (!body.ok()) candor::internal::DieOnBadAccess("cable vectors: a message does not seal");
  out.push_back({{"kind", "sealed-message"},
                 {"valid", true},
                 {"description", "a reply, sealed for the author and the reviewers"},
                 {"seed", 103},
                 {"cable_id", ToHex(opened.header.id)},
                 {"action", "replied"},
                 {"text", "Thank you; we are looking into it."},
                 {"author_reply_public", ToHex(opened.content.reply_public)},
                 {"reviewers", HexList(reviewers)},
                 {"body", *body}});
}

json CableVectors() {
  crypto::SeededRng rng(2026);
  json out = json::array();

  // Headers: anonymous with one recipient, named with three.
  for (std::size_t k : {1, 3}) {
    domain::CableHeader h;
    h.id = Random<domain::CableId>(rng);
    h.organization = k == 1 ? "state" : "usaid-mission-2";
    h.author = k == 1 ? domain::CableAuthor::kAnonymous : domain::CableAuthor::kNamed;
    h.roster_version = 40 + k;
    h.ring_digest = Random<crypto::Digest32>(rng);
    h.quota_window = 2930;
    for (std::size_t i = 0; i < k; ++i) h.recipients.push_back(RandomBoxKey(rng));
    h.access_hash = Random<crypto::Digest32>(rng);
    const Bytes bytes = domain::CableHeaderBytes(h);
    out.push_back({{"kind", "header"},
                   {"valid", true},
                   {"description", k == 1 ? "an anonymous cable to one reviewer"
                                          : "a named cable to three reviewers"},
                   {"header", domain::CableHeaderToJson(h)},
                   {"bytes", ToHex(bytes)}});
    if (k == 3) {
      Bytes trailing = bytes;
      trailing.push_back(0);
      out.push_back({{"kind", "header"},
                     {"valid", false},
                     {"description", "a byte after the last part"},
                     {"bytes", ToHex(trailing)}});
      domain::CableHeader repeated = h;
      repeated.recipients[2] = repeated.recipients[0];
      out.push_back({{"kind", "header"},
                     {"valid", false},
                     {"description", "a repeated recipient"},
                     {"bytes", ToHex(domain::CableHeaderBytes(repeated))}});
      domain::CableHeader zero = h;
      zero.roster_version = 0;
      out.push_back({{"kind", "header"},
                     {"valid", false},
                     {"description", "roster version 0"},
                     {"bytes", ToHex(domain::CableHeaderBytes(zero))}});
      // The count says 2 while 3 recipients follow.
      const auto count = crypto::U64Le(2);
      const auto version = crypto::U64Le(h.roster_version);
      const auto window = crypto::U64Le(h.quota_window);
      const Bytes wrong =
          crypto::Tr("candor/v1/cable-header",
                     {h.id.span(), crypto::AsBytes(h.organization), crypto::AsBytes("named"),
                      version, h.ring_digest.span(), window, count, h.recipients[0].span(),
                      h.recipients[1].span(), h.recipients[2].span(), h.access_hash.span()});
      out.push_back({{"kind", "header"},
                     {"valid", false},
                     {"description", "the recipient count does not match"},
                     {"bytes", ToHex(wrong)}});
      // candor-lrs-v2: the scheme as a last part; any other last part is refused.
      domain::CableHeader v2 = h;
      v2.scheme = domain::RingScheme::kV2;
      out.push_back({{"kind", "header"},
                     {"valid", true},
                     {"description", "a named cable signed within the whole roster"},
                     {"header", domain::CableHeaderToJson(v2)},
                     {"bytes", ToHex(domain::CableHeaderBytes(v2))}});
      for (const char* last : {"candor-lrs-v1", "candor-lrs-v3", ""}) {
        const Bytes tail =
            crypto::Tr("candor/v1/cable-header",
                       {h.id.span(), crypto::AsBytes(h.organization), crypto::AsBytes("named"),
                        version, h.ring_digest.span(), window, crypto::U64Le(3),
                        h.recipients[0].span(), h.recipients[1].span(), h.recipients[2].span(),
                        h.access_hash.span(), crypto::AsBytes(last)});
        out.push_back({{"kind", "header"},
                       {"valid", false},
                       {"description", std::string("a last part '") + last +
                                           "' after the access hash (only candor-lrs-v2 is one)"},
                       {"bytes", ToHex(tail)}});
      }
      const Bytes author =
          crypto::Tr("candor/v1/cable-header",
                     {h.id.span(), crypto::AsBytes(h.organization), crypto::AsBytes("Named"),
                      version, h.ring_digest.span(), window, crypto::U64Le(1),
                      h.recipients[0].span(), h.access_hash.span()});
      out.push_back({{"kind", "header"},
                     {"valid", false},
                     {"description", "author is neither named nor anonymous"},
                     {"bytes", ToHex(author)}});
      // A channel: the scheme (v1 too) and then the channel's id as the last two parts.
      for (auto scheme : {domain::RingScheme::kV1, domain::RingScheme::kV2}) {
        domain::CableHeader in_channel = h;
        in_channel.scheme = scheme;
        in_channel.channel = "conduct-2";
        out.push_back(
            {{"kind", "header"},
             {"valid", true},
             {"description", scheme == domain::RingScheme::kV1
                                 ? "a named cable in channel 'conduct-2' (candor-lrs-v1)"
                                 : "a named cable in channel 'conduct-2' (candor-lrs-v2)"},
             {"header", domain::CableHeaderToJson(in_channel)},
             {"bytes", ToHex(domain::CableHeaderBytes(in_channel))}});
      }
      for (const char* channel : {"", "Conduct", "-conduct", "conduct/../x"}) {
        const Bytes bad = crypto::Tr(
            "candor/v1/cable-header",
            {h.id.span(), crypto::AsBytes(h.organization), crypto::AsBytes("named"), version,
             h.ring_digest.span(), window, crypto::U64Le(3), h.recipients[0].span(),
             h.recipients[1].span(), h.recipients[2].span(), h.access_hash.span(),
             crypto::AsBytes("candor-lrs-v1"), crypto::AsBytes(channel)});
        out.push_back({{"kind", "header"},
                       {"valid", false},
                       {"description", std::string("a channel id '") + channel +
                                           "' that is not one (1 to 32 of a-z, 0-9, '-')"},
                       {"bytes", ToHex(bad)}});
      }
    }
  }

  for (auto [org, window, slot] :
       {std::tuple{"state", 2930, 0}, std::tuple{"state", 2930, 2}, std::tuple{"usaid", 0, 0}}) {
    out.push_back({{"kind", "quota-event"},
                   {"valid", true},
                   {"description", "a quota slot's event id"},
                   {"organization", org},
                   {"window", window},
                   {"slot", slot},
                   {"event", ToHex(domain::CableQuotaEvent(org, window, slot))}});
  }

  // A grant's bytes and digest (fixed inputs, no draw from `rng`), and grants to refuse.
  {
    domain::CableId id;
    id.bytes.fill(0x21);
    domain::CableGrant g;
    crypto::SeededRng key_rng(77);
    g.to = crypto::GenerateBoxKeyPair(key_rng).public_key;
    for (std::uint64_t seq : {1, 3, 4}) {
      crypto::WrappedKey w{};
      w.fill(static_cast<std::uint8_t>(0x30 + seq));
      g.wraps.emplace_back(seq, w);
    }
    const Bytes bytes = domain::CableGrantBytes(g);
    json wraps = json::array();
    for (const auto& [seq, w] : g.wraps) {
      wraps.push_back({{"seq", seq}, {"wrap", ToHex(crypto::ByteSpan(w.data(), w.size()))}});
    }
    out.push_back({{"kind", "grant"},
                   {"valid", true},
                   {"description", "a grant of the cable and two of its messages"},
                   {"cable_id", ToHex(id)},
                   {"to", ToHex(g.to)},
                   {"wraps", wraps},
                   {"bytes", ToHex(bytes)},
                   {"digest", ToHex(domain::CableGrantDigest(id, bytes))}});
    auto invalid = [&](const std::string& description, const Bytes& b) {
      out.push_back(
          {{"kind", "grant"}, {"valid", false}, {"description", description}, {"bytes", ToHex(b)}});
    };
    auto raw = [&](std::vector<std::pair<std::uint64_t, std::size_t>> layout, std::uint64_t n) {
      std::vector<Bytes> owned;
      const auto count = crypto::U64Le(n);
      owned.emplace_back(count.begin(), count.end());
      for (const auto& [seq, size] : layout) {
        const auto le = crypto::U64Le(seq);
        owned.emplace_back(le.begin(), le.end());
        owned.emplace_back(size, std::uint8_t{0x41});
      }
      std::vector<crypto::ByteSpan> parts = {g.to.span()};
      for (const auto& o : owned) parts.emplace_back(o);
      return crypto::TrParts("candor/v1/cable-grant", parts);
    };
    invalid("the first wrap is not the cable's own (seq 1)", raw({{2, 80}}, 1));
    invalid("events out of order", raw({{1, 80}, {4, 80}, {3, 80}}, 3));
    invalid("an event given twice", raw({{1, 80}, {3, 80}, {3, 80}}, 3));
    invalid("the count does not match the wraps", raw({{1, 80}, {3, 80}}, 3));
    invalid("a wrap of 79 bytes", raw({{1, 79}}, 1));
    invalid("no wrap at all", raw({}, 0));
    Bytes trailing = bytes;
    trailing.push_back(0);
    invalid("a byte after the last part", trailing);
  }

  // A recusal's digest (fixed inputs: no draw from `rng`, so the vectors after it keep theirs).
  for (std::uint8_t fill : {std::uint8_t{0x11}, std::uint8_t{0x5a}}) {
    domain::CableId id;
    id.bytes.fill(fill);
    crypto::BoxPublicKey key;
    key.bytes.fill(static_cast<std::uint8_t>(fill + 1));
    out.push_back({{"kind", "recusal"},
                   {"valid", true},
                   {"description", "the digest a 'recused' cable event commits to"},
                   {"cable_id", ToHex(id)},
                   {"key", ToHex(key)},
                   {"digest", ToHex(domain::CableRecusalDigest(id, key))}});
  }

  for (int i = 0; i < 2; ++i) {
    const domain::CableId id = Random<domain::CableId>(rng);
    const crypto::ReceiptSecret secret = crypto::GenerateReceiptSecret(rng);
    const crypto::ReceiptKeys keys = crypto::DeriveReceiptKeys(secret);
    const std::string receipt = domain::FormatCableReceipt(id, secret);
    out.push_back({{"kind", "receipt"},
                   {"valid", true},
                   {"description", "a receipt and what it derives"},
                   {"cable_id", ToHex(id)},
                   {"secret", ToHex(secret.span())},
                   {"receipt", receipt},
                   {"reply_secret", ToHex(keys.reply.secret.span())},
                   {"reply_public", ToHex(keys.reply.public_key)},
                   {"access", ToHex(keys.access)},
                   {"access_hash", ToHex(keys.access_hash)}});
    if (i == 0) {
      for (auto [desc, bad] :
           {std::pair{"one character short", receipt.substr(0, receipt.size() - 1)},
            std::pair{"a wrong prefix", "candor-receipt-v2-" + receipt.substr(18)},
            std::pair{"a non-hex character", receipt.substr(0, 30) + "g" + receipt.substr(31)},
            std::pair{"no dash between id and secret",
                      receipt.substr(0, 82) + "0" + receipt.substr(83)}}) {
        out.push_back(
            {{"kind", "receipt"}, {"valid", false}, {"description", desc}, {"receipt", bad}});
      }
    }
  }

  const domain::CableId id = Random<domain::CableId>(rng);
  for (auto action :
       {domain::CableAction::kReplied, domain::CableAction::kNoted, domain::CableAction::kExtended,
        domain::CableAction::kClosed, domain::CableAction::kFollowedUp}) {
    std::vector<crypto::BoxPublicKey> recipients = {RandomBoxKey(rng), RandomBoxKey(rng)};
    const Bytes envelope = RandomBytes(rng, 150);
    const Bytes header = domain::CableMessageHeaderBytes(id, action, recipients);
    json keys = json::array();
    for (const auto& r : recipients) keys.push_back(ToHex(r));
    out.push_back({{"kind", "message"},
                   {"valid", true},
                   {"description", "a reviewer message's header and digest"},
                   {"cable_id", ToHex(id)},
                   {"action", domain::CableActionName(action)},
                   {"recipients", keys},
                   {"envelope", ToHex(envelope)},
                   {"header_bytes", ToHex(header)},
                   {"digest", ToHex(domain::CableMessageDigest(header, envelope))}});
  }

  for (bool named : {false, true}) {
    const Bytes header = RandomBytes(rng, 120), envelope = RandomBytes(rng, 300),
                sig = RandomBytes(rng, 32 * 22), quota = RandomBytes(rng, 32 * 22);
    const Bytes author = named ? RandomBytes(rng, 64) : Bytes{};
    out.push_back({{"kind", "submission"},
                   {"valid", true},
                   {"description", named ? "a named cable's submission digest"
                                         : "an anonymous cable's submission digest"},
                   {"header_bytes", ToHex(header)},
                   {"envelope", ToHex(envelope)},
                   {"signature", ToHex(sig)},
                   {"quota_slot", named ? 2 : 0},
                   {"quota_signature", ToHex(quota)},
                   {"author_signature", ToHex(author)},
                   {"digest", ToHex(domain::CableSubmissionDigest(header, envelope, sig,
                                                                  named ? 2 : 0, quota, author))}});
  }

  const auto signing = Random<crypto::SignPublicKey>(rng);
  out.push_back({{"kind", "binding"},
                 {"valid", true},
                 {"description", "what a named author's binding proof signs"},
                 {"signing_public", ToHex(signing)},
                 {"message", ToHex(domain::CableAuthorBindingMessage(signing))}});

  // A reviewer's proof of possession of its key (docs/API.md, "Reviewer keys").
  {
    crypto::SeededRng key_rng(0xca61e);
    const crypto::BoxKeyPair reviewer = crypto::GenerateBoxKeyPair(key_rng);
    const crypto::BoxKeyPair server = crypto::GenerateBoxKeyPair(key_rng);
    const crypto::Bytes context = domain::ReviewerKeyProofContext("state", 7);
    auto proof = crypto::ProveBoxKeyPossession(context, reviewer, server.public_key);
    if (!proof.ok() ||
        !crypto::VerifyBoxKeyPossession(context, reviewer.public_key, server, *proof).ok()) {
      candor::internal::DieOnBadAccess("cable vectors: a reviewer key proof does not verify");
    }
    out.push_back({{"kind", "reviewer-key-proof"},
                   {"valid", true},
                   {"description", "reviewer account 7 of 'state' proves it holds its key"},
                   {"organization", "state"},
                   {"account_id", 7},
                   {"reviewer_secret", ToHex(reviewer.secret.span())},
                   {"reviewer_public", ToHex(reviewer.public_key)},
                   {"server_secret", ToHex(server.secret.span())},
                   {"server_public", ToHex(server.public_key)},
                   {"proof", ToHex(*proof)}});
  }

  // Padding (docs/FORMATS.md, "Padding"): buckets are powers of two from 16 KiB.
  auto padding = [&out](bool valid, const std::string& description, const Bytes& text,
                        std::size_t size, const Bytes& tail = {}) {
    json e{{"kind", "padding"},
           {"valid", valid},
           {"description", description},
           {"text", ToHex(text)},
           {"padded_size", size}};
    if (!tail.empty()) e["tail"] = ToHex(tail);
    out.push_back(std::move(e));
  };
  const Bytes short_text = {'{', '}'};
  padding(true, "a short text fills the smallest bucket, 16 KiB", short_text, 16384);
  padding(true, "a text of exactly 16 KiB needs no padding", Bytes(16384, 'a'), 16384);
  padding(true, "one byte over 16 KiB goes to the 32 KiB bucket", Bytes(16385, 'b'), 32768);
  padding(true, "40,000 bytes go to the 64 KiB bucket", Bytes(40000, 'c'), 65536);
  padding(false, "not a power of two", short_text, 20000);
  padding(false, "a power of two below the smallest bucket", short_text, 8192);
  padding(false, "padded one bucket too far (32 KiB for a 2-byte text)", short_text, 32768);
  padding(false, "nothing but padding", Bytes{}, 16384);
  padding(false,
          "a non-zero byte at the end of the padding (the text would be 16 KiB long but "
          "is followed by zeros inside it)",
          short_text, 16384, Bytes{'x'});

  ReceiptWordVectors(out);
  FollowUpVectors(out);
  SealedVectors(out);
  return out;
}

}  // namespace

CANDOR_REGISTER_VECTORS("cable.json", CableVectors);

}  // namespace candor::vectors
