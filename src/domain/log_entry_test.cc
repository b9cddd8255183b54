#include "domain/log_entry.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "crypto/ristretto.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"
#include "domain/transcript_testing.h"

namespace candor::domain {
namespace {

using crypto::Bytes;

using testing::B;
using testing::K;
using testing::Transcript;
using testing::U64;

class LogEntryTest : public ::testing::Test {
 protected:
  crypto::Point NewPoint() { return crypto::ScalarMultBase(rng_.RandomPublicScalar()); }
  crypto::BoxPublicKey NewBoxKey() {
    crypto::BoxPublicKey k;
    rng_.Fill(k.bytes);
    k.bytes[31] &= 0x7f;  // the canonical encoding (IsValidBoxPublicKey)
    return k;
  }
  std::vector<LogEvent> Examples() {
    OrganizationSettings eu{EuWhistleblowingPolicy(), 25, false};
    return {
        OrganizationCreatedEvent{"state", "Department of State", false, OrganizationSettings{}},
        OrganizationCreatedEvent{"demo-org", "D\xc3\xa9mo \"Org\"", true, eu},
        OrganizationSettingsEvent{"state", eu},
        RosterAddEvent{"state", 1, NewPoint(), NewBoxKey()},
        RosterRemoveEvent{"state", 2, NewPoint()},
        ReviewerKeyEvent{"state", 17, NewBoxKey()},
        LetterEvent{ALetter(), {4, 9}},
        CoSignatureEvent{ComputeLetterId(ALetter()), "usaid", SignatureAction::kWithdraw,
                         crypto::Digest32{}, Bytes(32 * 22, 0x11)},
        SignatureBatchEvent{ComputeLetterId(ALetter()), 3, 17, 1'790'000'000'000},
        CableLogEvent{"state", crypto::Digest32{}, 1, CableAction::kSubmitted, crypto::Digest32{},
                      Date{2026, 11, 23}},
        CableLogEvent{"state", crypto::Digest32{}, 4, CableAction::kClosed, crypto::Digest32{},
                      Date{2027, 1, 5}},
        ReviewerEvent{"state", 1, 17, "a.reviewer_2", NewBoxKey()},
        ReviewerRemovedEvent{"state", 2, 17},
        RosterEpochEvent{"state", 12},
        WebReleaseEvent{std::string(64, 'a') + "  /assets/index-3F9a.js\n" + std::string(64, '0') +
                        "  /index.html\n"},
        StaffAccountEvent{"state", 5, "ann.lee", StaffAccountChange::kCreated,
                          kStaffRoleAdministrator | kStaffRoleReviewer, false, 0},
        StaffAccountEvent{"state", 5, "ann.lee", StaffAccountChange::kUpdated, kStaffRoleReviewer,
                          true, 2},
        StaffAccountEvent{"state", 5, "ann.lee", StaffAccountChange::kSecondFactor,
                          kStaffRolesKnown, false, 5},
        OrganizationHolidaysEvent{"state", {}},
        OrganizationHolidaysEvent{
            "state", {{Date{2026, 12, 25}, "Christmas Day"}, {Date{2027, 1, 1}, "Jour de l'an"}}},
    };
  }
  static Letter ALetter() {
    Letter l;
    l.title = "On the policy";
    l.body = "We, the undersigned…";
    l.organizations = {"state", "usaid"};
    l.quorum = 50;
    return l;
  }
  static void ExpectRejected(const Bytes& entry, std::string_view needle) {
    auto r = DecodeLogEntry(entry);
    ASSERT_FALSE(r.ok()) << "accepted: " << crypto::ToHex(entry);
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message().find(needle), std::string::npos)
        << "'" << r.error().message() << "' lacks '" << needle << "'";
  }

