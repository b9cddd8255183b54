// Collective letters end to end through the real server on both engines: several
// organizations with hundreds of members, anonymous co-signatures, duplicates, withdrawals,
// invalid signatures of every kind, a quorum letter, a closed letter, batched publication,
// counts, bundles — and a dump of the database and the logs that links nothing to anyone.
#include <gmock/gmock.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "crypto/keyfile.h"
#include "crypto/lrs2.h"
#include "crypto/lrs_testing.h"
#include "crypto/transcript.h"
#include "domain/bundle.h"
#include "domain/cosignature.h"
#include "domain/letter.h"
#include "domain/log_entry.h"
#include "forensics.h"
#include "log/rfc9162.h"
#include "server_fixture.h"

namespace candor::it {
namespace {

class LetterTest : public ServerTest {
 protected:
  // Enrolls `n` members (keys from a seed) and returns their keys in roster order.
  std::vector<crypto::MemberKeys> EnrollMembers(const std::string& slug, std::size_t n,
                                                std::uint64_t seed) {
    Session officer = Login(slug, "officer");
    crypto::SeededRng rng(seed);
    std::vector<crypto::MemberKeys> keys;
    for (std::size_t i = 0; i < n; ++i) {
      keys.push_back(crypto::GenerateMemberKeys(rng));
      auto r = Enroll(slug, Invite(officer, slug), keys.back());
      EXPECT_EQ(r.status, 201) << r.body;
    }
    return keys;
  }

  static std::vector<crypto::Point> Points(const std::vector<crypto::MemberKeys>& keys) {
    std::vector<crypto::Point> pts;
    for (const auto& k : keys) pts.push_back(k.ring.public_key);
    return pts;
  }
  static crypto::Ring RingOf(const std::vector<crypto::MemberKeys>& keys) {
    return *crypto::Ring::Create(Points(keys));
  }

  std::string PublishLetter(const Json& letter, const std::string& org = "state") {
    Session s = Login(org, "reviewer");  // any named account may organize a letter
    auto r = Call("POST", "/api/v1/letters", letter.dump(), s.Headers());
    EXPECT_EQ(r.status, 201) << r.body;
    return JsonOf(r).value("id", "");
  }

  domain::CoSignature SignAs(const std::string& letter_hex, const crypto::Ring& ring,
                             const crypto::MemberKeys& k,
                             domain::SignatureAction action = domain::SignatureAction::kSign) {
    auto id = *crypto::FixedFromHex<domain::LetterId>(letter_hex);
    return *domain::SignLetter(id, action, ring, *ring.IndexOf(k.ring.public_key), k.ring.secret,
                               sig_rng_);
  }

  cli::HttpReply Post(const std::string& letter_hex, const std::string& org,
                      const domain::CoSignature& sig) {
    return Call("POST", "/api/v1/letters/" + letter_hex + "/signatures",
                Json{{"organization", org}, {"signature", domain::CoSignatureToJson(sig)}}.dump());
  }

  Json Letter(const std::string& id) { return JsonOf(Call("GET", "/api/v1/letters/" + id)); }

  // A letter to "state" alone, as a member would publish it.
  static domain::Letter StateLetter(const std::string& title, const std::string& body) {
    domain::Letter letter;
    letter.title = title;
    letter.body = body;
    letter.organizations = {"state"};
    return letter;
  }
  // The publishing window of "state" now (GET /letter-quota).
  std::uint64_t PublishWindow() {
    return JsonOf(Call("GET", "/api/v1/orgs/state/letter-quota"))["window"];
  }
  // The membership proof with which member `k` publishes `letter` in publishing slot `slot`
  // of the current window (POST /letters/member).
  crypto::LrsSignature ProveMembership(const domain::Letter& letter, const crypto::Ring& ring,
                                       const crypto::MemberKeys& k, std::uint64_t slot = 0) {
    const domain::LetterId id = domain::ComputeLetterId(letter);
    return *crypto::LrsSign(domain::PublishQuotaEvent("state", PublishWindow(), slot),
                            domain::PublishProofMessage(id), ring, *ring.IndexOf(k.ring.public_key),
                            k.ring.secret, sig_rng_);
  }
  // The body of POST /letters/member for `letter` with `proof` over `ring` of "state".
  Json MemberLetterBody(const domain::Letter& letter, const crypto::Ring& ring,
                        const crypto::Bytes& proof, std::uint64_t slot = 0) {
    return Json{{"letter", domain::LetterToJson(letter)},
                {"organization", "state"},
                {"ring_digest", crypto::ToHex(ring.digest())},
                {"window", PublishWindow()},
                {"slot", slot},
                {"proof", crypto::ToHex(proof)}};
  }

