// Notifications that leave the server: settings, addresses and deliveries (NotifyTables).
#include "store/sql_store_internal.h"

namespace candor::store::sql_internal {
namespace {

constexpr const char* kSettingsColumns =
    "organization_id, enabled, digest_hour, webhook_url, webhook_secret";
constexpr const char* kAddressColumns =
    "account_id, organization_id, email, openpgp_key, openpgp_fingerprint";
constexpr const char* kDeliveryColumns =
    "id, organization_id, account_id, channel, day, state, attempts, next_attempt_ms, last_error";

Result<NotifySettingsRecord> DecodeSettings(const SqlRow& row) {
  RowReader r(row);
  NotifySettingsRecord s;
  s.organization_id = r.Int();
  s.enabled = r.Bool();
  s.digest_hour = r.Int();
  s.webhook_url = r.OptionalText();
  s.webhook_secret = r.OptionalBytes();
  CANDOR_RETURN_IF_ERROR(r.status());
  return s;
}

Result<NotifyAddressRecord> DecodeAddress(const SqlRow& row) {
  RowReader r(row);
  NotifyAddressRecord a;
  a.account_id = r.Int();
  a.organization_id = r.Int();
  a.email = r.Text();
  a.openpgp_key = r.OptionalText();
  a.openpgp_fingerprint = r.OptionalText();
  CANDOR_RETURN_IF_ERROR(r.status());
  return a;
}

Result<DeliveryRecord> DecodeDelivery(const SqlRow& row) {
  RowReader r(row);
  DeliveryRecord d;
  d.id = r.Int();
  d.organization_id = r.Int();
  d.account_id = r.Int();
  d.channel = r.Text();
  d.day = r.Int();
  d.state = r.Text();
  d.attempts = r.Int();
  d.next_attempt_ms = r.Int();
  d.last_error = r.OptionalText();
  CANDOR_RETURN_IF_ERROR(r.status());
  return d;
}

}  // namespace

Result<std::optional<NotifySettingsRecord>> SqlTransaction::FindNotifySettings(
    std::int64_t organization_id) {
  return Run(kReads, [&]() -> Result<std::optional<NotifySettingsRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query(std::string("SELECT ") + kSettingsColumns +
                                             " FROM notify_settings WHERE organization_id = ?",
                                         {organization_id}));
    return DecodeOptional(rows, &DecodeSettings);
  });
}

Result<std::vector<NotifySettingsRecord>> SqlTransaction::ListEnabledNotifySettings() {
  return Run(kReads, [&]() -> Result<std::vector<NotifySettingsRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows, conn_->Query(std::string("SELECT ") + kSettingsColumns +
                                                        " FROM notify_settings WHERE enabled = 1 "
                                                        "ORDER BY organization_id",
                                                    {}));
    return DecodeAll(rows, &DecodeSettings);
  });
}

Status SqlTransaction::PutNotifySettings(const NotifySettingsRecord& s) {
  return Run(kWrites, [&]() -> Status {
    return Done(conn_->Exec(
        "INSERT INTO notify_settings (organization_id, enabled, digest_hour, webhook_url, "
        "webhook_secret) VALUES (?, ?, ?, ?, ?) ON CONFLICT (organization_id) DO UPDATE SET "
        "enabled = excluded.enabled, digest_hour = excluded.digest_hour, "
        "webhook_url = excluded.webhook_url, webhook_secret = excluded.webhook_secret",
        {s.organization_id, s.enabled, s.digest_hour, s.webhook_url, s.webhook_secret}));
  });
}

Result<std::optional<NotifyAddressRecord>> SqlTransaction::FindNotifyAddress(
    std::int64_t account_id) {
  return Run(kReads, [&]() -> Result<std::optional<NotifyAddressRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query(std::string("SELECT ") + kAddressColumns +
                                             " FROM notify_addresses WHERE account_id = ?",
                                         {account_id}));
    return DecodeOptional(rows, &DecodeAddress);
  });
}

