#include "domain/cable.h"

#include <gtest/gtest.h>

#include <map>

#include "crypto/envelope.h"
#include "crypto/lrs.h"
#include "crypto/receipt_words.h"
#include "crypto/ristretto.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"
#include "domain/cosignature.h"
#include "domain/letter.h"
#include "domain/transcript_testing.h"

namespace candor::domain {
namespace {

using crypto::Bytes;

using testing::B;
using testing::K;
using testing::Transcript;
using testing::U64;
template <typename F>
F Filled(std::uint8_t v) {
  F f;
  f.bytes.fill(v);
  return f;
}

CableHeader AHeader() {
  CableHeader h;
  h.id = Filled<CableId>(1);
  h.organization = "state";
  h.author = CableAuthor::kAnonymous;
  h.roster_version = 12;
  h.ring_digest = Filled<crypto::Digest32>(2);
  h.quota_window = 2938;
  h.recipients = {Filled<crypto::BoxPublicKey>(3), Filled<crypto::BoxPublicKey>(4)};
  h.access_hash = Filled<crypto::Digest32>(5);
  return h;
}

TEST(CableHeaderTest, BytesAreTheDocumentedTranscriptAndRoundTrip) {
  const CableHeader h = AHeader();
  const Bytes bytes = CableHeaderBytes(h);
  EXPECT_EQ(bytes, Transcript({B("candor/v1/cable-header"), K(h.id), B("state"), B("anonymous"),
                               U64(12), K(h.ring_digest), U64(2938), U64(2), K(h.recipients[0]),
                               K(h.recipients[1]), K(h.access_hash)}));
  auto back = DecodeCableHeader(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, h);
  auto from_json = CableHeaderFromJson(CableHeaderToJson(h));
  ASSERT_TRUE(from_json.ok()) << from_json.error().message();
  EXPECT_EQ(*from_json, h);
}

TEST(CableHeaderTest, AChannelFollowsTheSchemeAndIsBoundToTheBytes) {
  CableHeader h = AHeader();
  const Bytes plain = CableHeaderBytes(h);
  h.channel = "conduct";
  const Bytes bytes = CableHeaderBytes(h);
  EXPECT_EQ(bytes,
            Transcript({B("candor/v1/cable-header"), K(h.id), B("state"), B("anonymous"), U64(12),
                        K(h.ring_digest), U64(2938), U64(2), K(h.recipients[0]), K(h.recipients[1]),
                        K(h.access_hash), B("candor-lrs-v1"), B("conduct")}));
  EXPECT_NE(bytes, plain);
  auto back = DecodeCableHeader(bytes);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, h);
  auto from_json = CableHeaderFromJson(CableHeaderToJson(h));
  ASSERT_TRUE(from_json.ok()) << from_json.error().message();
  EXPECT_EQ(*from_json, h);
  EXPECT_EQ(CableHeaderToJson(h)["channel"], "conduct");
  EXPECT_FALSE(CableHeaderToJson(AHeader()).contains("channel"));
  h.scheme = RingScheme::kV2;
  back = DecodeCableHeader(CableHeaderBytes(h));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, h);

  // "candor-lrs-v1" alone is not canonical (a v1 header without a channel has no scheme part).
  EXPECT_FALSE(
      DecodeCableHeader(Transcript({B("candor/v1/cable-header"), K(h.id), B("state"),
                                    B("anonymous"), U64(12), K(h.ring_digest), U64(2938), U64(1),
                                    K(h.recipients[0]), K(h.access_hash), B("candor-lrs-v1")}))
          .ok());
  for (const char* bad : {"", "Conduct", "conduct-", "a/b", "abcdefghijklmnopqrstuvwxyz0123456"}) {
    auto decoded = DecodeCableHeader(
        Transcript({B("candor/v1/cable-header"), K(h.id), B("state"), B("anonymous"), U64(12),
                    K(h.ring_digest), U64(2938), U64(1), K(h.recipients[0]), K(h.access_hash),
                    B("candor-lrs-v2"), B(bad)}));
    EXPECT_FALSE(decoded.ok()) << bad;
    CableHeader in = AHeader();
    in.channel = bad;
    if (*bad != 0) {
      EXPECT_FALSE(ValidateCableHeader(in).ok()) << bad;
    }
  }
  auto j = CableHeaderToJson(h);
  j["channel"] = "";
  EXPECT_FALSE(CableHeaderFromJson(j).ok());
  j["channel"] = 7;
  EXPECT_FALSE(CableHeaderFromJson(j).ok());
}

