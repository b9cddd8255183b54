// StaffService on a real store: sign-in and its throttle, sessions, invitations, accounts and
// their audit entries, settings, reviewer keys.
#include "server/app/staff_service.h"

#include <gtest/gtest.h>

#include "server/app/service_testing.h"

namespace candor::app {
namespace {

using testing::kPassword;

class StaffServiceTest : public testing::ServiceTest {
 protected:
  StaffService& staff() { return service_->staff(); }
};

TEST_F(StaffServiceTest, SignInSaysTheSameForAnUnknownNameAndAWrongPasswordThenLocksTheName) {
  MakeOrganization("state", 0);
  auto unknown = staff().Login("state", "nobody", kPassword, std::nullopt, "10.0.0.1");
  auto wrong = staff().Login("state", "admin", "the wrong password!", std::nullopt, "10.0.0.1");
  auto no_org = staff().Login("nowhere", "admin", kPassword, std::nullopt, "10.0.0.1");
  ASSERT_FALSE(unknown.ok());
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(no_org.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(wrong.error().message(), unknown.error().message());
  EXPECT_EQ(no_org.error().message(), unknown.error().message());

  // Five failures from one source lock the name for that source, even for the right password;
  // another source still signs in (security review M5), and the lock ends with its period.
  for (int i = 1; i < service_->config().login_max_failures; ++i) {
    EXPECT_FALSE(
        staff().Login("state", "admin", "the wrong password!", std::nullopt, "10.0.0.1").ok());
  }
  auto locked = staff().Login("state", "admin", kPassword, std::nullopt, "10.0.0.1");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_TRUE(staff().Login("state", "admin", kPassword, std::nullopt, "10.0.0.2").ok());
  clock_.Advance(service_->config().login_lockout_ms + 1);
  EXPECT_TRUE(staff().Login("state", "admin", kPassword, std::nullopt, "10.0.0.1").ok());
}

TEST_F(StaffServiceTest, SessionsEndWhenSignedOutEverywhereOrWhenTheyExpire) {
  MakeOrganization("state", 0);
  auto first = staff().Login("state", "admin", kPassword, std::nullopt);
  auto second = staff().Login("state", "admin", kPassword, std::nullopt);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->session_token, second->session_token);
  auto who = staff().Authenticate(first->session_token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->account.username, "admin");
  EXPECT_EQ(who->csrf_token, first->principal.csrf_token);

  ASSERT_TRUE(staff().Logout(*who).ok());
  EXPECT_EQ(staff().Authenticate(first->session_token).error().code(), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(staff().Authenticate(second->session_token).ok());

  auto third = staff().Login("state", "admin", kPassword, std::nullopt);
  ASSERT_TRUE(third.ok());
  ASSERT_TRUE(staff().LogoutEverywhere(third->principal).ok());
  EXPECT_FALSE(staff().Authenticate(second->session_token).ok());
  EXPECT_FALSE(staff().Authenticate(third->session_token).ok());

  auto fourth = staff().Login("state", "admin", kPassword, std::nullopt);
  ASSERT_TRUE(fourth.ok());
  clock_.Advance(service_->config().session_ttl_ms + 1);
  EXPECT_FALSE(staff().Authenticate(fourth->session_token).ok());
}

TEST_F(StaffServiceTest, InvitationsAreBoundedCountedAndExpire) {
  MakeOrganization("state", 0);
  const Principal admin = SignIn("state", "admin");
  EXPECT_EQ(staff().IssueInvitations(admin, "state", std::nullopt, 0).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      staff()
          .IssueInvitations(admin, "state", std::nullopt, StaffService::kMaxInvitationsAtOnce + 1)
          .error()
          .code(),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(staff().IssueInvitations(admin, "state", 0, 1).error().code(),
            ErrorCode::kInvalidArgument);
  auto codes = staff().IssueInvitations(admin, "state", 2, 3);
  ASSERT_TRUE(codes.ok());
  ASSERT_EQ(codes->first.size(), 3u);
  EXPECT_EQ(codes->second, testing::kNowMs + 2 * 3'600'000);
  EXPECT_EQ(*staff().CountOpenInvitations(admin, "state"), 3);
  crypto::MemberKeys keys = crypto::GenerateMemberKeys(rng_);
  ASSERT_TRUE(
      service_->Enroll("state", codes->first[0], keys.ring.public_key, keys.box.public_key).ok());
  EXPECT_EQ(*staff().CountOpenInvitations(admin, "state"), 2);
  clock_.Advance(2 * 3'600'000);
  EXPECT_EQ(*staff().CountOpenInvitations(admin, "state"), 0);
  crypto::MemberKeys late = crypto::GenerateMemberKeys(rng_);
  EXPECT_EQ(service_->Enroll("state", codes->first[1], late.ring.public_key, late.box.public_key)
                .error()
                .code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(StaffServiceTest, StaffOfAnotherOrganizationAndWithoutTheRoleAreRefusedFirst) {
  MakeOrganization("state", 0);
  MakeOrganization("usaid", 0);
  const Principal other = SignIn("usaid", "admin");
  EXPECT_EQ(staff().ListAccounts(other, "state").error().code(), ErrorCode::kPermissionDenied);
  // Refused before the settings are read: the error says nothing about them.
  auto settings = staff().UpdateSettings(other, "state", "not json");
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.error().code(), ErrorCode::kPermissionDenied);

  const Principal admin = SignIn("state", "admin");
  ASSERT_TRUE(
      staff().AddAccount(admin, "state", "officer", kPassword, store::kRoleEnrollmentOfficer).ok());
  const Principal officer = SignIn("state", "officer");
  EXPECT_EQ(staff().ListAccounts(officer, "state").error().code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(staff().IssueInvitation(officer, "state", std::nullopt).ok());
  EXPECT_EQ(staff().ReviewerKeyChallengeFor(officer, "state").error().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(StaffServiceTest, WhoReceivesCablesIsLoggedWhenAReviewerKeyIsSetDisabledOrEnabled) {
  MakeOrganization("state", 0);
  const Principal admin = SignIn("state", "admin");
  // An administrator cannot lock themselves out.
  EXPECT_EQ(
      staff().UpdateAccount(admin, "state", admin.account.id, std::nullopt, true).error().code(),
      ErrorCode::kFailedPrecondition);

  ASSERT_OK_AND_ASSIGN(std::int64_t id, staff().AddAccount(admin, "state", "reviewer", kPassword,
                                                           store::kRoleReviewer));
  const crypto::BoxKeyPair key = RegisterReviewerKey(SignIn("state", "reviewer"));
  ASSERT_TRUE(staff().UpdateAccount(admin, "state", id, std::nullopt, true).ok());
  ASSERT_TRUE(staff().UpdateAccount(admin, "state", id, std::nullopt, false).ok());
  // A change that does not touch who receives cables logs nothing.
  ASSERT_TRUE(staff().UpdateAccount(admin, "state", id, store::kRoleReviewer, std::nullopt).ok());

  std::vector<std::string> kinds;
  for (const auto& e : LoggedEvents()) {
    if (const auto* r = std::get_if<domain::ReviewerEvent>(&e)) {
      EXPECT_EQ(r->username, "reviewer");
      EXPECT_EQ(r->box_public, key.public_key);
      kinds.push_back("reviewer v" + std::to_string(r->version));
    } else if (const auto* gone = std::get_if<domain::ReviewerRemovedEvent>(&e)) {
      EXPECT_EQ(gone->account_id, static_cast<std::uint64_t>(id));
      kinds.push_back("removed v" + std::to_string(gone->version));
    }
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"reviewer v1", "removed v2", "reviewer v3"}));
}

TEST_F(StaffServiceTest, AReviewerKeyNeedsItsProofAndMayNotBeSmallOrderOrAnotherReviewers) {
  MakeOrganization("state", 0);
  const Principal admin = SignIn("state", "admin");
  ASSERT_TRUE(staff().AddAccount(admin, "state", "reviewer", kPassword, store::kRoleReviewer).ok());
  const Principal reviewer = SignIn("state", "reviewer");

  crypto::BoxKeyPair key = crypto::GenerateBoxKeyPair(rng_);
  crypto::Digest32 forged;
  forged.bytes.fill(7);
  EXPECT_EQ(staff().SetReviewerKey(reviewer, "state", key.public_key, forged).error().code(),
            ErrorCode::kVerificationFailed);
  crypto::BoxPublicKey zero;  // all zeros: of small order
  EXPECT_EQ(staff().SetReviewerKey(reviewer, "state", zero, forged).error().code(),
            ErrorCode::kInvalidArgument);

  // The admin's key, proved by the admin, cannot be registered by the reviewer as well: its
  // proof is bound to the account that made it.
  const crypto::BoxKeyPair admins = RegisterReviewerKey(admin);
  auto challenge = staff().ReviewerKeyChallengeFor(admin, "state");
  ASSERT_TRUE(challenge.ok());
  auto proof = crypto::ProveBoxKeyPossession(
      domain::ReviewerKeyProofContext("state", static_cast<std::uint64_t>(admin.account.id)),
      admins, challenge->server_public);
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ(staff().SetReviewerKey(reviewer, "state", admins.public_key, *proof).error().code(),
            ErrorCode::kVerificationFailed);
}

}  // namespace
}  // namespace candor::app