  crypto::SeededRng rng_{777};
};

TEST_F(LogEntryTest, KnownAnswer) {
  // The ristretto255 base point as ring key; see docs/PROTOCOL.md, "Log entries".
  auto g = *crypto::FixedFromHex<crypto::Point>(
      "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76");
  const Bytes entry = EncodeLogEntry(RosterRemoveEvent{"state", 7, g});
  EXPECT_EQ(crypto::ToHex(entry),
            "130000000000000063616e646f722f76312f6c6f672d656e7472790d00000000000000726f737465722d"
            "72656d6f766505000000000000007374617465080000000000000007000000000000002000000000000000"
            "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76");
  Bytes leaf = {0x00};
  leaf.insert(leaf.end(), entry.begin(), entry.end());
  EXPECT_EQ(crypto::ToHex(crypto::Sha256(leaf)),
            "76ab2b5cc7df7c42890b861ec6d017b99e76e1c4a67641bda4b06abf02ada554");
}

TEST_F(LogEntryTest, EncodingIsTheDocumentedTranscript) {
  const auto p = NewPoint();
  const auto r = NewBoxKey();
  EXPECT_EQ(EncodeLogEntry(RosterAddEvent{"state", 3, p, r}),
            Transcript({B(kLogEntryLabel), B("roster-add"), B("state"), U64(3), K(p), K(r)}));
  EXPECT_EQ(EncodeLogEntry(ReviewerKeyEvent{"state", 9, r}),
            Transcript({B(kLogEntryLabel), B("reviewer-key"), B("state"), U64(9), K(r)}));
  const OrganizationSettings s;
  const std::string json = OrganizationSettingsToJsonText(s);
  EXPECT_EQ(EncodeLogEntry(OrganizationCreatedEvent{"state", "State", true, s}),
            Transcript({B(kLogEntryLabel), B("organization-created"), B("state"), B("State"),
                        Bytes{1}, B(json)}));
  EXPECT_EQ(EncodeLogEntry(OrganizationCreatedEvent{"state", "State", false, s}),
            Transcript({B(kLogEntryLabel), B("organization-created"), B("state"), B("State"),
                        Bytes{0}, B(json)}));
  EXPECT_EQ(EncodeLogEntry(OrganizationSettingsEvent{"state", s}),
            Transcript({B(kLogEntryLabel), B("organization-settings"), B("state"), B(json)}));
}

TEST_F(LogEntryTest, StaffAccountsAndHolidaysAreTheDocumentedTranscripts) {
  EXPECT_EQ(EncodeLogEntry(StaffAccountEvent{"state", 5, "ann.lee", StaffAccountChange::kUpdated,
                                             kStaffRoleReviewer, true, 2}),
            Transcript({B(kLogEntryLabel), B("staff-account"), B("state"), U64(5), B("ann.lee"),
                        B("updated"), U64(4), Bytes{1}, U64(2)}));
  EXPECT_EQ(EncodeLogEntry(OrganizationHolidaysEvent{
                "state", {{Date{2026, 12, 25}, "Christmas Day"}, {Date{2027, 1, 1}, "New Year"}}}),
            Transcript({B(kLogEntryLabel), B("organization-holidays"), B("state"),
                        Transcript({B("candor/v1/holidays"), B("2026-12-25"), B("Christmas Day"),
                                    B("2027-01-01"), B("New Year")})}));
  EXPECT_EQ(EncodeLogEntry(OrganizationHolidaysEvent{"state", {}}),
            Transcript({B(kLogEntryLabel), B("organization-holidays"), B("state"),
                        Transcript({B("candor/v1/holidays")})}));
  EXPECT_EQ(LogEventToJson(StaffAccountEvent{"state", 5, "ann.lee", StaffAccountChange::kCreated,
                                             kStaffRolesKnown, false, 0})
                .dump(),
            R"({"account_id":5,"by":0,"change":"created","disabled":false,"kind":"staff-account",)"
            R"("roles":["administrator","enrollment_officer","reviewer"],"slug":"state",)"
            R"("username":"ann.lee"})");
}

TEST_F(LogEntryTest, StaffAccountsAndHolidaysThatBreakTheRulesAreRefused) {
  const auto L = B(kLogEntryLabel);
  const auto staff = [&](Bytes roles, Bytes status, Bytes change = B("created")) {
    return Transcript(
        {L, B("staff-account"), B("state"), U64(5), B("ann"), change, roles, status, U64(0)});
  };
  ExpectRejected(staff(U64(0), Bytes{0}), "the roles must be a non-empty set");
  ExpectRejected(staff(U64(8), Bytes{0}), "the roles must be a non-empty set");
  ExpectRejected(staff(U64(1), Bytes{2}), "the status must be one byte, 0x00 or 0x01");
  ExpectRejected(staff(U64(1), Bytes{}), "the status must be one byte, 0x00 or 0x01");
  ExpectRejected(staff(U64(1), Bytes{0}, B("deleted")), "the change must be 'created'");
  ExpectRejected(Transcript({L, B("staff-account"), B("state"), U64(0), B("ann"), B("created"),
                             U64(1), Bytes{0}, U64(0)}),
                 "the account id must be at least 1");
  ExpectRejected(Transcript({L, B("staff-account"), B("state"), U64(5), B("Ann"), B("created"),
                             U64(1), Bytes{0}, U64(0)}),
                 "a username may use only");
  ExpectRejected(Transcript({L, B("staff-account"), B("state"), U64(5), B("ann"), B("created"),
                             U64(1), Bytes{0}}),
                 "expected 7 fields, got 6");
  const auto days = [&](std::initializer_list<const char*> parts) {
    std::vector<Bytes> p{B("candor/v1/holidays")};
    for (const char* part : parts) p.push_back(B(part));
    return Transcript({L, B("organization-holidays"), B("state"), Transcript(p)});
  };
  ExpectRejected(days({"2027-01-01", "A", "2026-12-25", "B"}), "in increasing order of date");
  ExpectRejected(days({"2026-12-25", "A", "2026-12-25", "B"}), "in increasing order of date");
  ExpectRejected(days({"2026-12-25"}), "each holiday is a date and a name");
  ExpectRejected(days({"2026-02-30", "A"}), "that month has 28 days");
  ExpectRejected(days({"2026-1-05", "A"}), "must be YYYY-MM-DD");
  ExpectRejected(days({"2026-12-25", ""}), "the name of the holiday on 2026-12-25");
  ExpectRejected(days({"2026-12-25", "a\nb"}), "the name of the holiday on 2026-12-25");
  ExpectRejected(Transcript({L, B("organization-holidays"), B("state"),
                             Transcript({B("candor/v1/holiday"), B("2026-12-25"), B("A")})}),
                 "the holidays' label");
  ExpectRejected(Transcript({L, B("organization-holidays"), B("state"), Bytes{1, 2, 3}}),
                 "the holidays are");
}

TEST_F(LogEntryTest, RoundTripEveryKind) {
  for (const LogEvent& event : Examples()) {
    ASSERT_TRUE(ValidateLogEvent(event).ok()) << LogEventKind(event);
    const Bytes entry = EncodeLogEntry(event);
    auto back = DecodeLogEntry(entry);
    ASSERT_TRUE(back.ok()) << LogEventKind(event) << ": " << back.error().message();
    EXPECT_EQ(*back, event);
    EXPECT_EQ(EncodeLogEntry(*back), entry);
  }
}

TEST_F(LogEntryTest, KindNames) {
  auto ex = Examples();
  EXPECT_EQ(LogEventKind(ex[0]), "organization-created");
  EXPECT_EQ(LogEventKind(ex[2]), "organization-settings");
  EXPECT_EQ(LogEventKind(ex[3]), "roster-add");
  EXPECT_EQ(LogEventKind(ex[4]), "roster-remove");
  EXPECT_EQ(LogEventKind(ex[5]), "reviewer-key");
  EXPECT_EQ(LogEventKind(ex[6]), "letter");
  EXPECT_EQ(LogEventKind(ex[7]), "cosignature");
  EXPECT_EQ(LogEventKind(ex[8]), "signature-batch");
  EXPECT_EQ(LogEventKind(ex[11]), "reviewer");
  EXPECT_EQ(LogEventKind(ex[12]), "reviewer-removed");
  EXPECT_EQ(LogEventKind(ex[13]), "roster-epoch");
  EXPECT_EQ(LogEventKind(ex[14]), "web-release");
}

TEST_F(LogEntryTest, ReviewerAndEpochEntriesRejectBadFields) {
  const auto r = NewBoxKey();
  const Bytes L = B(kLogEntryLabel);
  ExpectRejected(Transcript({L, B("reviewer"), B("state"), U64(1), U64(3), B("Ann"), K(r)}),
                 "a username may use only");
  ExpectRejected(Transcript({L, B("reviewer"), B("state"), U64(1), U64(3), B(""), K(r)}),
                 "1 to 64 characters");
  ExpectRejected(
      Transcript({L, B("reviewer"), B("state"), U64(1), U64(3), B(std::string(65, 'a')), K(r)}),
      "1 to 64 characters");
  ExpectRejected(Transcript({L, B("reviewer"), B("state"), U64(1), U64(0), B("ann"), K(r)}),
                 "account id must be at least 1");
  ExpectRejected(Transcript({L, B("reviewer"), B("state"), U64(0), U64(3), B("ann"), K(r)}),
                 "the version must be at least 1");
  ExpectRejected(Transcript({L, B("reviewer"), B("state"), U64(1), U64(3), B("ann"), Bytes(32, 0)}),
                 "the reviewer key is not a valid X25519 key");
  ExpectRejected(Transcript({L, B("reviewer"), B("state"), U64(3), B("ann"), K(r)}),
                 "expected 5 fields, got 4");
  ExpectRejected(Transcript({L, B("reviewer-removed"), B("state"), U64(1), U64(0)}),
                 "account id must be at least 1");
  ExpectRejected(Transcript({L, B("reviewer-removed"), B("state"), U64(0), U64(2)}),
                 "the version must be at least 1");
  ExpectRejected(Transcript({L, B("reviewer-removed"), B("state"), U64(1)}), "expected 3 fields");
  ExpectRejected(Transcript({L, B("roster-epoch"), B("state"), U64(0)}),
                 "the version must be at least 1");
  ExpectRejected(Transcript({L, B("roster-epoch"), B("state"), Bytes(7, 1)}),
                 "the version must be 8 bytes");
  ExpectRejected(Transcript({L, B("roster-epoch"), B("-state"), U64(2)}), "slug");
  const std::string line = std::string(64, 'a') + "  /index.html\n";
  ExpectRejected(Transcript({L, B("web-release"), B("")}), "at least one file");
  ExpectRejected(Transcript({L, B("web-release"), B(line + line)}), "appears twice");
  ExpectRejected(Transcript({L, B("web-release"), B(std::string(64, 'b') + "  /z.js\n" + line)}),
                 "not sorted by path");
  ExpectRejected(Transcript({L, B("web-release"), B(std::string(64, 'A') + "  /index.html\n")}),
                 "lowercase hex");
  ExpectRejected(Transcript({L, B("web-release"), B(std::string(64, 'a') + "  /../etc/passwd\n")}),
                 "starts with '.'");
  ExpectRejected(Transcript({L, B("web-release"), B(std::string(64, 'a') + "  /index.html")}),
                 "newline");
  ExpectRejected(Transcript({L, B("web-release"), B(std::string(64, 'a') + " /index.html\n")}),
                 "<64 hex>  <path>");
  ExpectRejected(Transcript({L, B("web-release"), B(std::string(64, 'a') + "  /a b\n")}),
                 "may use only");
  // And the good ones decode to what they say.
  auto ok =
      DecodeLogEntry(Transcript({L, B("reviewer"), B("state"), U64(2), U64(3), B("ann.b"), K(r)}));
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  EXPECT_EQ(std::get<ReviewerEvent>(*ok), (ReviewerEvent{"state", 2, 3, "ann.b", r}));
  auto epoch = DecodeLogEntry(Transcript({L, B("roster-epoch"), B("state"), U64(9)}));
  ASSERT_TRUE(epoch.ok());
  EXPECT_EQ(std::get<RosterEpochEvent>(*epoch), (RosterEpochEvent{"state", 9}));
}

TEST_F(LogEntryTest, LetterEntriesAreTheDocumentedTranscript) {
  const Letter l = ALetter();
  EXPECT_EQ(EncodeLogEntry(LetterEvent{l, {4, 9}}),
            Transcript({B(kLogEntryLabel), B("letter"), LetterCanonicalBytes(l), [] {
                          Bytes b = U64(4);
                          Bytes c = U64(9);
                          b.insert(b.end(), c.begin(), c.end());
                          return b;
                        }()}));
  const LetterId id = ComputeLetterId(l);
  const crypto::Digest32 ring{};
  const Bytes sig(32 * 3, 7);
  EXPECT_EQ(EncodeLogEntry(CoSignatureEvent{id, "state", SignatureAction::kSign, ring, sig}),
            Transcript(
                {B(kLogEntryLabel), B("cosignature"), K(id), B("state"), B("sign"), K(ring), sig}));
  EXPECT_EQ(EncodeLogEntry(SignatureBatchEvent{id, 1, 2, 3}),
            Transcript({B(kLogEntryLabel), B("signature-batch"), K(id), U64(1), U64(2), U64(3)}));
}

TEST_F(LogEntryTest, RejectsMalformedLetterEntries) {
  const Letter l = ALetter();
  const LetterId id = ComputeLetterId(l);
  // One pinned version for two organizations.
  ExpectRejected(Transcript({B(kLogEntryLabel), B("letter"), LetterCanonicalBytes(l), U64(4)}),
                 "8 bytes per organization");
  // A pinned version of 0.
  Bytes pins = U64(0);
  Bytes nine = U64(9);
  pins.insert(pins.end(), nine.begin(), nine.end());
  ExpectRejected(Transcript({B(kLogEntryLabel), B("letter"), LetterCanonicalBytes(l), pins}),
                 "at least 1");
  // Letter bytes with a wrong label, or trailing bytes.
  Bytes bad = LetterCanonicalBytes(l);
  bad[8] ^= 1;
  ExpectRejected(Transcript({B(kLogEntryLabel), B("letter"), bad, pins}), "label");
  Bytes trailing = LetterCanonicalBytes(l);
  trailing.push_back(0);
  ExpectRejected(Transcript({B(kLogEntryLabel), B("letter"), trailing, pins}), "letter");
  // Co-signatures: bad action, short or ragged signature, bad slug.
  const crypto::Digest32 ring{};
  ExpectRejected(Transcript({B(kLogEntryLabel), B("cosignature"), K(id), B("state"), B("maybe"),
                             K(ring), Bytes(96, 1)}),
                 "action");
  ExpectRejected(Transcript({B(kLogEntryLabel), B("cosignature"), K(id), B("state"), B("sign"),
                             K(ring), Bytes(64, 1)}),
                 "32·(n+2)");
  ExpectRejected(Transcript({B(kLogEntryLabel), B("cosignature"), K(id), B("state"), B("sign"),
                             K(ring), Bytes(97, 1)}),
                 "32·(n+2)");
  ExpectRejected(Transcript({B(kLogEntryLabel), B("cosignature"), K(id), B("State!"), B("sign"),
                             K(ring), Bytes(96, 1)}),
                 "cosignature");
  // Batches: zero batch number or count.
  ExpectRejected(
      Transcript({B(kLogEntryLabel), B("signature-batch"), K(id), U64(0), U64(1), U64(5)}),
      "batch number");
  ExpectRejected(
      Transcript({B(kLogEntryLabel), B("signature-batch"), K(id), U64(1), U64(0), U64(5)}),
      "count");
}

TEST_F(LogEntryTest, RejectsWrongLabelKindAndReservedKinds) {
  const Bytes key(32, 1);
  ExpectRejected({}, "not a Candor log entry");
  ExpectRejected(Transcript({B("candor/v1/log-entrx"), B("roster-remove")}), "label");
  ExpectRejected(Transcript({B("candor/v1/letter"), B("x")}), "label");
  ExpectRejected(Transcript({B(kLogEntryLabel)}), "no kind");
  ExpectRejected(Transcript({B(kLogEntryLabel), B("roster-added"), B("state")}),
                 "unknown log entry kind 'roster-added'");
  ExpectRejected(Transcript({B(kLogEntryLabel), B("Roster-Add"), B("state")}),
                 "unknown log entry kind (hex)");
  ExpectRejected(Transcript({B(kLogEntryLabel), B(""), B("state")}), "unknown");
}

TEST_F(LogEntryTest, CableEventsDecodeByHandAndRejectBadFields) {
  const Bytes L = B(kLogEntryLabel);
  const Bytes id(32, 7), digest(32, 9);
  const Bytes good = Transcript(
      {L, B("cable-event"), B("state"), id, U64(2), B("acknowledged"), digest, B("2026-11-24")});
  auto ev = DecodeLogEntry(good);
  ASSERT_TRUE(ev.ok()) << ev.error().message();
  const auto& c = std::get<CableLogEvent>(*ev);
  EXPECT_EQ(c.slug, "state");
  EXPECT_EQ(c.seq, 2u);
  EXPECT_EQ(c.action, CableAction::kAcknowledged);
  EXPECT_EQ(c.date, (Date{2026, 11, 24}));
  EXPECT_EQ(EncodeLogEntry(*ev), good);
  ExpectRejected(Transcript({L, B("cable-event"), B("state"), id, U64(0), B("acknowledged"), digest,
                             B("2026-11-24")}),
                 "sequence number must be at least 1");
  ExpectRejected(Transcript({L, B("cable-event"), B("state"), id, U64(1), B("deleted"), digest,
                             B("2026-11-24")}),
                 "unknown cable action");
  ExpectRejected(Transcript({L, B("cable-event"), B("state"), id, U64(1), B("closed"), digest,
                             B("2026-02-30")}),
                 "cable-event");
  ExpectRejected(Transcript({L, B("cable-event"), B("state"), id, U64(1), B("closed"), digest,
                             B("2026-1-30")}),
                 "YYYY-MM-DD");
  ExpectRejected(Transcript({L, B("cable-event"), B("state"), Bytes(31, 7), U64(1), B("closed"),
                             digest, B("2026-11-30")}),
                 "cable id must be 32 bytes");
  ExpectRejected(Transcript({L, B("cable-event"), B("state"), id, U64(1), B("closed"), digest}),
                 "expected 6 fields");
}

TEST_F(LogEntryTest, RejectsWrongFieldCounts) {
  const auto p = NewPoint();
  const auto r = NewBoxKey();
  const Bytes settings = B(OrganizationSettingsToJsonText(OrganizationSettings{}));
  const Bytes L = B(kLogEntryLabel);
  ExpectRejected(Transcript({L, B("roster-add"), B("state"), U64(1), K(p)}), "expected 4 fields");
  ExpectRejected(Transcript({L, B("roster-remove"), B("state"), U64(1), K(p), K(r)}),
                 "expected 3 fields, got 4");
  ExpectRejected(Transcript({L, B("roster-remove"), B("state"), U64(1)}), "expected 3 fields");
  ExpectRejected(Transcript({L, B("reviewer-key"), B("state"), U64(1)}), "expected 3 fields");
  ExpectRejected(Transcript({L, B("organization-settings"), B("state")}), "expected 2 fields");
  ExpectRejected(Transcript({L, B("organization-settings"), B("state"), settings, Bytes{}}),
                 "expected 2 fields");
  ExpectRejected(Transcript({L, B("organization-created"), B("state"), B("S"), Bytes{0}}),
                 "expected 4 fields");
  ExpectRejected(Transcript({L, B("roster-add"), B("state"), U64(1), K(p), K(r), Bytes{}, Bytes{},
                             Bytes{}, Bytes{}}),
                 "more fields than any kind allows");
}

TEST_F(LogEntryTest, RejectsWrongLengthsAndValues) {
  const auto p = NewPoint();
  const auto r = NewBoxKey();
  const Bytes L = B(kLogEntryLabel);
  const Bytes settings = B(OrganizationSettingsToJsonText(OrganizationSettings{}));
  Bytes short_key = K(p);
  short_key.pop_back();
  Bytes long_key = K(p);
  long_key.push_back(0);
  ExpectRejected(Transcript({L, B("roster-remove"), B("state"), Bytes(7, 1), K(p)}),
                 "the version must be 8 bytes");
  ExpectRejected(Transcript({L, B("roster-remove"), B("state"), Bytes(9, 1), K(p)}), "8 bytes");
  ExpectRejected(Transcript({L, B("roster-remove"), B("state"), U64(1), short_key}),
                 "the ring key must be 32 bytes");
  ExpectRejected(Transcript({L, B("roster-remove"), B("state"), U64(1), long_key}), "32 bytes");
  ExpectRejected(Transcript({L, B("roster-add"), B("state"), U64(1), K(p), Bytes(31, 1)}),
                 "the reply key must be 32 bytes");
  ExpectRejected(Transcript({L, B("roster-remove"), B("state"), U64(0), K(p)}),
                 "the version must be at least 1");
  ExpectRejected(Transcript({L, B("reviewer-key"), B("state"), U64(0), K(r)}),
                 "the account id must be at least 1");
  ExpectRejected(Transcript({L, B("reviewer-key"), B("state"), U64(5), Bytes(32, 0)}),
                 "the reviewer key is not a valid X25519 key");
  ExpectRejected(Transcript({L, B("roster-add"), B("state"), U64(5), K(p), Bytes(32, 0)}),
                 "the reply key is not a valid X25519 key");
  ExpectRejected(Transcript({L, B("roster-remove"), B("state"), U64(1), Bytes(32, 0)}),
                 "not a valid ristretto255 point");
  ExpectRejected(Transcript({L, B("roster-remove"), B("state"), U64(1), Bytes(32, 0xff)}),
                 "not a valid ristretto255 point");
  ExpectRejected(Transcript({L, B("roster-remove"), B("State"), U64(1), K(p)}), "slug");
  ExpectRejected(Transcript({L, B("roster-remove"), Bytes{}, U64(1), K(p)}), "slug");
  ExpectRejected(Transcript({L, B("organization-created"), B("state"), B("S"), Bytes{2}, settings}),
                 "demo flag");
  ExpectRejected(
      Transcript({L, B("organization-created"), B("state"), B("S"), Bytes{0, 0}, settings}),
      "demo flag");
  ExpectRejected(Transcript({L, B("organization-created"), B("state"), B("S"), Bytes{}, settings}),
                 "demo flag");
  ExpectRejected(Transcript({L, B("organization-created"), B("state"), B(""), Bytes{0}, settings}),
                 "name");
  ExpectRejected(
      Transcript({L, B("organization-created"), B("state"), B("\xff"), Bytes{0}, settings}),
      "UTF-8");
}

TEST_F(LogEntryTest, SettingsMustBeValidAndCanonical) {
  const Bytes L = B(kLogEntryLabel);
  const Json good = OrganizationSettingsToJson(OrganizationSettings{});
  auto entry = [&](const std::string& json) {
    return Transcript({L, B("organization-settings"), B("state"), B(json)});
  };
  ASSERT_TRUE(DecodeLogEntry(entry(good.dump())).ok());
  ExpectRejected(entry(good.dump(1)), "canonical");
  ExpectRejected(entry(good.dump() + "\n"), "canonical");
  ExpectRejected(entry("{}"), "settings lacks the field");
  ExpectRejected(entry("not json"), "not valid JSON");
  ExpectRejected(entry(""), "not valid JSON");
  Json bad = good;
  bad["min_ring_size"] = 1;
  ExpectRejected(entry(bad.dump()), "min_ring_size");
  bad = good;
  bad["extra"] = true;
  ExpectRejected(entry(bad.dump()), "unknown field 'extra'");
}

TEST_F(LogEntryTest, RejectsTruncationAndTrailingBytes) {
  for (const LogEvent& event : Examples()) {
    const Bytes entry = EncodeLogEntry(event);
    for (std::size_t n = 0; n < entry.size(); ++n) {
      Bytes prefix(entry.begin(), entry.begin() + static_cast<std::ptrdiff_t>(n));
      EXPECT_FALSE(DecodeLogEntry(prefix).ok()) << LogEventKind(event) << " prefix " << n;
    }
    for (std::size_t extra = 1; extra <= 9; ++extra) {
      Bytes longer = entry;
      longer.insert(longer.end(), extra, 0);
      EXPECT_FALSE(DecodeLogEntry(longer).ok()) << LogEventKind(event) << " + " << extra;
    }
    // A length that claims more than is there, or wraps around.
    Bytes huge = entry;
    huge[0] = 0xff;
    huge[7] = 0xff;
    EXPECT_FALSE(DecodeLogEntry(huge).ok());
  }
}

TEST_F(LogEntryTest, EverySingleByteChangeIsRejectedOrCanonical) {
  for (const LogEvent& event : Examples()) {
    const Bytes entry = EncodeLogEntry(event);
    for (std::size_t i = 0; i < entry.size(); ++i) {
      for (std::uint8_t flip : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xff}}) {
        Bytes changed = entry;
        changed[i] ^= flip;
        auto r = DecodeLogEntry(changed);
        if (r.ok()) {
          ASSERT_EQ(EncodeLogEntry(*r), changed) << i;
          EXPECT_NE(*r, event);
        }
      }
    }
  }
}

