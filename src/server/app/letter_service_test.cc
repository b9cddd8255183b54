// LetterService on a real store: publishing and its rules, co-signing through the batch, the
// quorum, drafts, bundle pages.
#include "server/app/letter_service.h"

#include <gtest/gtest.h>

#include "domain/cosignature.h"
#include "server/app/service_testing.h"

namespace candor::app {
namespace {

using testing::kPassword;

class LetterServiceTest : public testing::ServiceTest {
 protected:
  LetterService& letters() { return service_->letters(); }

  domain::Letter Letter(std::vector<std::string> orgs, std::optional<std::uint64_t> quorum = {}) {
    domain::Letter l;
    l.title = "On the policy";
    l.body = "We, members of the service, disagree.";
    l.organizations = std::move(orgs);
    l.quorum = quorum;
    return l;
  }

  // Member `m` of `slug` signs (or withdraws from) the letter within its pinned ring.
  Result<CoSignatureReceipt> Sign(const domain::LetterId& id, const std::string& slug,
                                  std::size_t m,
                                  domain::SignatureAction action = domain::SignatureAction::kSign) {
    CANDOR_ASSIGN_OR_RETURN(LetterView view, letters().GetLetter(id));
    const crypto::MemberKeys& me = members_[slug][m];
    for (const LetterRoster& roster : *view.rosters) {
      if (roster.slug != slug) continue;
      for (const crypto::Ring& ring : *roster.rings) {
        for (std::size_t i = 0; i < ring.size(); ++i) {
          if (ring.members()[i] != me.ring.public_key) continue;
          CANDOR_ASSIGN_OR_RETURN(auto sig,
                                  domain::SignLetter(id, action, ring, i, me.ring.secret, rng_));
          return letters().SubmitCoSignature(slug, sig);
        }
      }
    }
    return Error(ErrorCode::kNotFound, "not on the pinned roster");
  }

  std::vector<std::string> States(const domain::LetterId& id, const crypto::Point& tag) {
    std::vector<std::string> out;
    auto states = letters().CoSignatureStates(id, tag);
    EXPECT_TRUE(states.ok());
    for (const auto& s : *states) out.push_back(s.state);
    return out;
  }
};

TEST_F(LetterServiceTest, CountsChangeOnlyAtABatchAndEachMemberCountsOnce) {
  MakeOrganization("state", 6);
  const Principal admin = SignIn("state", "admin");
  ASSERT_OK_AND_ASSIGN(domain::LetterId id, letters().PublishLetter(admin, Letter({"state"})));
  ASSERT_OK_AND_ASSIGN(LetterView view, letters().GetLetter(id));
  ASSERT_EQ(view.rosters->size(), 1u);
  EXPECT_EQ(view.rosters->front().size, 6u);
  EXPECT_EQ(view.rosters->front().rings->size(), 2u);  // buckets of at most 4: 3 and 3

  ASSERT_OK_AND_ASSIGN(CoSignatureReceipt first, Sign(id, "state", 0));
  ASSERT_OK_AND_ASSIGN(CoSignatureReceipt second, Sign(id, "state", 5));
  EXPECT_EQ(States(id, first.tag), std::vector<std::string>{"waiting-for-batch"});
  EXPECT_EQ(letters().GetLetter(id)->total, 0u);  // nothing dates a single signature

  // The same member again, in the same ring: refused by its tag, before or after the batch.
  auto again = Sign(id, "state", 0);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);

  ASSERT_OK_AND_ASSIGN(std::size_t published, service_->PublishBatch());
  EXPECT_EQ(published, 2u);
  EXPECT_EQ(States(id, first.tag), std::vector<std::string>{"published"});
  EXPECT_EQ(letters().GetLetter(id)->total, 2u);
  EXPECT_EQ(Sign(id, "state", 0).error().code(), ErrorCode::kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(auto batches, letters().LetterBatches(id));
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].signatures, 2);
  EXPECT_EQ(batches[0].total_after, 2u);

