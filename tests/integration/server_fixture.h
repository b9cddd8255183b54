// The fixture of the integration tests: the real server over real sockets against real
// engines — SQLite always, PostgreSQL when CANDOR_TEST_POSTGRES names a database (make test
// starts a throwaway cluster for it; each test gets a schema of its own).
#ifndef CANDOR_TESTS_INTEGRATION_SERVER_FIXTURE_H_
#define CANDOR_TESTS_INTEGRATION_SERVER_FIXTURE_H_
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>

#include "cli/cable_client.h"
#include "cli/http_client.h"
#include "cli/trusted_log.h"
#include "crypto/ed25519.h"
#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/totp.h"
#include "domain/log_entry.h"
#include "log/tree_head.h"
#include "log/verify.h"
#include "server/app/routes.h"
#include "server/app/service.h"
#include "server/app/web_release.h"
#include "server/http/server.h"
#include "server/http/static_files.h"
#include "store/sql.h"
#include "store/store.h"
#include "store/test_database.h"

namespace candor::it {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr std::int64_t kStart = 1'790'000'000'000;  // a fixed "now" (2026-09-21)
constexpr const char* kPassword = "a long enough password";

class RecordingSink final : public http::AccessLogSink {
 public:
  void Record(const http::AccessLogEntry& e) override {
    std::lock_guard<std::mutex> lock(mu_);
    lines.push_back(http::FormatAccessLogLine(e));
  }
  std::vector<std::string> Lines() {
    std::lock_guard<std::mutex> lock(mu_);
    return lines;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines;
};

struct Engine {
  std::string name;
};

// Runs a shell command (stderr folded into stdout); returns (exit status, output).
inline std::pair<int, std::string> RunShell(const std::string& cmd) {
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = ::pclose(p);
  return {WEXITSTATUS(status), out};
}

class ServerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("candor-it-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    // Clients pin logs under $HOME/.candor (cli/trusted_log.h): each test keeps its own, so no
    // pin from another test (or the developer's own) meets this test's server.
    ::setenv("HOME", (dir_ / "home").c_str(), 1);
    if (GetParam() == "sqlite") {
      url_ = "sqlite:" + (dir_ / "candor.db").string();
    } else {
      if (store::storetest::PostgresTestConninfo() == nullptr) {
        GTEST_SKIP() << store::storetest::kNoPostgresMessage;
      }
      ResetPostgres();
    }
    crypto::SeededRng key_rng(1);
    log_key_secret_ = crypto::GenerateSignKeyPair(key_rng).secret_key.Clone();
    Start();
  }

  void TearDown() override {
    Stop();
    pg_.reset();
    fs::remove_all(dir_);
  }

  // A new, empty schema of this test's own (tests run in parallel processes against one
  // cluster, so none may touch another's tables); the previous one is dropped.
  // REQUIRES: the server is stopped.
  void ResetPostgres() {
    pg_.reset();
    auto db = store::storetest::CreateTestDatabase(store::storetest::Engine::kPostgres);
    ASSERT_TRUE(db.ok()) << db.error().message();
    pg_ = std::move(*db);
    url_ = pg_->Url();
  }

  void Start() {
    // As `candor serve` opens it: exclusive, so that on SQLite the public reads' caches are
    // in play in every scenario (and must never serve a stale answer after a write).
    auto st = store::OpenStore(url_, store::StoreOpenOptions{.exclusive = true});
    ASSERT_TRUE(st.ok()) << st.error().message();
    store_ = std::move(*st);
    app::ServiceConfig cfg = config_;
    cfg.password_cost = crypto::PasswordCost::kInteractive;
    service_ = std::make_unique<app::Service>(
        *store_, clock_, rng_, crypto::SignKeyPairFromSecret(log_key_secret_.Clone()), cfg);
    http::Router router;
    ASSERT_TRUE(app::AddApiRoutes(router, *service_).ok());
    if (!web_dir_.empty()) {
      // As `candor serve` does: the files are logged as a web release, then served.
      auto manifest = app::WebDirectoryManifest(web_dir_);
      ASSERT_TRUE(manifest.ok()) << manifest.error().message();
      ASSERT_TRUE(service_->RecordWebRelease(*manifest).ok());
      ASSERT_TRUE(http::StaticFiles(web_dir_).MountAtRoot(router).ok());
    }
    http::ServerOptions opts;
    // A restarted server keeps its address, as a real one does: clients pin the log per
    // server address (cli/trusted_log.h).
    opts.port = port_;
    opts.max_body_bytes = 64 * 1024;
    opts.access_log = &sink_;
    opts.trust_proxy = trust_proxy_;
    server_ = std::make_unique<http::Server>(std::move(router), opts);
    ASSERT_TRUE(server_->Start().ok());
    port_ = server_->port();
    url_server_ = *cli::ServerUrl::Parse("http://127.0.0.1:" + std::to_string(server_->port()));
  }

  void Stop() {
    if (server_) server_->Stop();
    server_.reset();
    service_.reset();
    store_.reset();
  }

  cli::HttpReply Call(const std::string& method, const std::string& target,
                      const std::string& body = "", cli::HeaderList headers = {}) {
    auto r = cli::HttpRequest(url_server_, method, target, body, "", headers);
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? *r : cli::HttpReply{};
  }
  Json JsonOf(const cli::HttpReply& r) { return Json::parse(r.body, nullptr, false); }

