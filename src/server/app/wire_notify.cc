#include "server/app/wire_notify.h"

#include "domain/strict_json.h"

namespace candor::app::api {
namespace {

Json Nullable(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }

Status CheckHour(std::int64_t hour) {
  if (hour < 0 || hour > 23) return InvalidArgument("'digest_hour' is 0 to 23");
  return Status::Ok();
}

}  // namespace

Json NotifySettingsToJson(const NotifySettingsView& v) {
  return Json{{"enabled", v.enabled},
              {"digest_hour", v.digest_hour},
              {"webhook_url", Nullable(v.webhook_url)},
              {"webhook_secret_set", v.webhook_secret_set},
              {"mail_server", v.mail_server}};
}

Result<NotifySettingsView> NotifySettingsFromJson(const Json& j) {
  domain::FieldReader r(j, "the notification settings");
  NotifySettingsView v;
  r.Required("enabled", v.enabled);
  r.Required("digest_hour", v.digest_hour);
  r.Optional("webhook_url", v.webhook_url);
  r.Required("webhook_secret_set", v.webhook_secret_set);
  r.Required("mail_server", v.mail_server);
  CANDOR_RETURN_IF_ERROR(r.Finish());
  CANDOR_RETURN_IF_ERROR(CheckHour(v.digest_hour));
  return v;
}

Json NotifySettingsChangeToJson(const NotifySettingsChange& c) {
  Json j{{"enabled", c.enabled}, {"digest_hour", c.digest_hour}};
  if (c.webhook_url) j["webhook_url"] = *c.webhook_url;
  if (c.new_webhook_secret) j["new_webhook_secret"] = true;
  return j;
}

Result<NotifySettingsChange> NotifySettingsChangeFromJson(const Json& j) {
  domain::FieldReader r(j, "the request");
  NotifySettingsChange c;
  std::optional<bool> new_secret;
  r.Required("enabled", c.enabled);
  r.Required("digest_hour", c.digest_hour);
  r.Optional("webhook_url", c.webhook_url);
  r.Optional("new_webhook_secret", new_secret);
  CANDOR_RETURN_IF_ERROR(r.Finish());
  CANDOR_RETURN_IF_ERROR(CheckHour(c.digest_hour));
  c.new_webhook_secret = new_secret.value_or(false);
  return c;
}

Json NotifyAddressToJson(const std::optional<NotifyAddressView>& a) {
  if (!a) return Json{{"address", nullptr}};
  return Json{{"address",
               {{"email", a->email}, {"openpgp_fingerprint", Nullable(a->openpgp_fingerprint)}}}};
}

Result<std::optional<NotifyAddressView>> NotifyAddressFromJson(const Json& j) {
  domain::FieldReader r(j, "the reply", {"address"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CANDOR_ASSIGN_OR_RETURN(const Json* address, r.Value("address"));
  if (address->is_null()) return std::optional<NotifyAddressView>();
  domain::FieldReader a(*address, "the address");
  NotifyAddressView v;
  a.Required("email", v.email);
  a.Optional("openpgp_fingerprint", v.openpgp_fingerprint);
  CANDOR_RETURN_IF_ERROR(a.Finish());
  return std::optional<NotifyAddressView>(std::move(v));
}

Json DeliveriesToJson(const std::vector<DeliveryView>& list) {
  Json out = Json::array();
  for (const auto& d : list) {
    out.push_back({{"id", d.record.id},
                   {"recipient", d.recipient},
                   {"channel", d.record.channel},
                   {"day", domain::FormatDate(domain::CivilFromDays(d.record.day))},
                   {"state", d.record.state},
                   {"attempts", d.record.attempts},
                   {"next_attempt_ms", d.record.next_attempt_ms},
                   {"last_error", Nullable(d.record.last_error)}});
  }
  return Json{{"deliveries", out}};
}

Result<std::vector<DeliveryView>> DeliveriesFromJson(const Json& j) {
  domain::FieldReader r(j, "the deliveries", {"deliveries"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CANDOR_ASSIGN_OR_RETURN(const Json* list, r.Value("deliveries"));
  if (!list->is_array()) return InvalidArgument("'deliveries' must be an array");
  std::vector<DeliveryView> out;
  for (const Json& item : *list) {
    domain::FieldReader d(item, "a delivery");
    DeliveryView v;
    std::string day;
    d.Required("id", v.record.id);
    d.Required("recipient", v.recipient);
    d.Required("channel", v.record.channel);
    d.Required("day", day);
    d.Required("state", v.record.state);
    d.Required("attempts", v.record.attempts);
    d.Required("next_attempt_ms", v.record.next_attempt_ms);
    d.Optional("last_error", v.record.last_error);
    CANDOR_RETURN_IF_ERROR(d.Finish());
    CANDOR_ASSIGN_OR_RETURN(domain::Date date, domain::ParseDate(day));
    v.record.day = domain::DaysFromCivil(date);
    if (v.record.channel != "email" && v.record.channel != "webhook") {
      return InvalidArgument("a delivery's channel is 'email' or 'webhook'");
    }
    if (v.record.state != "pending" && v.record.state != "sent" && v.record.state != "failed" &&
        v.record.state != "superseded") {
      return InvalidArgument("a delivery's state is pending, sent, failed or superseded");
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace candor::app::api
