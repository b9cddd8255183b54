// candor serve | admin bootstrap | admin create-org
#include <fcntl.h>
#include <fmt/core.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/demo_setup.h"
#include "cli/io.h"
#include "cli/onion.h"
#include "crypto/ed25519.h"
#include "crypto/keyfile.h"
#include "crypto/keys.h"
#include "crypto/receipt.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"
#include "domain/cable.h"
#include "domain/cosignature.h"
#include "domain/letter.h"
#include "domain/strict_json.h"
#include "domain/web_release.h"
#include "notify/outbound.h"
#include "server/app/batch_publisher.h"
#include "server/app/clock.h"
#include "server/app/log_writer.h"
#include "server/app/routes.h"
#include "server/app/service.h"
#include "server/app/web_release.h"
#include "server/http/access_log.h"
#include "server/http/metrics.h"
#include "server/http/server.h"
#include "server/http/static_files.h"
#include "store/store.h"

namespace candor::cli {

Result<crypto::SignKeyPair> ReadLogKeyFile(const std::string& path) {
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes raw, ReadFileBytes(path));
  if (raw.size() != crypto::SignSecretKey::kSize) {
    crypto::Wipe(raw);
    return Error(ErrorCode::kCorrupt, "'" + path + "' is not a log key (wrong size)");
  }
  crypto::SignSecretKey secret;
  std::copy(raw.begin(), raw.end(), secret.data());
  crypto::Wipe(raw);  // sodium_memzero: a plain fill on memory about to be freed may be dropped
  return crypto::SignKeyPairFromSecret(std::move(secret));
}

namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};
extern "C" void HandleSignal(int) { g_stop = true; }
// SIGHUP: read the TLS files again and reopen the log file (after logrotate moved it).
extern "C" void HandleHangup(int) { g_reload = true; }

// --log-file: standard output and error go to the file, appended; reopened on SIGHUP, so that
// logrotate (or an operator) can move it away and signal the server.
Status OpenLogFile(const std::string& path) {
  // Opened apart, then put in place of the standard output and error: a file that cannot be
  // opened leaves them as they were.
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    return Error(ErrorCode::kIo,
                 "cannot open the log file '" + path + "': " + std::strerror(errno));
  }
  (void)std::fflush(stdout);
  (void)std::fflush(stderr);
  const bool moved = ::dup2(fd, STDOUT_FILENO) >= 0 && ::dup2(fd, STDERR_FILENO) >= 0;
  ::close(fd);
  if (!moved) {
    return Error(ErrorCode::kIo,
                 "cannot write to the log file: " + std::string(std::strerror(errno)));
  }
  (void)std::setvbuf(stdout, nullptr, _IOLBF, 0);
  return Status::Ok();
}

// The log's Ed25519 key lives in the data directory (created on first start, mode 0600). It
// must be the key that signed the store's log: a missing or different key file next to a
// store that already has signed tree heads (a lost file, a fresh --data-dir, a second server
// on the same PostgreSQL database) is refused instead of silently starting a second key
// (security review M8).
Result<crypto::SignKeyPair> LoadOrCreateLogKey(const std::string& data_dir, store::Store& store) {
  const std::string path = data_dir + "/log-key.bin";
  if (fs::exists(path)) {
    CANDOR_ASSIGN_OR_RETURN(crypto::SignKeyPair kp, ReadLogKeyFile(path));
    if (Status s = app::CheckLogKey(store, kp.public_key); !s.ok()) {
      return s.error().WithContext("'" + path + "'");
    }
    return kp;
  }
  crypto::SignKeyPair kp = crypto::GenerateSignKeyPair(crypto::DefaultRng());
  if (!app::CheckLogKey(store, kp.public_key).ok()) {
    return Error(ErrorCode::kFailedPrecondition,
                 "there is no log key at '" + path +
                     "', but the store already holds a signed log: restore the "
                     "log key that signed it (a new key would fork the log); no key was created");
  }
  CANDOR_RETURN_IF_ERROR(WriteFileAtomic(path, kp.secret_key.span(), false, 0600));
  return kp;
}

struct ServeOptions {
  std::string data_dir = "candor-data";
  std::string store_url;  // default sqlite:<data_dir>/candor.db
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string tls_cert, tls_key;
  std::string config;  // JSON file with the same keys as the flags
  std::size_t max_body = 1 << 20;
  unsigned threads = 4;
  unsigned workers = 0;  // 0: one per core
  std::size_t worker_queue = 32;
  bool trust_proxy = false;
  bool access_log = true;
  bool demo = false;
  std::string web_dir;
  double batch_seconds = 600;
  double batch_jitter = 0.5;
  std::size_t min_ring = domain::kDefaultMinRingSize;
  std::uint64_t cable_quota = 3;
  double cable_window_days = 7;
  std::uint64_t member_letter_quota = 3;
  double member_letter_window_days = 7;
  std::size_t max_cable_mb = 8;
  std::vector<int> reminder_days = {3, 1, 0};
  std::vector<std::string> witnesses;  // NAME=HEX
  // Reviewers' notifications (digests by mail, webhooks).
  std::string smtp_url, smtp_from, smtp_user, smtp_password_file;
  std::string smtp_tls = "required";
  std::string public_url;
  double notify_seconds = 60;
  bool onion = false;              // publish as a Tor onion service
  std::string log_file;            // standard output and error appended here (reopened on SIGHUP)
  std::uint16_t metrics_port = 0;  // 0: no metrics listener
  std::string metrics_host = "127.0.0.1";
};