  crypto::SeededRng sig_rng_{2024};
};

TEST_P(LetterTest, MembersOfSeveralOrganizationsSignAnonymouslyAndTheCountsAddUp) {
  MakeOrg("state");
  MakeOrg("usaid");
  MakeOrg("ministry");
  auto state = EnrollMembers("state", 120, 1);
  auto usaid = EnrollMembers("usaid", 60, 2);
  auto ministry = EnrollMembers("ministry", 30, 3);
  const std::string id = PublishLetter(Json{{"title", "On the policy"},
                                            {"body", "We, the undersigned, disagree."},
                                            {"organizations", {"state", "usaid", "ministry"}}});
  ASSERT_EQ(id.size(), 64u);
  const crypto::Ring state_ring = RingOf(state), usaid_ring = RingOf(usaid),
                     ministry_ring = RingOf(ministry);
  Json view = Letter(id);
  EXPECT_EQ(view["organizations"][0]["rings"][0]["digest"], crypto::ToHex(state_ring.digest()));
  EXPECT_EQ(view["organizations"][0]["roster_size"], 120);
  EXPECT_EQ(view["total"], 0);

  std::vector<std::string> submitted_tags;
  auto sign = [&](const std::string& org, const crypto::Ring& ring, const crypto::MemberKeys& k) {
    auto r = Post(id, org, SignAs(id, ring, k));
    EXPECT_EQ(r.status, 202) << r.body;
    submitted_tags.push_back(JsonOf(r)["receipt"].value("tag", ""));
  };
  for (std::size_t i = 0; i < 30; ++i) sign("state", state_ring, state[i]);
  for (std::size_t i = 0; i < 15; ++i) sign("usaid", usaid_ring, usaid[i]);
  for (std::size_t i = 0; i < 8; ++i) sign("ministry", ministry_ring, ministry[i]);

  // A second signature by the same member — fresh randomness, same tag — says only that.
  auto dup = Post(id, "state", SignAs(id, state_ring, state[3]));
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(JsonOf(dup)["error"]["message"], "already signed");
  // Withdrawals: two state members withdraw; twice is refused; a non-signer has nothing to
  // withdraw.
  for (std::size_t i : {1, 2}) {
    auto r =
        Post(id, "state", SignAs(id, state_ring, state[i], domain::SignatureAction::kWithdraw));
    EXPECT_EQ(r.status, 202) << r.body;
  }
  EXPECT_EQ(Post(id, "state", SignAs(id, state_ring, state[1], domain::SignatureAction::kWithdraw))
                .status,
            409);
  EXPECT_EQ(Post(id, "state", SignAs(id, state_ring, state[99], domain::SignatureAction::kWithdraw))
                .status,
            409);

  // Invalid signatures of every kind change nothing.
  domain::CoSignature good = SignAs(id, state_ring, state[50]);
  domain::CoSignature tampered = good;
  tampered.signature[40] ^= 1;
  EXPECT_EQ(Post(id, "state", tampered).status, 422);
  domain::CoSignature truncated = good;
  truncated.signature.resize(truncated.signature.size() - 32);
  EXPECT_EQ(Post(id, "state", truncated).status, 400);
  EXPECT_EQ(Post(id, "usaid", good).status, 400);  // not a ring of that organization
  EXPECT_EQ(Post(id, "nobody", good).status, 400);
  domain::CoSignature other_letter = good;
  other_letter.letter.bytes[0] ^= 1;
  EXPECT_EQ(Post(id, "state", other_letter).status, 400);
  auto all_points = Points(state);
  auto small = *crypto::Ring::Create(
      std::vector<crypto::Point>(all_points.begin(), all_points.begin() + 61));
  EXPECT_EQ(Post(id, "state", SignAs(id, small, state[60])).status,
            400);  // a ring the letter did not pin
  EXPECT_EQ(
      Call("POST", "/api/v1/letters/" + id + "/signatures", "{\"organization\":\"state\"}").status,
      400);
  EXPECT_EQ(Call("POST", "/api/v1/letters/" + id + "/signatures", "{not json").status, 400);
  Json extra{
      {"organization", "state"}, {"signature", domain::CoSignatureToJson(good)}, {"name", "Alice"}};
  EXPECT_EQ(Call("POST", "/api/v1/letters/" + id + "/signatures", extra.dump()).status, 400);
  EXPECT_EQ(
      Call("POST", "/api/v1/letters/" + std::string(64, '0') + "/signatures",
           Json{{"organization", "state"}, {"signature", domain::CoSignatureToJson(good)}}.dump())
          .status,
      400);
  // A member enrolled after publication is not in the pinned ring.
  auto late = EnrollMembers("state", 1, 77);
  all_points.push_back(late[0].ring.public_key);
  EXPECT_EQ(Post(id, "state", SignAs(id, *crypto::Ring::Create(all_points), late[0])).status, 400);

  // Nothing is public before the batch; the receipt says it is waiting.
  EXPECT_EQ(Letter(id)["total"], 0);
  auto waiting = JsonOf(Call("POST", "/api/v1/letters/" + id + "/signature-status",
                             Json{{"tag", submitted_tags[0]}}.dump()));
  EXPECT_EQ(waiting["signatures"][0]["state"], "waiting-for-batch");

  // Restart: accepted signatures are durable before the batch.
  Stop();
  Start();
  auto published = service_->PublishBatch();
  ASSERT_TRUE(published.ok()) << published.error().message();
  EXPECT_EQ(*published, 30u + 15 + 8 + 2);
  view = Letter(id);
  EXPECT_EQ(view["organizations"][0]["signers"], 28);
  EXPECT_EQ(view["organizations"][1]["signers"], 15);
  EXPECT_EQ(view["organizations"][2]["signers"], 8);
  EXPECT_EQ(view["total"], 51);
  EXPECT_EQ(view["batches"], 1);
  EXPECT_EQ(*service_->PublishBatch(), 0u);  // nothing left

  // The log order is not the arrival order.
  auto batches = JsonOf(Call("GET", "/api/v1/letters/" + id + "/batches"));
  ASSERT_EQ(batches["batches"].size(), 1u);
  EXPECT_EQ(batches["batches"][0]["total_after"], 51);
  const std::uint64_t marker = batches["batches"][0]["log_index"];
  auto entries = JsonOf(Call("GET", "/api/v1/log/entries?start=" + std::to_string(marker - 55) +
                                        "&end=" + std::to_string(marker)))["entries"];
  std::vector<std::string> logged_tags;
  for (const auto& e : entries) {
    auto ev = domain::DecodeLogEntry(*crypto::FromHex(e["entry"].get<std::string>()));
    ASSERT_TRUE(ev.ok());
    auto* c = std::get_if<domain::CoSignatureEvent>(&*ev);
    ASSERT_NE(c, nullptr);
    if (c->action == domain::SignatureAction::kSign) {
      logged_tags.push_back(crypto::ToHex(crypto::ByteSpan(c->signature).last(32)));
    }
  }
  ASSERT_EQ(logged_tags.size(), submitted_tags.size());
  EXPECT_NE(logged_tags, submitted_tags);
  EXPECT_EQ(std::set<std::string>(logged_tags.begin(), logged_tags.end()),
            std::set<std::string>(submitted_tags.begin(), submitted_tags.end()));

  // The receipt now points at an entry holding exactly that signature.
  auto receipt = JsonOf(Call("POST", "/api/v1/letters/" + id + "/signature-status",
                             Json{{"tag", submitted_tags[0]}}.dump()));
  EXPECT_EQ(receipt["signatures"][0]["state"], "published");
  EXPECT_EQ(receipt["signatures"][0]["batch"], 1);

  // The bundle holds the letter, the three rosters and every signature, with proofs.
  auto bundle = JsonOf(Call("GET", "/api/v1/letters/" + id + "/bundle"));
  EXPECT_EQ(bundle["format"], "candor-letter-bundle-v1");
  // The late member is after the pin: the bundle shows that roster version (the pin + 1) to prove
  // it was the latest when the letter was published, and the log state that says so.
  EXPECT_EQ(bundle["entries"].size(), 1u + 121 + 60 + 30 + 55 + 1 + 1);
  EXPECT_EQ(bundle["state"].size(), 4u);  // the letter's leaf, then its three organizations' leaves
  auto lean = JsonOf(Call("GET", "/api/v1/letters/" + id + "/bundle?signatures=0"));
  EXPECT_EQ(lean["entries"].size(), 1u + 120 + 60 + 30);
  // Security review M6: the bundle comes in pages, each pinned to one tree head; put together
  // they are the whole bundle, which verifies.
  EXPECT_EQ(bundle["page"]["next"], nullptr);
  EXPECT_EQ(bundle["page"]["entries"], bundle["entries"].size());
  const std::string pinned = "/api/v1/letters/" + id + "/bundle?tree_size=" +
                             std::to_string(bundle["tree_head"]["tree_size"].get<std::uint64_t>()) +
                             "&limit=50&start=";
  Json assembled = Json::array();
  Json next = 0;
  int pages = 0;
  while (!next.is_null()) {
    Json page = JsonOf(Call("GET", pinned + std::to_string(next.get<std::uint64_t>())));
    ASSERT_EQ(page["tree_head"], bundle["tree_head"]);
    ASSERT_LE(page["entries"].size(), 50u);
    for (const auto& e : page["entries"]) assembled.push_back(e);
    next = page["page"]["next"];
    ++pages;
  }
  EXPECT_EQ(pages, (static_cast<int>(bundle["entries"].size()) + 49) / 50);
  EXPECT_EQ(assembled, bundle["entries"]);
  EXPECT_EQ(Call("GET", "/api/v1/letters/" + id + "/bundle?limit=0").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/letters/" + id + "/bundle?tree_size=1").status,
            404);  // before the letter
  bundle.erase("page");
  auto verified = domain::VerifyLetterBundle(bundle, domain::BundleOptions{});
  ASSERT_TRUE(verified.ok()) << verified.error().message();
  EXPECT_EQ(verified->total, 51u);
}

// Security review C1, through the real server: a member signs, then signs again with the
// tag's encoding changed in bit 255 (the same point; the ring equations close over the
// changed bytes). On libsodium 1.0.18 without the canonical check both were accepted and
// counted. Now the second is refused, and nothing about the letter changes.
TEST_P(LetterTest, OneKeyCountsOnceWhateverTheEncodingOfItsTag) {
  MakeOrg("state");
  auto state = EnrollMembers("state", 25, 10);
  const crypto::Ring ring = RingOf(state);
  const std::string id = PublishLetter(
      Json{{"title", "Once"}, {"body", "One key, one count."}, {"organizations", {"state"}}});
  ASSERT_EQ(Post(id, "state", SignAs(id, ring, state[0])).status, 202);
  const auto letter = *crypto::FixedFromHex<domain::LetterId>(id);
  const crypto::Bytes statement = domain::LetterStatement(letter, domain::SignatureAction::kSign);
  const crypto::LrsSignature twin = crypto::testing::LrsSignWithTagEncoding(
      letter, statement, ring, *ring.IndexOf(state[0].ring.public_key), state[0].ring.secret,
      sig_rng_, crypto::testing::SetBit255);
  domain::CoSignature forged{letter, domain::SignatureAction::kSign, ring.digest(), twin.Encode()};
  auto r = Post(id, "state", forged);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(JsonOf(r)["error"]["message"].get<std::string>(),
              ::testing::HasSubstr("not a valid ristretto255 point"))
      << r.body;
  // A withdrawal under the twin encoding is refused the same way.
  const crypto::LrsSignature twin_withdraw = crypto::testing::LrsSignWithTagEncoding(
      letter, domain::LetterStatement(letter, domain::SignatureAction::kWithdraw), ring,
      *ring.IndexOf(state[0].ring.public_key), state[0].ring.secret, sig_rng_,
      crypto::testing::SetBit255);
  EXPECT_EQ(Post(id, "state",
                 domain::CoSignature{letter, domain::SignatureAction::kWithdraw, ring.digest(),
                                     twin_withdraw.Encode()})
                .status,
            400);
  ASSERT_TRUE(service_->PublishBatch().ok());
  Json view = Letter(id);
  EXPECT_EQ(view["total"], 1);
  // The bundle recounts one signatory too.
  Json whole = JsonOf(Call("GET", "/api/v1/letters/" + id + "/bundle"));
  whole.erase("page");  // one page holds it all here
  auto report = domain::VerifyLetterBundle(whole, domain::BundleOptions{});
  ASSERT_TRUE(report.ok()) << report.error().message();
  EXPECT_EQ(report->total, 1u);

  // The same key enrolled a second time under its twin encoding is refused too (it would be
  // two ring members, and two counts, for one secret).
  Session officer = Login("state", "officer");
  crypto::MemberKeys twin_key = crypto::GenerateMemberKeys(sig_rng_);
  twin_key.ring.public_key = state[1].ring.public_key;
  twin_key.ring.public_key.bytes[31] |= 0x80;
  auto enrolled = Enroll("state", Invite(officer, "state"), twin_key);
  EXPECT_EQ(enrolled.status, 400) << enrolled.body;
}

// Security review C1, data already stored: a twin co-signature accepted before the canonical
// rule (put straight into the store here, as the old server would have) is dropped by the
// batch publisher — before the quorum is counted, so it cannot complete a quorum either — and
// never reaches the log, where it would make the letter's bundle unverifiable.
TEST_P(LetterTest, ATwinSignatureStoredBeforeTheFixIsDroppedNotPublished) {
  MakeOrg("state");
  auto state = EnrollMembers("state", 25, 11);
  const crypto::Ring ring = RingOf(state);
  const std::string id = PublishLetter(Json{
      {"title", "Two"}, {"body", "Quorum of two."}, {"organizations", {"state"}}, {"quorum", 2}});
  ASSERT_EQ(Post(id, "state", SignAs(id, ring, state[0])).status, 202);
  const auto letter = *crypto::FixedFromHex<domain::LetterId>(id);
  const crypto::LrsSignature twin = crypto::testing::LrsSignWithTagEncoding(
      letter, domain::LetterStatement(letter, domain::SignatureAction::kSign), ring, 0,
      state[0].ring.secret, sig_rng_, crypto::testing::SetBit255);
  {
    auto tx = store_->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    auto org = (*tx)->FindOrganizationBySlug("state");
    ASSERT_TRUE(org.ok() && org->has_value());
    ASSERT_TRUE(
        (*tx)
            ->InsertCoSignature(store::CoSignatureRecord{
                store::Blob(letter.begin(), letter.end()),
                store::Blob(twin.tag.begin(), twin.tag.end()), store::CoSignatureAction::kSign,
                (*org)->id, store::Blob(ring.digest().begin(), ring.digest().end()), twin.Encode(),
                std::nullopt, std::nullopt})
            .ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  EXPECT_EQ(*service_->PublishBatch(), 0u);  // one real signer: the quorum of two is not reached
  EXPECT_EQ(Letter(id)["quorum_reached"], false);
  EXPECT_EQ(Call("POST", "/api/v1/letters/" + id + "/signature-status",
                 Json{{"tag", crypto::ToHex(twin.tag)}}.dump())
                .status,
            404);  // the twin is gone
  ASSERT_EQ(Post(id, "state", SignAs(id, ring, state[1])).status, 202);
  EXPECT_EQ(*service_->PublishBatch(), 2u);
  Json whole = JsonOf(Call("GET", "/api/v1/letters/" + id + "/bundle"));
  whole.erase("page");
  auto report = domain::VerifyLetterBundle(whole, domain::BundleOptions{});
  ASSERT_TRUE(report.ok()) << report.error().message();
  EXPECT_EQ(report->total, 2u);
}

TEST_P(LetterTest, AQuorumLetterRevealsNothingUntilTheQuorumThenEverythingAtOnce) {
  MakeOrg("state");
  auto state = EnrollMembers("state", 25, 4);
  const crypto::Ring ring = RingOf(state);
  const std::string id = PublishLetter(Json{{"title", "Quorum"},
                                            {"body", "Only with five."},
                                            {"organizations", {"state"}},
                                            {"quorum", 5}});
  for (std::size_t i = 0; i < 4; ++i)
    ASSERT_EQ(Post(id, "state", SignAs(id, ring, state[i])).status, 202);
  EXPECT_EQ(*service_->PublishBatch(), 0u);
  Json view = Letter(id);
  EXPECT_EQ(view["counts"], "quorum not yet reached");
  EXPECT_TRUE(view["total"].is_null());
  EXPECT_TRUE(view["organizations"][0]["signers"].is_null());
  auto tag =
      JsonOf(Post(id, "state", SignAs(id, ring, state[4])))["receipt"]["tag"].get<std::string>();
  // The fifth signature reaches the quorum, but nothing public says so before the batch: a
  // flag that flipped now would date the fifth signature (security review M1).
  view = Letter(id);
  EXPECT_EQ(view["quorum_reached"], false);
  EXPECT_EQ(view["counts"], "quorum not yet reached");
  EXPECT_EQ(JsonOf(Call("POST", "/api/v1/letters/" + id + "/signature-status",
                        Json{{"tag", tag}}.dump()))["signatures"][0]["state"],
            "waiting-for-quorum");
  EXPECT_EQ(*service_->PublishBatch(), 5u);  // the early four go out together with the fifth
  view = Letter(id);
  EXPECT_EQ(view["quorum_reached"], true);
  EXPECT_EQ(view["total"], 5);
  EXPECT_EQ(view["batches"], 1);
}

TEST_P(LetterTest, AClosedLetterRefusesSignaturesAndPublishingNeedsEnoughMembers) {
  MakeOrg("state");
  MakeOrg("tiny");
  auto state = EnrollMembers("state", 22, 5);
  EnrollMembers("tiny", 3, 6);
  const crypto::Ring ring = RingOf(state);
  // A roster below the minimum ring size cannot be named.
  Session s = Login("state", "reviewer");
  auto refused =
      Call("POST", "/api/v1/letters",
           Json{{"title", "T"}, {"body", "B"}, {"organizations", {"state", "tiny"}}}.dump(),
           s.Headers());
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(refused.body.find("at least 20"), std::string::npos) << refused.body;
  // Neither an anonymous request nor a bad letter publishes anything.
  EXPECT_EQ(Call("POST", "/api/v1/letters",
                 Json{{"title", "T"}, {"body", "B"}, {"organizations", {"state"}}}.dump())
                .status,
            401);
  EXPECT_EQ(
      Call("POST", "/api/v1/letters",
           Json{{"title", ""}, {"body", "B"}, {"organizations", {"state"}}}.dump(), s.Headers())
          .status,
      400);
  EXPECT_EQ(Call("POST", "/api/v1/letters",
                 Json{{"title", "T"},
                      {"body", "B"},
                      {"organizations", {"state"}},
                      {"closes_at_ms", kStart - 1}}
                     .dump(),
                 s.Headers())
                .status,
            400);
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/letters"))["letters"].size(), 0u);

  const std::string id = PublishLetter(Json{{"title", "Closing"},
                                            {"body", "Sign within the hour."},
                                            {"organizations", {"state"}},
                                            {"closes_at_ms", kStart + 3'600'000}});
  EXPECT_EQ(Post(id, "state", SignAs(id, ring, state[0])).status, 202);
  clock_.Advance(2 * 3'600'000);
  auto closed = Post(id, "state", SignAs(id, ring, state[1]));
  EXPECT_EQ(closed.status, 409);
  EXPECT_NE(closed.body.find("closed"), std::string::npos);
  EXPECT_EQ(Letter(id)["status"], "closed");
  EXPECT_EQ(*service_->PublishBatch(), 1u);  // accepted before closing: still published
  EXPECT_EQ(Letter(id)["total"], 1);
  // Corrections are new letters that point at the old one, which must exist.
  Json correction{{"title", "Closing (corrected)"},
                  {"body", "Sign within the day."},
                  {"organizations", {"state"}},
                  {"supersedes", id}};
  EXPECT_EQ(PublishLetter(correction).size(), 64u);
  correction["supersedes"] = std::string(64, 'a');
  EXPECT_EQ(
      Call("POST", "/api/v1/letters", correction.dump(), Login("state", "admin").Headers()).status,
      404);
}

// Issue 12 item 6: every stored text has a limit and no control characters where it will be
// shown; numbers are canonical and in range; hex is lower-case; nothing refused is stored.
TEST_P(LetterTest, InputsAreBoundedCanonicalAndInRange) {
  MakeOrg("state");
  EnrollMembers("state", 20, 40);
  Session s = Login("state", "reviewer");
  auto post = [&](Json letter) {
    return Call("POST", "/api/v1/letters", letter.dump(), s.Headers());
  };
  const Json base{{"title", "T"}, {"body", "Line one.\n\tLine two."}, {"organizations", {"state"}}};
  auto with = [&](const char* field, Json v) {
    Json j = base;
    j[field] = std::move(v);
    return j;
  };
  // A new letter's title holds no control character, C1 included; its text only line breaks
  // and tabs; a blank title is refused; a quorum beyond the roster or a closing time beyond
  // 64 bits would hide or close the letter for good.
  for (const Json& bad : {with("title", "Ring\x1b[2J"), with("title", "A\nB"),
                          with("title", "C1 \u009b"), with("title", "   "), with("body", "x\ry"),
                          with("body", "x\u0007"), with("body", "x\u0085y"), with("quorum", 21),
                          with("closes_at_ms", 9'223'372'036'854'775'808ULL)}) {
    auto r = post(bad);
    EXPECT_EQ(r.status, 400) << bad.dump() << " " << r.body;
  }
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/letters"))["letters"].size(), 0u);
  auto ok = post(with("quorum", 20));
  ASSERT_EQ(ok.status, 201) << ok.body;
  const std::string id = JsonOf(ok)["id"];

  // Hex is lower-case only, in paths and in bodies.
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper != id) {
    EXPECT_EQ(Call("GET", "/api/v1/letters/" + upper).status, 400);
  }
  EXPECT_EQ(Call("GET", "/api/v1/letters/" + id).status, 200);

  // Numbers in URLs: canonical decimals in range, nothing else.
  for (const char* v :
       {"0", "01", "-1", "+1", "1e3", "9223372036854775808", "18446744073709551615", "x"}) {
    EXPECT_EQ(Call("GET", std::string("/api/v1/orgs/state/roster/") + v).status, 400) << v;
  }
  EXPECT_EQ(Call("GET", "/api/v1/orgs/state/roster/1").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/log/entries?start=00&end=1").status, 400);
  Session admin = Login("state", "admin");
  EXPECT_EQ(Call("PATCH", "/api/v1/orgs/state/accounts/0", Json{{"disabled", true}}.dump(),
                 admin.Headers())
                .status,
            400);
  EXPECT_EQ(Call("PATCH", "/api/v1/orgs/state/accounts/9223372036854775808",
                 Json{{"disabled", true}}.dump(), admin.Headers())
                .status,
            400);
  EXPECT_EQ(Call("GET", "/api/v1/orgs/state/notifications?undelivered=yes", "", s.Headers()).status,
            400);
  EXPECT_EQ(Call("GET", "/api/v1/orgs/state/cables?overdue=2", "", s.Headers()).status, 400);
  for (Json up_to : {Json(-1), Json(0), Json(1.5), Json("1")}) {
    EXPECT_EQ(Call("POST", "/api/v1/orgs/state/notifications/delivered",
                   Json{{"up_to", up_to}}.dump(), s.Headers())
                  .status,
              400)
        << up_to.dump();
  }

  // Holidays: a name is short text without control characters.
  for (const char* name : {"", "  ", "Bell\a", "Tab\tday"}) {
    auto r = Call("PUT", "/api/v1/orgs/state/holidays",
                  Json{{"holidays", {{{"date", "2026-12-25"}, {"name", name}}}}}.dump(),
                  admin.Headers());
    EXPECT_EQ(r.status, 400) << name << " " << r.body;
  }
  EXPECT_EQ(
      Call("PUT", "/api/v1/orgs/state/holidays",
           Json{{"holidays", {{{"date", "2026-12-25"}, {"name", std::string(201, 'x')}}}}}.dump(),
           admin.Headers())
          .status,
      400);

  // Drafts: each field of the letter's type and size; at most 100 per account.
  for (const Json& bad :
       {Json{{"title", 5}}, Json{{"title", std::string(513, 'x')}},
        Json{{"organizations", "state"}}, Json{{"quorum", -1}}, Json{{"supersedes", Json::array()}},
        Json{{"body", std::string(256 * 1024 + 1, 'x')}}}) {
    const int status = Call("POST", "/api/v1/drafts", bad.dump(), s.Headers()).status;
    EXPECT_TRUE(status == 400 || status == 413) << status << " " << bad.dump().substr(0, 80);
  }
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/drafts", "", s.Headers()))["drafts"].size(), 0u);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(Call("POST", "/api/v1/drafts", Json{{"title", "Draft " + std::to_string(i)}}.dump(),
                   s.Headers())
                  .status,
              201);
  }
  auto full = Call("POST", "/api/v1/drafts", Json{{"title", "One too many"}}.dump(), s.Headers());
  EXPECT_EQ(full.status, 429) << full.body;
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/drafts", "", s.Headers()))["drafts"].size(), 100u);
}

// Security review L3: staff of one organization cannot open a letter to another's members alone.
TEST_P(LetterTest, StaffPublishOnlyLettersThatNameTheirOwnOrganization) {
  MakeOrg("state");
  MakeOrg("usaid");
  EnrollMembers("state", 20, 30);
  EnrollMembers("usaid", 20, 31);
  Session s = Login("state", "reviewer");
  auto other =
      Call("POST", "/api/v1/letters",
           Json{{"title", "Theirs"}, {"body", "Only usaid."}, {"organizations", {"usaid"}}}.dump(),
           s.Headers());
  EXPECT_EQ(other.status, 403) << other.body;
  auto both =
      Call("POST", "/api/v1/letters",
           Json{{"title", "Ours"}, {"body", "Both."}, {"organizations", {"usaid", "state"}}}.dump(),
           s.Headers());
  EXPECT_EQ(both.status, 201) << both.body;
}

TEST_P(LetterTest, DraftsArePrivateToTheirAuthorUntilPublished) {
  MakeOrg("state");
  MakeOrg("usaid");
  EnrollMembers("state", 20, 7);
  Session alice = Login("state", "reviewer");
  Session bob = Login("usaid", "admin");
  auto created = Call("POST", "/api/v1/drafts", Json{{"title", "Draft"}}.dump(), alice.Headers());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path =
      "/api/v1/drafts/" + std::to_string(JsonOf(created)["id"].get<std::int64_t>());
  EXPECT_EQ(Call("GET", path, "", bob.Headers()).status,
            404);  // another tenant: as if it did not exist
  EXPECT_EQ(Call("PUT", path, Json{{"title", "x"}}.dump(), bob.Headers()).status, 404);
  EXPECT_EQ(Call("POST", path + "/publish", "", bob.Headers()).status, 404);
  EXPECT_EQ(
      Call("PUT", path, Json{{"title", "Draft"}, {"colour", "red"}}.dump(), alice.Headers()).status,
      400);
  EXPECT_EQ(Call("POST", path + "/publish", "", alice.Headers()).status,
            400);  // incomplete: no body yet
  EXPECT_EQ(Call("PUT", path,
                 Json{{"title", "Draft"}, {"body", "Text"}, {"organizations", {"state"}}}.dump(),
                 alice.Headers())
                .status,
            204);
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/drafts", "", alice.Headers()))["drafts"].size(), 1u);
  auto pub = Call("POST", path + "/publish", "", alice.Headers());
  ASSERT_EQ(pub.status, 201) << pub.body;
  EXPECT_EQ(Call("GET", path, "", alice.Headers()).status,
            404);  // the draft is gone, the letter is public
  EXPECT_EQ(Letter(JsonOf(pub)["id"])["letter"]["body"], "Text");
}

TEST_P(LetterTest, AMemberPublishesWithAMembershipProofThatRevealsNobody) {
  MakeOrg("state");
  auto state = EnrollMembers("state", 21, 8);
  const crypto::Ring ring = RingOf(state);
  const domain::Letter letter = StateLetter("From a member", "No account needed.");
  const domain::LetterId id = domain::ComputeLetterId(letter);
  const crypto::LrsSignature proof = ProveMembership(letter, ring, state[5]);
  Json body = MemberLetterBody(letter, ring, proof.Encode());
  auto bad = proof.Encode();
  bad[3] ^= 1;
  Json forged = MemberLetterBody(letter, ring, bad);
  EXPECT_EQ(Call("POST", "/api/v1/letters/member", forged.dump()).status, 422);
  auto ok = Call("POST", "/api/v1/letters/member", body.dump());
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(JsonOf(ok)["id"], crypto::ToHex(id));
  // The publisher's later co-signature carries a tag unrelated to the proof's.
  auto r = Post(crypto::ToHex(id), "state", SignAs(crypto::ToHex(id), ring, state[5]));
  ASSERT_EQ(r.status, 202);
  EXPECT_NE(JsonOf(r)["receipt"]["tag"], crypto::ToHex(proof.tag));
}

// Issue 14: a candor-lrs-v2 membership proof is over the whole roster (here three v1 buckets);
// it uses the same slot tags as v1, so switching schemes gives no second slot.
TEST_P(LetterTest, AMemberPublishesWithAWholeRosterProof) {
  Stop();
  config_.max_ring_size = 25;
  config_.member_letter_quota = 1;
  Start();
  MakeOrg("state");
  auto state = EnrollMembers("state", 60, 8);
  const crypto::Lrs2Ring whole = *domain::WholeRosterRing(Points(state));
  auto prove = [&](const domain::Letter& letter, const crypto::MemberKeys& k,
                   const crypto::Lrs2Ring& ring) {
    return crypto::Lrs2Sign(domain::PublishQuotaEvent("state", PublishWindow(), 0),
                            domain::PublishProofMessage(domain::ComputeLetterId(letter)), ring,
                            *ring.ring().IndexOf(k.ring.public_key), k.ring.secret, sig_rng_)
        ->Encode();
  };
  auto body_of = [&](const domain::Letter& letter, const crypto::Ring& ring,
                     const crypto::Bytes& proof, const char* scheme) {
    Json body = MemberLetterBody(letter, ring, proof);
    body["scheme"] = scheme;
    return body;
  };
  const domain::Letter letter = StateLetter("Whole", "Any of sixty.");
  const crypto::Bytes proof = prove(letter, state[5], whole);
  // Refused: the proof labelled v1 (no bucket has the whole roster's digest); a v2 proof over
  // one bucket; a tampered one; an unknown scheme.
  EXPECT_EQ(Call("POST", "/api/v1/letters/member",
                 body_of(letter, whole.ring(), proof, "candor-lrs-v1").dump())
                .status,
            400);
  auto buckets = domain::BucketRoster(Points(state), 25);
  const crypto::Lrs2Ring bucket = *crypto::Lrs2Ring::Create(
      *crypto::Ring::Create(buckets[*domain::BucketOf(buckets, state[5].ring.public_key)]));
  auto r =
      Call("POST", "/api/v1/letters/member",
           body_of(letter, bucket.ring(), prove(letter, state[5], bucket), "candor-lrs-v2").dump());
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, ::testing::HasSubstr("must be over the whole of 'state'")) << r.body;
  crypto::Bytes bad = proof;
  bad[bad.size() - 32] ^= 1;  // s2: still a canonical scalar, now a false one
  EXPECT_EQ(Call("POST", "/api/v1/letters/member",
                 body_of(letter, whole.ring(), bad, "candor-lrs-v2").dump())
                .status,
            422);
  EXPECT_EQ(Call("POST", "/api/v1/letters/member",
                 body_of(letter, whole.ring(), proof, "candor-lrs-v9").dump())
                .status,
            400);
  auto ok = Call("POST", "/api/v1/letters/member",
                 body_of(letter, whole.ring(), proof, "candor-lrs-v2").dump());
  ASSERT_EQ(ok.status, 201) << ok.body;
  // The same member's second letter in the same (only) slot, now with a v1 proof in their
  // bucket: the same tag, refused.
  const domain::Letter second = StateLetter("Again", "Another.");
  const crypto::Ring bucket_v1 = bucket.ring();
  auto again = Call(
      "POST", "/api/v1/letters/member",
      MemberLetterBody(second, bucket_v1, ProveMembership(second, bucket_v1, state[5]).Encode())
          .dump());
  EXPECT_EQ(again.status, 409) << again.body;
}

