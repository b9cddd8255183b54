// StaffService: named accounts and sessions (passwords, throttling, TOTP, CSRF tokens),
// invitations, accounts, settings, holidays and reviewer keys.
#include "server/app/staff_service.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <thread>

#include "crypto/at_rest.h"
#include "crypto/password.h"
#include "crypto/receipt.h"
#include "crypto/totp.h"
#include "crypto/transcript.h"
#include "domain/invitation.h"
#include "domain/policy.h"
#include "server/app/service_internal.h"
#include "server/app/time_zone.h"

namespace candor::app {
namespace {

using internal::ToBlob;

constexpr std::uint32_t kAllRoles =
    store::kRoleAdministrator | store::kRoleEnrollmentOfficer | store::kRoleReviewer;

store::Blob TokenHash(std::string_view token) {
  crypto::Digest32 h = crypto::H256("candor/v1/session-token", {crypto::AsBytes(token)});
  return store::Blob(h.begin(), h.end());
}

// Failures are counted per account name *and* source address: counted per name alone, anyone
// could keep a reviewer or administrator locked out for good with a few wrong passwords every
// lockout period (security review M5). Behind a proxy that hides addresses all requests share
// one source, and the count is per name again; the README says so.
std::string ThrottleKey(std::int64_t org_id, std::string_view username, std::string_view source) {
  return std::to_string(org_id) + "/" + std::string(username) + "/" + std::string(source);
}

// Second-factor secrets are stored sealed under a key derived from the log key (crypto/
// at_rest.h), bound to their account; a 32-byte value is one stored before that (raw) and is
// sealed at the account's next sign-in.
std::string TotpAd(std::int64_t account_id) {
  return "candor/v1/totp/" + std::to_string(account_id);
}

Result<crypto::Bytes> OpenTotpSecret(const crypto::SymmetricKey& key, std::int64_t account_id,
                                     const store::Blob& stored) {
  if (stored.size() == crypto::TotpSecret::kSize)
    return crypto::Bytes(stored);  // raw, from before sealing
  auto opened = crypto::OpenAtRest(key, crypto::AsBytes(TotpAd(account_id)), stored);
  if (!opened.ok()) {
    return Error(ErrorCode::kCorrupt,
                 "a stored second-factor secret does not open with this server's key");
  }
  return opened;
}

// Recovery codes (issue 15): kRecoveryCodes one-time codes of 80 random bits each, shown once
// when the second factor is confirmed, written "xxxx-xxxx-xxxx-xxxx" (base32, lowercase). Each
// stands in for one TOTP code — to sign in, or to replace a lost device — and is then spent.
// Stored as H256("candor/v1/totp/recovery", account id, code) hex, comma-separated, in the
// setting "totp-recovery/<account id>": 80 bits leave nothing to guess offline, so a fast hash
// suffices, and a stolen database holds no usable code.
constexpr int kRecoveryCodes = 10;

std::string RecoverySetting(std::int64_t account_id) {
  return "totp-recovery/" + std::to_string(account_id);
}

// The code as typed, without dashes or white space, in lowercase; empty when it cannot be one.
std::string NormalizeRecoveryCode(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return "";
    out.push_back(c);
  }
  return out.size() == 16 ? out : "";
}

std::string RecoveryHash(std::int64_t account_id, std::string_view code) {
  const std::string id = std::to_string(account_id);
  return crypto::ToHex(
      crypto::H256("candor/v1/totp/recovery", {crypto::AsBytes(id), crypto::AsBytes(code)}));
}

// Spends `typed` if it is one of the account's unspent recovery codes (in `tx`, which the
// caller commits). Compares every stored hash, in constant time each.
Result<bool> SpendRecoveryCode(store::Transaction& tx, std::int64_t account_id,
                               std::string_view typed) {
  const std::string code = NormalizeRecoveryCode(typed);
  if (code.empty()) return false;
  CANDOR_ASSIGN_OR_RETURN(auto stored, tx.GetSetting(RecoverySetting(account_id)));
  if (!stored || stored->empty()) return false;
  const std::string mine = RecoveryHash(account_id, code);
  std::string kept;
  bool found = false;
  for (std::size_t i = 0; i <= stored->size();) {
    std::size_t j = stored->find(',', i);
    if (j == std::string::npos) j = stored->size();
    const std::string_view h = std::string_view(*stored).substr(i, j - i);
    const bool same =
        h.size() == mine.size() && sodium_memcmp(h.data(), mine.data(), mine.size()) == 0;
    if (same && !found) {
      found = true;
    } else if (!h.empty()) {
      if (!kept.empty()) kept += ',';
      kept += h;
    }
    i = j + 1;
  }
  if (found) CANDOR_RETURN_IF_ERROR(tx.PutSetting(RecoverySetting(account_id), kept));
  return found;
}

// A stored TOTP step, parsed without throwing (a damaged value is the store's error).
Result<std::optional<std::uint64_t>> LastTotpStep(store::Transaction& tx, std::int64_t account_id) {
  CANDOR_ASSIGN_OR_RETURN(auto text, tx.GetSetting("totp-last-step/" + std::to_string(account_id)));
  if (!text) return std::optional<std::uint64_t>();
  std::uint64_t v = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, v);
  if (ec != std::errc() || ptr != end || text->empty()) {
    return Error(ErrorCode::kCorrupt, "a stored second-factor step is damaged");
  }
  return std::optional<std::uint64_t>(v);
}