TEST(CableHeaderTest, RejectsMalformedHeaders) {
  CableHeader h = AHeader();
  Bytes bytes = CableHeaderBytes(h);
  bytes.push_back(0);
  EXPECT_FALSE(DecodeCableHeader(bytes).ok());
  // The recipient count says 3 but there are 2.
  EXPECT_FALSE(
      DecodeCableHeader(Transcript({B("candor/v1/cable-header"), K(h.id), B("state"),
                                    B("anonymous"), U64(12), K(h.ring_digest), U64(1), U64(3),
                                    K(h.recipients[0]), K(h.recipients[1]), K(h.access_hash)}))
          .ok());
  EXPECT_FALSE(DecodeCableHeader(Transcript({B("candor/v1/cable-headex"), K(h.id)})).ok());
  auto author = DecodeCableHeader(
      Transcript({B("candor/v1/cable-header"), K(h.id), B("state"), B("secret"), U64(12),
                  K(h.ring_digest), U64(1), U64(1), K(h.recipients[0]), K(h.access_hash)}));
  ASSERT_FALSE(author.ok());
  EXPECT_NE(author.error().message().find("named"), std::string::npos);

  CableHeader repeated = AHeader();
  repeated.recipients[1] = repeated.recipients[0];
  EXPECT_NE(ValidateCableHeader(repeated).error().message().find("repeated"), std::string::npos);
  CableHeader none = AHeader();
  none.recipients.clear();
  EXPECT_FALSE(ValidateCableHeader(none).ok());
  CableHeader zero = AHeader();
  zero.recipients[0] = crypto::BoxPublicKey{};
  EXPECT_FALSE(ValidateCableHeader(zero).ok());
  CableHeader version = AHeader();
  version.roster_version = 0;
  EXPECT_FALSE(ValidateCableHeader(version).ok());
  CableHeader slug = AHeader();
  slug.organization = "State!";
  EXPECT_FALSE(ValidateCableHeader(slug).ok());

  auto j = CableHeaderToJson(AHeader());
  j["extra"] = 1;
  EXPECT_NE(CableHeaderFromJson(j).error().message().find("unknown field 'extra'"),
            std::string::npos);
  j = CableHeaderToJson(AHeader());
  j["roster_version"] = -1;
  EXPECT_FALSE(CableHeaderFromJson(j).ok());
  j = CableHeaderToJson(AHeader());
  j["id"] = "zz";
  EXPECT_FALSE(CableHeaderFromJson(j).ok());
  j = CableHeaderToJson(AHeader());
  j.erase("access_hash");
  EXPECT_NE(CableHeaderFromJson(j).error().message().find("access_hash"), std::string::npos);
}

TEST(CableTest, QuotaEventsDifferPerSlotWindowAndOrganization) {
  const auto a = CableQuotaEvent("state", 10, 0);
  EXPECT_EQ(a, crypto::H256("candor/v1/cable/quota", {crypto::AsBytes("state"), U64(10), U64(0)}));
  EXPECT_NE(a, CableQuotaEvent("state", 10, 1));
  EXPECT_NE(a, CableQuotaEvent("state", 11, 0));
  EXPECT_NE(a, CableQuotaEvent("usaid", 10, 0));
}