// Security review M6: members may publish only a few letters per period each, counted by
// tags that link nothing: one tag per member per (window, slot).
TEST_P(LetterTest, AMemberPublishesAtMostTheQuotaPerPeriodAndStaysUnlinkable) {
  config_.member_letter_quota = 2;
  Stop();
  Start();
  MakeOrg("state");
  auto state = EnrollMembers("state", 21, 9);
  const crypto::Ring ring = RingOf(state);
  auto publish = [&](const std::string& title, const crypto::MemberKeys& k, std::uint64_t slot) {
    const domain::Letter letter = StateLetter(title, "Text.");
    return Call(
        "POST", "/api/v1/letters/member",
        MemberLetterBody(letter, ring, ProveMembership(letter, ring, k, slot).Encode(), slot)
            .dump());
  };
  auto first = publish("One", state[1], 0);
  ASSERT_EQ(first.status, 201) << first.body;
  auto second = publish("Two", state[1], 1);
  ASSERT_EQ(second.status, 201) << second.body;
  // The same member in a used slot: refused, and nothing is published.
  auto again = publish("Three", state[1], 0);
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Call("GET", "/api/v1/letters/" +
                            crypto::ToHex(domain::ComputeLetterId(StateLetter("Three", "Text."))))
                .status,
            404);
  // No slot beyond the quota, no other window, and the old per-letter event is not accepted.
  EXPECT_EQ(publish("Four", state[1], 2).status, 400);
  {
    const domain::Letter letter = StateLetter("Five", "Text.");
    Json body =
        MemberLetterBody(letter, ring, ProveMembership(letter, ring, state[1], 0).Encode(), 0);
    body["window"] = PublishWindow() - 1;
    EXPECT_EQ(Call("POST", "/api/v1/letters/member", body.dump()).status, 409);
    // The per-letter event of before (a fresh tag for every letter, so no limit) fails.
    const domain::LetterId id = domain::ComputeLetterId(letter);
    const crypto::LrsSignature old = *crypto::LrsSign(
        crypto::H256("candor/v1/letter/publish", {id.span()}), domain::PublishProofMessage(id),
        ring, *ring.IndexOf(state[1].ring.public_key), state[1].ring.secret, sig_rng_);
    EXPECT_EQ(Call("POST", "/api/v1/letters/member",
                   MemberLetterBody(letter, ring, old.Encode(), 0).dump())
                  .status,
              422);
  }
  // Another member's slot 0 is theirs: the tags of two members (and of two slots) differ.
  auto other = publish("Six", state[2], 0);
  ASSERT_EQ(other.status, 201) << other.body;
  Json quota = JsonOf(Call("GET", "/api/v1/orgs/state/letter-quota"));
  EXPECT_EQ(quota["slots"], 2);
  ASSERT_EQ(quota["used"].size(), 3u);
  std::set<std::string> tags;
  for (const auto& u : quota["used"]) tags.insert(u["tag"]);
  EXPECT_EQ(tags.size(), 3u);
  // A new period gives every member their slots again.
  clock_.Advance(config_.member_letter_window_ms);
  EXPECT_EQ(publish("Seven", state[1], 0).status, 201);
}