// Applies the --config file's fields, except those whose flag was given on the command line
// (`given(flag)`): flags win.
Status ApplyConfigFile(ServeOptions& o, const std::function<bool(const char*)>& given) {
  if (o.config.empty()) return Status::Ok();
  CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(o.config));
  domain::Json j = domain::ParseStrictJsonOrDiscarded(text);
  if (j.is_discarded() || !j.is_object())
    return InvalidArgument("'" + o.config + "' is not a JSON object");
  static const std::map<std::string, const char*> kFlags = {
      {"data_dir", "--data-dir"},
      {"store", "--store"},
      {"host", "--host"},
      {"port", "--port"},
      {"tls_cert", "--tls-cert"},
      {"tls_key", "--tls-key"},
      {"max_body_bytes", "--max-body"},
      {"threads", "--threads"},
      {"workers", "--workers"},
      {"worker_queue", "--worker-queue"},
      {"trust_proxy", "--trust-proxy"},
      {"access_log", "--no-access-log"},
      {"demo", "--demo"},
      {"batch_interval_seconds", "--batch-interval"},
      {"batch_jitter", "--batch-jitter"},
      {"min_ring_size", "--min-ring-size"},
      {"web_dir", "--web-dir"},
      {"cable_quota", "--cable-quota"},
      {"cable_window_days", "--cable-window-days"},
      {"member_letter_quota", "--member-letter-quota"},
      {"member_letter_window_days", "--member-letter-window-days"},
      {"max_cable_mb", "--max-cable-mb"},
      {"reminder_days", "--reminder-days"},
      {"witnesses", "--witness"},
      {"smtp_url", "--smtp-url"},
      {"smtp_from", "--smtp-from"},
      {"smtp_user", "--smtp-user"},
      {"smtp_password_file", "--smtp-password-file"},
      {"smtp_tls", "--smtp-tls"},
      {"public_url", "--public-url"},
      {"notify_interval_seconds", "--notify-interval"},
      {"onion", "--onion"},
      {"log_file", "--log-file"},
      {"metrics_port", "--metrics-port"},
      {"metrics_host", "--metrics-host"},
  };
  // String fields that map straight onto an option.
  const std::map<std::string, std::string*> strings = {
      {"smtp_url", &o.smtp_url},   {"smtp_from", &o.smtp_from},
      {"smtp_user", &o.smtp_user}, {"smtp_password_file", &o.smtp_password_file},
      {"smtp_tls", &o.smtp_tls},   {"public_url", &o.public_url},
      {"log_file", &o.log_file},   {"metrics_host", &o.metrics_host},
  };
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    auto want = [&](bool ok) -> Status {
      return ok ? Status::Ok() : InvalidArgument("config field '" + key + "' has the wrong type");
    };
    if (auto flag = kFlags.find(key); flag != kFlags.end() && given(flag->second)) continue;
    if (auto field = strings.find(key); field != strings.end()) {
      CANDOR_RETURN_IF_ERROR(want(value.is_string()));
      *field->second = value;
    } else if (key == "metrics_port") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number_unsigned() && value <= 65535));
      o.metrics_port = value;
    } else if (key == "onion") {
      CANDOR_RETURN_IF_ERROR(want(value.is_boolean()));
      o.onion = value;
    } else if (key == "notify_interval_seconds") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number() && value >= 1));
      o.notify_seconds = value;
    } else if (key == "data_dir") {
      CANDOR_RETURN_IF_ERROR(want(value.is_string()));
      o.data_dir = value;
    } else if (key == "store") {
      CANDOR_RETURN_IF_ERROR(want(value.is_string()));
      o.store_url = value;
    } else if (key == "host") {
      CANDOR_RETURN_IF_ERROR(want(value.is_string()));
      o.host = value;
    } else if (key == "port") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number_unsigned() && value <= 65535));
      o.port = value;
    } else if (key == "tls_cert") {
      CANDOR_RETURN_IF_ERROR(want(value.is_string()));
      o.tls_cert = value;
    } else if (key == "tls_key") {
      CANDOR_RETURN_IF_ERROR(want(value.is_string()));
      o.tls_key = value;
    } else if (key == "max_body_bytes") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number_unsigned()));
      o.max_body = value;
    } else if (key == "threads") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number_unsigned() && value >= 1));
      o.threads = value;
    } else if (key == "workers") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number_unsigned()));
      o.workers = value;
    } else if (key == "worker_queue") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number_unsigned() && value >= 1));
      o.worker_queue = value;
    } else if (key == "trust_proxy") {
      CANDOR_RETURN_IF_ERROR(want(value.is_boolean()));
      o.trust_proxy = value;
    } else if (key == "access_log") {
      CANDOR_RETURN_IF_ERROR(want(value.is_boolean()));
      o.access_log = value;
    } else if (key == "demo") {
      CANDOR_RETURN_IF_ERROR(want(value.is_boolean()));
      o.demo = value;
    } else if (key == "web_dir") {
      CANDOR_RETURN_IF_ERROR(want(value.is_string()));
      o.web_dir = value;
    } else if (key == "batch_interval_seconds") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number()));
      o.batch_seconds = value;
    } else if (key == "batch_jitter") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number()));
      o.batch_jitter = value;
    } else if (key == "min_ring_size") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number_unsigned() && value >= 1));
      o.min_ring = value;
    } else if (key == "cable_quota") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number_unsigned() && value >= 1));
      o.cable_quota = value;
    } else if (key == "cable_window_days") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number() && value > 0));
      o.cable_window_days = value;
    } else if (key == "member_letter_quota") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number_unsigned() && value >= 1));
      o.member_letter_quota = value;
    } else if (key == "member_letter_window_days") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number() && value > 0));
      o.member_letter_window_days = value;
    } else if (key == "max_cable_mb") {
      CANDOR_RETURN_IF_ERROR(want(value.is_number_unsigned() && value >= 1 && value <= 64));
      o.max_cable_mb = value;
    } else if (key == "reminder_days") {
      CANDOR_RETURN_IF_ERROR(want(value.is_array()));
      o.reminder_days.clear();
      for (const auto& d : value) {
        CANDOR_RETURN_IF_ERROR(want(d.is_number_unsigned() && d <= 365));
        o.reminder_days.push_back(d);
      }
    } else if (key == "witnesses") {
      // {"name": "hex key", …}
      CANDOR_RETURN_IF_ERROR(want(value.is_object()));
      o.witnesses.clear();
      for (const auto& [name, k] : value.items()) {
        CANDOR_RETURN_IF_ERROR(want(k.is_string()));
        o.witnesses.push_back(name + "=" + k.get<std::string>());
      }
    } else
      return InvalidArgument("unknown config field '" + key + "'");
  }
  return Status::Ok();
}