TEST(CableTest, MessageHeadersBindCableActionAndRecipients) {
  const CableId id = Filled<CableId>(9);
  const std::vector<crypto::BoxPublicKey> r = {Filled<crypto::BoxPublicKey>(1),
                                               Filled<crypto::BoxPublicKey>(2)};
  EXPECT_EQ(
      CableMessageHeaderBytes(id, CableAction::kReplied, r),
      Transcript({B("candor/v1/cable-message"), K(id), B("replied"), U64(2), K(r[0]), K(r[1])}));
  EXPECT_NE(CableMessageHeaderBytes(id, CableAction::kNoted, r),
            CableMessageHeaderBytes(id, CableAction::kReplied, r));
  EXPECT_TRUE(CableActionHasMessage(CableAction::kNoted));
  EXPECT_FALSE(CableMessageReachesAuthor(CableAction::kNoted));
  EXPECT_TRUE(CableMessageReachesAuthor(CableAction::kClosed));
  EXPECT_FALSE(CableActionHasMessage(CableAction::kAcknowledged));
  for (auto a :
       {CableAction::kSubmitted, CableAction::kAcknowledged, CableAction::kExtended,
        CableAction::kReplied, CableAction::kNoted, CableAction::kClosed, CableAction::kPurged}) {
    EXPECT_EQ(*ParseCableAction(CableActionName(a)), a);
  }
  EXPECT_FALSE(ParseCableAction("deleted").ok());
}

TEST(CableReceiptTest, FormatsParsesAndDerivesSeparateValues) {
  crypto::SeededRng rng(5);
  const auto secret = crypto::GenerateReceiptSecret(rng);
  const CableId id = Filled<CableId>(0xab);
  const std::string text = FormatCableReceipt(id, secret);
  EXPECT_EQ(text.rfind("candor-receipt-v1-abab", 0), 0u);
  EXPECT_EQ(text.size(), 18u + 64 + 1 + 64);
  auto parsed = ParseCableReceipt("  " + text + "\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->id, id);
  EXPECT_TRUE(
      std::equal(secret.span().begin(), secret.span().end(), parsed->secret.span().begin()));

  for (std::string bad : {text.substr(0, text.size() - 1), "candor-receipt-v2" + text.substr(17),
                          text.substr(0, 82) + "_" + text.substr(83), text + "0"}) {
    auto r = ParseCableReceipt(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message().find("not a Candor receipt"), std::string::npos);
  }
  // Anything else is read as receipt words, and refused as such.
  for (std::string bad : {std::string(""), "x" + text.substr(1)}) {
    auto r = ParseCableReceipt(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message().find("12 words"), std::string::npos) << r.error().message();
  }

  const auto keys = crypto::DeriveReceiptKeys(secret);
  const auto again = crypto::DeriveReceiptKeys(parsed->secret);
  EXPECT_EQ(keys.reply.public_key, again.reply.public_key);
  EXPECT_EQ(keys.access, again.access);
  EXPECT_EQ(keys.access_hash, crypto::AccessHash(keys.access));
  EXPECT_EQ(keys.access, crypto::H256("candor/v1/cable/access", {secret.span()}));
  EXPECT_NE(keys.access, keys.access_hash);
  EXPECT_NE(crypto::ToHex(keys.access), crypto::ToHex(keys.reply.public_key));
  EXPECT_EQ(keys.reply.public_key, crypto::BoxPublicFromSecret(keys.reply.secret));
  EXPECT_TRUE(crypto::ConstantTimeEqual(keys.access, again.access));
  EXPECT_FALSE(crypto::ConstantTimeEqual(keys.access, keys.access_hash));
}

CableContent AContent() {
  CableContent c;
  c.subject = "On the policy in the region";
  c.body = "Line one\nLine two — with UTF-8.";
  c.reply_public = Filled<crypto::BoxPublicKey>(7);
  c.attachments.push_back({"memo.pdf", "application/pdf", Bytes{1, 2, 3, 0}});
  return c;
}

TEST(CableContentTest, RoundTripsAndIsStrict) {
  CableContent c = AContent();
  auto back = CableContentFromBytes(CableContentToBytes(c));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, c);
  c.author = CableAuthorIdentity{"Jane Doe, Political Officer", Filled<crypto::Point>(1),
                                 Filled<crypto::SignPublicKey>(2), Bytes(96, 3)};
  back = CableContentFromBytes(CableContentToBytes(c));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, c);

  EXPECT_FALSE(CableContentFromBytes(B("not json")).ok());
  EXPECT_FALSE(CableContentFromBytes(B("{}")).ok());
  auto with = [&](auto edit) {
    auto j = nlohmann::json::parse(Bytes(CableContentToBytes(AContent())));
    edit(j);
    const std::string text = j.dump();
    return CableContentFromBytes(B(text));
  };
  EXPECT_FALSE(with([](auto& j) { j["format"] = "candor-cable-v2"; }).ok());
  EXPECT_FALSE(with([](auto& j) { j["extra"] = true; }).ok());
  EXPECT_FALSE(with([](auto& j) { j["subject"] = ""; }).ok());
  EXPECT_FALSE(with([](auto& j) { j["subject"] = "two\nlines"; }).ok());
  EXPECT_FALSE(with([](auto& j) { j["body"] = ""; }).ok());
  EXPECT_FALSE(with([](auto& j) { j["attachments"][0]["name"] = "../etc/passwd"; }).ok());
  EXPECT_FALSE(with([](auto& j) { j["attachments"][0]["data"] = "0g"; }).ok());
  EXPECT_FALSE(with([](auto& j) { j["author"] = {{"name", "x"}}; }).ok());
}