// Security review H5: an anonymous request must not hold the writer lock (shared by every
// server on PostgreSQL) while a ring signature is verified. With the writer lock held
// elsewhere, a bogus membership proof, co-signature or cable is refused for what it is,
// without waiting for the lock; before, the membership proof queued for the lock behind the
// holder (and, holding it, stalled every write for a whole verification).
TEST_P(LetterTest, AnonymousProofsAreCheckedWithoutTakingTheWriterLock) {
  MakeOrg("state");
  auto state = EnrollMembers("state", 21, 18);
  const crypto::Ring ring = RingOf(state);
  const domain::Letter letter = StateLetter("Held", "While the lock is held.");
  const domain::LetterId id = domain::ComputeLetterId(letter);
  crypto::LrsSignature proof = ProveMembership(letter, ring, state[2]);
  proof.s[7] = proof.s[8];  // canonical, wrong: fails only in the ring equations
  const Json forged = MemberLetterBody(letter, ring, proof.Encode());
  const std::string open_letter =
      PublishLetter(Json{{"title", "Open"}, {"body", "Sign."}, {"organizations", {"state"}}});
  domain::CoSignature bad_sig = SignAs(open_letter, ring, state[3]);
  std::copy_n(bad_sig.signature.begin() + 32 * 5, 32, bad_sig.signature.begin() + 32 * 4);

  auto held = store_->Begin(store::TxMode::kWrite);
  ASSERT_TRUE(held.ok()) << held.error().message();
  auto r = Call("POST", "/api/v1/letters/member", forged.dump());
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(Post(open_letter, "state", bad_sig).status, 422);
  held->reset();
  EXPECT_EQ(Call("GET", "/api/v1/letters/" + crypto::ToHex(id)).status, 404);
}