// Usernames: 1–64 characters of [a-z0-9._-], so they are unambiguous in URLs and logs.
Status CheckUsername(std::string_view name) { return domain::ValidateUsername(name); }

// A fixed Argon2id hash of a random password, computed once per cost setting.
const std::string& DummyHash(crypto::PasswordCost cost) {
  static const std::string kModerate =
      *crypto::HashPassword("unused dummy password 1", crypto::PasswordCost::kModerate);
  static const std::string kInteractive =
      *crypto::HashPassword("unused dummy password 1", crypto::PasswordCost::kInteractive);
  return cost == crypto::PasswordCost::kModerate ? kModerate : kInteractive;
}

Error WrongCredentials() {
  // One message for an unknown organization, unknown user, wrong password or wrong code,
  // so sign-in reveals nothing about which accounts exist.
  return Error(ErrorCode::kUnauthenticated,
               "the organization, username, password or code is wrong");
}

}  // namespace

StaffService::StaffService(ServiceCore& core)
    : core_(core),
      store_(core.store()),
      clock_(core.clock()),
      config_(core.config()),
      password_gate_(config_.password_slots != 0
                         ? config_.password_slots
                         : std::max<std::size_t>(2, std::thread::hardware_concurrency() > 1
                                                        ? std::thread::hardware_concurrency() - 1
                                                        : 1),
                     std::max<std::size_t>(1, config_.password_slots_per_source)) {}

Status StaffService::LogStaffAccount(store::Transaction& tx, const store::OrganizationRecord& org,
                                     const store::AccountRecord& account,
                                     domain::StaffAccountChange change, std::int64_t by) {
  // Like the settings, not part of the organization state that authors' clients check.
  CANDOR_RETURN_IF_ERROR(
      core_.Log(tx, domain::EncodeLogEntry(domain::StaffAccountEvent{
                        org.slug, static_cast<std::uint64_t>(account.id), account.username, change,
                        account.roles, account.disabled, static_cast<std::uint64_t>(by)})));
  return Status::Ok();
}