  // A member enrolled after publication is not on the pinned roster.
  Enroll("state", admin);
  EXPECT_EQ(Sign(id, "state", 6).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(letters().GetLetter(id)->rosters->front().size, 6u);

  // A withdrawal counts down at the next batch.
  ASSERT_TRUE(Sign(id, "state", 5, domain::SignatureAction::kWithdraw).ok());
  EXPECT_EQ(letters().GetLetter(id)->total, 2u);
  ASSERT_TRUE(service_->PublishBatch().ok());
  EXPECT_EQ(letters().GetLetter(id)->total, 1u);
  EXPECT_EQ(States(id, second.tag), (std::vector<std::string>{"published", "published"}));
}

TEST_F(LetterServiceTest, AQuorumLetterPublishesNothingUntilItsQuorumIsReached) {
  MakeOrganization("state", 4);
  const Principal admin = SignIn("state", "admin");
  ASSERT_OK_AND_ASSIGN(domain::LetterId id, letters().PublishLetter(admin, Letter({"state"}, 2)));
  ASSERT_OK_AND_ASSIGN(CoSignatureReceipt first, Sign(id, "state", 1));
  ASSERT_OK_AND_ASSIGN(std::size_t published, service_->PublishBatch());
  EXPECT_EQ(published, 0u);
  EXPECT_EQ(States(id, first.tag), std::vector<std::string>{"waiting-for-quorum"});
  EXPECT_FALSE(letters().GetLetter(id)->quorum_reached);
  ASSERT_TRUE(Sign(id, "state", 2).ok());
  ASSERT_OK_AND_ASSIGN(published, service_->PublishBatch());
  EXPECT_EQ(published, 2u);
  ASSERT_OK_AND_ASSIGN(LetterView view, letters().GetLetter(id));
  EXPECT_TRUE(view.quorum_reached);
  EXPECT_EQ(view.total, 2u);
}

TEST_F(LetterServiceTest, StaffNameTheirOwnOrganizationAndEveryRosterMustBeLargeEnough) {
  MakeOrganization("state", 4);
  MakeOrganization("usaid", 1);
  const Principal usaid = SignIn("usaid", "admin");
  auto foreign = letters().PublishLetter(usaid, Letter({"state"}));
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code(), ErrorCode::kPermissionDenied);
  // usaid's roster of one is below the smallest ring (2 here).
  auto small = letters().PublishLetter(usaid, Letter({"state", "usaid"}));
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.error().message().find("usaid"), std::string::npos) << small.error().message();
  auto missing = letters().PublishLetter(usaid, Letter({"usaid", "nowhere"}));
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(letters().PublishedLetters()->empty());
}

TEST_F(LetterServiceTest, DraftsArePrivateToTheirAccountAndPublishingOneDeletesIt) {
  MakeOrganization("state", 4);
  const Principal admin = SignIn("state", "admin");
  ASSERT_TRUE(
      service_->staff().AddAccount(admin, "state", "other", kPassword, store::kRoleReviewer).ok());
  const Principal other = SignIn("state", "other");
  ASSERT_OK_AND_ASSIGN(std::int64_t draft,
                       letters().CreateDraft(admin, {{"title", "Draft"}, {"body", "Not yet."}}));
  EXPECT_EQ(letters().GetDraft(other, draft).error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(letters().ListDrafts(other)->empty());
  EXPECT_EQ(letters().DeleteDraft(other, draft).error().code(), ErrorCode::kNotFound);
  ASSERT_EQ(letters().ListDrafts(admin)->size(), 1u);

  // Incomplete: refused when published, and kept.
  EXPECT_FALSE(letters().PublishDraft(admin, draft).ok());
  ASSERT_TRUE(letters()
                  .UpdateDraft(admin, draft,
                               {{"title", "Draft"},
                                {"body", "Now."},
                                {"organizations", nlohmann::json::array({"state"})}})
                  .ok());
  ASSERT_OK_AND_ASSIGN(domain::LetterId id, letters().PublishDraft(admin, draft));
  EXPECT_TRUE(letters().ListDrafts(admin)->empty());
  EXPECT_EQ(letters().GetLetter(id)->letter.body, "Now.");
}

TEST_F(LetterServiceTest, BundlePagesAreBoundedAndPinnedToASignedHead) {
  MakeOrganization("state", 4);
  const Principal admin = SignIn("state", "admin");
  ASSERT_OK_AND_ASSIGN(domain::LetterId id, letters().PublishLetter(admin, Letter({"state"})));
  ASSERT_TRUE(Sign(id, "state", 0).ok());
  ASSERT_TRUE(service_->PublishBatch().ok());
  EXPECT_EQ(letters().LetterBundle(id, true, BundlePage{std::nullopt, 0, 0}).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(letters()
                .LetterBundle(id, true, BundlePage{std::nullopt, 0, kBundlePageMax + 1})
                .error()
                .code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(letters().LetterBundle(id, true, BundlePage{1u << 30, 0, 10}).error().code(),
            ErrorCode::kNotFound);
  domain::LetterId unknown;
  EXPECT_EQ(letters().LetterBundle(unknown, true, BundlePage{}).error().code(),
            ErrorCode::kNotFound);

  // Pages of one entry each, pinned to the first page's head, add up to the whole bundle.
  ASSERT_OK_AND_ASSIGN(nlohmann::json whole, letters().LetterBundle(id, true, BundlePage{}));
  const std::uint64_t size = whole["tree_head"]["tree_size"];
  std::size_t entries = 0;
  std::optional<std::uint64_t> next = 0;
  while (next) {
    ASSERT_OK_AND_ASSIGN(nlohmann::json page,
                         letters().LetterBundle(id, true, BundlePage{size, *next, 1}));
    EXPECT_EQ(page["tree_head"], whole["tree_head"]);
    entries += page["entries"].size();
    next = page["page"]["next"].is_null() ? std::nullopt
                                          : std::optional<std::uint64_t>(page["page"]["next"]);
  }
  EXPECT_EQ(entries, whole["entries"].size());
  EXPECT_EQ(entries, whole["page"]["entries"].get<std::size_t>());
}

}  // namespace
}  // namespace candor::app