TEST_P(LetterTest, LargeRostersAreSplitIntoPublicBucketsAndEachBucketIsARing) {
  Stop();
  config_.max_ring_size = 25;  // as if 4,096: the rule is the same
  Start();
  MakeOrg("state");
  auto state = EnrollMembers("state", 60, 9);  // 3 buckets of 20
  const std::string id =
      PublishLetter(Json{{"title", "Buckets"}, {"body", "B"}, {"organizations", {"state"}}});
  std::vector<crypto::Point> pts;
  for (const auto& k : state) pts.push_back(k.ring.public_key);
  auto buckets = domain::BucketRoster(pts, 25);
  ASSERT_EQ(buckets.size(), 3u);
  Json view = Letter(id);
  ASSERT_EQ(view["organizations"][0]["rings"].size(), 3u);
  for (std::size_t j = 0; j < 3; ++j) {
    auto ring = *crypto::Ring::Create(buckets[j]);
    EXPECT_EQ(view["organizations"][0]["rings"][j]["digest"], crypto::ToHex(ring.digest()));
    EXPECT_EQ(view["organizations"][0]["rings"][j]["size"], 20);
  }
  // A member signs within their own bucket; the whole roster as one ring is refused.
  const auto& k = state[7];
  auto bucket = *domain::BucketOf(buckets, k.ring.public_key);
  EXPECT_EQ(Post(id, "state", SignAs(id, *crypto::Ring::Create(buckets[bucket]), k)).status, 202);
  EXPECT_EQ(Post(id, "state", SignAs(id, RingOf(state), state[8])).status, 400);
}