Result<std::int64_t> StaffService::CreateAccount(const std::string& organization_slug,
                                                 const std::string& username,
                                                 const std::string& password, std::uint32_t roles,
                                                 std::int64_t by) {
  CANDOR_RETURN_IF_ERROR(CheckUsername(username));
  CANDOR_RETURN_IF_ERROR(crypto::CheckPasswordPolicy(password));
  if (roles == 0 || (roles & ~kAllRoles) != 0) return InvalidArgument("unknown or missing roles");
  CANDOR_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(password, config_.password_cost));
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.RequireOrganization(*tx, organization_slug));
  store::AccountRecord account;
  account.organization_id = org.id;
  account.username = username;
  account.password_hash = hash;
  account.roles = roles;
  auto id = tx->InsertAccount(account);
  if (!id.ok()) {
    if (id.error().code() == ErrorCode::kAlreadyExists) {
      return Error(ErrorCode::kAlreadyExists, "the username '" + username + "' is taken");
    }
    return id.error();
  }
  account.id = *id;
  CANDOR_RETURN_IF_ERROR(
      LogStaffAccount(*tx, org, account, domain::StaffAccountChange::kCreated, by));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return *id;
}

Result<LoginResult> StaffService::Login(const std::string& organization_slug,
                                        const std::string& username, const std::string& password,
                                        const std::optional<std::string>& totp,
                                        std::string_view source) {
  const std::int64_t now = clock_.NowMs();
  // A name no account can have is refused before anything is read, hashed or stored: each
  // new name used to add a throttle row of up to a megabyte (security review M5).
  if (!CheckUsername(username).ok() || source.size() > 64) return WrongCredentials();
  std::optional<store::OrganizationRecord> org;
  std::optional<store::AccountRecord> account;
  {
    CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
    CANDOR_ASSIGN_OR_RETURN(org, tx->FindOrganizationBySlug(organization_slug));
    if (!org) return WrongCredentials();
    CANDOR_ASSIGN_OR_RETURN(auto throttle,
                            tx->FindThrottle(ThrottleKey(org->id, username, source)));
    if (throttle && throttle->locked_until_ms > now) {
      return Error(ErrorCode::kResourceExhausted,
                   "too many failed sign-ins; wait " +
                       std::to_string((throttle->locked_until_ms - now) / 60000 + 1) +
                       " minutes and try again");
    }
    CANDOR_ASSIGN_OR_RETURN(account, tx->FindAccountByName(org->id, username));
  }
  // Verify outside any transaction: Argon2id is slow and must not hold the writer lock.
  // An unknown or disabled account still costs one Argon2id verification, so the response
  // time does not tell whether a username exists. At most so many at once (PasswordGate): a
  // sign-in beyond them is refused at once rather than stalling everyone else.
  auto ticket = password_gate_.TryEnter(source);
  if (!ticket) {
    return Error(ErrorCode::kResourceExhausted,
                 "the server is busy checking other sign-ins: try again in a few seconds");
  }
  bool good = false;
  if (account && !account->disabled) {
    good = crypto::VerifyPassword(account->password_hash, password).ok();
  } else {
    (void)crypto::VerifyPassword(DummyHash(config_.password_cost), password);
  }
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  // The second factor is checked, and its step recorded, inside the write transaction: read
  // in a separate one, two parallel sign-ins could both spend one code (security review M5).
  std::optional<std::uint64_t> totp_step;
  bool resealed = false;  // a raw stored secret was sealed: write the account back
  if (good && account->totp_secret) {
    if (!totp) {
      good = false;
    } else {
      CANDOR_ASSIGN_OR_RETURN(auto last, LastTotpStep(*tx, account->id));
      CANDOR_ASSIGN_OR_RETURN(crypto::Bytes key,
                              OpenTotpSecret(core_.totp_key(), account->id, *account->totp_secret));
      auto step = crypto::VerifyTotp(key, *totp, static_cast<std::uint64_t>(now / 1000), last);
      good = step.ok();
      if (good) totp_step = *step;
      if (!good) {  // a recovery code instead, spent in this transaction
        CANDOR_ASSIGN_OR_RETURN(good, SpendRecoveryCode(*tx, account->id, *totp));
      }
      if (good && account->totp_secret->size() == crypto::TotpSecret::kSize) {
        account->totp_secret = core_.WithRng([&](crypto::Rng& rng) {
          return crypto::SealAtRest(core_.totp_key(), crypto::AsBytes(TotpAd(account->id)), key,
                                    rng);
        });
        resealed = true;
      }
      crypto::Wipe(key);
    }
  }
  const std::string key = ThrottleKey(org->id, username, source);
  if (!good) {
    CANDOR_RETURN_IF_ERROR(tx->DeleteExpiredThrottles(now, config_.login_lockout_ms));
    CANDOR_ASSIGN_OR_RETURN(auto throttle, tx->FindThrottle(key));
    store::LoginThrottleRecord t = throttle.value_or(store::LoginThrottleRecord{key, 0, 0, now});
    if (t.window_start_ms + config_.login_lockout_ms <= now) {  // the last window has passed
      t.failures = 0;
      t.window_start_ms = now;
    }
    t.failures += 1;
    if (t.failures >= config_.login_max_failures) {
      t.locked_until_ms = now + config_.login_lockout_ms;
      t.failures = 0;
      t.window_start_ms = now;
    }
    CANDOR_RETURN_IF_ERROR(tx->UpsertThrottle(t));
    CANDOR_RETURN_IF_ERROR(tx->Commit());
    return WrongCredentials();
  }
  CANDOR_RETURN_IF_ERROR(tx->DeleteThrottle(key));
  if (totp_step) {
    CANDOR_RETURN_IF_ERROR(tx->PutSetting("totp-last-step/" + std::to_string(account->id),
                                          std::to_string(*totp_step)));
  }
  if (crypto::PasswordNeedsRehash(account->password_hash, config_.password_cost)) {
    auto rehash = crypto::HashPassword(password, config_.password_cost);
    if (rehash.ok()) {
      account->password_hash = *rehash;
      resealed = true;
    }
  }
  if (resealed) CANDOR_RETURN_IF_ERROR(tx->UpdateAccount(*account));
  std::array<std::uint8_t, 32> token_bytes{};
  std::array<std::uint8_t, 32> csrf_bytes{};
  core_.WithRng([&](crypto::Rng& rng) {
    rng.Fill(token_bytes);
    rng.Fill(csrf_bytes);
  });
  LoginResult result;
  result.session_token = crypto::ToHex(crypto::ByteSpan(token_bytes));
  sodium_memzero(token_bytes.data(), token_bytes.size());
  store::SessionRecord session;
  session.token_hash = TokenHash(result.session_token);
  session.account_id = account->id;
  session.csrf_token = crypto::ToHex(crypto::ByteSpan(csrf_bytes));
  session.created_at_ms = now;
  session.expires_at_ms = now + config_.session_ttl_ms;
  CANDOR_RETURN_IF_ERROR(tx->DeleteExpiredSessions(now));
  CANDOR_RETURN_IF_ERROR(tx->InsertSession(session));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  result.principal = Principal{*account, org->slug, session.csrf_token, session.token_hash};
  return result;
}