Result<std::unique_ptr<store::Store>> OpenDataStore(const std::string& data_dir, std::string url) {
  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) {
    return Error(ErrorCode::kIo,
                 "cannot create the data directory '" + data_dir + "': " + ec.message());
  }
  ::chmod(data_dir.c_str(), 0700);
  if (url.empty()) url = "sqlite:" + data_dir + "/candor.db";
  // Exclusive: no second server on the same SQLite file, and the store can tell when it changed
  // (store::StoreOpenOptions), which lets public reads be answered from memory.
  return store::OpenStore(url, store::StoreOpenOptions{.exclusive = true});
}

}  // namespace

// Creates the demo organization (clearly marked as demo data): an administrator, kDemoMembers
// members whose key files (passphrase "demo") are written to DATA_DIR/demo-members/ so that a
// newcomer can sign as one of them, a reviewer key for the administrator
// (DATA_DIR/demo-reviewer.key) so that cables can be read, and an open demo letter — published
// last, so its presence says the demo is whole. Every step checks what is already there, so a
// set-up killed half-way (issue 12) is completed at the next start rather than left broken: a
// key file is written before its member is enrolled, and enrolled if it is not on the roster.
Status EnsureDemo(app::Service& service, const std::string& data_dir) {
  constexpr const char* kDemoTitle = "DEMO: A letter anyone in the Demo Agency may sign";
  if (service.GetOrganization(kDemoSlug).ok()) {
    CANDOR_ASSIGN_OR_RETURN(auto letters, service.letters().PublishedLetters());
    for (const auto& l : letters) {
      if (l.title == kDemoTitle) return Status::Ok();  // whole
    }
  } else {
    CANDOR_RETURN_IF_ERROR(
        service.CreateOrganization(kDemoSlug, "Demo Agency (DEMO DATA)", std::nullopt, true));
  }
  if (auto made = service.staff().CreateAccount(
          kDemoSlug, "admin", kDemoPassword,
          store::kRoleAdministrator | store::kRoleEnrollmentOfficer | store::kRoleReviewer);
      !made.ok() && made.error().code() != ErrorCode::kAlreadyExists) {
    return made.error();
  }
  CANDOR_ASSIGN_OR_RETURN(app::LoginResult admin,
                          service.staff().Login(kDemoSlug, "admin", kDemoPassword, std::nullopt));
  const std::string dir = data_dir + "/demo-members";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error(ErrorCode::kIo, "cannot create '" + dir + "': " + ec.message());
  // A key file from an earlier start, or a new one written before its member is enrolled.
  const auto key_file = [](const std::string& path) -> Result<crypto::MemberKeys> {
    std::error_code exists_ec;
    if (fs::exists(path, exists_ec)) {
      CANDOR_ASSIGN_OR_RETURN(crypto::Bytes file, ReadFileBytes(path));
      return crypto::OpenKeyFile(file, kDemoKeyPassphrase);
    }
    crypto::MemberKeys keys = crypto::GenerateMemberKeys(crypto::DefaultRng());
    CANDOR_ASSIGN_OR_RETURN(
        crypto::Bytes file,
        crypto::SealKeyFile(keys, kDemoKeyPassphrase, crypto::KdfParams::Interactive(),
                            crypto::DefaultRng()));
    CANDOR_RETURN_IF_ERROR(WriteFileAtomic(path, file, true, 0600));
    return keys;
  };
  CANDOR_ASSIGN_OR_RETURN(app::RosterView roster, service.GetRoster(kDemoSlug, std::nullopt));
  std::set<crypto::Bytes> enrolled;
  for (const auto& m : roster.members) enrolled.insert(m.ring_public);
  for (int i = 1; i <= kDemoMembers; ++i) {
    CANDOR_ASSIGN_OR_RETURN(crypto::MemberKeys keys,
                            key_file(fmt::format("{}/member-{:02}.key", dir, i)));
    if (enrolled.contains(crypto::Bytes(keys.ring.public_key.span().begin(),
                                        keys.ring.public_key.span().end()))) {
      continue;
    }
    CANDOR_ASSIGN_OR_RETURN(
        auto invitation, service.staff().IssueInvitation(admin.principal, kDemoSlug, std::nullopt));
    CANDOR_RETURN_IF_ERROR(
        service.Enroll(kDemoSlug, invitation.first, keys.ring.public_key, keys.box.public_key));
  }
  // The administrator is also the demo reviewer, with a key file of its own (registered again
  // after a restart: the same key changes nothing).
  CANDOR_ASSIGN_OR_RETURN(crypto::MemberKeys reviewer, key_file(data_dir + "/demo-reviewer.key"));
  CANDOR_ASSIGN_OR_RETURN(auto challenge,
                          service.staff().ReviewerKeyChallengeFor(admin.principal, kDemoSlug));
  CANDOR_ASSIGN_OR_RETURN(crypto::Digest32 proof,
                          crypto::ProveBoxKeyPossession(
                              domain::ReviewerKeyProofContext(
                                  kDemoSlug, static_cast<std::uint64_t>(challenge.account_id)),
                              reviewer.box, challenge.server_public));
  CANDOR_RETURN_IF_ERROR(
      service.staff().SetReviewerKey(admin.principal, kDemoSlug, reviewer.box.public_key, proof));
  domain::Letter letter;
  letter.title = kDemoTitle;
  letter.body =
      "This is demonstration data. The members of the Demo Agency ask leadership to reconsider the "
      "policy. Each signature proves that a real member signed, once, without saying who.";
  letter.organizations = {kDemoSlug};
  CANDOR_RETURN_IF_ERROR(service.letters().PublishLetter(admin.principal, letter));
  return service.staff().Logout(admin.principal);
}