TEST(CableClockTest, CountsWorkingDaysAcrossWeekendsAndHolidays) {
  // Friday 2026-11-20; Thanksgiving is Thursday 2026-11-26 (US federal holiday).
  const WorkingCalendar calendar({}, /*us_federal_holidays=*/true);
  const DeadlinePolicy policy = DissentChannelPolicy();
  CableDates dates;
  dates.received = Date{2026, 11, 20};
  CableClock c = ComputeCableClock(policy, calendar, dates, Date{2026, 11, 20});
  EXPECT_EQ(c.acknowledge_by, (Date{2026, 11, 24}));  // Mon 23 = 1, Tue 24 = 2
  EXPECT_EQ(c.acknowledge_days_left, 2);
  EXPECT_FALSE(c.overdue());
  // 30 working days: Nov 23–25, Nov 27, then December and January, skipping Christmas (Fri Dec 25)
  // and New Year (Fri Jan 1).
  EXPECT_EQ(c.answer_by, calendar.AddWorkingDays(Date{2026, 11, 20}, 30));
  EXPECT_EQ(c.answer_by, (Date{2027, 1, 6}));  // Christmas and New Year fall on Fridays

  c = ComputeCableClock(policy, calendar, dates, Date{2026, 11, 25});
  EXPECT_TRUE(c.acknowledge_overdue);
  EXPECT_EQ(c.acknowledge_days_left, -1);
  dates.acknowledged = Date{2026, 11, 25};
  c = ComputeCableClock(policy, calendar, dates, Date{2026, 11, 25});
  EXPECT_FALSE(c.acknowledge_overdue);

  c = ComputeCableClock(policy, calendar, dates, Date{2027, 1, 7});
  EXPECT_TRUE(c.answer_overdue);
  dates.extended = true;
  c = ComputeCableClock(policy, calendar, dates, Date{2027, 1, 7});
  EXPECT_FALSE(c.answer_overdue);
  EXPECT_TRUE(c.extended);
  EXPECT_EQ(c.answer_by, calendar.AddWorkingDays(Date{2026, 11, 20}, 60));
  dates.closed = Date{2027, 3, 1};
  c = ComputeCableClock(policy, calendar, dates, Date{2027, 6, 1});
  EXPECT_FALSE(c.overdue());
}