Result<Principal> StaffService::Authenticate(std::string_view session_token) {
  auto unauthenticated = [] {
    return Error(ErrorCode::kUnauthenticated, "you are not signed in, or your session has expired");
  };
  if (session_token.size() != 64) return unauthenticated();
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto session, tx->FindSession(TokenHash(session_token)));
  if (!session || session->expires_at_ms <= clock_.NowMs() || session->second_factor_pending) {
    return unauthenticated();
  }
  CANDOR_ASSIGN_OR_RETURN(auto account, tx->FindAccount(session->account_id));
  if (!account || account->disabled) return unauthenticated();
  CANDOR_ASSIGN_OR_RETURN(auto org, tx->FindOrganization(account->organization_id));
  if (!org) return unauthenticated();
  return Principal{*account, org->slug, session->csrf_token, session->token_hash};
}

Status StaffService::LogoutEverywhere(const Principal& who) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_RETURN_IF_ERROR(tx->DeleteSessionsOfAccount(who.account.id));
  return tx->Commit();
}

Status StaffService::Logout(const Principal& who) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_RETURN_IF_ERROR(tx->DeleteSession(who.token_hash));
  return tx->Commit();
}

Result<std::pair<std::string, std::string>> StaffService::BeginTotp(
    const Principal& who, const std::string& password,
    const std::optional<std::string>& current_code) {
  // A session alone may not enrol or replace the second factor: a stolen session cookie would
  // otherwise become a permanent foothold (security review L1). The password is asked again,
  // and the current code too when a second factor is already set.
  std::optional<store::AccountRecord> account;
  {
    CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
    CANDOR_ASSIGN_OR_RETURN(account, tx->FindAccount(who.account.id));
  }
  if (!account || !crypto::VerifyPassword(account->password_hash, password).ok()) {
    return Error(ErrorCode::kUnauthenticated, "the password is wrong");
  }
  if (account->totp_secret) {
    if (!current_code)
      return Error(ErrorCode::kUnauthenticated, "give the code your device shows now, too");
    CANDOR_ASSIGN_OR_RETURN(crypto::Bytes key,
                            OpenTotpSecret(core_.totp_key(), account->id, *account->totp_secret));
    auto step = crypto::VerifyTotp(key, *current_code,
                                   static_cast<std::uint64_t>(clock_.NowMs() / 1000), std::nullopt);
    crypto::Wipe(key);
    if (!step.ok()) {
      // A lost device: one of the recovery codes stands in for the current code, once.
      CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
      CANDOR_ASSIGN_OR_RETURN(bool spent, SpendRecoveryCode(*tx, account->id, *current_code));
      if (!spent) {
        return Error(ErrorCode::kUnauthenticated,
                     "the current code is wrong (a recovery code works here too)");
      }
      CANDOR_RETURN_IF_ERROR(tx->Commit());
    }
  }
  crypto::TotpSecret secret;
  crypto::Bytes sealed;
  core_.WithRng([&](crypto::Rng& rng) {
    secret = crypto::NewTotpSecret(rng);
    sealed = crypto::SealAtRest(
        core_.totp_key(), crypto::AsBytes("pending/" + TotpAd(who.account.id)), secret.span(), rng);
  });
  std::string base32 = crypto::Base32Encode(secret.span());
  CANDOR_ASSIGN_OR_RETURN(
      std::string uri,
      crypto::OtpauthUri(config_.totp_issuer, who.organization_slug + "/" + who.account.username,
                         secret.span()));
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_RETURN_IF_ERROR(
      tx->PutSetting("totp-pending/" + std::to_string(who.account.id), crypto::ToHex(sealed)));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return std::make_pair(base32, uri);
}

