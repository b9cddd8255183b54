// The Candor service: every operation the HTTP API and the operator commands perform, as
// plain functions over the store. Each write runs in one store transaction that also appends
// its log entries and signs the new tree head, and it returns only after Commit() succeeded:
// an acknowledged action is durable.
//
// Thread safety: thread-safe (each call uses its own transaction; the store serializes
// writers). Owns nothing but its configuration; the store, clock and rng must outlive it.
#ifndef CANDOR_SERVER_APP_SERVICE_H_
#define CANDOR_SERVER_APP_SERVICE_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/password.h"
#include "crypto/rng.h"
#include "log/tree_head.h"
#include "server/app/clock.h"
#include "store/store.h"

namespace candor::app {

struct ServiceConfig {
  std::int64_t session_ttl_ms = 8LL * 3600 * 1000;       // absolute lifetime of a session
  int login_max_failures = 5;                             // then the account name is locked…
  std::int64_t login_lockout_ms = 15LL * 60 * 1000;       // …for this long
  std::int64_t invitation_default_hours = 72;
  std::int64_t invitation_max_hours = 30 * 24;
  crypto::PasswordCost password_cost = crypto::PasswordCost::kModerate;
  std::string totp_issuer = "Candor";
};

// A signed-in person, as handlers see them.
struct Principal {
  store::AccountRecord account;
  std::string organization_slug;
  std::string csrf_token;
  store::Blob token_hash;
  bool HasRole(std::uint32_t role) const { return (account.roles & role) != 0; }
};

struct LoginResult {
  std::string session_token;  // goes into the cookie; only its hash is stored
  Principal principal;
};

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

  const crypto::SignPublicKey& log_public_key() const { return log_key_.public_key; }
  store::Store& store() { return store_; }
  const Clock& clock() const { return clock_; }

  // --- Operator actions (the `candor admin` commands; no HTTP) ---
  // Creates an organization with the default settings (or `settings_json`) and logs it.
  Result<std::int64_t> CreateOrganization(const std::string& slug, const std::string& name,
                                          std::optional<std::string> settings_json, bool demo);
  // Creates a named account. REQUIRES: roles ⊆ all Role bits, at least one.
  Result<std::int64_t> CreateAccount(const std::string& organization_slug,
                                     const std::string& username, const std::string& password,
                                     std::uint32_t roles);

  // --- Sessions ---
  Result<LoginResult> Login(const std::string& organization_slug, const std::string& username,
                            const std::string& password, const std::optional<std::string>& totp);
  // The principal of a valid, unexpired session with the second factor done.
  Result<Principal> Authenticate(std::string_view session_token);
  Status Logout(const Principal& who);
  // Starts TOTP enrolment: returns (base32 secret, otpauth URI); active after ConfirmTotp.
  Result<std::pair<std::string, std::string>> BeginTotp(const Principal& who);
  Status ConfirmTotp(const Principal& who, const std::string& code);

  // --- Organizations (public reads) ---
  Result<std::vector<store::OrganizationRecord>> ListOrganizations();
  Result<store::OrganizationRecord> GetOrganization(std::string_view slug);

  // --- Rosters ---
  // version 0 or unset: latest.
  Result<RosterView> GetRoster(std::string_view slug, std::optional<std::int64_t> version);
  Result<std::vector<store::RosterEventRecord>> RosterHistory(std::string_view slug);
  // Anonymous: redeems a one-time invitation with the member's public keys.
  Result<EnrollResult> Enroll(std::string_view slug, std::string_view invitation_code,
                              const crypto::Point& ring_public,
                              const crypto::BoxPublicKey& reply_public);
  Result<EnrollResult> RemoveMember(const Principal& who, std::string_view slug,
                                    const crypto::Point& ring_public);

  // --- Staff ---
  // Returns the code (shown once) and its expiry.
  Result<std::pair<std::string, std::int64_t>> IssueInvitation(const Principal& who,
                                                               std::string_view slug,
                                                               std::optional<std::int64_t> hours);
  Result<std::int64_t> CountOpenInvitations(const Principal& who, std::string_view slug);
  Result<std::vector<store::AccountRecord>> ListAccounts(const Principal& who, std::string_view slug);
  Result<std::int64_t> AddAccount(const Principal& who, std::string_view slug,
                                  const std::string& username, const std::string& password,
                                  std::uint32_t roles);
  Status UpdateAccount(const Principal& who, std::string_view slug, std::int64_t account_id,
                       std::optional<std::uint32_t> roles, std::optional<bool> disabled);
  Status UpdateSettings(const Principal& who, std::string_view slug, const std::string& settings_json);
  Result<std::vector<store::HolidayRecord>> ListHolidays(const Principal& who, std::string_view slug);
  Status ReplaceHolidays(const Principal& who, std::string_view slug,
                         std::vector<store::HolidayRecord> holidays);
  Status SetReviewerKey(const Principal& who, std::string_view slug, const crypto::BoxPublicKey& key);

  // --- Log (public reads) ---
  Result<std::optional<tlog::SignedTreeHead>> LatestTreeHead();
  Result<std::optional<tlog::SignedTreeHead>> TreeHeadAt(std::uint64_t tree_size);
  Result<std::vector<store::LogEntryRecord>> LogEntries(std::uint64_t begin, std::uint64_t end);
  struct Inclusion {
    tlog::Hash leaf_hash, root;
    std::vector<tlog::Hash> proof;
  };
  Result<Inclusion> InclusionProof(std::uint64_t index, std::uint64_t tree_size);
  struct Consistency {
    tlog::Hash old_root, new_root;
    std::vector<tlog::Hash> proof;
  };
  Result<Consistency> ConsistencyProof(std::uint64_t first, std::uint64_t second);

 private:
  // Resolves the organization and checks that `who` belongs to it and holds `role`.
  Result<store::OrganizationRecord> Authorize(store::Transaction& tx, const Principal& who,
                                              std::string_view slug, std::uint32_t role);
  Result<store::OrganizationRecord> RequireOrganization(store::Transaction& tx, std::string_view slug);
  // Appends an entry and signs the new head (inside tx).
  Result<std::uint64_t> Log(store::Transaction& tx, const crypto::Bytes& entry);

  store::Store& store_;
  const Clock& clock_;
  crypto::Rng& rng_;
  std::mutex rng_mu_;  // Rng implementations are not thread-safe
  crypto::SignKeyPair log_key_;
  ServiceConfig config_;
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_SERVICE_H_