TEST(CableClockTest, EuPolicyCountsCalendarDaysAndMonths) {
  const WorkingCalendar calendar;
  CableDates dates;
  dates.received = Date{2026, 11, 30};
  const CableClock c =
      ComputeCableClock(EuWhistleblowingPolicy(), calendar, dates, Date{2026, 12, 1});
  EXPECT_EQ(c.acknowledge_by, (Date{2026, 12, 7}));
  EXPECT_EQ(c.acknowledge_days_left, 6);
  EXPECT_EQ(c.answer_by, (Date{2027, 2, 28}));
  EXPECT_EQ(DateOfMs(0), (Date{1970, 1, 1}));
  EXPECT_EQ(DateOfMs(-1), (Date{1969, 12, 31}));
  EXPECT_EQ(DateOfMs(1'795'000'000'000), (Date{2026, 11, 18}));
}

}  // namespace
}  // namespace candor::domain

namespace candor::domain {
namespace {

TEST(CableRetentionSettingTest, OptionalFieldKeepsOldTextsCanonical) {
  OrganizationSettings s;
  const std::string old_text = OrganizationSettingsToJsonText(s);
  EXPECT_EQ(old_text.find("cable_retention_days"), std::string::npos);
  EXPECT_TRUE(OrganizationSettingsFromCanonicalJsonText(old_text).ok());
  s.cable_retention_days = 365;
  const std::string text = OrganizationSettingsToJsonText(s);
  EXPECT_NE(text.find("\"cable_retention_days\":365"), std::string::npos);
  auto back = OrganizationSettingsFromCanonicalJsonText(text);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(*back, s);
  auto j = OrganizationSettingsToJson(s);
  j["cable_retention_days"] = -1;
  EXPECT_FALSE(OrganizationSettingsFromJson(j).ok());
  j["cable_retention_days"] = "365";
  EXPECT_FALSE(OrganizationSettingsFromJson(j).ok());
  j["cable_retention_days"] = 0;  // accepted, but not canonical (0 is written by omission)
  EXPECT_TRUE(OrganizationSettingsFromJson(j).ok());
  EXPECT_FALSE(OrganizationSettingsFromCanonicalJsonText(j.dump()).ok());
  j["cable_retention_days"] = 30;
  j["extra"] = 1;
  EXPECT_FALSE(OrganizationSettingsFromJson(j).ok());
}

}  // namespace
}  // namespace candor::domain

#include <fstream>

