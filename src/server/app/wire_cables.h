// The JSON of the cable API (docs/API.md, "Dissent cables"), written once.
#ifndef CANDOR_SERVER_APP_WIRE_CABLES_H_
#define CANDOR_SERVER_APP_WIRE_CABLES_H_

#include <nlohmann/json.hpp>
#include <vector>

#include "base/result.h"
#include "crypto/keys.h"
#include "server/app/service.h"

namespace candor::app::api {

using Json = nlohmann::json;

// GET /cable-quota and /letter-quota: the window now and the (slot, tag) pairs used in it.
Json QuotaToJson(const CableQuotaView& q);
Json KeysToJson(const std::vector<crypto::BoxPublicKey>& keys);
Result<std::vector<crypto::BoxPublicKey>> KeysFromJson(const Json& j, const char* field);
Json CableViewToJson(const CableView& v);
// GET …/notifications: {"notifications": [{"id", "cable_id", "kind", "deadline", "days_before",
// "created_at_ms", "delivered"}]}, and its reader for the command line (strict; a kind other
// than the four the server makes is refused).
Json NotificationsToJson(const std::vector<store::NotificationRecord>& list);
Result<std::vector<store::NotificationRecord>> NotificationsFromJson(const Json& j);
// Bytes of any length from a request's lowercase hex field (kInvalidArgument naming it).
Result<crypto::Bytes> HexField(const std::string& hex, const char* field);
// The body of POST /api/v1/cables, as the author's client sends it (cli::SealCable's
// `request`): every field typed and checked, strictly (domain::FieldReader, "the request").
// Refused with kInvalidArgument naming the field; the signatures are checked by SubmitCable.
Result<CableSubmission> CableSubmissionFromJson(const Json& body);

// The reverse, for the command line reading a server's answer (POST /cables, /cables/status,
// the reviewers' view and inbox): every field typed and checked, strictly (domain::FieldReader).
// `purged` is not on the wire: it reads as state == "purged". The "overdue" flag must agree
// with the two it summarizes. FromJson(ToJson(v)) gives v back.
Result<CableView> CableViewFromJson(const Json& j);
// The quota's answer, read back: at most `max_slots` slots (a hostile count must not keep a
// client computing tags).
Result<CableQuotaView> QuotaFromJson(const Json& j, std::uint64_t max_slots);

}  // namespace candor::app::api

#endif  // CANDOR_SERVER_APP_WIRE_CABLES_H_
