// Reviewers' notifications end to end, on both engines: daily digests through a real SMTP
// server (aiosmtpd, Debian's python3-aiosmtpd, started by the test), one encrypted with the
// reviewer's OpenPGP key made by the real gpg and one in the clear, and a signed webhook to a
// real HTTP receiver. Checked: the digest goes at the organization's local hour, once a day,
// the same size whether or not anything waits, with nothing of the cable in it but (encrypted)
// its id and deadline; failures are retried and visible to administrators; a digest retried
// into the next day is dropped; bad settings and addresses are refused and change nothing.
#include <fstream>

#include "cable_fixture.h"
#include "notify/digest.h"
#include "notify/openpgp_testing.h"
#include "notify/outbound.h"
#include "processes.h"

namespace candor::it {
namespace {

std::string ReadText(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

struct Mail {
  std::string to, text;
};

class NotifyTest : public CableTest {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("candor-notify-" + std::to_string(std::random_device{}()));
    fs::create_directories(base_ / "hooks");
    maildir_ = base_ / "maildir";
    smtp_port_ = FreePort();
    StartMailServer();
    const fs::path port_file = base_ / "hook.port";
    hooks_ = std::make_unique<Child>(std::vector<std::string>{
        "python3", std::string(CANDOR_TESTS_DIR) + "/integration/webhook_receiver.py",
        port_file.string(), (base_ / "hooks").string()});
    ASSERT_TRUE(WaitFor([&] { return fs::exists(port_file); })) << "no webhook receiver";
    hook_url_ = "http://127.0.0.1:" + ReadText(port_file) + "/candor";
    notify::SmtpConfig smtp;
    smtp.url = "smtp://127.0.0.1:" + std::to_string(smtp_port_);
    smtp.from = "candor@example.org";
    smtp.tls = notify::SmtpConfig::Tls::kNone;  // a loopback test server without TLS
    smtp.timeout_seconds = 10;
    config_.smtp = smtp;
    config_.public_url = "https://candor.example.org/";
    gpg_home_ = (base_ / "gpg").string();
    reviewer_key_ = notify::testing::MakeOpenPgpKey(gpg_home_, "Reviewer <reviewer@example.org>");
    ASSERT_FALSE(reviewer_key_.empty()) << "gpg could not make a key";
    CableTest::SetUp();
  }

  void TearDown() override {
    CableTest::TearDown();
    smtp_.reset();
    hooks_.reset();
    notify::testing::StopAgent(gpg_home_);
    fs::remove_all(base_);
  }

  void StartMailServer() {
    smtp_ = std::make_unique<Child>(std::vector<std::string>{
        "/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(smtp_port_),
        "-c", "aiosmtpd.handlers.Mailbox", maildir_.string()});
    ASSERT_TRUE(smtp_->running());
    ASSERT_TRUE(WaitFor([&] { return Listening(smtp_port_); })) << "aiosmtpd did not start";
  }

  // The messages the mail server has taken since the last call, by recipient.
  std::map<std::string, Mail> NewMail() {
    std::map<std::string, Mail> out;
    if (!fs::exists(maildir_ / "new")) return out;
    for (const auto& e : fs::directory_iterator(maildir_ / "new")) {
      Mail m;
      m.text = ReadText(e.path());
      const auto at = m.text.find("\nTo: ");
      if (at != std::string::npos) {
        m.to = m.text.substr(at + 5, m.text.find_first_of("\r\n", at + 5) - at - 5);
      }
      fs::rename(e.path(), base_ / e.path().filename());  // read
      out[m.to] = std::move(m);
    }
    return out;
  }

  // The webhook requests received since the last call, in order.
  std::vector<Json> NewHooks() {
    std::vector<Json> out;
    for (int n = hooks_seen_ + 1;; ++n) {
      const fs::path p = base_ / "hooks" / (std::to_string(n) + ".json");
      if (!fs::exists(p)) break;
      out.push_back(Json::parse(ReadText(p)));
      hooks_seen_ = n;
    }
    return out;
  }

  app::NotifyService::Report Run() {
    auto r = service_->notify().RunNotifyJobs();
    EXPECT_TRUE(r.ok()) << r.error().message();
    return r.ok() ? *r : app::NotifyService::Report{};
  }

  // The text of an encrypted digest: its PGP/MIME part, decrypted with the reviewer's key.
  std::string Decrypt(const std::string& mail) {
    const auto begin = mail.find("-----BEGIN PGP MESSAGE-----");
    const auto end = mail.find("-----END PGP MESSAGE-----");
    EXPECT_NE(begin, std::string::npos);
    EXPECT_NE(end, std::string::npos);
    if (begin == std::string::npos || end == std::string::npos) return "";
    auto [rc, plain] =
        notify::testing::DecryptWith(gpg_home_, mail.substr(begin, end + 25 - begin) + "\n");
    EXPECT_EQ(rc, 0);
    return plain;
  }

  // The size on the wire of a message's body, the part after its headers (aiosmtpd adds
  // X-Peer and others to the headers, and its Maildir stores lines ending in LF alone: each
  // counts for a CRLF).
  static std::size_t WireBodySize(const std::string& mail) {
    const auto at = mail.find("\n\n");
    if (at == std::string::npos) return 0;
    const std::string body = mail.substr(at + 2);
    std::size_t size = body.size();
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) ++size;
    }
    return size;
  }