Result<std::vector<std::string>> StaffService::ConfirmTotp(const Principal& who,
                                                           const std::string& code) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto pending,
                          tx->GetSetting("totp-pending/" + std::to_string(who.account.id)));
  if (!pending || pending->empty()) {
    return Error(ErrorCode::kFailedPrecondition, "start setting up the second factor first");
  }
  auto sealed = crypto::FromHex(*pending);
  if (!sealed.ok())
    return Error(ErrorCode::kFailedPrecondition, "start setting up the second factor again");
  auto opened = crypto::OpenAtRest(core_.totp_key(),
                                   crypto::AsBytes("pending/" + TotpAd(who.account.id)), *sealed);
  if (!opened.ok() || opened->size() != crypto::TotpSecret::kSize) {
    return Error(ErrorCode::kFailedPrecondition, "start setting up the second factor again");
  }
  auto step = crypto::VerifyTotp(*opened, code, static_cast<std::uint64_t>(clock_.NowMs() / 1000),
                                 std::nullopt);
  if (!step.ok()) {
    crypto::Wipe(*opened);
    return Error(ErrorCode::kUnauthenticated, "that code is wrong; check your device's clock");
  }
  CANDOR_ASSIGN_OR_RETURN(auto account, tx->FindAccount(who.account.id));
  if (!account) return Error(ErrorCode::kNotFound, "the account no longer exists");
  account->totp_secret = core_.WithRng([&](crypto::Rng& rng) {
    return crypto::SealAtRest(core_.totp_key(), crypto::AsBytes(TotpAd(account->id)), *opened, rng);
  });
  crypto::Wipe(*opened);
  CANDOR_RETURN_IF_ERROR(tx->UpdateAccount(*account));
  {
    CANDOR_ASSIGN_OR_RETURN(auto org, tx->FindOrganization(account->organization_id));
    if (!org) return Error(ErrorCode::kNotFound, "the organization no longer exists");
    CANDOR_RETURN_IF_ERROR(LogStaffAccount(*tx, *org, *account,
                                           domain::StaffAccountChange::kSecondFactor, account->id));
  }
  CANDOR_RETURN_IF_ERROR(tx->PutSetting("totp-pending/" + std::to_string(who.account.id), ""));
  CANDOR_RETURN_IF_ERROR(
      tx->PutSetting("totp-last-step/" + std::to_string(who.account.id), std::to_string(*step)));
  // A fresh set of recovery codes replaces any earlier one.
  std::vector<std::string> codes;
  std::string hashes;
  core_.WithRng([&](crypto::Rng& rng) {
    for (int i = 0; i < kRecoveryCodes; ++i) {
      std::array<std::uint8_t, 10> bits{};
      rng.Fill(bits);
      std::string raw = crypto::Base32Encode(bits);  // 16 characters
      crypto::Wipe(bits);
      for (char& c : raw) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      if (!hashes.empty()) hashes += ',';
      hashes += RecoveryHash(account->id, raw);
      codes.push_back(raw.substr(0, 4) + "-" + raw.substr(4, 4) + "-" + raw.substr(8, 4) + "-" +
                      raw.substr(12, 4));
      crypto::WipeString(raw);
    }
  });
  CANDOR_RETURN_IF_ERROR(tx->PutSetting(RecoverySetting(account->id), hashes));
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return codes;
}

