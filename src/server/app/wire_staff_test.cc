// The staff wire codec: the session and the reviewer-key challenge the routes write, read back
// by the command line, strictly.
#include "server/app/wire_staff.h"

#include <gtest/gtest.h>

namespace candor::app::api {
namespace {

Principal MakePrincipal() {
  Principal p;
  p.account.id = 7;
  p.account.username = "reviewer";
  p.account.roles = store::kRoleReviewer | store::kRoleAdministrator;
  p.account.totp_secret = store::Blob(32, 1);
  p.organization_slug = "state";
  p.csrf_token = std::string(64, 'a');
  return p;
}

TEST(WireStaff, ASessionReadsBackWithoutAnySecret) {
  const Json wire = Json::parse(SessionToJson(MakePrincipal()).dump());
  EXPECT_EQ(wire.dump().find("0101"), std::string::npos);  // the TOTP secret is not on the wire
  auto back = SessionFromJson(wire);
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->csrf_token, std::string(64, 'a'));
  EXPECT_EQ(back->organization, "state");
  EXPECT_EQ(back->account.id, 7);
  EXPECT_EQ(back->account.username, "reviewer");
  EXPECT_EQ(back->account.roles, store::kRoleReviewer | store::kRoleAdministrator);
  EXPECT_TRUE(back->account.totp_secret.has_value());
  EXPECT_FALSE(back->account.disabled);
}

TEST(WireStaff, AMalformedSessionIsRefusedWithItsField) {
  const Json good = Json::parse(SessionToJson(MakePrincipal()).dump());
  Json number = good;
  number["csrf_token"] = 5;
  EXPECT_EQ(SessionFromJson(number).error().message(),
            "'csrf_token' in the session must be a string");
  Json header_injection = good;
  header_injection["csrf_token"] = "aa\r\nSet-Cookie: x=y";
  EXPECT_FALSE(SessionFromJson(header_injection).ok());
  Json role = good;
  role["account"]["roles"] = Json::array({"root"});
  EXPECT_FALSE(SessionFromJson(role).ok());
  Json missing = good;
  missing.erase("account");
  EXPECT_EQ(SessionFromJson(missing).error().message(), "the session lacks the field 'account'");
  EXPECT_FALSE(SessionFromJson(Json::array()).ok());
}

TEST(WireStaff, TheReviewerKeyChallengeReadsBackAndRefusesANonCanonicalKey) {
  StaffService::ReviewerKeyChallenge c;
  c.server_public.bytes.fill(9);
  c.account_id = 12;
  // As the client reads it: from the text on the wire (a parsed count ≥ 0 is unsigned).
  auto back = ReviewerKeyChallengeFromJson(Json::parse(ReviewerKeyChallengeToJson(c).dump()));
  ASSERT_TRUE(back.ok()) << back.error().message();
  EXPECT_EQ(back->server_public, c.server_public);
  EXPECT_EQ(back->account_id, 12);
  Json upper = Json::parse(ReviewerKeyChallengeToJson(c).dump());
  upper["server_public"] = std::string(64, 'A');
  EXPECT_FALSE(ReviewerKeyChallengeFromJson(upper).ok());
  Json negative = ReviewerKeyChallengeToJson(c);
  negative["account_id"] = -1;
  EXPECT_FALSE(ReviewerKeyChallengeFromJson(negative).ok());
}

}  // namespace
}  // namespace candor::app::api
