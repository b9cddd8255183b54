#include "server/app/wire_staff.h"

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
    if (n == "administrator")
      roles |= store::kRoleAdministrator;
    else if (n == "enrollment_officer")
      roles |= store::kRoleEnrollmentOfficer;
    else if (n == "reviewer")
      roles |= store::kRoleReviewer;
    else
      return InvalidArgument("unknown role '" + n + "'");
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

}  // namespace candor::app::api