// Issue 14: a candor-lrs-v2 co-signature is over the whole pinned roster, however many
// buckets v1 cuts it into; it carries v1's tag, so one member counts once whichever scheme
// they use, and a withdrawal in one scheme takes back a signature made in the other.
TEST_P(LetterTest, WholeRosterSignaturesCountOnceAlongsideBucketSignaturesAndRecount) {
  Stop();
  config_.max_ring_size = 25;  // as if 4,096: three buckets of 20
  Start();
  MakeOrg("state");
  auto state = EnrollMembers("state", 60, 9);
  const std::string id =
      PublishLetter(Json{{"title", "Whole"}, {"body", "W"}, {"organizations", {"state"}}});
  const auto letter = *crypto::FixedFromHex<domain::LetterId>(id);
  auto buckets = domain::BucketRoster(Points(state), 25);
  auto bucket_of = [&](const crypto::MemberKeys& k) {
    return *crypto::Ring::Create(buckets[*domain::BucketOf(buckets, k.ring.public_key)]);
  };
  const crypto::Lrs2Ring whole = *domain::WholeRosterRing(Points(state));
  auto sign_v2 = [&](const crypto::MemberKeys& k,
                     domain::SignatureAction action = domain::SignatureAction::kSign) {
    return *domain::SignLetterV2(letter, action, whole, *whole.ring().IndexOf(k.ring.public_key),
                                 k.ring.secret, sig_rng_);
  };
  const domain::CoSignature v2 = sign_v2(state[7]);
  EXPECT_EQ(v2.signature.size(), 32u * (10 + 8 * 2));  // 60 keys: m = 2 digits
  auto first = Post(id, "state", v2);
  ASSERT_EQ(first.status, 202) << first.body;
  // The same member again, now in their bucket with v1, and again with v2: one tag, refused.
  EXPECT_EQ(Post(id, "state", SignAs(id, bucket_of(state[7]), state[7])).status, 409);
  EXPECT_EQ(Post(id, "state", sign_v2(state[7])).status, 409);
  // Another member signs with v1, and withdraws with v2.
  EXPECT_EQ(Post(id, "state", SignAs(id, bucket_of(state[8]), state[8])).status, 202);
  EXPECT_EQ(Post(id, "state", sign_v2(state[9])).status, 202);
  EXPECT_EQ(Post(id, "state", sign_v2(state[8], domain::SignatureAction::kWithdraw)).status, 202);

  // Refused, changing nothing: a v2 signature over a bucket (not the whole roster); a v2
  // signature labelled v1 (whose ring is no bucket); a tampered one; one by an outsider.
  const crypto::Lrs2Ring bucket_v2 = *crypto::Lrs2Ring::Create(bucket_of(state[10]));
  auto over_bucket = *domain::SignLetterV2(letter, domain::SignatureAction::kSign, bucket_v2,
                                           *bucket_v2.ring().IndexOf(state[10].ring.public_key),
                                           state[10].ring.secret, sig_rng_);
  auto r = Post(id, "state", over_bucket);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, ::testing::HasSubstr("must be over the whole roster"));
  domain::CoSignature mislabelled = sign_v2(state[10]);
  mislabelled.scheme = domain::RingScheme::kV1;
  EXPECT_EQ(Post(id, "state", mislabelled).status, 400);
  domain::CoSignature tampered = sign_v2(state[10]);
  tampered.signature[100] ^= 1;
  EXPECT_EQ(Post(id, "state", tampered).status, 422);
  crypto::SeededRng outsider_rng(77);
  const crypto::MemberKeys outsider = crypto::GenerateMemberKeys(outsider_rng);
  crypto::testing::Lrs2Cheat cheat;
  cheat.skip_key_check = true;
  auto forged = crypto::testing::Lrs2SignCheating(
      letter, domain::LetterStatement(letter, domain::SignatureAction::kSign), whole, 0,
      outsider.ring.secret, sig_rng_, cheat);
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(Post(id, "state",
                 domain::CoSignature{letter, domain::SignatureAction::kSign, whole.digest(),
                                     forged->Encode(), domain::RingScheme::kV2})
                .status,
            422);

  ASSERT_TRUE(service_->PublishBatch().ok());
  EXPECT_EQ(Letter(id)["total"], 2);  // state[7] and state[9]; state[8] withdrew
  Json bundle = JsonOf(Call("GET", "/api/v1/letters/" + id + "/bundle"));
  bundle.erase("page");
  domain::BundleOptions options;
  options.max_ring = 25;
  auto report = domain::VerifyLetterBundle(bundle, options);
  ASSERT_TRUE(report.ok()) << report.error().message();
  EXPECT_EQ(report->total, 2u);
  EXPECT_EQ(report->signatures_checked, 4u);
  EXPECT_EQ(report->whole_roster_signatures, 3u);
  EXPECT_EQ(report->withdrawals, 1u);
  // The v2 entries in the log carry their scheme as a sixth field; the v1 one has five.
  std::size_t v2_entries = 0;
  for (const auto& e : bundle["entries"]) {
    auto event = domain::DecodeLogEntry(*crypto::FromHex(e["entry"].get<std::string>()));
    ASSERT_TRUE(event.ok());
    if (const auto* c = std::get_if<domain::CoSignatureEvent>(&*event)) {
      v2_entries += c->scheme == domain::RingScheme::kV2 ? 1 : 0;
    }
  }
  EXPECT_EQ(v2_entries, 3u);
}

