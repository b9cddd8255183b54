// Notifications that leave the server (issue 15, item 5): a daily digest for each reviewer by
// e-mail, encrypted with OpenPGP when the reviewer gives a key, and a signed webhook for the
// organization; both configured by the organization, addresses by each reviewer, and every
// delivery, with its attempts and last error, visible to administrators.
//
// What they may leak, and how they do not (docs/PROTOCOL.md, "Notifications"):
//  - no message names a cable's content, subject, author or channel; a clear-text digest says
//    only whether something waits; an encrypted one lists cable ids and deadline dates; the
//    webhook carries the organization's public counts;
//  - a digest goes to every reviewer with an address once a day, at the organization's hour,
//    whether or not anything waits, and has the same size every day (notify/digest.h): its
//    existence, moment and size do not say that a cable arrived;
//  - the store keeps no cable in a delivery row: who, which channel, which day, how it went.
//
// Thread safety: thread-safe; RunNotifyJobs is run by one thread (the notifier's).
#ifndef CANDOR_SERVER_APP_NOTIFY_SERVICE_H_
#define CANDOR_SERVER_APP_NOTIFY_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/calendar.h"
#include "server/app/cable_service.h"
#include "server/app/service_core.h"
#include "server/app/time_zone.h"

namespace candor::app {

// A failed delivery is tried again after these waits, then given up ("failed").
inline constexpr std::array<std::int64_t, 5> kDeliveryRetryMinutes = {5, 15, 60, 180, 360};
// Delivery rows are kept this many days, then deleted.
inline constexpr std::int64_t kDeliveryKeptDays = 90;

struct NotifySettingsView {
  bool enabled = false;
  std::int64_t digest_hour = 8;
  std::optional<std::string> webhook_url;
  bool webhook_secret_set = false;
  bool mail_server = false;  // whether this server has a mail server to send through
};

struct NotifySettingsChange {
  bool enabled = false;
  std::int64_t digest_hour = 8;            // 0 … 23, the organization's local hour
  std::optional<std::string> webhook_url;  // unset: no webhook
  bool new_webhook_secret = false;         // make a new secret (one is made with a first url)
};

struct NotifyAddressView {
  std::string email;
  std::optional<std::string> openpgp_fingerprint;
};

struct DeliveryView {
  store::DeliveryRecord record;
  std::string recipient;  // the reviewer's username, or "webhook"
};

class NotifyService {
 public:
  NotifyService(ServiceCore& core, CableService& cables);

  // Administrators.
  Result<NotifySettingsView> Settings(const Principal& who, std::string_view slug);
  // Returns the webhook's new secret (64 hex digits) when one was made: shown this once, kept
  // sealed at rest.
  Result<std::optional<std::string>> ChangeSettings(const Principal& who, std::string_view slug,
                                                    const NotifySettingsChange& change);
  // The newest deliveries (at most 200), newest first.
  Result<std::vector<DeliveryView>> Deliveries(const Principal& who, std::string_view slug);

  // Reviewers: where their own digest goes. An OpenPGP key must pass notify::CheckOpenPgpKey.
  Result<std::optional<NotifyAddressView>> MyAddress(const Principal& who, std::string_view slug);
  Status SetMyAddress(const Principal& who, std::string_view slug, const std::string& email,
                      const std::optional<std::string>& openpgp_key);
  Status RemoveMyAddress(const Principal& who, std::string_view slug);

  // The notifier's job (run every minute or so): queues today's digests of each organization
  // whose local hour has come, then sends every delivery that is due, each outside any store
  // transaction, and records how it went (retried after kDeliveryRetryMinutes, then failed).
  struct Report {
    std::size_t queued = 0, sent = 0, failed = 0;
  };
  Result<Report> RunNotifyJobs();

 private:
  Result<std::size_t> QueueDigests();
  // Sends one delivery; the error says why not.
  // An organization as a run of the job finds it: read once for all its deliveries.
  struct OrganizationNow {
    store::OrganizationRecord record;
    TimeZone zone;
    std::int64_t today = 0;  // its day now
  };
  // `org`: null when the organization is gone.
  Status Deliver(const store::DeliveryRecord& d, const OrganizationNow* org);
  Status DeliverMail(const store::DeliveryRecord& d, const OrganizationNow& org);
  Status DeliverWebhook(const store::DeliveryRecord& d, const store::OrganizationRecord& org,
                        const store::NotifySettingsRecord& settings);

  ServiceCore& core_;
  CableService& cables_;
  store::Store& store_;
  const Clock& clock_;
  const ServiceConfig& config_;
  crypto::SymmetricKey webhook_key_;  // seals webhook secrets at rest
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_NOTIFY_SERVICE_H_
