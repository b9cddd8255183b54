// Service's own part on a real store: organizations, rosters and enrollment, and the roster
// epochs the batch logs. (Staff, letters, cables and the log have their own *_service_test.cc.)
#include "server/app/service.h"

#include <gtest/gtest.h>

#include "server/app/service_testing.h"

namespace candor::app {
namespace {

class RosterServiceTest : public testing::ServiceTest {};

TEST_F(RosterServiceTest, EnrollmentTakesEachInvitationAndEachKeyOnce) {
  MakeOrganization("state", 2);
  const Principal admin = SignIn("state", "admin");
  EXPECT_EQ(service_->GetRosterSummary("state")->size, 2);

  auto code = service_->staff().IssueInvitation(admin, "state", std::nullopt);
  ASSERT_TRUE(code.ok());
  const crypto::MemberKeys& known = members_["state"][0];
  auto twice = service_->Enroll("state", code->first, known.ring.public_key, known.box.public_key);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code(), ErrorCode::kAlreadyExists);
  crypto::Point identity;  // not a valid ring key
  EXPECT_EQ(service_->Enroll("state", code->first, identity, known.box.public_key).error().code(),
            ErrorCode::kInvalidArgument);
  crypto::MemberKeys fresh = crypto::GenerateMemberKeys(rng_);
  ASSERT_OK_AND_ASSIGN(
      EnrollResult added,
      service_->Enroll("state", code->first, fresh.ring.public_key, fresh.box.public_key));
  EXPECT_EQ(added.version, 3);
  EXPECT_EQ(added.roster_size, 3);
  crypto::MemberKeys again = crypto::GenerateMemberKeys(rng_);
  EXPECT_EQ(service_->Enroll("state", code->first, again.ring.public_key, again.box.public_key)
                .error()
                .code(),
            ErrorCode::kPermissionDenied);  // used already
  // An invitation of one organization does not enroll in another.
  MakeOrganization("usaid", 0);
  auto theirs = service_->staff().IssueInvitation(SignIn("usaid", "admin"), "usaid", std::nullopt);
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(service_->Enroll("state", theirs->first, again.ring.public_key, again.box.public_key)
                .error()
                .code(),
            ErrorCode::kPermissionDenied);

  // Removed: a new version without the key, which may not come back.
  ASSERT_OK_AND_ASSIGN(EnrollResult removed,
                       service_->RemoveMember(admin, "state", known.ring.public_key));
  EXPECT_EQ(removed.version, 4);
  EXPECT_EQ(removed.roster_size, 2);
  EXPECT_EQ(service_->RemoveMember(admin, "state", known.ring.public_key).error().code(),
            ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(RosterView v3, service_->GetRoster("state", 3));
  ASSERT_OK_AND_ASSIGN(RosterView v4, service_->GetRoster("state", std::nullopt));
  EXPECT_EQ(v3.members.size(), 3u);
  EXPECT_EQ(v4.members.size(), 2u);
  EXPECT_NE(v3.digest, v4.digest);
  EXPECT_EQ(service_->GetRosterSummary("state")->digest, v4.digest);
  EXPECT_EQ(service_->GetRoster("state", 5).error().code(), ErrorCode::kNotFound);
  auto code2 = service_->staff().IssueInvitation(admin, "state", std::nullopt);
  ASSERT_TRUE(code2.ok());
  EXPECT_EQ(service_->Enroll("state", code2->first, known.ring.public_key, known.box.public_key)
                .error()
                .code(),
            ErrorCode::kAlreadyExists);
}

TEST_F(RosterServiceTest, TheBatchLogsAnEpochOnlyForARosterThatChanged) {
  MakeOrganization("state", 2);  // its batch logged the epoch of version 2
  auto epochs = [&] {
    std::vector<std::uint64_t> out;
    for (const auto& e : LoggedEvents()) {
      if (const auto* epoch = std::get_if<domain::RosterEpochEvent>(&e))
        out.push_back(epoch->version);
    }
    return out;
  };
  EXPECT_EQ(epochs(), std::vector<std::uint64_t>{2});
  ASSERT_TRUE(service_->PublishBatch().ok());
  EXPECT_EQ(epochs(), std::vector<std::uint64_t>{2});
  Enroll("state", SignIn("state", "admin"));
  Enroll("state", SignIn("state", "admin"));
  EXPECT_EQ(epochs(), std::vector<std::uint64_t>{2});  // not before the batch
  ASSERT_TRUE(service_->PublishBatch().ok());
  EXPECT_EQ(epochs(), (std::vector<std::uint64_t>{2, 4}));
}

}  // namespace
}  // namespace candor::app