TEST_P(LetterTest, TheDatabaseAndTheLogsLinkNoSignatureToAMemberOrAnArrivalTime) {
  MakeOrg("state");
  auto state = EnrollMembers("state", 30, 10);
  const crypto::Ring ring = RingOf(state);
  const std::string id =
      PublishLetter(Json{{"title", "Privacy"}, {"body", "B"}, {"organizations", {"state"}}});
  std::vector<std::string> tags_in_arrival_order;
  for (std::size_t i = 0; i < 12; ++i) {
    clock_.Advance(1234);  // distinct "arrival times", which must be recorded nowhere
    auto r = Post(id, "state", SignAs(id, ring, state[(i * 7) % 30]));
    ASSERT_EQ(r.status, 202);
    tags_in_arrival_order.push_back(JsonOf(r)["receipt"]["tag"]);
  }
  // Before the batch: the stored rows are ordered by tag, not by arrival.
  std::unique_ptr<store::SqlConnection> conn;
  if (GetParam() == "sqlite") {
    conn = std::move(*store::OpenSqliteConnection((dir_ / "candor.db").string()));
  } else {
    conn = std::move(*pg_->Connect());
  }
  auto rows_or = conn->Query("SELECT * FROM cosignatures");
  ASSERT_TRUE(rows_or.ok());
  const std::vector<store::SqlRow> rows = std::move(rows_or).value();
  ASSERT_EQ(rows.size(), 12u);
  // letter, tag, action, organization, ring digest, signature, batch, log index, scheme
  EXPECT_EQ(rows[0].size(), 9u);
  if (GetParam() == "sqlite") {
    std::vector<std::string> stored;
    for (const auto& row : rows)
      stored.push_back(crypto::ToHex(crypto::ByteSpan(row[1].as_blob())));
    EXPECT_TRUE(std::is_sorted(stored.begin(), stored.end()));
    EXPECT_NE(stored, tags_in_arrival_order);
  }
  clock_.Advance(7 * 60 * 1000);  // the batch runs at its own (random) moment
  ASSERT_TRUE(service_->PublishBatch().ok());

  // Dump every table: no member key sits next to a signature, no arrival time, no address.
  std::set<std::string> member_keys;
  for (const auto& k : state) member_keys.insert(crypto::ToHex(k.ring.public_key));
  std::set<std::int64_t> arrival_times;
  for (std::int64_t t = kStart + 1234; t <= kStart + 12 * 1234; t += 1234) arrival_times.insert(t);
  auto tables_or =
      conn->Query(GetParam() == "sqlite" ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                                         : "SELECT table_name FROM information_schema.tables WHERE "
                                           "table_schema = current_schema()");
  ASSERT_TRUE(tables_or.ok());
  const std::vector<store::SqlRow> tables = std::move(tables_or).value();
  ASSERT_GT(tables.size(), 10u);
  for (const auto& t : tables) {
    const std::string table = t[0].as_text();
    auto dump_or = conn->Query("SELECT * FROM " + table);
    ASSERT_TRUE(dump_or.ok()) << table;
    const std::vector<store::SqlRow> dump = std::move(dump_or).value();
    for (const auto& row : dump) {
      bool has_signature = false, has_member_key = false;
      for (const auto& v : row) {
        if (v.type() == store::SqlValue::Type::kBlob) {
          const auto& b = v.as_blob();
          has_signature = has_signature || b.size() == 32 * (30 + 2);
          has_member_key =
              has_member_key ||
              (b.size() == 32 && member_keys.count(crypto::ToHex(crypto::ByteSpan(b))) > 0);
        }
        if (v.type() == store::SqlValue::Type::kText) {
          EXPECT_EQ(v.as_text().find("127.0.0.1"), std::string::npos) << table;
        }
        if (v.type() == store::SqlValue::Type::kInt && table != "sessions") {
          EXPECT_EQ(arrival_times.count(v.as_int()), 0u) << table << " holds a request time";
        }
      }
      EXPECT_FALSE(has_signature && has_member_key) << table << " links a signature to a member";
    }
  }
  // The access log saw the organizer's named request (coarsely), never a signature or a
  // letter read, let alone an address.
  for (const auto& line : sink_.Lines()) {
    EXPECT_EQ(line.find("/api/v1/letters/"), std::string::npos) << line;
    EXPECT_EQ(line.find("signature"), std::string::npos) << line;
    EXPECT_EQ(line.find("127.0.0.1"), std::string::npos) << line;
  }
}

