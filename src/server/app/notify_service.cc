#include "server/app/notify_service.h"

#include <algorithm>
#include <map>

#include "crypto/at_rest.h"
#include "crypto/secret.h"
#include "notify/digest.h"
#include "notify/openpgp.h"
#include "notify/outbound.h"
#include "server/app/service_internal.h"

namespace candor::app {
namespace {

constexpr std::size_t kWebhookSecretBytes = 32;
constexpr std::int64_t kDeliveriesShown = 200;
constexpr std::size_t kMaxErrorText = 500;
constexpr const char* kSubject = "Candor daily digest";

std::string WebhookAd(std::int64_t organization_id) {
  return "candor/v1/webhook-secret/" + std::to_string(organization_id);
}

crypto::ByteSpan Span(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string Truncated(std::string s) {
  if (s.size() > kMaxErrorText) s.resize(kMaxErrorText);
  return s;
}

// Digests go to enabled reviewer accounts only (a key is not needed: one without a key is told
// that nothing waits, as nothing is sealed to it).
bool IsActiveReviewer(const std::optional<store::AccountRecord>& account) {
  return account && !account->disabled && (account->roles & store::kRoleReviewer) != 0;
}

// What a reviewer has to do, from the cables they read now (CableService::ListCables): to
// acknowledge, or (once acknowledged) to answer, with the deadline.
std::vector<notify::DigestItem> ItemsOf(const std::vector<CableView>& cables) {
  std::vector<notify::DigestItem> items;
  for (const auto& v : cables) {
    if (v.clock.closed || v.purged || !v.published) continue;
    notify::DigestItem item;
    item.cable = crypto::ToHex(v.id);
    if (!v.clock.acknowledged) {
      item.kind = notify::DigestItem::Kind::kAcknowledge;
      item.due = v.clock.acknowledge_by;
      item.overdue = v.clock.acknowledge_overdue;
    } else {
      item.kind = notify::DigestItem::Kind::kAnswer;
      item.due = v.clock.answer_by;
      item.overdue = v.clock.answer_overdue;
    }
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace

NotifyService::NotifyService(ServiceCore& core, CableService& cables)
    : core_(core),
      cables_(cables),
      store_(core.store()),
      clock_(core.clock()),
      config_(core.config()),
      webhook_key_(
          crypto::DeriveAtRestKey(core.log_key().secret_key, "candor/v1/webhook-at-rest")) {}

Result<NotifySettingsView> NotifyService::Settings(const Principal& who, std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleAdministrator));
  CANDOR_ASSIGN_OR_RETURN(auto stored, tx->FindNotifySettings(org.id));
  NotifySettingsView v;
  v.mail_server = config_.smtp.has_value();
  if (stored) {
    v.enabled = stored->enabled;
    v.digest_hour = stored->digest_hour;
    v.webhook_url = stored->webhook_url;
    v.webhook_secret_set = stored->webhook_secret.has_value();
  }
  return v;
}

Result<std::optional<std::string>> NotifyService::ChangeSettings(
    const Principal& who, std::string_view slug, const NotifySettingsChange& change) {
  if (change.digest_hour < 0 || change.digest_hour > 23) {
    return InvalidArgument("the digest hour is 0 to 23 (the organization's local time)");
  }
  if (change.webhook_url) CANDOR_RETURN_IF_ERROR(notify::ValidateWebhookUrl(*change.webhook_url));
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleAdministrator));
  CANDOR_ASSIGN_OR_RETURN(auto stored, tx->FindNotifySettings(org.id));
  store::NotifySettingsRecord rec;
  rec.organization_id = org.id;
  rec.enabled = change.enabled;
  rec.digest_hour = change.digest_hour;
  rec.webhook_url = change.webhook_url;
  if (stored) rec.webhook_secret = stored->webhook_secret;
  std::optional<std::string> shown;
  if (!change.webhook_url) {
    rec.webhook_secret.reset();  // no webhook, no secret: a new url gets a new one
  } else if (change.new_webhook_secret || !rec.webhook_secret) {
    crypto::Bytes secret(kWebhookSecretBytes);
    core_.WithRng([&](crypto::Rng& rng) {
      rng.Fill(secret);
      const std::string ad = WebhookAd(org.id);
      rec.webhook_secret =
          internal::ToBlob(crypto::SealAtRest(webhook_key_, Span(ad), secret, rng));
    });
    shown = crypto::ToHex(secret);
    crypto::WipeMemory(secret.data(), secret.size());
  }
  CANDOR_RETURN_IF_ERROR(tx->PutNotifySettings(rec));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return shown;
}

Result<std::vector<DeliveryView>> NotifyService::Deliveries(const Principal& who,
                                                            std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleAdministrator));
  CANDOR_ASSIGN_OR_RETURN(auto rows, tx->ListDeliveries(org.id, kDeliveriesShown));
  CANDOR_ASSIGN_OR_RETURN(auto accounts, tx->ListAccounts(org.id));
  std::map<std::int64_t, std::string> names;
  for (const auto& a : accounts) names.emplace(a.id, a.username);
  std::vector<DeliveryView> out;
  out.reserve(rows.size());
  for (auto& r : rows) {
    DeliveryView v;
    if (r.account_id == 0) {
      v.recipient = "webhook";
    } else {
      auto it = names.find(r.account_id);
      v.recipient =
          it == names.end() ? "(account " + std::to_string(r.account_id) + ")" : it->second;
    }
    v.record = std::move(r);
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::optional<NotifyAddressView>> NotifyService::MyAddress(const Principal& who,
                                                                  std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_RETURN_IF_ERROR(core_.Authorize(*tx, who, slug, store::kRoleReviewer));
  CANDOR_ASSIGN_OR_RETURN(auto a, tx->FindNotifyAddress(who.account.id));
  if (!a) return std::optional<NotifyAddressView>();
  return std::optional<NotifyAddressView>(NotifyAddressView{a->email, a->openpgp_fingerprint});
}

Status NotifyService::SetMyAddress(const Principal& who, std::string_view slug,
                                   const std::string& email,
                                   const std::optional<std::string>& openpgp_key) {
  CANDOR_RETURN_IF_ERROR(notify::ValidateMailAddress(email));
  std::optional<std::string> fingerprint;
  if (openpgp_key) {
    CANDOR_ASSIGN_OR_RETURN(notify::OpenPgpKey key, notify::CheckOpenPgpKey(*openpgp_key));
    fingerprint = key.fingerprint;
  }
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleReviewer));
  CANDOR_RETURN_IF_ERROR(
      tx->PutNotifyAddress({who.account.id, org.id, email, openpgp_key, fingerprint}));
  return tx->Commit();
}