TEST_F(LogEntryTest, ValidateRejectsBadEvents) {
  const auto p = NewPoint();
  const auto r = NewBoxKey();
  OrganizationSettings bad_settings;
  bad_settings.min_ring_size = 0;
  EXPECT_FALSE(ValidateLogEvent(RosterAddEvent{"state", 0, p, r}).ok());
  EXPECT_FALSE(ValidateLogEvent(RosterAddEvent{"st ate", 1, p, r}).ok());
  EXPECT_FALSE(ValidateLogEvent(RosterAddEvent{"state", 1, crypto::Point{}, r}).ok());
  EXPECT_FALSE(ValidateLogEvent(RosterAddEvent{"state", 1, p, crypto::BoxPublicKey{}}).ok());
  EXPECT_FALSE(ValidateLogEvent(OrganizationSettingsEvent{"state", bad_settings}).ok());
  EXPECT_FALSE(
      ValidateLogEvent(OrganizationCreatedEvent{"state", "", false, OrganizationSettings{}}).ok());
  auto s = ValidateLogEvent(ReviewerKeyEvent{"state", 0, r});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("log entry 'reviewer-key'"), std::string::npos);
  // Encoding an invalid event still gives bytes; decoding refuses them.
  EXPECT_FALSE(DecodeLogEntry(EncodeLogEntry(RosterAddEvent{"state", 0, p, r})).ok());
  EXPECT_FALSE(
      DecodeLogEntry(EncodeLogEntry(OrganizationSettingsEvent{"state", bad_settings})).ok());
}