Result<std::pair<std::string, std::int64_t>> StaffService::IssueInvitation(
    const Principal& who, std::string_view slug, std::optional<std::int64_t> hours) {
  CANDOR_ASSIGN_OR_RETURN(auto issued, IssueInvitations(who, slug, hours, 1));
  return std::make_pair(std::move(issued.first.front()), issued.second);
}

Result<std::pair<std::vector<std::string>, std::int64_t>> StaffService::IssueInvitations(
    const Principal& who, std::string_view slug, std::optional<std::int64_t> hours,
    std::int64_t count) {
  std::int64_t h = hours.value_or(config_.invitation_default_hours);
  if (h < 1 || h > config_.invitation_max_hours) {
    return InvalidArgument("an invitation is valid for 1 to " +
                           std::to_string(config_.invitation_max_hours) + " hours");
  }
  if (count < 1 || count > kMaxInvitationsAtOnce) {
    return InvalidArgument("ask for 1 to " + std::to_string(kMaxInvitationsAtOnce) +
                           " invitations at once");
  }
  std::vector<std::string> codes;
  std::vector<crypto::Digest32> hashes;
  for (std::int64_t i = 0; i < count; ++i) {
    std::string code =
        core_.WithRng([](crypto::Rng& rng) { return domain::NewInvitationCode(rng); });
    CANDOR_ASSIGN_OR_RETURN(std::string normalized, domain::NormalizeInvitationCode(code));
    hashes.push_back(domain::InvitationCodeHash(normalized));
    codes.push_back(std::move(code));
  }
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleEnrollmentOfficer));
  std::int64_t expires = clock_.NowMs() + h * 3'600'000;
  for (const auto& hash : hashes) {
    CANDOR_RETURN_IF_ERROR(tx->InsertInvitation(
        store::InvitationRecord{ToBlob(hash.span()), org.id, who.account.id, expires, false}));
  }
  CANDOR_RETURN_IF_ERROR(tx->Commit());
  return std::make_pair(std::move(codes), expires);
}

Result<std::int64_t> StaffService::CountOpenInvitations(const Principal& who,
                                                        std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleEnrollmentOfficer));
  return tx->CountOpenInvitations(org.id, clock_.NowMs());
}