namespace {

// Where the web front end's build output (web/dist) is: --web-dir when given (it must hold an
// index.html), else the first of web/dist under the working directory (`make run` starts here),
// web/dist of the source tree this binary was built in (build/src/cli/candor), and
// /usr/share/candor/web. Empty when there is none: the server then answers the API only.
Result<std::string> FindWebDir(const std::string& given) {
  std::error_code ec;
  if (!given.empty()) {
    if (!fs::is_regular_file(fs::path(given) / "index.html", ec)) {
      return InvalidArgument("--web-dir '" + given +
                             "' has no index.html (build it with `make web`)");
    }
    return given;
  }
  std::vector<fs::path> candidates = {fs::path("web") / "dist"};
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(exe.parent_path() / ".." / ".." / ".." / "web" / "dist");
  candidates.emplace_back("/usr/share/candor/web");
  for (const fs::path& dir : candidates) {
    if (fs::is_regular_file(dir / "index.html", ec)) return fs::weakly_canonical(dir, ec).string();
  }
  return std::string();
}

Status RunServe(ServeOptions o, const std::function<bool(const char*)>& given) {
  CANDOR_RETURN_IF_ERROR(ApplyConfigFile(o, given));
  // A SIGHUP during start-up (logrotate, a reload) is kept for the main loop, not fatal.
  (void)std::signal(SIGHUP, HandleHangup);
  if (!o.log_file.empty()) CANDOR_RETURN_IF_ERROR(OpenLogFile(o.log_file));
  // The server's own diagnostics carry the hour only, like the access log: an error while
  // handling an anonymous request must not become a precise record of when it came.
  spdlog::set_pattern("%Y-%m-%dT%H:00Z [%l] %v", spdlog::pattern_time_type::utc);
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    return InvalidArgument("give both --tls-cert and --tls-key, or neither");
  }
  CANDOR_ASSIGN_OR_RETURN(auto data_store, OpenDataStore(o.data_dir, o.store_url));
  app::BatchSchedule schedule{
      std::chrono::milliseconds(static_cast<std::int64_t>(o.batch_seconds * 1000)), o.batch_jitter};
  CANDOR_RETURN_IF_ERROR(app::ValidateBatchSchedule(schedule));
  if (o.min_ring < 2) return InvalidArgument("--min-ring-size must be at least 2");
  CANDOR_ASSIGN_OR_RETURN(crypto::SignKeyPair log_key, LoadOrCreateLogKey(o.data_dir, *data_store));
  app::SystemClock clock;
  app::ServiceConfig config;
  config.min_ring_size = o.min_ring;
  if (o.cable_quota < 1 || o.cable_quota > 1024)
    return InvalidArgument("--cable-quota must be between 1 and 1024");
  // Windows are whole milliseconds of at most ten years (a larger number would not fit).
  if (!(o.cable_window_days > 0 && o.cable_window_days <= 3660)) {
    return InvalidArgument("--cable-window-days must be more than 0 and at most 3660");
  }
  if (o.member_letter_quota < 1 || o.member_letter_quota > 1024) {
    return InvalidArgument("--member-letter-quota must be between 1 and 1024");
  }
  if (!(o.member_letter_window_days > 0 && o.member_letter_window_days <= 3660)) {
    return InvalidArgument("--member-letter-window-days must be more than 0 and at most 3660");
  }
  if (o.max_cable_mb < 1 || o.max_cable_mb > 64)
    return InvalidArgument("--max-cable-mb must be between 1 and 64");
  for (int d : o.reminder_days) {
    if (d < 0 || d > 365) return InvalidArgument("--reminder-days are between 0 and 365");
  }
  config.cable_quota = o.cable_quota;
  config.cable_window_ms =
      std::max<std::int64_t>(1, static_cast<std::int64_t>(o.cable_window_days * 86'400'000));
  config.member_letter_quota = o.member_letter_quota;
  config.member_letter_window_ms = std::max<std::int64_t>(
      1, static_cast<std::int64_t>(o.member_letter_window_days * 86'400'000));
  config.max_cable_envelope_bytes = o.max_cable_mb << 20;
  config.reminder_days = o.reminder_days;
  for (const auto& w : o.witnesses) {
    const auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0)
      return InvalidArgument("--witness is NAME=HEX (the witness's Ed25519 public key)");
    CANDOR_ASSIGN_OR_RETURN(
        auto key, crypto::FixedFromHex<crypto::SignPublicKey>(w.substr(eq + 1), "--witness key"));
    config.witnesses.push_back({w.substr(0, eq), key});
  }
  if (!o.smtp_url.empty()) {
    notify::SmtpConfig smtp;
    smtp.url = o.smtp_url;
    smtp.from = o.smtp_from;
    smtp.username = o.smtp_user;
    CANDOR_ASSIGN_OR_RETURN(smtp.tls, notify::ParseSmtpTls(o.smtp_tls));
    if (!o.smtp_password_file.empty()) {
      CANDOR_ASSIGN_OR_RETURN(smtp.password, ReadFileText(o.smtp_password_file));
      while (!smtp.password.empty() &&
             (smtp.password.back() == '\n' || smtp.password.back() == '\r')) {
        smtp.password.pop_back();
      }
    }
    if (auto s = notify::ValidateSmtpConfig(smtp); !s.ok()) {
      return InvalidArgument("--smtp-url/--smtp-from: " + s.error().message());
    }
    config.smtp = std::move(smtp);
  } else if (!o.smtp_from.empty() || !o.smtp_user.empty() || !o.smtp_password_file.empty()) {
    return InvalidArgument("--smtp-from, --smtp-user and --smtp-password-file need --smtp-url");
  }
  if (!(o.notify_seconds >= 1 && o.notify_seconds <= 3600)) {
    return InvalidArgument("--notify-interval is 1 to 3600 seconds");
  }
  config.public_url = o.public_url;
  OnionService onion;
  if (o.onion) {
    if (o.port == 0) return InvalidArgument("--onion needs a fixed --port (Tor forwards to it)");
    CANDOR_ASSIGN_OR_RETURN(config.onion_address, onion.Start(o.data_dir, o.host, o.port));
  }
  app::Service service(*data_store, clock, crypto::DefaultRng(), std::move(log_key), config);
  if (o.demo) CANDOR_RETURN_IF_ERROR(EnsureDemo(service, o.data_dir));
  CANDOR_ASSIGN_OR_RETURN(std::string web_dir, FindWebDir(o.web_dir));
  if (!web_dir.empty()) {
    // What browsers get is logged, so anyone can check it (`candor audit --web`).
    CANDOR_ASSIGN_OR_RETURN(std::string manifest, app::WebDirectoryManifest(web_dir));
    CANDOR_RETURN_IF_ERROR(service.RecordWebRelease(manifest));
    fmt::print("Web release: {} ({} files, logged)\n",
               crypto::ToHex(domain::WebReleaseId(manifest)),
               std::count(manifest.begin(), manifest.end(), '\n'));
  }
  // Index reviewer entries logged before schema migration 6, give each organization with
  // members its first roster epoch (so cables can be written before the first batch), and mark
  // a checkpoint for witnesses that covers all of the above.
  CANDOR_RETURN_IF_ERROR(service.PrepareOrganizationLog());
  // What the metrics add to the named requests: figures anyone can read in the log anyway.
  std::atomic<std::uint64_t> batches{0}, batch_items{0}, notify_sent{0}, notify_failed{0};
  app::BatchPublisher publisher(
      service, schedule, crypto::DefaultRng(), [&](const Result<std::size_t>& r) {
        // Counts only: which signatures went out, or when any of them arrived, is never logged.
        if (r.ok()) {
          ++batches;
          batch_items += *r;
        }
        if (!r.ok()) {
          fmt::print(stderr, "candor: publishing a batch of signatures failed (will retry): {}\n",
                     r.error().message());
        } else if (*r > 0) {
          fmt::print("Published a batch of {} signature(s) and cable(s).\n", *r);
        }
        (void)std::fflush(stdout);
      });
  publisher.Start();
  app::Notifier notifier(
      service, std::chrono::milliseconds(std::llround(o.notify_seconds * 1000)),
      [&](const Result<app::NotifyService::Report>& r) {
        // Counts only: whom a digest went to stays in the deliveries, for administrators.
        if (r.ok()) {
          notify_sent += r->sent;
          notify_failed += r->failed;
        }
        if (!r.ok()) {
          fmt::print(stderr, "candor: sending notifications failed (will retry): {}\n",
                     r.error().message());
        } else if (r->sent + r->failed > 0) {
          fmt::print("Notifications: {} sent, {} given up (see the deliveries).\n", r->sent,
                     r->failed);
        }
        (void)std::fflush(stdout);
      });
  notifier.Start();

  http::Router router;
  CANDOR_RETURN_IF_ERROR(app::AddApiRoutes(router, service));
  if (!web_dir.empty()) CANDOR_RETURN_IF_ERROR(http::StaticFiles(web_dir).MountAtRoot(router));
  http::ServerOptions options;
  options.host = o.host;
  options.port = o.port;
  options.threads = o.threads;
  options.worker_threads =
      o.workers != 0 ? o.workers : std::max(1u, std::thread::hardware_concurrency());
  if (o.worker_queue < options.worker_threads)
    return InvalidArgument("--worker-queue must be at least --workers");
  options.worker_capacity = o.worker_queue;
  options.max_body_bytes = o.max_body;
  options.trust_proxy = o.trust_proxy;
  // Behind a reverse proxy every connection comes from the proxy: the proxy limits each client.
  if (o.trust_proxy) options.max_connections_per_source = options.max_connections;
  if (!o.tls_cert.empty()) options.tls = http::TlsFiles{o.tls_cert, o.tls_key};
  std::unique_ptr<http::AccessLogSink> sink;
  if (o.access_log) sink = std::make_unique<http::SpdlogAccessLogSink>();
  // The metrics count named requests from the access log's entries, then pass them on
  // (http/metrics.h: anonymous requests are never counted).
  http::Metrics metrics(sink.get());
  options.access_log = &metrics;
  if (!o.access_log) options.log_named_routes = o.metrics_port != 0;
  const auto started_at = std::chrono::system_clock::now();
  metrics.AddGauge("candor_log_tree_size", "Entries in the latest signed tree head (public).",
                   [&service] {
                     auto sth = service.log().LatestTreeHead();
                     return sth.ok() && *sth ? static_cast<double>((*sth)->head.size) : 0.0;
                   });
  metrics.AddCounter("candor_batches_total", "Batches published since the server started.",
                     [&] { return static_cast<double>(batches.load()); });
  metrics.AddCounter("candor_batch_items_total",
                     "Co-signatures and cables published in those batches.",
                     [&] { return static_cast<double>(batch_items.load()); });
  metrics.AddCounter("candor_notify_sent_total", "Digests and webhooks delivered.",
                     [&] { return static_cast<double>(notify_sent.load()); });
  metrics.AddCounter("candor_notify_failed_total",
                     "Digests and webhooks given up after their retries (see the deliveries).",
                     [&] { return static_cast<double>(notify_failed.load()); });
  metrics.AddGauge("process_start_time_seconds", "When the server started (Unix time).", [=] {
    return static_cast<double>(
        std::chrono::duration_cast<std::chrono::seconds>(started_at.time_since_epoch()).count());
  });
  http::Server server(std::move(router), options);
  CANDOR_RETURN_IF_ERROR(server.Start());
  std::unique_ptr<http::Server> metrics_server;
  if (o.metrics_port != 0) {
    http::Router metrics_router;
    CANDOR_RETURN_IF_ERROR(
        metrics_router.Anonymous("GET", "/metrics", [&metrics](const http::Request&) {
          http::Response r = http::Response::Text(200, metrics.Exposition());
          r.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
          return r;
        }));
    http::ServerOptions mo;
    mo.host = o.metrics_host;
    mo.port = o.metrics_port;
    mo.threads = 1;
    metrics_server = std::make_unique<http::Server>(std::move(metrics_router), mo);
    CANDOR_RETURN_IF_ERROR(metrics_server->Start());
    fmt::print("Metrics (Prometheus): http://{}:{}/metrics\n", o.metrics_host,
               metrics_server->port());
  }
  const std::string url =
      fmt::format("{}://{}:{}", o.tls_cert.empty() ? "http" : "https", o.host, server.port());
  fmt::print("Candor is serving {} (store: {}, data: {})\n", url, data_store->Engine(), o.data_dir);
  fmt::print("Log public key: {}\n", crypto::ToHex(service.log_public_key()));
  if (o.onion) {
    fmt::print(
        "Onion service: http://{}/ — members reach it with Tor Browser, unseen by their network "
        "(Tor publishes it once it reaches the Tor network; its log: {}/tor/tor.log)\n",
        config.onion_address, o.data_dir);
  }
  if (web_dir.empty()) {
    fmt::print(
        "No web front end found: serving the API only (build it with `make web`, or pass "
        "--web-dir).\n");
  } else {
    fmt::print("Web front end: {}/ (from {})\n", url, web_dir);
  }
  if (o.demo) {
    fmt::print(
        "\nDEMO DATA: organization '{}' with administrator 'admin', password '{}'.\n"
        "Sign in:   curl -c jar -H 'Content-Type: application/json' -d "
        "'{{\"organization\":\"{}\",\"username\":\"admin\",\"password\":\"{}\"}}' "
        "{}/api/v1/session\n"
        "Try:       curl {}/api/v1/orgs/{}/roster ; candor audit --server {}\n"
        "Letters:   candor letter list --server {}\n"
        "Sign one as a demo member (key passphrase \"{}\"):\n"
        "           candor letter sign LETTER-ID --server {} --key {}/demo-members/member-01.key\n"
        "Recount:   candor verify LETTER-ID --server {}  (signatures appear after the next batch,\n"
        "           every {} s on average)\n"
        "Cables:    candor cable write --server {} --org {} --key {}/demo-members/member-02.key "
        "\\\n"
        "             --subject 'A concern' --body-file concern.txt\n"
        "           candor cable inbox --server {} --org {} --user admin   (password above)\n"
        "           candor cable read CABLE-ID --server {} --org {} --user admin --key "
        "{}/demo-reviewer.key\n",
        kDemoSlug, kDemoPassword, kDemoSlug, kDemoPassword, url, url, kDemoSlug, url, url,
        kDemoKeyPassphrase, url, o.data_dir, url, o.batch_seconds, url, kDemoSlug, o.data_dir, url,
        kDemoSlug, url, kDemoSlug, o.data_dir);
  }
  (void)std::fflush(stdout);
  (void)std::signal(SIGINT, HandleSignal);
  (void)std::signal(SIGTERM, HandleSignal);
  while (!g_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!g_reload.exchange(false)) continue;
    if (!o.log_file.empty()) {
      if (Status s = OpenLogFile(o.log_file); !s.ok()) {
        fmt::print(stderr, "candor: {}\n", s.error().message());
      } else {
        fmt::print("Reopened the log file (SIGHUP).\n");
      }
    }
    if (!o.tls_cert.empty()) {
      if (Status s = server.ReloadTls(); !s.ok()) {
        fmt::print(stderr, "candor: the TLS files were not reloaded, the old ones stay: {}\n",
                   s.error().message());
      } else {
        fmt::print("Reloaded the TLS certificate and key (SIGHUP).\n");
      }
    }
    (void)std::fflush(stdout);
  }
  fmt::print("Stopping.\n");
  if (metrics_server) metrics_server->Stop();
  server.Stop();
  notifier.Stop();
  publisher.Stop();
  onion.Stop();
  return Status::Ok();
}

