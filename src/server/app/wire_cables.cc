#include "server/app/wire_cables.h"

#include "crypto/bytes.h"

namespace candor::app::api {

Json QuotaToJson(const CableQuotaView& q) {
  Json used = Json::array();
  for (const auto& [slot, tag] : q.used)
    used.push_back({{"slot", slot}, {"tag", crypto::ToHex(tag)}});
  return {{"window", q.window},
          {"window_ms", q.window_ms},
          {"window_ends_ms", q.window_ends_ms},
          {"slots", q.slots},
          {"used", used}};
}

Json KeysToJson(const std::vector<crypto::BoxPublicKey>& keys) {
  Json out = Json::array();
  for (const auto& k : keys) out.push_back(crypto::ToHex(k));
  return out;
}

Result<std::vector<crypto::BoxPublicKey>> KeysFromJson(const Json& j, const char* field) {
  if (!j.is_array())
    return InvalidArgument(std::string("'") + field + "' must be a list of X25519 keys (hex)");
  if (j.size() > domain::kMaxCableRecipients + 1)
    return InvalidArgument(std::string("too many '") + field + "'");
  std::vector<crypto::BoxPublicKey> out;
  for (const auto& k : j) {
    if (!k.is_string())
      return InvalidArgument(std::string("'") + field + "' must hold only hex strings");
    CANDOR_ASSIGN_OR_RETURN(
        auto key, crypto::FixedFromHex<crypto::BoxPublicKey>(k.get<std::string>(), field));
    out.push_back(key);
  }
  return out;
}

Json CableViewToJson(const CableView& v) {
  const auto& c = v.clock;
  Json events = Json::array();
  for (const auto& e : v.events) {
    Json ev = {{"seq", e.seq},
               {"action", domain::CableActionName(e.action)},
               {"date", domain::FormatDate(e.date)},
               {"digest", crypto::ToHex(e.digest)},
               {"log_index", e.log_index ? Json(*e.log_index) : Json(nullptr)}};
    if (e.reviewer) ev["reviewer"] = *e.reviewer;
    if (domain::CableActionHasMessage(e.action)) {
      ev["recipients"] = KeysToJson(e.recipients);
      ev["envelope"] = e.envelope ? Json(crypto::ToHex(*e.envelope)) : Json(nullptr);
    }
    events.push_back(std::move(ev));
  }
  Json j = {{"id", crypto::ToHex(v.id)},
            {"organization", v.organization},
            {"author", domain::CableAuthorName(v.header.author)},
            {"state", v.state},
            {"published", v.published},
            {"received_on", domain::FormatDate(v.received)},
            {"policy", v.policy},
            {"deadlines",
             {{"acknowledge_by", domain::FormatDate(c.acknowledge_by)},
              {"answer_by", domain::FormatDate(c.answer_by)},
              {"acknowledged", c.acknowledged},
              {"extended", c.extended},
              {"closed", c.closed},
              {"acknowledge_overdue", c.acknowledge_overdue},
              {"answer_overdue", c.answer_overdue},
              {"overdue", c.overdue()},
              {"acknowledge_days_left", c.acknowledge_days_left},
              {"answer_days_left", c.answer_days_left},
              {"acknowledge_unit", v.acknowledge_unit},
              {"answer_unit", v.answer_unit}}},
            {"header", domain::CableHeaderToJson(v.header)},
            {"header_bytes", crypto::ToHex(v.header_bytes)},
            {"submission_digest", crypto::ToHex(v.submission_digest)},
            {"quota_slot", v.quota_slot},
            {"events", events}};
  if (v.envelope) j["envelope"] = crypto::ToHex(*v.envelope);
  if (v.signature) j["signature"] = crypto::ToHex(*v.signature);
  if (v.quota_signature) j["quota_signature"] = crypto::ToHex(*v.quota_signature);
  if (v.author_signature) j["author_signature"] = crypto::ToHex(*v.author_signature);
  return j;
}

}  // namespace candor::app::api
