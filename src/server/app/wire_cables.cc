#include "server/app/wire_cables.h"

#include "crypto/bytes.h"
#include "domain/calendar.h"
#include "domain/policy.h"
#include "domain/strict_json.h"

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
    } else if (e.action == domain::CableAction::kRecused) {
      ev["recipients"] = KeysToJson(e.recipients);  // the key that withdrew
    } else if (e.action == domain::CableAction::kGranted) {
      ev["recipients"] = KeysToJson(e.recipients);  // the key it was given to
      ev["grant"] = e.grant ? Json(crypto::ToHex(*e.grant)) : Json(nullptr);
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
              {"answer_unit", v.answer_unit},
              {"time_zone", v.time_zone}}},
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

namespace {

Result<domain::Date> DateField(domain::FieldReader& r, std::string_view name) {
  CANDOR_ASSIGN_OR_RETURN(std::string text, r.String(name));
  auto date = domain::ParseDate(text);
  if (!date.ok()) return date.error().WithContext(r.what() + ": '" + std::string(name) + "'");
  return date;
}

Result<std::optional<crypto::Bytes>> OptionalHex(domain::FieldReader& r, std::string_view name) {
  if (r.Find(name) == nullptr) return std::optional<crypto::Bytes>();
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes b, r.Hex(name));
  return std::optional<crypto::Bytes>(std::move(b));
}