Result<std::vector<store::AccountRecord>> StaffService::ListAccounts(const Principal& who,
                                                                     std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleAdministrator));
  return tx->ListAccounts(org.id);
}

Result<std::int64_t> StaffService::AddAccount(const Principal& who, std::string_view slug,
                                              const std::string& username,
                                              const std::string& password, std::uint32_t roles) {
  {
    CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
    CANDOR_RETURN_IF_ERROR(core_.Authorize(*tx, who, slug, store::kRoleAdministrator));
  }
  return CreateAccount(std::string(slug), username, password, roles, who.account.id);
}

Status StaffService::UpdateAccount(const Principal& who, std::string_view slug,
                                   std::int64_t account_id, std::optional<std::uint32_t> roles,
                                   std::optional<bool> disabled) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleAdministrator));
  CANDOR_ASSIGN_OR_RETURN(auto account, tx->FindAccount(account_id));
  if (!account || account->organization_id != org.id) return NotFound("no such account");
  if (account->id == who.account.id &&
      ((roles && !(*roles & store::kRoleAdministrator)) || disabled.value_or(false))) {
    return Error(ErrorCode::kFailedPrecondition,
                 "you cannot remove your own administrator role or disable yourself");
  }
  const store::AccountRecord before = *account;
  if (roles) account->roles = *roles;
  if (disabled) account->disabled = *disabled;
  CANDOR_RETURN_IF_ERROR(tx->UpdateAccount(*account));
  // Whether it still receives cables is public: authors' clients seal to the logged reviewers.
  CANDOR_RETURN_IF_ERROR(core_.LogReviewerChange(*tx, org, before, *account));
  if (account->roles != before.roles || account->disabled != before.disabled) {
    CANDOR_RETURN_IF_ERROR(
        LogStaffAccount(*tx, org, *account, domain::StaffAccountChange::kUpdated, who.account.id));
  }
  return tx->Commit();
}

Status StaffService::UpdateSettings(const Principal& who, std::string_view slug,
                                    const std::string& settings_json) {
  // Authorization before validation: someone without the right learns nothing from errors.
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleAdministrator));
  CANDOR_ASSIGN_OR_RETURN(auto settings, domain::OrganizationSettingsFromJsonText(settings_json));
  // A zone of the right form must also be one this server's tz database has.
  CANDOR_RETURN_IF_ERROR(TimeZone::Locate(settings.time_zone));
  // A channel's reviewers are this organization's reviewer accounts (a later change of an
  // account's roles or key is seen when cables are sealed: ServiceCore::RecipientsIn).
  if (!settings.channels.empty()) {
    CANDOR_ASSIGN_OR_RETURN(auto accounts, tx->ListAccounts(org.id));
    for (const auto& c : settings.channels) {
      for (std::uint64_t id : c.reviewers) {
        const bool reviewer = std::any_of(accounts.begin(), accounts.end(), [&](const auto& a) {
          return static_cast<std::uint64_t>(a.id) == id && (a.roles & store::kRoleReviewer) != 0;
        });
        if (!reviewer) {
          return InvalidArgument("channel '" + c.id + "': account " + std::to_string(id) +
                                 " is not a reviewer of this organization");
        }
      }
    }
  }
  std::string canonical = domain::OrganizationSettingsToJsonText(settings);
  CANDOR_RETURN_IF_ERROR(tx->UpdateOrganizationPolicy(org.id, canonical));
  CANDOR_RETURN_IF_ERROR(core_.Log(
      *tx, domain::EncodeLogEntry(domain::OrganizationSettingsEvent{org.slug, settings})));
  return tx->Commit();
}

Result<std::vector<store::HolidayRecord>> StaffService::ListHolidays(const Principal& who,
                                                                     std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, 0));
  return tx->ListHolidays(org.id);
}