struct BootstrapOptions {
  std::string data_dir = "candor-data";
  std::string store_url;
  std::string slug, name, username, password_file;
  bool demo = false;
};

Status RunBootstrap(const BootstrapOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(auto data_store, OpenDataStore(o.data_dir, o.store_url));
  CANDOR_ASSIGN_OR_RETURN(crypto::SignKeyPair log_key, LoadOrCreateLogKey(o.data_dir, *data_store));
  app::SystemClock clock;
  app::Service service(*data_store, clock, crypto::DefaultRng(), std::move(log_key));
  PassphraseSource source{o.password_file, "CANDOR_ADMIN_PASSWORD"};
  CANDOR_ASSIGN_OR_RETURN(Passphrase password,
                          ReadPassphrase(source, "Password for the first administrator", true));
  CANDOR_RETURN_IF_ERROR(service.CreateOrganization(o.slug, o.name, std::nullopt, o.demo));
  CANDOR_RETURN_IF_ERROR(
      service.staff().CreateAccount(o.slug, o.username, password.str(), store::kRoleAdministrator));
  fmt::print("Created organization '{}' and its administrator '{}'.\n", o.slug, o.username);
  return Status::Ok();
}

}  // namespace

void RegisterServeCommands(CLI::App& app, int* exit_code) {
  auto serve = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the Candor server");
  cmd->add_option("--config", serve->config, "JSON file with any of the options below (flags win)");
  cmd->add_option("--data-dir", serve->data_dir, "Where the embedded store and the log key live")
      ->capture_default_str();
  cmd->add_option("--store", serve->store_url,
                  "Store URL: sqlite:PATH (default: DATA_DIR/candor.db) or postgresql://…");
  cmd->add_option("--host", serve->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", serve->port, "Port to listen on (0: any free port)")
      ->capture_default_str();
  cmd->add_option("--tls-cert", serve->tls_cert, "PEM certificate chain: serve HTTPS");
  cmd->add_option("--tls-key", serve->tls_key, "PEM private key for --tls-cert");
  cmd->add_option("--max-body", serve->max_body, "Largest request body in bytes")
      ->capture_default_str();
  cmd->add_option("--threads", serve->threads, "I/O threads")->capture_default_str();
  cmd->add_option(
         "--workers", serve->workers,
         "Threads that check signatures and hash passwords, off the I/O threads (0: one per core)")
      ->capture_default_str();
  cmd->add_option("--worker-queue", serve->worker_queue,
                  "How many such requests may wait or run before the next is answered 503")
      ->capture_default_str();
  cmd->add_flag("--trust-proxy", serve->trust_proxy,
                "Believe X-Forwarded-Proto from a reverse proxy (only behind one you run)");
  cmd->add_flag("!--no-access-log", serve->access_log,
                "Do not log named requests (anonymous requests are never logged)");
  cmd->add_flag("--demo", serve->demo, "Create a demo organization (marked as demo data)");
  cmd->add_option(
         "--batch-interval", serve->batch_seconds,
         "Seconds between batches that publish accepted signatures to the log (on average)")
      ->capture_default_str();
  cmd->add_option("--batch-jitter", serve->batch_jitter,
                  "Each wait is the interval times a random factor in [1-j, 1+j]; 0 <= j < 1")
      ->capture_default_str();
  cmd->add_option(
      "--web-dir", serve->web_dir,
      "The web front end's files (web/dist); default: web/dist here or beside the source "
      "tree, else /usr/share/candor/web");
  cmd->add_option("--min-ring-size", serve->min_ring,
                  "Smallest ring a co-signature may use, and smallest roster a letter may name")
      ->capture_default_str();
  cmd->add_option("--cable-quota", serve->cable_quota, "Cables one member may send per window")
      ->capture_default_str();
  cmd->add_option("--cable-window-days", serve->cable_window_days,
                  "The cable quota's window, in days")
      ->capture_default_str();
  cmd->add_option("--member-letter-quota", serve->member_letter_quota,
                  "Letters one member may publish per window (members, not named accounts)")
      ->capture_default_str();
  cmd->add_option("--member-letter-window-days", serve->member_letter_window_days,
                  "The member letter quota's window, in days")
      ->capture_default_str();
  cmd->add_option("--max-cable-mb", serve->max_cable_mb,
                  "Largest encrypted cable accepted, in MiB (1–64)")
      ->capture_default_str();
  cmd->add_option("--smtp-url", serve->smtp_url,
                  "Mail server for reviewers' daily digests: smtp://host:587 (STARTTLS) or "
                  "smtps://host:465");
  cmd->add_option("--smtp-from", serve->smtp_from, "The digests' sender address");
  cmd->add_option("--smtp-user", serve->smtp_user, "SMTP user name (with --smtp-password-file)");
  cmd->add_option("--smtp-password-file", serve->smtp_password_file,
                  "File holding the SMTP password");
  cmd->add_option("--smtp-tls", serve->smtp_tls,
                  "TLS to the mail server: required, opportunistic or none")
      ->capture_default_str();
  cmd->add_option("--public-url", serve->public_url,
                  "The address reviewers sign in at, named in their digests");
  cmd->add_option("--notify-interval", serve->notify_seconds,
                  "Seconds between the notifier's runs (digests go at the first run after "
                  "each organization's hour)")
      ->capture_default_str();
  cmd->add_option("--metrics-port", serve->metrics_port,
                  "Serve Prometheus metrics on this port (at /metrics; nothing about anonymous "
                  "requests is counted)");
  cmd->add_option("--metrics-host", serve->metrics_host, "Address of the metrics listener")
      ->capture_default_str();
  cmd->add_option("--log-file", serve->log_file,
                  "Append what the server prints to this file (reopened on SIGHUP, for "
                  "logrotate); default: standard output, e.g. the journal");
  cmd->add_flag("--onion", serve->onion,
                "Publish the server as a Tor onion service too (runs Debian's tor; the address "
                "is printed, kept in DATA_DIR/tor, and shown to members)");
  cmd->add_option("--witness", serve->witnesses,
                  "A witness whose cosignatures this server accepts and serves, as NAME=HEX (its "
                  "Ed25519 public "
                  "key); repeat for each (docs/PROTOCOL.md, \"Witnesses\")");
  cmd->add_option(
         "--reminder-days", serve->reminder_days,
         "Remind reviewers this many days before each deadline (comma-separated; 0: on the day)")
      ->delimiter(',')
      ->capture_default_str();
  OnRun(cmd, exit_code, [serve, cmd] {
    return RunServe(*serve, [cmd](const char* flag) { return cmd->count(flag) > 0; });
  });

  CLI::App* admin = app.add_subcommand("admin", "Operator commands on the server's store");
  admin->require_subcommand(1);
  auto boot = std::make_shared<BootstrapOptions>();
  CLI::App* b =
      admin->add_subcommand("bootstrap", "Create an organization and its first administrator");
  b->add_option("--data-dir", boot->data_dir, "The server's data directory")->capture_default_str();
  b->add_option("--store", boot->store_url,
                "Store URL (default: the data directory's SQLite file)");
  b->add_option("--org", boot->slug, "Organization slug, e.g. state")->required();
  b->add_option("--org-name", boot->name, "Organization name, e.g. \"Department of State\"")
      ->required();
  b->add_option("--username", boot->username, "The administrator's username")->required();
  b->add_option(
      "--password-file", boot->password_file,
      "Read the password from this file (otherwise $CANDOR_ADMIN_PASSWORD, otherwise asked)");
  b->add_flag("--demo", boot->demo, "Mark the organization as demo data");
  OnRun(b, exit_code, [boot] { return RunBootstrap(*boot); });
  RegisterAdminBackupCommands(admin, exit_code);
}

}  // namespace candor::cli