Result<CableEventView> CableEventFromJson(const Json& j, std::size_t i) {
  domain::FieldReader r(j, "cable event " + std::to_string(i),
                        {"seq", "action", "date", "digest", "log_index", "reviewer", "recipients",
                         "envelope", "grant"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CableEventView e;
  CANDOR_ASSIGN_OR_RETURN(e.seq, r.Int("seq"));
  CANDOR_ASSIGN_OR_RETURN(std::string action, r.String("action"));
  CANDOR_ASSIGN_OR_RETURN(e.action, domain::ParseCableAction(action));
  CANDOR_ASSIGN_OR_RETURN(e.date, DateField(r, "date"));
  CANDOR_ASSIGN_OR_RETURN(e.digest, r.Fixed<crypto::Digest32>("digest"));
  CANDOR_ASSIGN_OR_RETURN(const Json* log_index, r.Value("log_index"));
  if (!log_index->is_null()) {
    CANDOR_ASSIGN_OR_RETURN(e.log_index, r.Int("log_index"));
  }
  CANDOR_ASSIGN_OR_RETURN(e.reviewer, r.OptionalString("reviewer"));
  if (domain::CableActionHasMessage(e.action)) {
    CANDOR_ASSIGN_OR_RETURN(const Json* recipients, r.Value("recipients"));
    CANDOR_ASSIGN_OR_RETURN(e.recipients, KeysFromJson(*recipients, "recipients"));
    CANDOR_ASSIGN_OR_RETURN(const Json* envelope, r.Value("envelope"));  // null once purged
    if (!envelope->is_null()) {
      CANDOR_ASSIGN_OR_RETURN(e.envelope, r.Hex("envelope"));
    }
    if (r.Find("grant") != nullptr) {
      return InvalidArgument(r.what() + ": a '" + action + "' event carries no grant");
    }
  } else if (e.action == domain::CableAction::kRecused) {
    CANDOR_ASSIGN_OR_RETURN(const Json* recipients, r.Value("recipients"));
    CANDOR_ASSIGN_OR_RETURN(e.recipients, KeysFromJson(*recipients, "recipients"));
    if (e.recipients.size() != 1 || r.Find("envelope") != nullptr || r.Find("grant") != nullptr) {
      return InvalidArgument(r.what() + ": a 'recused' event names one key and carries no message");
    }
  } else if (e.action == domain::CableAction::kGranted) {
    CANDOR_ASSIGN_OR_RETURN(const Json* recipients, r.Value("recipients"));
    CANDOR_ASSIGN_OR_RETURN(e.recipients, KeysFromJson(*recipients, "recipients"));
    if (e.recipients.size() != 1 || r.Find("envelope") != nullptr) {
      return InvalidArgument(r.what() + ": a 'granted' event names one key and carries a grant");
    }
    CANDOR_ASSIGN_OR_RETURN(const Json* grant, r.Value("grant"));  // null once purged
    if (!grant->is_null()) {
      CANDOR_ASSIGN_OR_RETURN(e.grant, r.Hex("grant"));
    }
  } else if (r.Find("recipients") != nullptr || r.Find("envelope") != nullptr ||
             r.Find("grant") != nullptr) {
    return InvalidArgument(r.what() + ": a '" + action + "' event carries no message");
  }
  return e;
}

}  // namespace

Result<CableView> CableViewFromJson(const Json& j) {
  domain::FieldReader r(
      j, "the cable",
      {"id", "organization", "author", "state", "published", "received_on", "policy", "deadlines",
       "header", "header_bytes", "submission_digest", "quota_slot", "events", "envelope",
       "signature", "quota_signature", "author_signature"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CableView v;
  CANDOR_ASSIGN_OR_RETURN(v.id, r.Fixed<domain::CableId>("id"));
  CANDOR_ASSIGN_OR_RETURN(v.organization, r.String("organization"));
  CANDOR_ASSIGN_OR_RETURN(std::string author, r.String("author"));
  CANDOR_ASSIGN_OR_RETURN(v.state, r.String("state"));
  v.purged = v.state == "purged";
  CANDOR_ASSIGN_OR_RETURN(v.published, r.Bool("published"));
  CANDOR_ASSIGN_OR_RETURN(v.received, DateField(r, "received_on"));
  CANDOR_ASSIGN_OR_RETURN(v.policy, r.String("policy"));
  CANDOR_ASSIGN_OR_RETURN(const Json* deadlines, r.Value("deadlines"));
  {
    domain::FieldReader d(
        *deadlines, "the cable's deadlines",
        {"acknowledge_by", "answer_by", "acknowledged", "extended", "closed", "acknowledge_overdue",
         "answer_overdue", "overdue", "acknowledge_days_left", "answer_days_left",
         "acknowledge_unit", "answer_unit", "time_zone"});
    CANDOR_RETURN_IF_ERROR(d.Shape());
    domain::CableClock& c = v.clock;
    CANDOR_ASSIGN_OR_RETURN(c.acknowledge_by, DateField(d, "acknowledge_by"));
    CANDOR_ASSIGN_OR_RETURN(c.answer_by, DateField(d, "answer_by"));
    CANDOR_ASSIGN_OR_RETURN(c.acknowledged, d.Bool("acknowledged"));
    CANDOR_ASSIGN_OR_RETURN(c.extended, d.Bool("extended"));
    CANDOR_ASSIGN_OR_RETURN(c.closed, d.Bool("closed"));
    CANDOR_ASSIGN_OR_RETURN(c.acknowledge_overdue, d.Bool("acknowledge_overdue"));
    CANDOR_ASSIGN_OR_RETURN(c.answer_overdue, d.Bool("answer_overdue"));
    CANDOR_ASSIGN_OR_RETURN(bool overdue, d.Bool("overdue"));
    if (overdue != c.overdue()) {
      return InvalidArgument("the cable's deadlines: 'overdue' disagrees with the two it sums up");
    }
    CANDOR_ASSIGN_OR_RETURN(c.acknowledge_days_left, d.Int("acknowledge_days_left"));
    CANDOR_ASSIGN_OR_RETURN(c.answer_days_left, d.Int("answer_days_left"));
    CANDOR_ASSIGN_OR_RETURN(v.acknowledge_unit, d.String("acknowledge_unit"));
    CANDOR_ASSIGN_OR_RETURN(v.answer_unit, d.String("answer_unit"));
    // Absent from servers before time zones: their days are UTC days.
    if (d.Find("time_zone") != nullptr) {
      CANDOR_ASSIGN_OR_RETURN(v.time_zone, d.String("time_zone"));
      CANDOR_RETURN_IF_ERROR(domain::ValidateTimeZoneName(v.time_zone));
    }
  }
  CANDOR_ASSIGN_OR_RETURN(const Json* header, r.Value("header"));
  CANDOR_ASSIGN_OR_RETURN(v.header, domain::CableHeaderFromJson(*header));
  if (v.header.id != v.id || domain::CableAuthorName(v.header.author) != author) {
    return InvalidArgument("the cable's 'id' or 'author' disagrees with its header");
  }
  CANDOR_ASSIGN_OR_RETURN(v.header_bytes, r.Hex("header_bytes"));
  CANDOR_ASSIGN_OR_RETURN(v.submission_digest, r.Fixed<crypto::Digest32>("submission_digest"));
  CANDOR_ASSIGN_OR_RETURN(v.quota_slot, r.Unsigned("quota_slot"));
  CANDOR_ASSIGN_OR_RETURN(const Json* events, r.Value("events"));
  if (!events->is_array()) return InvalidArgument("'events' in the cable must be a list");
  for (std::size_t i = 0; i < events->size(); ++i) {
    CANDOR_ASSIGN_OR_RETURN(CableEventView e, CableEventFromJson((*events)[i], i));
    v.events.push_back(std::move(e));
  }
  CANDOR_ASSIGN_OR_RETURN(v.envelope, OptionalHex(r, "envelope"));
  CANDOR_ASSIGN_OR_RETURN(v.signature, OptionalHex(r, "signature"));
  CANDOR_ASSIGN_OR_RETURN(v.quota_signature, OptionalHex(r, "quota_signature"));
  CANDOR_ASSIGN_OR_RETURN(v.author_signature, OptionalHex(r, "author_signature"));
  return v;
}

Result<CableQuotaView> QuotaFromJson(const Json& j, std::uint64_t max_slots) {
  domain::FieldReader r(j, "the quota", {"window", "window_ms", "window_ends_ms", "slots", "used"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CableQuotaView q;
  CANDOR_ASSIGN_OR_RETURN(q.window, r.Unsigned("window"));
  CANDOR_ASSIGN_OR_RETURN(q.window_ms, r.Int("window_ms"));
  CANDOR_ASSIGN_OR_RETURN(q.window_ends_ms, r.Int("window_ends_ms"));
  CANDOR_ASSIGN_OR_RETURN(q.slots, r.Unsigned("slots"));
  if (q.slots > max_slots) {
    return InvalidArgument("the quota has " + std::to_string(q.slots) + " slots, more than " +
                           std::to_string(max_slots));
  }
  CANDOR_ASSIGN_OR_RETURN(const Json* used, r.Value("used"));
  if (!used->is_array() || used->size() > q.slots) {
    return InvalidArgument("'used' in the quota must be a list of at most its slots");
  }
  for (std::size_t i = 0; i < used->size(); ++i) {
    domain::FieldReader u((*used)[i], "used slot " + std::to_string(i), {"slot", "tag"});
    CANDOR_RETURN_IF_ERROR(u.Shape());
    CANDOR_ASSIGN_OR_RETURN(std::int64_t slot, u.Int("slot"));
    CANDOR_ASSIGN_OR_RETURN(crypto::Point tag, u.Fixed<crypto::Point>("tag"));
    q.used.emplace_back(slot, tag);
  }
  return q;
}

Result<crypto::Bytes> HexField(const std::string& hex, const char* field) {
  auto b = crypto::FromHex(hex);
  if (!b.ok()) return InvalidArgument(std::string("'") + field + "' is not valid hex");
  return b;
}

Result<CableSubmission> CableSubmissionFromJson(const Json& body) {
  Json header;
  std::string envelope, signature, quota_signature;
  std::uint64_t slot = 0;
  std::optional<std::string> author_signature;
  domain::FieldReader f(body, "the request");
  f.Required("header", header);
  f.Required("envelope", envelope);
  f.Required("signature", signature);
  f.Required("quota_slot", slot);
  f.Required("quota_signature", quota_signature);
  f.Optional("author_signature", author_signature);
  CANDOR_RETURN_IF_ERROR(f.Finish());
  CableSubmission sub;
  CANDOR_ASSIGN_OR_RETURN(sub.header, domain::CableHeaderFromJson(header));
  CANDOR_ASSIGN_OR_RETURN(sub.envelope, HexField(envelope, "envelope"));
  CANDOR_ASSIGN_OR_RETURN(sub.signature, HexField(signature, "signature"));
  sub.quota_slot = slot;
  CANDOR_ASSIGN_OR_RETURN(sub.quota_signature, HexField(quota_signature, "quota_signature"));
  if (author_signature) {
    CANDOR_ASSIGN_OR_RETURN(sub.author_signature, crypto::FixedFromHex<crypto::Signature64>(
                                                      *author_signature, "author_signature"));
  }
  return sub;
}

Json NotificationsToJson(const std::vector<store::NotificationRecord>& list) {
  Json out = Json::array();
  for (const auto& n : list) {
    out.push_back({{"id", n.id},
                   {"cable_id", crypto::ToHex(crypto::ByteSpan(n.cable_id))},
                   {"kind", n.kind},
                   {"deadline", domain::FormatDate(domain::CivilFromDays(n.deadline_day))},
                   {"days_before", n.days_before},
                   {"created_at_ms", n.created_at_ms},
                   {"delivered", n.delivered}});
  }
  return Json{{"notifications", std::move(out)}};
}

Result<std::vector<store::NotificationRecord>> NotificationsFromJson(const Json& j) {
  domain::FieldReader r(j, "the notifications", {"notifications"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CANDOR_ASSIGN_OR_RETURN(const Json* list, r.Value("notifications"));
  if (!list->is_array()) return InvalidArgument("'notifications' must be a list");
  std::vector<store::NotificationRecord> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    domain::FieldReader n(
        (*list)[i], "notification " + std::to_string(i),
        {"id", "cable_id", "kind", "deadline", "days_before", "created_at_ms", "delivered"});
    CANDOR_RETURN_IF_ERROR(n.Shape());
    store::NotificationRecord rec;
    CANDOR_ASSIGN_OR_RETURN(rec.id, n.Int("id"));
    CANDOR_ASSIGN_OR_RETURN(auto id, n.Fixed<domain::CableId>("cable_id"));
    rec.cable_id.assign(id.begin(), id.end());
    CANDOR_ASSIGN_OR_RETURN(rec.kind, n.String("kind"));
    if (rec.kind != "acknowledge-due" && rec.kind != "answer-due" &&
        rec.kind != "acknowledge-overdue" && rec.kind != "answer-overdue") {
      return InvalidArgument("'kind' of " + n.what() + " is not a kind of notification");
    }
    CANDOR_ASSIGN_OR_RETURN(std::string deadline, n.String("deadline"));
    CANDOR_ASSIGN_OR_RETURN(domain::Date date, domain::ParseDate(deadline));
    rec.deadline_day = domain::DaysFromCivil(date);
    CANDOR_ASSIGN_OR_RETURN(rec.days_before, n.Int("days_before"));
    CANDOR_ASSIGN_OR_RETURN(rec.created_at_ms, n.Int("created_at_ms"));
    CANDOR_ASSIGN_OR_RETURN(rec.delivered, n.Bool("delivered"));
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace candor::app::api
