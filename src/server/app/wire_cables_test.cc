// The cable wire codec: what the routes write, the command line reads back into the same view.
#include "server/app/wire_cables.h"

#include <gtest/gtest.h>

#include "crypto/keys.h"
#include "crypto/rng.h"

namespace candor::app::api {
namespace {

CableView MakeView() {
  crypto::SeededRng rng(7);
  CableView v;
  v.id.bytes.fill(0x11);
  v.organization = "state";
  v.header.id = v.id;
  v.header.organization = "state";
  v.header.author = domain::CableAuthor::kAnonymous;
  v.header.roster_version = 3;
  v.header.ring_digest.bytes.fill(0x22);
  v.header.quota_window = 9;
  v.header.recipients = {crypto::GenerateBoxKeyPair(rng).public_key};
  v.header.access_hash.bytes.fill(0x33);
  v.header.scheme = domain::RingScheme::kV2;
  v.header_bytes = domain::CableHeaderBytes(v.header);
  v.published = true;
  v.state = "acknowledged";
  v.received = *domain::ParseDate("2026-03-27");
  v.clock.acknowledge_by = *domain::ParseDate("2026-03-31");
  v.clock.answer_by = *domain::ParseDate("2026-05-08");
  v.clock.acknowledged = true;
  v.clock.answer_overdue = true;
  v.clock.acknowledge_days_left = -3;
  v.clock.answer_days_left = -1;
  v.acknowledge_unit = "working-days";
  v.answer_unit = "calendar-days";
  v.policy = "dissent-channel";
  v.submission_digest.bytes.fill(0x44);
  v.envelope = crypto::Bytes{1, 2, 3};
  v.signature = crypto::Bytes{4};
  v.quota_signature = crypto::Bytes{5};
  v.quota_slot = 2;
  CableEventView submitted;
  submitted.seq = 1;
  submitted.action = domain::CableAction::kSubmitted;
  submitted.date = v.received;
  submitted.digest.bytes.fill(0x55);
  submitted.log_index = 40;
  CableEventView reply;
  reply.seq = 2;
  reply.action = domain::CableAction::kReplied;
  reply.date = v.clock.acknowledge_by;
  reply.digest.bytes.fill(0x66);
  reply.reviewer = "it.reviewer";
  reply.recipients = v.header.recipients;
  reply.envelope = crypto::Bytes{7, 8};
  CableEventView purged = reply;
  purged.seq = 3;
  purged.envelope.reset();
  purged.log_index = 41;
  CableEventView recused;  // a reviewer withdrew: its key, and no message
  recused.seq = 4;
  recused.action = domain::CableAction::kRecused;
  recused.date = v.clock.acknowledge_by;
  recused.digest.bytes.fill(0x77);
  recused.reviewer = "it.reviewer2";
  recused.recipients = v.header.recipients;
  recused.log_index = 42;
  v.events = {submitted, reply, purged, recused};
  return v;
}

TEST(WireCables, TheViewReadsBackAsWritten) {
  const CableView v = MakeView();
  const Json j = CableViewToJson(v);
  auto back = CableViewFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(CableViewToJson(*back), j);
  EXPECT_EQ(back->events.size(), 4u);
  EXPECT_EQ(back->events[3].recipients, MakeView().header.recipients);
  EXPECT_FALSE(back->events[2].envelope.has_value());
  EXPECT_EQ(back->events[1].reviewer, "it.reviewer");
  EXPECT_TRUE(back->clock.overdue());
  // An inbox listing leaves the ciphertext and signatures out.
  Json listing = j;
  for (const char* f : {"envelope", "signature", "quota_signature"}) listing.erase(f);
  auto listed = CableViewFromJson(listing);
  ASSERT_TRUE(listed.ok()) << listed.error().message();
  EXPECT_FALSE(listed->envelope.has_value());
}

TEST(WireCables, AViewThatContradictsItselfOrHasAnotherShapeIsRefused) {
  const Json j = CableViewToJson(MakeView());
  auto refusal = [&](auto change) {
    Json k = j;
    change(k);
    auto r = CableViewFromJson(k);
    return r.ok() ? std::string("accepted") : r.error().message();
  };
  EXPECT_EQ(refusal([](Json& k) { k["deadlines"]["overdue"] = false; }),
            "the cable's deadlines: 'overdue' disagrees with the two it sums up");
  EXPECT_EQ(refusal([](Json& k) { k["author"] = "named"; }),
            "the cable's 'id' or 'author' disagrees with its header");
  EXPECT_EQ(refusal([](Json& k) { k["note"] = "x"; }), "unknown field 'note' in the cable");
  EXPECT_EQ(refusal([](Json& k) { k["deadlines"]["answer_days_left"] = "1"; }),
            "'answer_days_left' in the cable's deadlines must be a whole number");
  EXPECT_EQ(refusal([](Json& k) { k["events"][0]["recipients"] = Json::array(); }),
            "cable event 0: a 'submitted' event carries no message");
  EXPECT_EQ(refusal([](Json& k) { k["events"][3]["envelope"] = "00"; }),
            "cable event 3: a 'recused' event names one key and carries no message");
  EXPECT_EQ(refusal([](Json& k) { k["events"][3]["recipients"] = Json::array(); }),
            "cable event 3: a 'recused' event names one key and carries no message");
  EXPECT_NE(refusal([](Json& k) { k["received_on"] = "2026-02-30"; }), "accepted");
  EXPECT_NE(refusal([](Json& k) { k.erase("events"); }), "accepted");

  CableQuotaView q{5, 3600000, 7200000, 2, {{1, crypto::Point{}}}};
  EXPECT_TRUE(QuotaFromJson(QuotaToJson(q), 1024).ok());
  EXPECT_FALSE(QuotaFromJson(QuotaToJson(q), 1).ok());  // more slots than a client computes
}

}  // namespace
}  // namespace candor::app::api

namespace candor::app::api {
namespace {

TEST(WireCables, NotificationsReadBackAndAnUnknownKindOrWrongTypeIsRefused) {
  store::NotificationRecord n;
  n.id = 42;
  n.cable_id = store::Blob(32, 0xab);
  n.kind = "answer-overdue";
  n.deadline_day = domain::DaysFromCivil(*domain::ParseDate("2026-12-07"));
  n.days_before = 0;
  n.created_at_ms = 1'790'000'000'000;
  n.delivered = true;
  const Json wire = Json::parse(NotificationsToJson({n}).dump());
  auto read = NotificationsFromJson(wire);
  ASSERT_TRUE(read.ok()) << read.error().message();
  const auto& back = *read;
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].id, 42);
  EXPECT_EQ(back[0].cable_id, n.cable_id);
  EXPECT_EQ(back[0].kind, n.kind);
  EXPECT_EQ(back[0].deadline_day, n.deadline_day);
  EXPECT_EQ(back[0].created_at_ms, n.created_at_ms);
  EXPECT_TRUE(back[0].delivered);

  Json kind = wire;
  kind["notifications"][0]["kind"] = "cable-content";
  EXPECT_FALSE(NotificationsFromJson(kind).ok());
  Json type = wire;
  type["notifications"][0]["kind"] = 7;
  EXPECT_EQ(NotificationsFromJson(type).error().message(),
            "'kind' in notification 0 must be a string");
  Json extra = wire;
  extra["notifications"][0]["subject"] = "leaked";
  EXPECT_FALSE(NotificationsFromJson(extra).ok());
  EXPECT_FALSE(NotificationsFromJson(Json::array()).ok());
  EXPECT_FALSE(NotificationsFromJson(Json{{"notifications", 1}}).ok());
}

}  // namespace
}  // namespace candor::app::api
