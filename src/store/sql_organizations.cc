// Organizations, their calendars and the deployment's settings (OrganizationTables,
// SettingTables).
#include "store/sql_store_internal.h"

namespace candor::store::sql_internal {
namespace {

Result<OrganizationRecord> DecodeOrganization(const SqlRow& row) {
  RowReader r(row);
  OrganizationRecord o;
  o.id = r.Int();
  o.slug = r.Text();
  o.name = r.Text();
  o.policy_json = r.Text();
  o.demo = r.Bool();
  CANDOR_RETURN_IF_ERROR(r.status());
  return o;
}

Result<HolidayRecord> DecodeHoliday(const SqlRow& row) {
  RowReader r(row);
  HolidayRecord h;
  h.organization_id = r.Int();
  h.date = r.Text();
  h.name = r.Text();
  CANDOR_RETURN_IF_ERROR(r.status());
  return h;
}

}  // namespace

Result<std::int64_t> SqlTransaction::InsertOrganization(const OrganizationRecord& org) {
  return Run(kWrites, [&]() -> Result<std::int64_t> {
    CANDOR_ASSIGN_OR_RETURN(
        auto rows, conn_->Query("INSERT INTO organizations (slug, name, policy_json, demo) "
                                "VALUES (?, ?, ?, ?) RETURNING id",
                                {org.slug, org.name, org.policy_json, org.demo}));
    return SingleInt(rows);
  });
}

Result<std::optional<OrganizationRecord>> SqlTransaction::FindOrganization(std::int64_t id) {
  return Run(kReads, [&]() -> Result<std::optional<OrganizationRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query("SELECT id, slug, name, policy_json, demo "
                                                    "FROM organizations WHERE id = ?",
                                                    {id}));
    return DecodeOptional(rows, &DecodeOrganization);
  });
}

Result<std::optional<OrganizationRecord>> SqlTransaction::FindOrganizationBySlug(
    std::string_view slug) {
  return Run(kReads, [&]() -> Result<std::optional<OrganizationRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query("SELECT id, slug, name, policy_json, demo "
                                                    "FROM organizations WHERE slug = ?",
                                                    {slug}));
    return DecodeOptional(rows, &DecodeOrganization);
  });
}

Result<std::vector<OrganizationRecord>> SqlTransaction::ListOrganizations() {
  return Run(kReads, [&]() -> Result<std::vector<OrganizationRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query("SELECT id, slug, name, policy_json, demo "
                                                    "FROM organizations ORDER BY id"));
    return DecodeAll(rows, &DecodeOrganization);
  });
}

Status SqlTransaction::UpdateOrganizationPolicy(std::int64_t id, std::string_view policy_json) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_ASSIGN_OR_RETURN(
        std::int64_t changed,
        conn_->Exec("UPDATE organizations SET policy_json = ? WHERE id = ?", {policy_json, id}));
    if (changed == 0) return NotFound("no organization " + std::to_string(id));
    return Status::Ok();
  });
}

Status SqlTransaction::ReplaceHolidays(std::int64_t organization_id,
                                       const std::vector<HolidayRecord>& holidays) {
  return Run(kWrites, [&]() -> Status {
    for (const HolidayRecord& h : holidays) {
      if (h.organization_id != 0 && h.organization_id != organization_id) {
        return InvalidArgument("a holiday of organization " + std::to_string(h.organization_id) +
                               " given for organization " + std::to_string(organization_id));
      }
    }
    CANDOR_RETURN_IF_ERROR(RequireOrganization(organization_id));
    CANDOR_RETURN_IF_ERROR(
        conn_->Exec("DELETE FROM holidays WHERE organization_id = ?", {organization_id}));
    for (const HolidayRecord& h : holidays) {
      CANDOR_RETURN_IF_ERROR(
          conn_->Exec("INSERT INTO holidays (organization_id, day, name) VALUES (?, ?, ?)",
                      {organization_id, h.date, h.name}));
    }
    return Status::Ok();
  });
}

Result<std::vector<HolidayRecord>> SqlTransaction::ListHolidays(std::int64_t organization_id) {
  return Run(kReads, [&]() -> Result<std::vector<HolidayRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query("SELECT organization_id, day, name FROM holidays "
                                         "WHERE organization_id = ? ORDER BY day, name",
                                         {organization_id}));
    return DecodeAll(rows, &DecodeHoliday);
  });
}

Result<std::optional<std::string>> SqlTransaction::GetSetting(std::string_view key) {
  return Run(kReads, [&]() -> Result<std::optional<std::string>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query("SELECT value FROM settings WHERE name = ?", {key}));
    if (rows.empty()) return std::optional<std::string>();
    RowReader r(rows[0]);
    std::string value = r.Text();
    CANDOR_RETURN_IF_ERROR(r.status());
    return std::optional<std::string>(std::move(value));
  });
}

Status SqlTransaction::PutSetting(std::string_view key, std::string_view value) {
  return Run(kWrites, [&]() -> Status {
    CANDOR_RETURN_IF_ERROR(
        conn_->Exec("INSERT INTO settings (name, value) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    {key, value}));
    return Status::Ok();
  });
}

}  // namespace candor::store::sql_internal
