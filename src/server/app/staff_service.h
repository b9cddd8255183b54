// Named accounts and what their holders do outside letters and cables: sessions (passwords,
// throttling, TOTP, CSRF tokens), invitations, accounts and roles, the organization's settings
// and holidays, and reviewers' keys (issue 13: split out of app::Service; its tests beside it,
// staff_service_test.cc).
//
// Thread safety: thread-safe (each call is its own store transaction).
#ifndef CANDOR_SERVER_APP_STAFF_SERVICE_H_
#define CANDOR_SERVER_APP_STAFF_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/log_entry.h"
#include "server/app/password_gate.h"
#include "server/app/service_core.h"

namespace candor::app {

struct LoginResult {
  std::string session_token;  // goes into the cookie; only its hash is stored
  Principal principal;
};

class StaffService {
 public:
  explicit StaffService(ServiceCore& core);

  // --- Operator actions (the `candor admin` commands; no HTTP) ---
  // Creates a named account. REQUIRES: roles ⊆ all Role bits, at least one. `by` is the
  // account that creates it (AddAccount), or 0 for the operator's command line; a
  // "staff-account" log entry records it in the same transaction.
  Result<std::int64_t> CreateAccount(const std::string& organization_slug,
                                     const std::string& username, const std::string& password,
                                     std::uint32_t roles, std::int64_t by = 0);

  // --- Sessions ---
  // Signs in. `source` is the client's address (named routes only; empty when unknown):
  // failures are throttled per (organization, username, source). A username that breaks
  // the username rule is refused before anything is read or hashed.
  Result<LoginResult> Login(const std::string& organization_slug, const std::string& username,
                            const std::string& password, const std::optional<std::string>& totp,
                            std::string_view source = {});
  // The principal of a valid, unexpired session with the second factor done.
  Result<Principal> Authenticate(std::string_view session_token);
  Status Logout(const Principal& who);
  // Ends every session of the account, this one included ("sign out everywhere", L2).
  Status LogoutEverywhere(const Principal& who);
  // Starts TOTP enrolment: returns (base32 secret, otpauth URI); active after ConfirmTotp.
  // Needs the account's password again, and the current code (or a recovery code) when a
  // second factor is set already: a session alone cannot enrol or replace it. Unauthenticated
  // otherwise.
  Result<std::pair<std::string, std::string>> BeginTotp(
      const Principal& who, const std::string& password,
      const std::optional<std::string>& current_code);
  // Makes the pending second factor the account's, and returns ten recovery codes (shown once;
  // each stands in for one TOTP code, at sign-in or here in BeginTotp, then is spent; a new
  // confirmation replaces them). Only their hashes are stored.
  Result<std::vector<std::string>> ConfirmTotp(const Principal& who, const std::string& code);

  // --- Staff ---
  // Returns the code (shown once) and its expiry.
  Result<std::pair<std::string, std::int64_t>> IssueInvitation(const Principal& who,
                                                               std::string_view slug,
                                                               std::optional<std::int64_t> hours);
  // `count` (1 … kMaxInvitationsAtOnce) codes with one expiry, in one transaction: an officer
  // enrolling a whole office prints them at once (issue 12).
  static constexpr std::int64_t kMaxInvitationsAtOnce = 1000;
  Result<std::pair<std::vector<std::string>, std::int64_t>> IssueInvitations(
      const Principal& who, std::string_view slug, std::optional<std::int64_t> hours,
      std::int64_t count);
  Result<std::int64_t> CountOpenInvitations(const Principal& who, std::string_view slug);
  Result<std::vector<store::AccountRecord>> ListAccounts(const Principal& who,
                                                         std::string_view slug);
  Result<std::int64_t> AddAccount(const Principal& who, std::string_view slug,
                                  const std::string& username, const std::string& password,
                                  std::uint32_t roles);
  Status UpdateAccount(const Principal& who, std::string_view slug, std::int64_t account_id,
                       std::optional<std::uint32_t> roles, std::optional<bool> disabled);
  Status UpdateSettings(const Principal& who, std::string_view slug,
                        const std::string& settings_json);
  Result<std::vector<store::HolidayRecord>> ListHolidays(const Principal& who,
                                                         std::string_view slug);
  Status ReplaceHolidays(const Principal& who, std::string_view slug,
                         std::vector<store::HolidayRecord> holidays);
  // What a reviewer's client needs to prove possession of its key: the server's X25519 key for
  // these proofs and the account the proof is bound to (domain::ReviewerKeyProofContext).
  struct ReviewerKeyChallenge {
    crypto::BoxPublicKey server_public;
    std::int64_t account_id = 0;
  };
  Result<ReviewerKeyChallenge> ReviewerKeyChallengeFor(const Principal& who, std::string_view slug);
  // Registers the reviewer's X25519 key. Refused (kInvalidArgument) unless the key is
  // crypto::IsValidBoxPublicKey (canonical, not of small order) and differs from every other
  // reviewer key of the organization; refused (kVerificationFailed) unless `proof` proves
  // possession of its secret (crypto::VerifyBoxKeyPossession). A small-order or copied key
  // would make every author's envelope fail, silently closing the cable channel; a key whose
  // secret someone else holds would hand them every cable (security review M7).
  Status SetReviewerKey(const Principal& who, std::string_view slug,
                        const crypto::BoxPublicKey& key, const crypto::Digest32& proof);

 private:
  // Logs the account as it now is ("staff-account"), in the caller's transaction.
  Status LogStaffAccount(store::Transaction& tx, const store::OrganizationRecord& org,
                         const store::AccountRecord& account, domain::StaffAccountChange change,
                         std::int64_t by);

  ServiceCore& core_;
  store::Store& store_;
  const Clock& clock_;
  const ServiceConfig& config_;
  PasswordGate password_gate_;
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_STAFF_SERVICE_H_