// The command line against the real server: a member signs with `candor letter sign`, and
// `candor verify` recounts the letter from its bundle to exactly the server's counts; a
// tampered bundle is refused.
TEST_P(LetterTest, TheCommandLineSignsAndRecountsExactlyTheServersCounts) {
  MakeOrg("state");
  MakeOrg("usaid");
  auto state = EnrollMembers("state", 24, 11);
  auto usaid = EnrollMembers("usaid", 21, 12);
  const std::string id = PublishLetter(
      Json{{"title", "Recount"}, {"body", "Count us."}, {"organizations", {"state", "usaid"}}});
  const crypto::Ring state_ring = RingOf(state), usaid_ring = RingOf(usaid);
  for (std::size_t i = 0; i < 6; ++i)
    ASSERT_EQ(Post(id, "state", SignAs(id, state_ring, state[i])).status, 202);
  for (std::size_t i = 0; i < 4; ++i)
    ASSERT_EQ(Post(id, "usaid", SignAs(id, usaid_ring, usaid[i])).status, 202);
  ASSERT_EQ(Post(id, "state", SignAs(id, state_ring, state[0], domain::SignatureAction::kWithdraw))
                .status,
            202);
  ASSERT_EQ(*service_->PublishBatch(), 11u);

  auto run = [&](const std::string& args) {
    return RunShell("CANDOR_PASSPHRASE='correct horse' " + std::string(CANDOR_BINARY) + " " + args);
  };
  // A member signs from the command line with their key file.
  crypto::SeededRng file_rng(5);
  auto file =
      crypto::SealKeyFile(usaid[10], "correct horse", crypto::KdfParams::Interactive(), file_rng);
  ASSERT_TRUE(file.ok());
  const std::string key_path = (dir_ / "member.key").string();
  std::ofstream(key_path, std::ios::binary)
      .write(reinterpret_cast<const char*>(file->data()),
             static_cast<std::streamsize>(file->size()));
  const std::string receipt = (dir_ / "receipt.json").string();
  const std::string server = url_server_.ToString();
  auto signed_out = run("letter sign " + id + " --server " + server + " --key " + key_path +
                        " --receipt " + receipt);
  ASSERT_EQ(signed_out.first, 0) << signed_out.second;
  EXPECT_NE(signed_out.second.find("one of 21 members of 'usaid'"), std::string::npos)
      << signed_out.second;
  auto again = run("letter sign " + id + " --server " + server + " --key " + key_path);
  EXPECT_NE(again.first, 0);
  EXPECT_NE(again.second.find("already signed"), std::string::npos) << again.second;
  auto too_small =
      run("letter sign " + id + " --server " + server + " --key " + key_path + " --min-ring 50");
  EXPECT_NE(too_small.first, 0);
  EXPECT_NE(too_small.second.find("nothing was sent"), std::string::npos) << too_small.second;
  auto pending = run("letter receipt " + receipt);
  ASSERT_EQ(pending.first, 0) << pending.second;
  EXPECT_NE(pending.second.find("not yet in the log"), std::string::npos) << pending.second;
  ASSERT_EQ(*service_->PublishBatch(), 1u);
  auto included = run("letter receipt " + receipt);
  ASSERT_EQ(included.first, 0) << included.second;
  EXPECT_NE(included.second.find("is in the log"), std::string::npos) << included.second;

  // The server's counts, and the command line's recount from public data.
  Json view = Letter(id);
  EXPECT_EQ(view["organizations"][0]["signers"], 5);
  EXPECT_EQ(view["organizations"][1]["signers"], 5);
  EXPECT_EQ(view["total"], 10);
  const std::string key_hex = crypto::ToHex(service_->log_public_key());
  // The test server's clock is fixed in 2026-09: --max-age 0 takes its tree heads at any age.
  auto verified =
      run("verify " + id + " --server " + server + " --log-key " + key_hex + " --json --max-age 0");
  ASSERT_EQ(verified.first, 0) << verified.second;
  Json report = Json::parse(verified.second.substr(verified.second.find('{')), nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << verified.second;
  EXPECT_EQ(report.value("total", 0u), 10u) << verified.second;

  // Export, verify offline, then tamper with one signature byte: refused.
  const std::string bundle_path = (dir_ / "bundle.json").string();
  auto exported =
      run("letter export " + id + " --server " + server + " -o " + bundle_path + " --max-age 0");
  ASSERT_EQ(exported.first, 0) << exported.second;
  auto offline = run("verify --bundle " + bundle_path + " --max-age 0");
  ASSERT_EQ(offline.first, 0) << offline.second;
  EXPECT_NE(offline.second.find("10"), std::string::npos) << offline.second;
  std::ifstream in(bundle_path);
  Json bundle = Json::parse(in);
  bool tampered = false;
  for (auto& e : bundle["entries"]) {
    auto bytes = *crypto::FromHex(e["entry"].get<std::string>());
    auto ev = domain::DecodeLogEntry(bytes);
    if (!tampered && ev.ok() && std::holds_alternative<domain::CoSignatureEvent>(*ev)) {
      bytes[bytes.size() - 40] ^= 1;
      e["entry"] = crypto::ToHex(bytes);
      tampered = true;
    }
  }
  ASSERT_TRUE(tampered);
  std::ofstream(bundle_path) << bundle.dump();
  auto refused = run("verify --bundle " + bundle_path + " --max-age 0");
  EXPECT_EQ(refused.first, 1) << refused.second;
  EXPECT_NE(refused.second.find("its inclusion proof does not check"), std::string::npos)
      << refused.second;
  auto wrong_key =
      run("verify " + id + " --server " + server + " --log-key " + std::string(64, '1'));
  EXPECT_EQ(wrong_key.first, 1) << wrong_key.second;
  // A member drafts and publishes a letter from the command line, with a membership proof.
  std::ofstream(dir_ / "text.txt") << "A member's own letter.";
  const std::string draft_path = (dir_ / "letter.json").string();
  auto drafted = run("letter draft --title 'From the floor' --body-file " +
                     (dir_ / "text.txt").string() + " --org usaid -o " + draft_path);
  ASSERT_EQ(drafted.first, 0) << drafted.second;
  auto published =
      run("letter publish " + draft_path + " --server " + server + " --key " + key_path);
  ASSERT_EQ(published.first, 0) << published.second;
  EXPECT_NE(published.second.find("one of 21 members of 'usaid'"), std::string::npos)
      << published.second;
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/letters"))["letters"].size(), 2u);
  auto shown = run("letter list --server " + server);
  EXPECT_NE(shown.second.find("From the floor"), std::string::npos) << shown.second;
}

// Security review H3, the forensic test: 40 co-signatures on an open letter and 40 on a letter
// still short of its quorum arrive in a known order; after the batch, the raw database is read
// as a thief would read it. On SQLite: where each signature's bytes lie in the file (its
// overflow pages were allocated in arrival order), with no stale copy left anywhere and
// nothing in the WAL. On PostgreSQL: the rows' physical order (ctid) and inserting transaction
// (xmin). Neither may give back the arrival order.
TEST_P(LetterTest, AStolenDatabaseDoesNotTellInWhichOrderCoSignaturesArrived) {
  MakeOrg("state");
  auto state = EnrollMembers("state", 40, 21);  // 1,344-byte signatures: overflow pages on SQLite
  const crypto::Ring ring = RingOf(state);
  const std::string open =
      PublishLetter(Json{{"title", "Open"}, {"body", "Sign."}, {"organizations", {"state"}}});
  const std::string waiting = PublishLetter(Json{
      {"title", "Quorum"}, {"body", "Not yet."}, {"organizations", {"state"}}, {"quorum", 40}});
  std::map<std::string, std::vector<domain::CoSignature>> sent;
  for (const std::string& letter : {open, waiting}) {
    const std::size_t n = letter == open ? 40 : 39;  // the quorum letter stays one short
    for (std::size_t i = 0; i < n; ++i) {
      sent[letter].push_back(SignAs(letter, ring, state[i]));
      ASSERT_EQ(Post(letter, "state", sent[letter].back()).status, 202);
    }
  }
  ASSERT_EQ(*service_->PublishBatch(), 40u);

  for (const auto& [letter, sigs] : sent) {
    SCOPED_TRACE(letter == open ? "published letter" : "letter waiting for its quorum");
    std::vector<std::int64_t> where;  // recovered position of the i-th arrival
    std::vector<std::int64_t>
        where_last;  // SQLite: of its last copy (a published one is in the log too)
    if (GetParam() == "sqlite") {
      const crypto::Bytes db = forensics::ReadAll(dir_ / "candor.db");
      const crypto::Bytes wal = forensics::ReadAll(dir_ / "candor.db-wal");
      EXPECT_EQ(wal.size(), 0u) << "the WAL still holds frames after the batch";
      // The row, and for a published signature its log entry: no third, stale copy.
      const std::size_t copies = letter == open ? 2 : 1;
      for (const auto& s : sigs) {
        // Two 24-byte pieces of the signature (one may straddle a page boundary).
        std::optional<std::pair<std::size_t, std::size_t>> at;
        for (std::size_t off : {std::size_t{32 * 10}, std::size_t{32 * 30}}) {
          const crypto::Bytes piece(s.signature.begin() + static_cast<std::ptrdiff_t>(off),
                                    s.signature.begin() + static_cast<std::ptrdiff_t>(off + 24));
          auto found = forensics::Offsets(db, piece);
          EXPECT_LE(found.size(), copies) << "a stale copy of a co-signature is left in the file";
          EXPECT_TRUE(forensics::Offsets(wal, piece).empty());
          if (found.size() == copies && !at) at = std::make_pair(found.front(), found.back());
        }
        ASSERT_TRUE(at.has_value()) << "a co-signature is not in the file as often as it should be";
        where.push_back(static_cast<std::int64_t>(at->first));
        where_last.push_back(static_cast<std::int64_t>(at->second));
      }
    } else {
      auto conn = pg_->Connect();
      ASSERT_TRUE(conn.ok());
      auto rows = forensics::PhysicalRows(
          **conn, "cosignatures WHERE letter_id = decode('" + letter + "', 'hex')", "tag");
      ASSERT_EQ(rows.size(), sigs.size());
      std::set<std::string> xmins;
      for (const auto& s : sigs) {
        const std::string tag = crypto::ToHex(crypto::ByteSpan(s.signature).last(32));
        ASSERT_EQ(rows.count(tag), 1u);
        const auto& p = rows[tag];
        xmins.insert(p.xmin);
        where.push_back(p.ctid.first * 100'000 + p.ctid.second);
      }
      EXPECT_EQ(xmins.size(), 1u) << "rows carry the transactions they arrived in";
    }
    for (const auto* positions : {&where, &where_last}) {
      if (positions->empty()) continue;
      const double tau = forensics::KendallTau(forensics::RanksOf(*positions));
      EXPECT_LT(std::abs(tau), 0.4)
          << "the physical order follows the arrival order (Kendall's tau " << tau << ")";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, LetterTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// GET /letters is paged: bounded work per request however many letters there are (M6).
TEST_P(LetterTest, TheLetterListComesInPages) {
  MakeOrg("state");
  EnrollMembers("state", 20, 4);
  std::vector<std::string> published;
  for (int i = 0; i < 5; ++i) {
    published.push_back(PublishLetter(Json{{"title", "Letter " + std::to_string(i)},
                                           {"body", "Text."},
                                           {"organizations", {"state"}}}));
  }
  std::vector<std::string> seen;
  std::int64_t after = 0;
  int pages = 0;
  for (;;) {
    auto r = Call("GET", "/api/v1/letters?limit=2&after=" + std::to_string(after));
    ASSERT_EQ(r.status, 200) << r.body;
    Json j = JsonOf(r);
    ASSERT_LE(j["letters"].size(), 2u);
    for (const auto& v : j["letters"]) seen.push_back(v["id"]);
    ++pages;
    if (j["next_after"].is_null()) break;
    ASSERT_GT(j["next_after"].get<std::int64_t>(), after);
    after = j["next_after"];
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, published);  // every letter once, in publication order
  auto all = JsonOf(Call("GET", "/api/v1/letters"));
  EXPECT_EQ(all["letters"].size(), 5u);
  EXPECT_TRUE(all["next_after"].is_null());
  for (const char* bad :
       {"?limit=0", "?limit=201", "?limit=-1", "?after=-1", "?after=01", "?limit=1e3"}) {
    EXPECT_EQ(Call("GET", std::string("/api/v1/letters") + bad).status, 400) << bad;
  }
}

}  // namespace
}  // namespace candor::it
