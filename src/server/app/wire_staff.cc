#include "server/app/wire_staff.h"

#include <limits>

#include "crypto/bytes.h"

namespace candor::app::api {

Json RolesToJson(std::uint32_t roles) {
  Json out = Json::array();
  if (roles & store::kRoleAdministrator) out.push_back("administrator");
  if (roles & store::kRoleEnrollmentOfficer) out.push_back("enrollment_officer");
  if (roles & store::kRoleReviewer) out.push_back("reviewer");
  return out;
}

Result<std::uint32_t> RolesFromJson(const std::vector<std::string>& names) {
  std::uint32_t roles = 0;
  for (const auto& n : names) {
    if (n == "administrator") {
      roles |= store::kRoleAdministrator;
    } else if (n == "enrollment_officer") {
      roles |= store::kRoleEnrollmentOfficer;
    } else if (n == "reviewer") {
      roles |= store::kRoleReviewer;
    } else {
      return InvalidArgument("unknown role '" + n + "'");
    }
  }
  if (roles == 0) return InvalidArgument("give at least one role");
  return roles;
}

Json AccountToJson(const store::AccountRecord& a, const std::string& org) {
  return Json{{"id", a.id},
              {"organization", org},
              {"username", a.username},
              {"roles", RolesToJson(a.roles)},
              {"disabled", a.disabled},
              {"totp", a.totp_secret.has_value()}};
}

Json RosterToJson(const RosterView& r) {
  Json members = Json::array();
  for (const auto& m : r.members) {
    members.push_back({{"ring_public", Hex(m.ring_public)}, {"reply_public", Hex(m.box_public)}});
  }
  return Json{{"organization", r.organization},
              {"version", r.version},
              {"size", r.members.size()},
              {"digest", crypto::ToHex(r.digest)},
              {"members", members}};
}

Json SessionToJson(const Principal& who) {
  return Json{{"account", AccountToJson(who.account, who.organization_slug)},
              {"csrf_token", who.csrf_token}};
}

Result<SessionReply> SessionFromJson(const Json& j) {
  domain::FieldReader r(j, "the session", {"account", "csrf_token"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  SessionReply out;
  CANDOR_ASSIGN_OR_RETURN(out.csrf_token, r.String("csrf_token"));
  // The token goes into a header: nothing but what the server makes (64 hex digits).
  if (out.csrf_token.empty() || out.csrf_token.size() > 128 ||
      out.csrf_token.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return InvalidArgument("'csrf_token' in the session must be lowercase hex");
  }
  CANDOR_ASSIGN_OR_RETURN(const Json* account, r.Value("account"));
  domain::FieldReader a(*account, "the session's account",
                        {"id", "organization", "username", "roles", "disabled", "totp"});
  CANDOR_RETURN_IF_ERROR(a.Shape());
  CANDOR_ASSIGN_OR_RETURN(out.account.id, a.Int("id"));
  CANDOR_ASSIGN_OR_RETURN(out.organization, a.String("organization"));
  CANDOR_ASSIGN_OR_RETURN(out.account.username, a.String("username"));
  CANDOR_ASSIGN_OR_RETURN(auto roles, a.Strings("roles"));
  CANDOR_ASSIGN_OR_RETURN(out.account.roles, RolesFromJson(roles));
  CANDOR_ASSIGN_OR_RETURN(out.account.disabled, a.Bool("disabled"));
  CANDOR_ASSIGN_OR_RETURN(bool totp, a.Bool("totp"));
  if (totp) out.account.totp_secret = store::Blob{};  // set, but its value is not on the wire
  return out;
}

Json ReviewerKeyChallengeToJson(const StaffService::ReviewerKeyChallenge& c) {
  return Json{{"server_public", crypto::ToHex(c.server_public)}, {"account_id", c.account_id}};
}

Result<StaffService::ReviewerKeyChallenge> ReviewerKeyChallengeFromJson(const Json& j) {
  domain::FieldReader r(j, "the reviewer-key challenge", {"server_public", "account_id"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  StaffService::ReviewerKeyChallenge c;
  CANDOR_ASSIGN_OR_RETURN(c.server_public, r.Fixed<crypto::BoxPublicKey>("server_public"));
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t id, r.Unsigned("account_id"));
  if (id > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return InvalidArgument("'account_id' in the reviewer-key challenge is out of range");
  c.account_id = static_cast<std::int64_t>(id);
  return c;
}

}  // namespace candor::app::api