Result<std::vector<NotifyAddressRecord>> SqlTransaction::ListNotifyAddresses(
    std::int64_t organization_id) {
  return Run(kReads, [&]() -> Result<std::vector<NotifyAddressRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query(std::string("SELECT ") + kAddressColumns +
                                             " FROM notify_addresses WHERE organization_id = ? "
                                             "ORDER BY account_id",
                                         {organization_id}));
    return DecodeAll(rows, &DecodeAddress);
  });
}

Status SqlTransaction::PutNotifyAddress(const NotifyAddressRecord& a) {
  return Run(kWrites, [&]() -> Status {
    return Done(conn_->Exec(
        "INSERT INTO notify_addresses (account_id, organization_id, email, openpgp_key, "
        "openpgp_fingerprint) VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET "
        "organization_id = excluded.organization_id, email = excluded.email, "
        "openpgp_key = excluded.openpgp_key, openpgp_fingerprint = excluded.openpgp_fingerprint",
        {a.account_id, a.organization_id, a.email, a.openpgp_key, a.openpgp_fingerprint}));
  });
}

Status SqlTransaction::DeleteNotifyAddress(std::int64_t account_id) {
  return Run(kWrites, [&]() -> Status {
    return Done(conn_->Exec("DELETE FROM notify_addresses WHERE account_id = ?", {account_id}));
  });
}

Result<bool> SqlTransaction::InsertDelivery(const DeliveryRecord& d) {
  return Run(kWrites, [&]() -> Result<bool> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query("SELECT 1 FROM deliveries WHERE organization_id = ? AND "
                                         "account_id = ? AND channel = ? AND day = ?",
                                         {d.organization_id, d.account_id, d.channel, d.day}));
    if (!rows.empty()) return false;
    CANDOR_RETURN_IF_ERROR(conn_->Exec(
        "INSERT INTO deliveries (organization_id, account_id, channel, day, state, attempts, "
        "next_attempt_ms, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {d.organization_id, d.account_id, d.channel, d.day, d.state, d.attempts, d.next_attempt_ms,
         d.last_error}));
    return true;
  });
}

Result<std::vector<DeliveryRecord>> SqlTransaction::ListDeliveries(std::int64_t organization_id,
                                                                   std::int64_t limit) {
  return Run(kReads, [&]() -> Result<std::vector<DeliveryRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query(std::string("SELECT ") + kDeliveryColumns +
                                             " FROM deliveries WHERE organization_id = ? "
                                             "ORDER BY id DESC LIMIT ?",
                                         {organization_id, limit}));
    return DecodeAll(rows, &DecodeDelivery);
  });
}

Result<std::vector<DeliveryRecord>> SqlTransaction::ListDueDeliveries(std::int64_t now_ms) {
  return Run(kReads, [&]() -> Result<std::vector<DeliveryRecord>> {
    CANDOR_ASSIGN_OR_RETURN(auto rows,
                            conn_->Query(std::string("SELECT ") + kDeliveryColumns +
                                             " FROM deliveries WHERE state = 'pending' AND "
                                             "next_attempt_ms <= ? ORDER BY id",
                                         {now_ms}));
    return DecodeAll(rows, &DecodeDelivery);
  });
}

Status SqlTransaction::UpdateDelivery(const DeliveryRecord& d) {
  return Run(kWrites, [&]() -> Status {
    return Done(conn_->Exec(
        "UPDATE deliveries SET state = ?, attempts = ?, next_attempt_ms = ?, last_error = ? "
        "WHERE id = ?",
        {d.state, d.attempts, d.next_attempt_ms, d.last_error, d.id}));
  });
}

Status SqlTransaction::DeleteDeliveriesBefore(std::int64_t day) {
  return Run(kWrites, [&]() -> Status {
    return Done(conn_->Exec("DELETE FROM deliveries WHERE day < ?", {day}));
  });
}

}  // namespace candor::store::sql_internal