Status NotifyService::RemoveMyAddress(const Principal& who, std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_RETURN_IF_ERROR(core_.Authorize(*tx, who, slug, store::kRoleReviewer));
  CANDOR_RETURN_IF_ERROR(tx->DeleteNotifyAddress(who.account.id));
  return tx->Commit();
}

Result<std::size_t> NotifyService::QueueDigests() {
  const std::int64_t now = clock_.NowMs();
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto enabled, tx->ListEnabledNotifySettings());
  std::size_t queued = 0;
  for (const auto& s : enabled) {
    CANDOR_ASSIGN_OR_RETURN(auto org, tx->FindOrganization(s.organization_id));
    if (!org) continue;
    CANDOR_ASSIGN_OR_RETURN(TimeZone zone, internal::ZoneOf(*org));
    if (zone.LocalHour(now) < s.digest_hour) continue;  // not yet today
    const std::int64_t day = zone.LocalDay(now);
    auto queue = [&](std::int64_t account_id, const char* channel) -> Status {
      CANDOR_ASSIGN_OR_RETURN(
          bool inserted,
          tx->InsertDelivery({0, org->id, account_id, channel, day, "pending", 0, now, {}}));
      if (inserted) ++queued;
      return Status::Ok();
    };
    CANDOR_ASSIGN_OR_RETURN(auto addresses, tx->ListNotifyAddresses(org->id));
    for (const auto& a : addresses) {
      CANDOR_ASSIGN_OR_RETURN(auto account, tx->FindAccount(a.account_id));
      if (!IsActiveReviewer(account)) continue;
      CANDOR_RETURN_IF_ERROR(queue(a.account_id, "email"));
    }
    if (s.webhook_url) CANDOR_RETURN_IF_ERROR(queue(0, "webhook"));
  }
  // Rows older than kDeliveryKeptDays (by UTC days; a zone moves that by a day at most).
  CANDOR_RETURN_IF_ERROR(tx->DeleteDeliveriesBefore(now / 86'400'000 - kDeliveryKeptDays));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return queued;
}

Status NotifyService::DeliverMail(const store::DeliveryRecord& d, const OrganizationNow& now) {
  const store::OrganizationRecord& org = now.record;
  if (!config_.smtp) {
    return Error(ErrorCode::kFailedPrecondition,
                 "this server has no mail server to send through (candor serve --smtp-url)");
  }
  std::optional<store::AccountRecord> account;
  std::optional<store::NotifyAddressRecord> address;
  {
    CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
    CANDOR_ASSIGN_OR_RETURN(account, tx->FindAccount(d.account_id));
    CANDOR_ASSIGN_OR_RETURN(address, tx->FindNotifyAddress(d.account_id));
  }
  if (!IsActiveReviewer(account)) {
    return Error(ErrorCode::kFailedPrecondition, "the account is no longer an active reviewer");
  }
  if (!address) return Error(ErrorCode::kFailedPrecondition, "the reviewer removed their address");
  Principal as_reviewer{*account, org.slug, {}, {}};
  CANDOR_ASSIGN_OR_RETURN(auto cables, cables_.ListCables(as_reviewer, org.slug, false));
  notify::Digest digest;
  digest.organization = org.name;
  digest.day = domain::CivilFromDays(d.day);
  digest.time_zone = now.zone.name();
  digest.link = config_.public_url;
  digest.items = ItemsOf(cables);

  crypto::Bytes random(32);
  core_.WithRng([&](crypto::Rng& rng) { rng.Fill(random); });
  const std::string hex = crypto::ToHex(random);
  notify::MailHeaders headers{config_.smtp->from, address->email, kSubject,
                              notify::MailDate(clock_.NowMs()), hex.substr(0, 32) + "@candor"};
  std::string message;
  if (address->openpgp_key) {
    const std::string inner = notify::EncryptedPartPlaintext(notify::DetailedDigestText(digest));
    CANDOR_ASSIGN_OR_RETURN(std::string armored,
                            notify::EncryptToOpenPgpKey(*address->openpgp_key, inner));
    message = notify::EncryptedMail(headers, armored, "candor-" + hex.substr(32));
  } else {
    message = notify::PlainMail(headers, notify::PlainDigestText(digest));
  }
  return notify::SendMail(*config_.smtp, address->email, message);
}