  struct Session {
    std::string cookie, csrf;
    cli::HeaderList Headers() const { return {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}; }
  };
  Session Login(const std::string& org, const std::string& user) {
    auto r = Call("POST", "/api/v1/session",
                  Json{{"organization", org}, {"username", user}, {"password", kPassword}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    std::string set_cookie = r.Header("Set-Cookie");
    return Session{set_cookie.substr(0, set_cookie.find(';')), JsonOf(r).value("csrf_token", "")};
  }

  void MakeOrg(const std::string& slug) {
    ASSERT_TRUE(service_->CreateOrganization(slug, "Org " + slug, std::nullopt, false).ok());
    ASSERT_TRUE(
        service_->staff().CreateAccount(slug, "admin", kPassword, store::kRoleAdministrator).ok());
    ASSERT_TRUE(service_->staff()
                    .CreateAccount(slug, "officer", kPassword, store::kRoleEnrollmentOfficer)
                    .ok());
    ASSERT_TRUE(
        service_->staff().CreateAccount(slug, "reviewer", kPassword, store::kRoleReviewer).ok());
  }

  // An organization ready for cables: two reviewers with keys, `members` enrolled members, and
  // a batch, which fixes the roster members write cables within (a roster epoch).
  void SetUpCables(const std::string& slug, std::size_t members, std::uint64_t seed) {
    MakeOrg(slug);
    ASSERT_TRUE(
        service_->staff().CreateAccount(slug, "reviewer2", kPassword, store::kRoleReviewer).ok());
    crypto::SeededRng rng(seed);
    CableOrg& org = orgs_[slug];
    for (const char* name : {"reviewer", "reviewer2"}) {
      org.reviewer_keys.push_back(crypto::GenerateBoxKeyPair(rng));
      Session s = Login(slug, name);
      auto r = RegisterReviewerKey(s, slug, org.reviewer_keys.back());
      ASSERT_EQ(r.status, 204) << r.body;
    }
    Session officer = Login(slug, "officer");
    for (std::size_t i = 0; i < members; ++i) {
      org.members.push_back(crypto::GenerateMemberKeys(rng));
      auto r = Enroll(slug, Invite(officer, slug), org.members.back());
      ASSERT_EQ(r.status, 201) << r.body;
    }
    ASSERT_TRUE(service_->PublishBatch().ok());
  }

  // The organization's state as a client reads it: from the log, with proofs, at a tree head
  // consistent with the last one this test's client saw (cli/trusted_log.h).
  domain::OrgState State(const std::string& slug) {
    cli::LogTrust trust;
    trust.state_dir = (dir_ / "client").string();
    auto head = cli::FetchTrustedHead(url_server_, trust, "");
    EXPECT_TRUE(head.ok()) << head.error().message();
    auto state = cli::FetchOrgState(url_server_, slug, *head, "");
    EXPECT_TRUE(state.ok()) << state.error().message();
    return std::move(*state);
  }

  // Registers a reviewer's key with its proof of possession, as `candor cable register-key` does.
  cli::HttpReply RegisterReviewerKey(const Session& s, const std::string& slug,
                                     const crypto::BoxKeyPair& key) {
    auto challenge =
        Call("GET", "/api/v1/orgs/" + slug + "/reviewer-key/challenge", "", s.Headers());
    if (challenge.status != 200) return challenge;
    auto body = cli::ReviewerKeyRegistration(slug, JsonOf(challenge), key);
    EXPECT_TRUE(body.ok()) << body.error().message();
    return Call("PUT", "/api/v1/orgs/" + slug + "/reviewer-key", body->dump(), s.Headers());
  }

  std::string Invite(const Session& officer, const std::string& slug) {
    auto r = Call("POST", "/api/v1/orgs/" + slug + "/invitations", "{}", officer.Headers());
    EXPECT_EQ(r.status, 201) << r.body;
    return JsonOf(r).value("invitation", "");
  }

  cli::HttpReply Enroll(const std::string& slug, const std::string& code,
                        const crypto::MemberKeys& k) {
    return Call("POST", "/api/v1/orgs/" + slug + "/enroll",
                Json{{"invitation", code},
                     {"ring_public", crypto::ToHex(k.ring.public_key)},
                     {"reply_public", crypto::ToHex(k.box.public_key)}}
                    .dump());
  }

  app::ServiceConfig config_;  // set before Start() (SetUp starts with the defaults)
  bool trust_proxy_ = false;   // set before Start(): believe X-Forwarded-Proto
  fs::path dir_;
  std::unique_ptr<store::storetest::TestDatabase> pg_;  // PostgreSQL only
  std::string url_;
  app::ManualClock clock_{kStart};
  crypto::SeededRng rng_{42};
  crypto::SignSecretKey log_key_secret_;
  RecordingSink sink_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<app::Service> service_;
  std::unique_ptr<http::Server> server_;
  struct CableOrg {
    std::vector<crypto::BoxKeyPair> reviewer_keys;
    std::vector<crypto::MemberKeys> members;
  };
  std::map<std::string, CableOrg> orgs_;
  cli::ServerUrl url_server_;
  std::uint16_t port_ = 0;  // 0 until the first Start picks one
  std::string web_dir_;     // set before Start() to serve a web front end from it
};

}  // namespace candor::it

#endif  // CANDOR_TESTS_INTEGRATION_SERVER_FIXTURE_H_