Status StaffService::ReplaceHolidays(const Principal& who, std::string_view slug,
                                     std::vector<store::HolidayRecord> holidays) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleAdministrator));
  if (holidays.size() > domain::kMaxOrganizationHolidays) {
    return InvalidArgument("at most " + std::to_string(domain::kMaxOrganizationHolidays) +
                           " holidays");
  }
  domain::OrganizationHolidaysEvent logged{org.slug, {}};
  for (auto& h : holidays) {
    CANDOR_ASSIGN_OR_RETURN(domain::Date d, domain::ParseDate(h.date));
    h.date = domain::FormatDate(d);
    CANDOR_RETURN_IF_ERROR(
        domain::ValidateText(h.name, "the name of the holiday on " + h.date, 200));
    logged.holidays.push_back(domain::OrganizationHoliday{d, h.name});
  }
  std::sort(logged.holidays.begin(), logged.holidays.end(),
            [](const auto& a, const auto& b) { return a.date < b.date; });
  for (std::size_t i = 1; i < logged.holidays.size(); ++i) {
    if (logged.holidays[i].date == logged.holidays[i - 1].date) {
      return InvalidArgument("two holidays on " + domain::FormatDate(logged.holidays[i].date) +
                             ": give each day once");
    }
  }
  for (auto& h : holidays) h.organization_id = org.id;
  CANDOR_RETURN_IF_ERROR(tx->ReplaceHolidays(org.id, holidays));
  // The calendar moves every cable's deadlines: it is public, like the settings.
  CANDOR_RETURN_IF_ERROR(core_.Log(*tx, domain::EncodeLogEntry(logged)));
  return tx->Commit();
}

Result<StaffService::ReviewerKeyChallenge> StaffService::ReviewerKeyChallengeFor(
    const Principal& who, std::string_view slug) {
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleReviewer));
  (void)org;
  return ReviewerKeyChallenge{core_.reviewer_proof_key().public_key, who.account.id};
}

Status StaffService::SetReviewerKey(const Principal& who, std::string_view slug,
                                    const crypto::BoxPublicKey& key,
                                    const crypto::Digest32& proof) {
  {
    // Who may, first: another organization's staff learn nothing from the checks below.
    CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kRead));
    CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleReviewer));
    (void)org;
  }
  if (!crypto::IsValidBoxPublicKey(key)) {
    return InvalidArgument(
        "the reviewer key is not a valid X25519 key (a non-canonical encoding, or a small-order "
        "point no envelope could be opened with)");
  }
  // The proof needs no lock: it depends only on the key, the organization and the account.
  const crypto::Bytes context =
      domain::ReviewerKeyProofContext(slug, static_cast<std::uint64_t>(who.account.id));
  if (Status s = crypto::VerifyBoxKeyPossession(context, key, core_.reviewer_proof_key(), proof);
      !s.ok()) {
    return Error(ErrorCode::kVerificationFailed,
                 "the proof that you hold this key's secret does not verify: register the key from "
                 "the client that "
                 "holds it");
  }
  CANDOR_ASSIGN_OR_RETURN(auto tx, store_.Begin(store::TxMode::kWrite));
  CANDOR_ASSIGN_OR_RETURN(auto org, core_.Authorize(*tx, who, slug, store::kRoleReviewer));
  CANDOR_ASSIGN_OR_RETURN(auto account, tx->FindAccount(who.account.id));
  if (!account) return NotFound("no such account");
  CANDOR_ASSIGN_OR_RETURN(auto accounts, tx->ListAccounts(org.id));
  for (const auto& other : accounts) {
    if (other.id != account->id && other.reviewer_box_public &&
        *other.reviewer_box_public == ToBlob(key.span())) {
      return InvalidArgument(
          "another reviewer of this organization has registered this key: each reviewer needs a "
          "key of their own");
    }
  }
  const store::AccountRecord before = *account;
  account->reviewer_box_public = ToBlob(key.span());
  CANDOR_RETURN_IF_ERROR(tx->UpdateAccount(*account));
  // A "reviewer" entry with the account's username: what authors' clients seal to and show.
  CANDOR_RETURN_IF_ERROR(core_.LogReviewerChange(*tx, org, before, *account));
  return tx->Commit();
}

}  // namespace candor::app