TEST_F(LogEntryTest, JsonRendering) {
  const auto p = NewPoint();
  const auto r = NewBoxKey();
  Json j = LogEventToJson(RosterAddEvent{"state", 4, p, r});
  EXPECT_EQ(j, (Json{{"kind", "roster-add"},
                     {"slug", "state"},
                     {"version", 4},
                     {"ring_public", crypto::ToHex(p)},
                     {"reply_public", crypto::ToHex(r)}}));
  Json created = LogEventToJson(
      OrganizationCreatedEvent{"state", "Department of State", true, OrganizationSettings{}});
  EXPECT_EQ(created["kind"], "organization-created");
  EXPECT_EQ(created["demo"], true);
  EXPECT_EQ(created["settings"], OrganizationSettingsToJson(OrganizationSettings{}));
  EXPECT_EQ(LogEventToJson(ReviewerKeyEvent{"state", 8, r})["account_id"], 8);
  EXPECT_EQ(LogEventToJson(RosterRemoveEvent{"state", 9, p})["kind"], "roster-remove");
}

TEST_F(LogEntryTest, RosterReplayedFromTheLog) {
  Roster roster;
  std::vector<Bytes> log;
  const auto a = NewPoint(), b = NewPoint();
  for (const RosterEvent& e : {RosterEvent{1, RosterChange::kAdd, a, NewBoxKey()},
                               RosterEvent{2, RosterChange::kAdd, b, NewBoxKey()},
                               RosterEvent{3, RosterChange::kRemove, a, std::nullopt}}) {
    ASSERT_TRUE(roster.Apply(e).ok());
    const LogEvent logged = RosterLogEvent("state", e);
    ASSERT_TRUE(ValidateLogEvent(logged).ok());
    log.push_back(EncodeLogEntry(logged));
  }
  Roster audited;
  for (const Bytes& entry : log) {
    auto event = DecodeLogEntry(entry);
    ASSERT_TRUE(event.ok());
    RosterEvent change = std::holds_alternative<RosterAddEvent>(*event)
                             ? ToRosterEvent(std::get<RosterAddEvent>(*event))
                             : ToRosterEvent(std::get<RosterRemoveEvent>(*event));
    ASSERT_TRUE(audited.Apply(change).ok());
  }
  EXPECT_EQ(audited.events(), roster.events());
  EXPECT_EQ(audited.digest(), roster.digest());
}

// Every saved fuzz seed named valid-* decodes and re-encodes identically; invalid-* fails.
TEST(LogEntryCorpusTest, SeedsDecodeAsNamed) {
  const std::filesystem::path dir =
      std::filesystem::path(CANDOR_SOURCE_DIR) / "fuzz" / "corpus" / "log_entry_decode";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  int valid = 0, invalid = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(file.path(), std::ios::binary);
    const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string name = file.path().filename().string();
    auto r = DecodeLogEntry(bytes);
    if (name.rfind("valid-", 0) == 0) {
      ++valid;
      ASSERT_TRUE(r.ok()) << name << ": " << r.error().message();
      EXPECT_EQ(EncodeLogEntry(*r), bytes) << name;
    } else if (name.rfind("invalid-", 0) == 0) {
      ++invalid;
      EXPECT_FALSE(r.ok()) << name;
    }
  }
  EXPECT_GE(valid, 5);
  EXPECT_GE(invalid, 3);
}

}  // namespace
}  // namespace candor::domain
