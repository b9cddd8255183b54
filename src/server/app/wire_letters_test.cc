// The letters wire codec: a letter's public view, written and read back strictly.
#include "server/app/wire_letters.h"

#include <gtest/gtest.h>

namespace candor::app::api {
namespace {

LetterSummary MakeSummary(bool quorum_reached) {
  LetterSummary s;
  s.letter.title = "On the policy";
  s.letter.body = "We, the undersigned, dissent.";
  s.letter.organizations = {"state", "usaid"};
  s.letter.quorum = 10;
  s.id = domain::ComputeLetterId(s.letter);
  s.seq = 3;
  s.log_index = 77;
  s.quorum_reached = quorum_reached;
  s.min_ring_size = 20;
  s.batches = 2;
  crypto::Digest32 d;
  d.bytes.fill(0x5a);
  s.organizations = {{"state", "Department of State", 27, 25, {{d, 25}}, std::nullopt},
                     {"usaid", "USAID", 30, 30, {{d, 30}}, std::nullopt}};
  if (quorum_reached) {
    s.organizations[0].signers = 7;
    s.organizations[1].signers = 5;
    s.total = 12;
  }
  return s;
}

TEST(WireLetters, TheViewReadsBackAsWrittenBeforeAndAfterTheQuorum) {
  for (bool reached : {false, true}) {
    const Json j = LetterSummaryToJson(MakeSummary(reached));
    auto back = LetterSummaryFromJson(j);
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(LetterSummaryToJson(*back), j);
    EXPECT_EQ(back->total.has_value(), reached);
  }
}

TEST(WireLetters, AViewThatContradictsItselfIsRefused) {
  const Json j = LetterSummaryToJson(MakeSummary(true));
  auto refusal = [&](auto change) {
    Json k = j;
    change(k);
    auto r = LetterSummaryFromJson(k);
    return r.ok() ? std::string("accepted") : r.error().message();
  };
  EXPECT_EQ(refusal([](Json& k) { k["total"] = 13u; }),
            "the letter's view: 'total' is not the sum of its organizations'");
  EXPECT_EQ(refusal([](Json& k) { k["letter"]["title"] = "Other words"; }),
            "the letter's view: its 'id' is not the id of its letter");
  EXPECT_EQ(refusal([](Json& k) { k["organizations"][0]["signers"] = nullptr; }),
            "organization 0 of the letter: its count disagrees with 'quorum_reached'");
  EXPECT_EQ(refusal([](Json& k) { k["counts"] = "quorum not yet reached"; }),
            "the letter's view: its counts disagree with 'quorum_reached'");
  EXPECT_EQ(refusal([](Json& k) { k["organizations"][1]["slug"] = "state"; }),
            "organization 1 of the letter is not the one the letter names there");
  EXPECT_EQ(refusal([](Json& k) { k["quorum"] = 3u; }),
            "'quorum' in the letter's view is not the letter's");
  EXPECT_EQ(refusal([](Json& k) { k["organizations"] = "state"; }),
            "'organizations' in the letter's view must list the letter's");
  EXPECT_EQ(refusal([](Json& k) { k = Json::array(); }), "the letter's view must be a JSON object");
}

}  // namespace
}  // namespace candor::app::api