Status NotifyService::DeliverWebhook(const store::DeliveryRecord& d,
                                     const store::OrganizationRecord& org,
                                     const store::NotifySettingsRecord& settings) {
  if (!settings.webhook_url || !settings.webhook_secret) {
    return Error(ErrorCode::kFailedPrecondition, "the organization has no webhook any more");
  }
  auto secret = crypto::OpenAtRest(webhook_key_, Span(WebhookAd(org.id)), *settings.webhook_secret);
  if (!secret.ok()) {
    return Error(ErrorCode::kCorrupt, "the webhook's secret does not open: set a new one");
  }
  CANDOR_ASSIGN_OR_RETURN(CableStats counts, cables_.CableCounts(org.slug));
  const std::string body =
      notify::WebhookBody(org.slug, domain::CivilFromDays(d.day), counts.open, counts.overdue);
  const std::string signature = notify::WebhookSignature(*secret, clock_.NowMs() / 1000, body);
  crypto::WipeMemory(secret->data(), secret->size());
  return notify::PostWebhook(*settings.webhook_url, body, signature);
}

Status NotifyService::Deliver(const store::DeliveryRecord& d, const OrganizationNow* org) {
  if (org == nullptr) return Error(ErrorCode::kFailedPrecondition, "the organization is gone");
  std::optional<store::NotifySettingsRecord> settings;
  {
    CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
    CANDOR_ASSIGN_OR_RETURN(settings, tx->FindNotifySettings(d.organization_id));
  }
  if (!settings || !settings->enabled) {
    return Error(ErrorCode::kFailedPrecondition, "notifications were turned off");
  }
  if (d.channel == "webhook") return DeliverWebhook(d, org->record, *settings);
  return DeliverMail(d, *org);
}

Result<NotifyService::Report> NotifyService::RunNotifyJobs() {
  Report report;
  CANDOR_ASSIGN_OR_RETURN(report.queued, QueueDigests());
  std::vector<store::DeliveryRecord> due;
  std::map<std::int64_t, OrganizationNow> orgs;  // read once for all their deliveries
  {
    CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
    CANDOR_ASSIGN_OR_RETURN(due, tx->ListDueDeliveries(clock_.NowMs()));
    for (const auto& d : due) {
      if (orgs.count(d.organization_id) != 0) continue;
      CANDOR_ASSIGN_OR_RETURN(auto org, tx->FindOrganization(d.organization_id));
      if (!org) continue;
      CANDOR_ASSIGN_OR_RETURN(TimeZone zone, internal::ZoneOf(*org));
      const std::int64_t today = zone.LocalDay(clock_.NowMs());
      orgs.emplace(d.organization_id, OrganizationNow{std::move(*org), std::move(zone), today});
    }
  }
  for (auto d : due) {
    auto it = orgs.find(d.organization_id);
    const OrganizationNow* org = it == orgs.end() ? nullptr : &it->second;
    Status sent = Status::Ok();
    if (org != nullptr && d.day < org->today) {
      // A digest retried into the next day is dropped: today's replaces it, and two in a day
      // would stand out.
      d.state = "superseded";
    } else {
      sent = Deliver(d, org);
      ++d.attempts;
      if (sent.ok()) {
        d.state = "sent";
        d.last_error.reset();
        ++report.sent;
      } else {
        d.last_error = Truncated(sent.error().message());
        const auto tries = static_cast<std::size_t>(d.attempts);
        const bool permanent = sent.error().code() == ErrorCode::kFailedPrecondition;
        if (permanent || tries > kDeliveryRetryMinutes.size()) {
          d.state = "failed";
          ++report.failed;
        } else {
          d.next_attempt_ms = clock_.NowMs() + kDeliveryRetryMinutes.at(tries - 1) * 60'000;
        }
      }
    }
    CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
    CANDOR_RETURN_IF_ERROR(tx->UpdateDelivery(d));
    CANDOR_RETURN_IF_ERROR(tx->Commit());
  }
  return report;
}

}  // namespace candor::app