  fs::path base_, maildir_;
  int smtp_port_ = 0;
  std::unique_ptr<Child> smtp_, hooks_;
  std::string hook_url_, gpg_home_, reviewer_key_;
  int hooks_seen_ = 0;
};

TEST_P(NotifyTest, DailyDigestsGoByMailAndWebhookAtTheHourAndLeakNothing) {
  clock_.Set(MsOf(2026, 11, 19, 12));  // Thursday, 07:00 in New York
  SetUpCables("state", 25, 21);
  Session admin = Login("state", "admin");
  domain::OrganizationSettings org_settings;
  org_settings.time_zone = "America/New_York";
  ASSERT_EQ(PutSettings("state", org_settings, admin).status, 204);
  const std::string settings_path = "/api/v1/orgs/state/notify/settings";

  // Administrators only; bad settings are refused and change nothing.
  Session reviewer = Login("state", "reviewer");
  const Json good{{"enabled", true}, {"digest_hour", 8}, {"webhook_url", hook_url_}};
  EXPECT_EQ(Call("PUT", settings_path, good.dump(), reviewer.Headers()).status, 403);
  EXPECT_EQ(Call("GET", settings_path, "", reviewer.Headers()).status, 403);
  for (const Json& bad :
       {Json{{"enabled", true}, {"digest_hour", 24}},
        Json{{"enabled", true}, {"digest_hour", 8}, {"webhook_url", "http://example.org/hook"}},
        Json{{"enabled", true}, {"digest_hour", 8}, {"webhook_url", "https://a.org/\r\nX: y"}},
        Json{{"enabled", "yes"}, {"digest_hour", 8}},
        Json{{"enabled", true}, {"digest_hour", 8}, {"extra", 1}}}) {
    EXPECT_EQ(Call("PUT", settings_path, bad.dump(), admin.Headers()).status, 400) << bad;
  }
  Json before = JsonOf(Call("GET", settings_path, "", admin.Headers()));
  EXPECT_EQ(before["enabled"], false);
  EXPECT_EQ(before["mail_server"], true);
  auto put = Call("PUT", settings_path, good.dump(), admin.Headers());
  ASSERT_EQ(put.status, 200) << put.body;
  const std::string secret_hex = JsonOf(put)["webhook_secret"];
  ASSERT_EQ(secret_hex.size(), 64u);
  // Shown once: the settings say a secret is set, never what it is.
  Json after = JsonOf(Call("GET", settings_path, "", admin.Headers()));
  EXPECT_EQ(after["webhook_secret_set"], true);
  EXPECT_EQ(after.dump().find(secret_hex), std::string::npos);
  EXPECT_EQ(after["webhook_url"], hook_url_);

  // Each reviewer gives their own address; reviewer gives an OpenPGP key too.
  const std::string me = "/api/v1/orgs/state/notify/me";
  Session reviewer2 = Login("state", "reviewer2");
  for (const Json& bad : {Json{{"email", "reviewer@example.org\r\nBcc: spy@example.org"}},
                          Json{{"email", "not an address"}},
                          Json{{"email", "reviewer@example.org"}, {"openpgp_key", "garbage"}}}) {
    EXPECT_EQ(Call("PUT", me, bad.dump(), reviewer.Headers()).status, 400) << bad;
  }
  EXPECT_EQ(JsonOf(Call("GET", me, "", reviewer.Headers()))["address"], nullptr);
  EXPECT_EQ(Call("PUT", me, Json{{"email", "admin@example.org"}}.dump(), admin.Headers()).status,
            403);  // not a reviewer
  ASSERT_EQ(Call("PUT", me,
                 Json{{"email", "reviewer@example.org"}, {"openpgp_key", reviewer_key_}}.dump(),
                 reviewer.Headers())
                .status,
            204);
  ASSERT_EQ(
      Call("PUT", me, Json{{"email", "reviewer2@example.org"}}.dump(), reviewer2.Headers()).status,
      204);
  Json mine = JsonOf(Call("GET", me, "", reviewer.Headers()));
  EXPECT_EQ(mine["address"]["email"], "reviewer@example.org");
  EXPECT_EQ(mine["address"]["openpgp_fingerprint"].get<std::string>().size(), 40u);

  // 07:00 in New York: not yet.
  app::NotifyService::Report r = Run();
  EXPECT_EQ(r.queued, 0u);
  EXPECT_TRUE(NewMail().empty());

  // 08:30: a digest for each reviewer and the webhook, though nothing waits.
  clock_.Set(MsOf(2026, 11, 19, 13) + 30 * 60'000);
  r = Run();
  EXPECT_EQ(r.queued, 3u);
  EXPECT_EQ(r.sent, 3u);
  auto quiet = NewMail();
  ASSERT_EQ(quiet.size(), 2u);
  ASSERT_TRUE(quiet.count("reviewer@example.org") && quiet.count("reviewer2@example.org"));
  EXPECT_NE(quiet["reviewer2@example.org"].text.find("Nothing is waiting for you in Candor today"),
            std::string::npos);
  EXPECT_NE(Decrypt(quiet["reviewer@example.org"].text).find("Nothing is waiting for you."),
            std::string::npos);
  auto quiet_hooks = NewHooks();
  ASSERT_EQ(quiet_hooks.size(), 1u);
  // Once a day: a second run sends nothing more.
  r = Run();
  EXPECT_EQ(r.queued + r.sent, 0u);
  EXPECT_TRUE(NewMail().empty());

  // A cable arrives; the next day's digests say so, and nothing of what it says.
  cli::SealedCable c =
      Seal("state", 0, "Secret subject about the ambassador", "Secret body about the ambassador");
  ASSERT_EQ(Submit(c.request).status, 201);
  ASSERT_TRUE(service_->PublishBatch().ok());
  const std::string id = crypto::ToHex(c.id);
  clock_.Set(MsOf(2026, 11, 20, 13) + 30 * 60'000);
  r = Run();
  EXPECT_EQ(r.sent, 3u);
  auto busy = NewMail();
  ASSERT_EQ(busy.size(), 2u);
  for (auto& [to, m] : busy) {
    EXPECT_EQ(m.text.find("Secret"), std::string::npos) << to;
    EXPECT_EQ(m.text.find("ambassador"), std::string::npos) << to;
    EXPECT_EQ(m.text.find(id.substr(0, 16)), std::string::npos) << to << ": a cable id in clear";
    EXPECT_NE(m.text.find("\nSubject: Candor daily digest\n"), std::string::npos);
    // The same size as the day nothing waited: the size says nothing.
    EXPECT_EQ(WireBodySize(m.text), WireBodySize(quiet[to].text)) << to;
    EXPECT_GE(WireBodySize(m.text), notify::kDigestTextBytes) << to;
  }
  EXPECT_NE(busy["reviewer2@example.org"].text.find("Something is waiting for you in Candor."),
            std::string::npos);
  EXPECT_NE(busy["reviewer@example.org"].text.find("multipart/encrypted"), std::string::npos);
  const std::string detailed = Decrypt(busy["reviewer@example.org"].text);
  EXPECT_NE(detailed.find("cable " + id.substr(0, 16) + "  acknowledge by 2026-11-23"),
            std::string::npos)
      << detailed;
  EXPECT_NE(detailed.find("1 to acknowledge, 0 to answer, 0 overdue"), std::string::npos);
  EXPECT_EQ(detailed.find("Secret"), std::string::npos);

  // The webhook: the public counts, the same size, signed with the secret.
  auto hooks = NewHooks();
  ASSERT_EQ(hooks.size(), 1u);
  const std::string body = hooks[0]["body"];
  EXPECT_EQ(body.size(), notify::kWebhookBodyBytes);
  EXPECT_EQ(std::string(quiet_hooks[0]["body"]).size(), body.size());
  EXPECT_EQ(Json::parse(body)["open"], 1);
  EXPECT_EQ(Json::parse(body)["day"], "2026-11-20");
  const std::string signature = hooks[0]["headers"]["Candor-Signature"];
  const auto secret = *crypto::FromHex(secret_hex);
  const std::int64_t t = std::stoll(signature.substr(2, signature.find(',') - 2));
  EXPECT_EQ(t, clock_.NowMs() / 1000);
  EXPECT_EQ(signature, notify::WebhookSignature(secret, t, body));
  EXPECT_NE(signature, notify::WebhookSignature(crypto::Bytes(32, 0), t, body));

  // The mail server is down and the receiver fails: retried, and administrators see why.
  smtp_->Stop();
  std::ofstream(base_ / "hooks" / "fail") << "1";
  clock_.Set(MsOf(2026, 11, 21, 13) + 30 * 60'000);
  r = Run();
  EXPECT_EQ(r.queued, 3u);
  EXPECT_EQ(r.sent, 0u);
  EXPECT_EQ(r.failed, 0u);  // not given up: retried
  const std::string deliveries = "/api/v1/orgs/state/notify/deliveries";
  admin = Login("state", "admin");  // sessions last 8 hours
  reviewer = Login("state", "reviewer");
  EXPECT_EQ(Call("GET", deliveries, "", reviewer.Headers()).status, 403);
  Json list = JsonOf(Call("GET", deliveries, "", admin.Headers()));
  ASSERT_EQ(list["deliveries"].size(), 9u);
  for (std::size_t i = 0; i < 3; ++i) {
    const Json& d = list["deliveries"][i];
    EXPECT_EQ(d["day"], "2026-11-21");
    EXPECT_EQ(d["state"], "pending");
    EXPECT_EQ(d["attempts"], 1);
    const std::string why = d["last_error"];
    if (d["channel"] == "webhook") {
      EXPECT_EQ(d["recipient"], "webhook");
      EXPECT_NE(why.find("HTTP 500"), std::string::npos) << why;
    } else {
      EXPECT_NE(why.find("the mail server did not take the message"), std::string::npos) << why;
    }
  }
  EXPECT_EQ(list["deliveries"][5]["state"], "sent");
  // Before the retry is due nothing is tried; once it is, everything goes.
  StartMailServer();
  fs::remove(base_ / "hooks" / "fail");
  clock_.Set(clock_.NowMs() + 4 * 60'000);
  EXPECT_EQ(Run().sent, 0u);
  clock_.Set(clock_.NowMs() + 60'000);
  r = Run();
  EXPECT_EQ(r.sent, 3u);
  EXPECT_EQ(NewMail().size(), 2u);
  list = JsonOf(Call("GET", deliveries, "", admin.Headers()));
  EXPECT_EQ(list["deliveries"][0]["state"], "sent");
  EXPECT_EQ(list["deliveries"][0]["attempts"], 2);
  EXPECT_EQ(list["deliveries"][0]["last_error"], nullptr);

  // A digest still failing when the next day's comes is dropped, not sent late.
  smtp_->Stop();
  clock_.Set(MsOf(2026, 11, 22, 13) + 30 * 60'000);
  Run();
  StartMailServer();
  clock_.Set(MsOf(2026, 11, 23, 13) + 30 * 60'000);
  r = Run();
  EXPECT_EQ(r.sent, 3u);  // the 23rd's; the 22nd's mails are superseded
  EXPECT_EQ(NewMail().size(), 2u);
  admin = Login("state", "admin");
  list = JsonOf(Call("GET", deliveries, "", admin.Headers()));
  std::map<std::string, int> states;
  for (const auto& d : list["deliveries"]) {
    if (d["day"] == "2026-11-22" && d["channel"] == "email") ++states[d["state"]];
  }
  EXPECT_EQ(states["superseded"], 2);

  // A reviewer who removes their address gets no more digests; turned off, nothing goes.
  clock_.Set(MsOf(2026, 11, 24, 13));
  admin = Login("state", "admin");
  reviewer2 = Login("state", "reviewer2");
  ASSERT_EQ(Call("DELETE", me, "", reviewer2.Headers()).status, 204);
  clock_.Set(MsOf(2026, 11, 24, 13) + 30 * 60'000);
  r = Run();
  EXPECT_EQ(r.sent, 2u);
  auto last = NewMail();
  EXPECT_EQ(last.size(), 1u);
  EXPECT_EQ(last.count("reviewer2@example.org"), 0u);
  ASSERT_EQ(Call("PUT", settings_path, Json{{"enabled", false}, {"digest_hour", 8}}.dump(),
                 admin.Headers())
                .status,
            200);
  clock_.Set(MsOf(2026, 11, 25, 13) + 30 * 60'000);
  r = Run();
  EXPECT_EQ(r.queued + r.sent, 0u);
  EXPECT_TRUE(NewMail().empty());
}

TEST_P(NotifyTest, TheCommandLineSetsTheDigestsAndShowsTheirDeliveries) {
  clock_.Set(MsOf(2026, 11, 19, 7));  // 07:00 UTC (the organization's zone)
  SetUpCables("state", 25, 22);
  const std::string server = url_server_.ToString();
  auto run = [&](const std::string& user, const std::string& args) {
    return RunShell("CANDOR_PASSWORD='" + std::string(kPassword) + "' " +
                    std::string(CANDOR_BINARY) + " cable " + args + " --server " + server +
                    " --org state --user " + user);
  };
  const std::string key_file = (base_ / "reviewer.asc").string();
  std::ofstream(key_file) << reviewer_key_;
  auto shown = run("reviewer", "digest");
  ASSERT_EQ(shown.first, 0) << shown.second;
  EXPECT_NE(shown.second.find("No digest is sent to you"), std::string::npos) << shown.second;
  auto set = run("reviewer", "digest --email reviewer@example.org --openpgp-key " + key_file);
  ASSERT_EQ(set.first, 0) << set.second;
  EXPECT_NE(set.second.find("goes to reviewer@example.org, encrypted to OpenPGP key"),
            std::string::npos)
      << set.second;
  auto plain = run("reviewer2", "digest --email reviewer2@example.org");
  EXPECT_NE(plain.second.find("in the clear: it says only whether something waits"),
            std::string::npos)
      << plain.second;
  auto bad = run("reviewer2", "digest --email 'x@example.org\nBcc: y@example.org'");
  EXPECT_NE(bad.first, 0);
  EXPECT_NE(run("reviewer", "notifications --enable").first, 0);  // not an administrator

  auto on = run("admin", "notifications --enable --hour 8 --webhook " + hook_url_);
  ASSERT_EQ(on.first, 0) << on.second;
  EXPECT_NE(on.second.find("signing secret (shown this once"), std::string::npos) << on.second;
  EXPECT_NE(on.second.find("Daily digests: on, at 08:00"), std::string::npos) << on.second;
  EXPECT_NE(on.second.find("No deliveries yet."), std::string::npos);
  clock_.Set(MsOf(2026, 11, 19, 8));
  app::NotifyService::Report r = Run();
  EXPECT_EQ(r.sent, 3u);
  auto listed = run("admin", "notifications");
  ASSERT_EQ(listed.first, 0) << listed.second;
  EXPECT_NE(listed.second.find("2026-11-19  email    reviewer2"), std::string::npos)
      << listed.second;
  EXPECT_NE(listed.second.find("2026-11-19  webhook  webhook              sent       tries 1"),
            std::string::npos)
      << listed.second;
  // Changing one setting keeps the others (the hour, the webhook).
  auto off = run("admin", "notifications --disable");
  EXPECT_NE(off.second.find("Daily digests: off, at 08:00"), std::string::npos) << off.second;
  EXPECT_NE(off.second.find("Webhook: " + hook_url_), std::string::npos) << off.second;
  EXPECT_EQ(off.second.find("signing secret"), std::string::npos);
  auto stop = run("reviewer", "digest --stop");
  EXPECT_NE(stop.second.find("No more digests will be sent to you."), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, NotifyTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace candor::it
