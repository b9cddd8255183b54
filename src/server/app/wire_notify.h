// The JSON of notifications that leave the server (docs/API.md, "Notifications"), written
// once: the server writes it, and the command line reads it with the same code.
#ifndef CANDOR_SERVER_APP_WIRE_NOTIFY_H_
#define CANDOR_SERVER_APP_WIRE_NOTIFY_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/app/notify_service.h"

namespace candor::app::api {

using Json = nlohmann::json;

Json NotifySettingsToJson(const NotifySettingsView& v);
Result<NotifySettingsView> NotifySettingsFromJson(const Json& j);

// PUT …/notify/settings: {"enabled", "digest_hour", "webhook_url"?, "new_webhook_secret"?}.
Json NotifySettingsChangeToJson(const NotifySettingsChange& c);
Result<NotifySettingsChange> NotifySettingsChangeFromJson(const Json& j);

// GET …/notify/me: {"address": null | {"email", "openpgp_fingerprint"}}.
Json NotifyAddressToJson(const std::optional<NotifyAddressView>& a);
Result<std::optional<NotifyAddressView>> NotifyAddressFromJson(const Json& j);

// GET …/notify/deliveries: {"deliveries": [{"id", "recipient", "channel", "day", "state",
// "attempts", "next_attempt_ms", "last_error"}]}, newest first.
Json DeliveriesToJson(const std::vector<DeliveryView>& list);
Result<std::vector<DeliveryView>> DeliveriesFromJson(const Json& j);

}  // namespace candor::app::api

#endif  // CANDOR_SERVER_APP_WIRE_NOTIFY_H_