namespace candor::domain {
namespace {

// tests/vectors/cable.json (tools/vectors/cable_vectors.cc): every element checked here with
// the decoders and derivations another implementation must match.
TEST(CableVectorsTest, EveryCommittedElementChecks) {
  std::ifstream in(CANDOR_SOURCE_DIR "/tests/vectors/cable.json");
  ASSERT_TRUE(in) << "tests/vectors/cable.json is missing";
  const auto vectors = nlohmann::json::parse(in);
  std::map<std::string, int> seen;
  auto hex = [](const nlohmann::json& v) { return *crypto::FromHex(v.get<std::string>()); };
  for (const auto& v : vectors) {
    const std::string kind = v["kind"];
    const bool valid = v["valid"];
    ++seen[kind + (valid ? "" : "/invalid")];
    if (kind == "header") {
      auto h = DecodeCableHeader(hex(v["bytes"]));
      EXPECT_EQ(h.ok(), valid) << v["description"];
      if (valid && h.ok()) {
        EXPECT_EQ(*CableHeaderFromJson(v["header"]), *h);
        EXPECT_EQ(crypto::ToHex(CableHeaderBytes(*h)), v["bytes"]);
      }
    } else if (kind == "grant") {
      auto g = DecodeCableGrant(hex(v["bytes"]));
      EXPECT_EQ(g.ok(), valid) << v["description"];
      if (valid && g.ok()) {
        EXPECT_EQ(crypto::ToHex(g->to), v["to"]);
        ASSERT_EQ(g->wraps.size(), v["wraps"].size());
        for (std::size_t i = 0; i < g->wraps.size(); ++i) {
          EXPECT_EQ(g->wraps[i].first, v["wraps"][i]["seq"].get<std::uint64_t>());
          EXPECT_EQ(crypto::ToHex(crypto::ByteSpan(g->wraps[i].second.data(), 80)),
                    v["wraps"][i]["wrap"]);
        }
        EXPECT_EQ(crypto::ToHex(CableGrantBytes(*g)), v["bytes"]);
        const auto id = *crypto::FixedFromHex<CableId>(v["cable_id"].get<std::string>(), "id");
        EXPECT_EQ(crypto::ToHex(CableGrantDigest(id, hex(v["bytes"]))), v["digest"]);
      }
    } else if (kind == "recusal") {
      EXPECT_EQ(
          crypto::ToHex(CableRecusalDigest(
              *crypto::FixedFromHex<CableId>(v["cable_id"].get<std::string>(), "id"),
              *crypto::FixedFromHex<crypto::BoxPublicKey>(v["key"].get<std::string>(), "key"))),
          v["digest"]);
    } else if (kind == "quota-event") {
      EXPECT_EQ(crypto::ToHex(
                    CableQuotaEvent(v["organization"].get<std::string>(), v["window"], v["slot"])),
                v["event"]);
    } else if (kind == "receipt") {
      auto r = ParseCableReceipt(v["receipt"].get<std::string>());
      EXPECT_EQ(r.ok(), valid) << v["description"];
      if (valid && r.ok()) {
        EXPECT_EQ(crypto::ToHex(r->id), v["cable_id"]);
        EXPECT_EQ(crypto::ToHex(r->secret.span()), v["secret"]);
        const auto keys = crypto::DeriveReceiptKeys(r->secret);
        EXPECT_EQ(crypto::ToHex(keys.reply.secret.span()), v["reply_secret"]);
        EXPECT_EQ(crypto::ToHex(keys.reply.public_key), v["reply_public"]);
        EXPECT_EQ(crypto::ToHex(keys.access), v["access"]);
        EXPECT_EQ(crypto::ToHex(keys.access_hash), v["access_hash"]);
      }
    } else if (kind == "receipt-words") {
      auto r = ParseCableReceipt(v["typed"].get<std::string>());
      ASSERT_EQ(r.ok(), valid) << v["description"];
      if (valid) {
        auto seed = crypto::ParseReceiptWords(v["typed"].get<std::string>());
        ASSERT_TRUE(seed.ok());
        EXPECT_EQ(crypto::ToHex(seed->span()), v["seed"]);
        EXPECT_EQ(crypto::ReceiptWords(*seed), v["words"]);
        EXPECT_EQ(crypto::ToHex(r->id), v["cable_id"]);
        EXPECT_EQ(crypto::ToHex(r->secret.span()), v["secret"]);
        EXPECT_EQ(crypto::ToHex(crypto::DeriveReceiptKeys(r->secret).access_hash),
                  v["access_hash"]);
      } else {
        EXPECT_NE(r.error().message().find(v["error"].get<std::string>()), std::string::npos)
            << r.error().message();
      }
    } else if (kind == "follow-up") {
      const auto bytes = *crypto::FromHex(v["bytes"].get<std::string>());
      auto f = CableFollowUpFromBytes(bytes);
      ASSERT_EQ(f.ok(), valid) << v["description"];
      if (valid) {
        EXPECT_EQ(f->body, v["body"]);
        ASSERT_EQ(f->attachments.size(), v["attachments"].size());
        for (std::size_t i = 0; i < f->attachments.size(); ++i) {
          EXPECT_EQ(f->attachments[i].name, v["attachments"][i]["name"]);
          EXPECT_EQ(crypto::ToHex(f->attachments[i].data), v["attachments"][i]["data"]);
        }
        EXPECT_EQ(crypto::ToHex(CableFollowUpToBytes(*f)), v["bytes"]);
      }
    } else if (kind == "message") {
      std::vector<crypto::BoxPublicKey> recipients;
      for (const auto& r : v["recipients"])
        recipients.push_back(*crypto::FixedFromHex<crypto::BoxPublicKey>(r.get<std::string>()));
      const auto id = *crypto::FixedFromHex<CableId>(v["cable_id"].get<std::string>());
      const auto header = CableMessageHeaderBytes(
          id, *ParseCableAction(v["action"].get<std::string>()), recipients);
      EXPECT_EQ(crypto::ToHex(header), v["header_bytes"]);
      EXPECT_EQ(crypto::ToHex(CableMessageDigest(header, hex(v["envelope"]))), v["digest"]);
    } else if (kind == "submission") {
      EXPECT_EQ(crypto::ToHex(CableSubmissionDigest(
                    hex(v["header_bytes"]), hex(v["envelope"]), hex(v["signature"]),
                    v["quota_slot"], hex(v["quota_signature"]), hex(v["author_signature"]))),
                v["digest"]);
    } else if (kind == "binding") {
      EXPECT_EQ(
          crypto::ToHex(CableAuthorBindingMessage(*crypto::FixedFromHex<crypto::SignPublicKey>(
              v["signing_public"].get<std::string>()))),
          v["message"]);
    } else if (kind == "reviewer-key-proof") {
      crypto::BoxKeyPair reviewer, server;
      const auto rs = hex(v["reviewer_secret"]);
      std::copy(rs.begin(), rs.end(), reviewer.secret.data());
      reviewer.public_key = crypto::BoxPublicFromSecret(reviewer.secret);
      const auto ss = hex(v["server_secret"]);
      std::copy(ss.begin(), ss.end(), server.secret.data());
      server.public_key = crypto::BoxPublicFromSecret(server.secret);
      EXPECT_EQ(crypto::ToHex(reviewer.public_key), v["reviewer_public"]);
      EXPECT_EQ(crypto::ToHex(server.public_key), v["server_public"]);
      const auto context =
          ReviewerKeyProofContext(v["organization"].get<std::string>(), v["account_id"]);
      auto proof = crypto::ProveBoxKeyPossession(context, reviewer, server.public_key);
      ASSERT_TRUE(proof.ok());
      EXPECT_EQ(crypto::ToHex(*proof), v["proof"]);
      EXPECT_TRUE(
          crypto::VerifyBoxKeyPossession(context, reviewer.public_key, server, *proof).ok());
      // Another account, or another server key: the proof does not transfer.
      EXPECT_FALSE(crypto::VerifyBoxKeyPossession(ReviewerKeyProofContext("state", 8),
                                                  reviewer.public_key, server, *proof)
                       .ok());
    } else if (kind == "padding") {
      const crypto::Bytes text = hex(v["text"]);
      crypto::Bytes padded(v["padded_size"].get<std::size_t>(), 0);
      std::copy(text.begin(), text.end(), padded.begin());
      if (v.contains("tail")) {
        const crypto::Bytes tail = hex(v["tail"]);
        std::copy(tail.begin(), tail.end(),
                  padded.end() - static_cast<std::ptrdiff_t>(tail.size()));
      }
      auto unpadded = UnpadCablePlaintext(padded);
      EXPECT_EQ(unpadded.ok(), valid) << v["description"];
      if (valid && unpadded.ok()) {
        EXPECT_EQ(crypto::Bytes(unpadded->begin(), unpadded->end()), text);
        EXPECT_EQ(PadCablePlaintext(text), padded);
      }
    } else if (kind == "sealed-cable") {
      // That the C++ client seals exactly these bytes is checked by vectors_match_generators;
      // here, that they are a cable: the header and receipt agree, and both ring signatures
      // verify in the member's ring of the roster.
      const auto& request = v["request"];
      auto header = CableHeaderFromJson(request["header"]);
      ASSERT_TRUE(header.ok()) << header.error().message();
      auto receipt = ParseCableReceipt(v["receipt"].get<std::string>());
      ASSERT_TRUE(receipt.ok());
      EXPECT_EQ(receipt->id, header->id);
      EXPECT_EQ(crypto::DeriveReceiptKeys(receipt->secret).access_hash, header->access_hash);
      EXPECT_EQ(header->author == CableAuthor::kNamed, v.contains("author_name"));
      std::vector<crypto::Point> roster;
      for (const auto& k : v["roster"])
        roster.push_back(*crypto::FixedFromHex<crypto::Point>(k.get<std::string>()));
      crypto::SecretScalar x;
      const auto xs = hex(v["ring_secret"]);
      std::copy(xs.begin(), xs.end(), x.data());
      // The header's scheme says which ring: the whole roster (v2) or the member's bucket (v1).
      EXPECT_EQ(RingSchemeName(header->scheme), v["scheme"].get<std::string>());
      auto signer = MemberRingOf(roster, crypto::PublicFromSecret(x), header->scheme, kMaxRingSize,
                                 v["min_ring"]);
      ASSERT_TRUE(signer.ok());
      EXPECT_EQ(signer->ring().digest(), header->ring_digest);
      auto env = crypto::Envelope::Decode(hex(request["envelope"]));
      ASSERT_TRUE(env.ok());
      EXPECT_TRUE(IsCablePaddedSize(env->ciphertext.size() - crypto::kEnvelopeTagSize));
      const auto digest = crypto::CableDigest(CableHeaderBytes(*header), env->ciphertext);
      EXPECT_TRUE(signer->Verify(header->id, digest.span(), hex(request["signature"])).ok());
      EXPECT_TRUE(signer
                      ->Verify(CableQuotaEvent(header->organization, header->quota_window,
                                               request["quota_slot"]),
                               digest.span(), hex(request["quota_signature"]))
                      .ok());
    } else if (kind == "sealed-message") {
      const auto& body = v["body"];
      EXPECT_EQ(body["id"], v["cable_id"]);
      EXPECT_EQ(body["recipients"][0],
                v["author_reply_public"]);  // a reply reaches the author first
      EXPECT_EQ(body["recipients"].size(), v["reviewers"].size() + 1);
      auto env = crypto::Envelope::Decode(hex(body["envelope"]));
      ASSERT_TRUE(env.ok());
      EXPECT_EQ(env->wrapped_keys.size(), body["recipients"].size());
      EXPECT_TRUE(IsCablePaddedSize(env->ciphertext.size() - crypto::kEnvelopeTagSize));
    } else {
      ADD_FAILURE() << "unknown kind " << kind;
    }
  }
  EXPECT_EQ(seen["sealed-cable"], 3);  // two candor-lrs-v1, one v2
  EXPECT_EQ(seen["sealed-message"], 1);
  EXPECT_EQ(seen["recusal"], 2);
  EXPECT_EQ(seen["grant"], 1);
  EXPECT_EQ(seen["grant/invalid"], 7);
  EXPECT_EQ(seen["padding"], 4);
  EXPECT_EQ(seen["padding/invalid"], 5);
  EXPECT_EQ(seen["header"], 5);           // three without a channel, two with one
  EXPECT_EQ(seen["header/invalid"], 12);  // four of them bad channel ids
  EXPECT_EQ(seen["receipt/invalid"], 4);
  EXPECT_EQ(seen["receipt-words"], 11);
  EXPECT_EQ(seen["receipt-words/invalid"], 8);
  EXPECT_EQ(seen["follow-up"], 2);
  EXPECT_EQ(seen["follow-up/invalid"], 6);
  EXPECT_EQ(seen["message"], 5);  // the four reviewer actions and the author's follow-up
}

}  // namespace
}  // namespace candor::domain
