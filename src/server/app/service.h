// The Candor service: every operation the HTTP API and the operator commands perform, as
// plain functions over the store. Each write runs in one store transaction that also appends
// its log entries and signs the new tree head, and it returns only after Commit() succeeded:
// an acknowledged action is durable.
//
// Service itself holds organizations, rosters and enrollment, the organization state, web
// releases and the batch; each other feature is its own service with a small interface and its
// tests beside it (issue 13), reached through it: staff() (sessions, accounts, settings,
// reviewer keys), letters(), cables(), notify() (notifications that leave the server) and
// log(). They share one ServiceCore (service_core.h).
//
// Thread safety: thread-safe (each call uses its own transaction; the store serializes
// writers). The store, clock and rng must outlive it.
#ifndef CANDOR_SERVER_APP_SERVICE_H_
#define CANDOR_SERVER_APP_SERVICE_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "server/app/cable_service.h"
#include "server/app/letter_service.h"
#include "server/app/log_service.h"
#include "server/app/notify_service.h"
#include "server/app/service_core.h"
#include "server/app/staff_service.h"
#include "server/app/stamped_cache.h"

namespace candor::app {

struct RosterView {
  std::string organization;
  std::int64_t version = 0;
  std::vector<store::RosterEventRecord> members;  // present keys, in roster order
  crypto::Digest32 digest;
};

struct EnrollResult {
  std::int64_t version = 0;
  std::int64_t roster_size = 0;
  std::uint64_t log_index = 0;
};

class Service {
 public:
  Service(store::Store& store, const Clock& clock, crypto::Rng& rng, crypto::SignKeyPair log_key,
          ServiceConfig config = {});

  const crypto::SignPublicKey& log_public_key() const { return core_.log_key().public_key; }
  store::Store& store() { return store_; }
  const ServiceConfig& config() const { return config_; }
  const Clock& clock() const { return clock_; }

  // --- The feature services ---
  StaffService& staff() { return staff_; }
  LetterService& letters() { return letters_; }
  CableService& cables() { return cables_; }
  NotifyService& notify() { return notify_; }
  LogService& log() { return log_; }

  // --- Operator actions (the `candor admin` commands; no HTTP) ---
  // Creates an organization with the default settings (or `settings_json`) and logs it.
  Result<std::int64_t> CreateOrganization(const std::string& slug, const std::string& name,
                                          std::optional<std::string> settings_json, bool demo);
  // --- Organizations (public reads) ---
  Result<std::vector<store::OrganizationRecord>> ListOrganizations();
  Result<store::OrganizationRecord> GetOrganization(std::string_view slug);

  // --- Rosters ---
  // version 0 or unset: latest.
  Result<RosterView> GetRoster(std::string_view slug, std::optional<std::int64_t> version);
  // The latest version, its size and ring digest, without the members: O(log n) but for the
  // first call per version (the digest, kept since versions never change).
  struct RosterSummary {
    std::int64_t version = 0;
    std::int64_t size = 0;
    crypto::Digest32 digest;
  };
  Result<RosterSummary> GetRosterSummary(std::string_view slug, bool with_digest = true);
  Result<std::vector<store::RosterEventRecord>> RosterHistory(std::string_view slug);
  // Anonymous: redeems a one-time invitation with the member's public keys.
  Result<EnrollResult> Enroll(std::string_view slug, std::string_view invitation_code,
                              const crypto::Point& ring_public,
                              const crypto::BoxPublicKey& reply_public);
  Result<EnrollResult> RemoveMember(const Principal& who, std::string_view slug,
                                    const crypto::Point& ring_public);

  // --- Organizations' logged state, web releases, start-up ---
  // An organization's state as the log proves it (domain/org_state.h, candor-org-state-v1):
  // every roster entry, reviewer entry and roster epoch in the tree of page.tree_size (the
  // latest by default), with inclusion proofs, in pages like a letter bundle's.
  Result<nlohmann::json> OrganizationState(std::string_view slug, const BundlePage& page);
  // Web releases (domain/web_release.h): logs `manifest` as a "web-release" entry unless it is
  // the release logged last (run at start-up with the files the server will serve), and
  // answers the latest logged one with its log index. Error: kNotFound when none was logged.
  Status RecordWebRelease(const std::string& manifest);
  struct WebReleaseView {
    std::string manifest;
    std::uint64_t log_index = 0;
  };
  Result<WebReleaseView> LatestWebRelease();
  // Indexes the reviewer and epoch entries logged before organization_log existed (schema
  // migration 6), once, and starts each organization's first roster epoch. Run at start-up.
  Status PrepareOrganizationLog();

  // --- The batch ---
  // One transaction and one new signed tree head: the waiting co-signatures of letters whose
  // quorum is reached (LetterService::PublishWaiting), the waiting cables
  // (CableService::PublishWaiting), a roster epoch for each changed roster, and a checkpoint.
  // Then the store is compacted, so that no copy of the rows in arrival order outlives the
  // batch. Returns how many co-signatures and cables it published.
  Result<std::size_t> PublishBatch();

 private:
  Result<std::size_t> PublishBatchIn();  // PublishBatch's transaction
  Result<RosterSummary> ReadRosterSummary(std::string_view slug, bool with_digest);  // uncached

  ServiceCore core_;
  store::Store& store_;
  const Clock& clock_;
  const ServiceConfig& config_;
  LogService log_;
  StaffService staff_;
  LetterService letters_;
  CableService cables_;
  NotifyService notify_;

  // Ring digests of roster versions already computed, (organization id, version) → digest.
  // Versions never change, so an entry never goes stale; bounded by kDigestCacheEntries.
  static constexpr std::size_t kDigestCacheEntries = 256;
  std::mutex digest_mu_;
  std::map<std::pair<std::int64_t, std::int64_t>, crypto::Digest32>
      digests_;  // guarded by digest_mu_
  // Public reads kept while the store is unchanged (stamped_cache.h).
  StampedCache<std::pair<std::string, bool>, RosterSummary> roster_summaries_{64};
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_SERVICE_H_
