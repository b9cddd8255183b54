// The real server over real sockets against real engines: organizations, accounts,
// enrollment, rosters, the log service.
#include <algorithm>
#include <atomic>
#include <fstream>
#include <limits>
#include <set>
#include <thread>
#include <vector>

#include "crypto/at_rest.h"
#include "domain/log_entry.h"
#include "server/app/log_writer.h"
#include "server_fixture.h"

namespace candor::it {
namespace {

TEST_P(ServerTest, EnrollmentBuildsAVersionedRosterWithoutNames) {
  MakeOrg("state");
  Session officer = Login("state", "officer");
  crypto::SeededRng member_rng(7);
  std::vector<crypto::MemberKeys> members;
  for (int i = 0; i < 3; ++i) {
    members.push_back(crypto::GenerateMemberKeys(member_rng));
    auto r = Enroll("state", Invite(officer, "state"), members.back());
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(JsonOf(r)["roster_size"], i + 1);
  }
  auto roster = JsonOf(Call("GET", "/api/v1/orgs/state/roster"));
  ASSERT_EQ(roster["size"], 3);
  std::vector<crypto::Point> keys;
  for (const auto& m : members) keys.push_back(m.ring.public_key);
  EXPECT_EQ(roster["digest"], crypto::ToHex(crypto::Ring::Create(keys)->digest()));
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/orgs/state/roster/1"))["size"], 1);
  EXPECT_EQ(Call("GET", "/api/v1/orgs/state/roster/9").status, 404);

  // Removal is a new version; the removed key cannot come back.
  auto rm = Call("POST", "/api/v1/orgs/state/roster/remove",
                 Json{{"ring_public", crypto::ToHex(members[1].ring.public_key)}}.dump(),
                 officer.Headers());
  ASSERT_EQ(rm.status, 200) << rm.body;
  EXPECT_EQ(JsonOf(rm)["version"], 4);
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/orgs/state/roster"))["size"], 2);
  EXPECT_EQ(Enroll("state", Invite(officer, "state"), members[1]).status, 409);
  auto history = JsonOf(Call("GET", "/api/v1/orgs/state/roster-history"));
  ASSERT_EQ(history["events"].size(), 4u);
  EXPECT_EQ(history["events"][3]["action"], "remove");
  // A key removed twice, or never on the roster: not found, and nothing changes.
  auto again = Call("POST", "/api/v1/orgs/state/roster/remove",
                    Json{{"ring_public", crypto::ToHex(members[1].ring.public_key)}}.dump(),
                    officer.Headers());
  EXPECT_EQ(again.status, 404) << again.body;
  // The summary the organization page shows (sizes and digests kept per version, issue 12)
  // agrees with the members listed: at the latest version and at each earlier one.
  auto org = JsonOf(Call("GET", "/api/v1/orgs/state"));
  EXPECT_EQ(org["roster_size"], 2);
  EXPECT_EQ(org["roster_version"], 4);
  EXPECT_EQ(
      org["roster_digest"],
      crypto::ToHex(crypto::Ring::Create({members[0].ring.public_key, members[2].ring.public_key})
                        ->digest()));
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/orgs/state/roster/3"))["digest"],
            crypto::ToHex(crypto::Ring::Create(keys)->digest()));
  auto list = JsonOf(Call("GET", "/api/v1/orgs"));
  EXPECT_EQ(list["organizations"][0]["roster_size"], 2);
  auto next = Enroll("state", Invite(officer, "state"), crypto::GenerateMemberKeys(member_rng));
  EXPECT_EQ(JsonOf(next)["roster_size"], 3);
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/orgs/state"))["roster_size"], 3);
}

// Issue 12: a roster version never changes, so it is served for caching for good, with a strong
// ETag; the latest roster must be revalidated; a matching If-None-Match gets 304 and no body.
TEST_P(ServerTest, RosterVersionsAreCacheableWithStrongEntityTags) {
  MakeOrg("state");
  Session officer = Login("state", "officer");
  crypto::SeededRng rng(9);
  for (int i = 0; i < 2; ++i)
    ASSERT_EQ(Enroll("state", Invite(officer, "state"), crypto::GenerateMemberKeys(rng)).status,
              201);
  auto v1 = Call("GET", "/api/v1/orgs/state/roster/1");
  ASSERT_EQ(v1.status, 200);
  EXPECT_EQ(v1.Header("Cache-Control"), "public, max-age=31536000, immutable");
  const std::string tag = v1.Header("ETag");
  ASSERT_EQ(tag.size(), 34u) << tag;  // a quoted 128-bit hash of the body
  auto again = Call("GET", "/api/v1/orgs/state/roster/1", "", {{"If-None-Match", tag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.Header("ETag"), tag);
  EXPECT_EQ(Call("GET", "/api/v1/orgs/state/roster/1", "", {{"If-None-Match", "\"other\""}}).status,
            200);

  auto latest = Call("GET", "/api/v1/orgs/state/roster");
  EXPECT_EQ(latest.Header("Cache-Control"), "no-cache");
  EXPECT_NE(latest.Header("ETag"), tag);
  EXPECT_EQ(latest.Header("ETag"), Call("GET", "/api/v1/orgs/state/roster/2").Header("ETag"));
  EXPECT_EQ(Call("GET", "/api/v1/orgs/state/roster", "", {{"If-None-Match", latest.Header("ETag")}})
                .status,
            304);
  // A new member: the latest roster has a new tag; the old one no longer matches it.
  ASSERT_EQ(Enroll("state", Invite(officer, "state"), crypto::GenerateMemberKeys(rng)).status, 201);
  auto after =
      Call("GET", "/api/v1/orgs/state/roster", "", {{"If-None-Match", latest.Header("ETag")}});
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(JsonOf(after)["size"], 3);
  // Everything else in the API stays uncacheable.
  EXPECT_EQ(Call("GET", "/api/v1/log/sth").Header("Cache-Control"), "no-store");
}

// /log/sth and /roster are answered from memory while the store is unchanged (SQLite, opened
// exclusive as here): every write, whatever it is, must show in the very next read.
TEST_P(ServerTest, PublicReadsNeverLagBehindAWrite) {
  MakeOrg("state");
  Session officer = Login("state", "officer");
  crypto::SeededRng rng(11);
  std::int64_t last_size = -1;
  for (int i = 1; i <= 4; ++i) {
    auto r = Enroll("state", Invite(officer, "state"), crypto::GenerateMemberKeys(rng));
    ASSERT_EQ(r.status, 201) << r.body;
    auto sth = Call("GET", "/api/v1/log/sth");
    auto roster = Call("GET", "/api/v1/orgs/state/roster");
    auto summary = Call("GET", "/api/v1/orgs/state");
    ASSERT_EQ(sth.status, 200) << sth.body;
    ASSERT_EQ(roster.status, 200) << roster.body;
    EXPECT_EQ(JsonOf(roster)["size"], i);
    EXPECT_EQ(JsonOf(summary)["roster_size"], i);
    EXPECT_EQ(JsonOf(summary)["roster_digest"], JsonOf(roster)["digest"]);
    const std::int64_t size = JsonOf(sth)["tree_size"];
    EXPECT_GT(size, last_size);  // each enrollment is logged at once
    last_size = size;
  }
}

TEST_P(ServerTest, InvitationsAreSingleUseAndExpire) {
  MakeOrg("state");
  Session officer = Login("state", "officer");
  crypto::SeededRng member_rng(8);
  auto a = crypto::GenerateMemberKeys(member_rng), b = crypto::GenerateMemberKeys(member_rng);
  std::string code = Invite(officer, "state");
  ASSERT_EQ(Enroll("state", code, a).status, 201);
  auto replay = Enroll("state", code, b);
  EXPECT_EQ(replay.status, 403);
  EXPECT_NE(replay.body.find("not valid"), std::string::npos);
  std::string later = Invite(officer, "state");
  clock_.Advance(73LL * 3600 * 1000);  // past the default 72 hours
  EXPECT_EQ(Enroll("state", later, b).status, 403);
  EXPECT_EQ(Enroll("state", "AAAA-BBBB", b).status, 400);  // typo: checksum fails
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/orgs/state/roster"))["size"], 1);
}

// Issue 12: an officer issues invitations in bulk (one transaction, one expiry), each of them
// single-use like any other; out-of-range counts are refused and create nothing.
TEST_P(ServerTest, InvitationsInBulk) {
  MakeOrg("state");
  Session officer = Login("state", "officer");
  for (Json bad : {Json(0), Json(-1), Json(1001), Json("5"), Json(2.5)}) {
    EXPECT_EQ(Call("POST", "/api/v1/orgs/state/invitations", Json{{"count", bad}}.dump(),
                   officer.Headers())
                  .status,
              400)
        << bad.dump();
  }
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/orgs/state/invitations", "", officer.Headers()))["open"],
            0);
  auto r = Call("POST", "/api/v1/orgs/state/invitations",
                Json{{"count", 50}, {"valid_hours", 24}}.dump(), officer.Headers());
  ASSERT_EQ(r.status, 201) << r.body;
  const Json codes = JsonOf(r)["invitations"];
  ASSERT_EQ(codes.size(), 50u);
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 50u);
  EXPECT_EQ(JsonOf(r)["expires_at_ms"], kStart + 24 * 3'600'000);
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/orgs/state/invitations", "", officer.Headers()))["open"],
            50);
  crypto::SeededRng rng(11);
  EXPECT_EQ(Enroll("state", codes[7], crypto::GenerateMemberKeys(rng)).status, 201);
  EXPECT_EQ(Enroll("state", codes[7], crypto::GenerateMemberKeys(rng)).status, 403);  // used
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/orgs/state/invitations", "", officer.Headers()))["open"],
            49);
  // Other roles cannot.
  EXPECT_EQ(Call("POST", "/api/v1/orgs/state/invitations", Json{{"count", 2}}.dump(),
                 Login("state", "reviewer").Headers())
                .status,
            403);
}

TEST_P(ServerTest, TenantsAreIsolatedOnEveryStaffEndpoint) {
  MakeOrg("state");
  MakeOrg("usaid");
  Session admin = Login("state", "admin");
  Session officer = Login("state", "officer");
  Session reviewer = Login("state", "reviewer");
  struct Ep {
    std::string method, path, body;
  };
  const std::vector<Ep> endpoints = {
      {"POST", "/api/v1/orgs/usaid/invitations", "{}"},
      {"GET", "/api/v1/orgs/usaid/invitations", ""},
      {"POST", "/api/v1/orgs/usaid/roster/remove",
       Json{{"ring_public", std::string(64, 'a')}}.dump()},
      {"GET", "/api/v1/orgs/usaid/accounts", ""},
      {"POST", "/api/v1/orgs/usaid/accounts",
       Json{{"username", "x"}, {"password", kPassword}, {"roles", {"reviewer"}}}.dump()},
      {"PATCH", "/api/v1/orgs/usaid/accounts/1", Json{{"disabled", true}}.dump()},
      {"PUT", "/api/v1/orgs/usaid/settings", "{}"},
      {"GET", "/api/v1/orgs/usaid/holidays", ""},
      {"PUT", "/api/v1/orgs/usaid/holidays", Json{{"holidays", Json::array()}}.dump()},
      {"PUT", "/api/v1/orgs/usaid/reviewer-key",
       Json{{"reply_public", std::string(64, '1')}, {"proof", std::string(64, '0')}}.dump()},
      {"GET", "/api/v1/orgs/usaid/reviewer-key/challenge", ""},
  };
  for (const Session* s : {&admin, &officer, &reviewer}) {
    for (const auto& ep : endpoints) {
      auto r = Call(ep.method, ep.path, ep.body, s->Headers());
      EXPECT_EQ(r.status, 403) << ep.method << " " << ep.path << " " << r.body;
    }
  }
  // Nothing changed in the other organization.
  Session other_admin = Login("usaid", "admin");
  auto accounts = JsonOf(Call("GET", "/api/v1/orgs/usaid/accounts", "", other_admin.Headers()));
  EXPECT_EQ(accounts["accounts"].size(), 3u);
  for (const auto& a : accounts["accounts"]) EXPECT_FALSE(a["disabled"].get<bool>());
}

TEST_P(ServerTest, RolesArePermissionsAndSessionsNeedCsrf) {
  MakeOrg("state");
  Session admin = Login("state", "admin");
  Session officer = Login("state", "officer");
  Session reviewer = Login("state", "reviewer");
  EXPECT_EQ(Call("POST", "/api/v1/orgs/state/invitations", "{}", reviewer.Headers()).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/orgs/state/invitations", "{}", admin.Headers()).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/orgs/state/accounts", "", officer.Headers()).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/orgs/state/accounts", "", admin.Headers()).status, 200);
  EXPECT_EQ(
      Call("PUT", "/api/v1/orgs/state/reviewer-key",
           Json{{"reply_public", std::string(64, '1')}, {"proof", std::string(64, '0')}}.dump(),
           officer.Headers())
          .status,
      403);
  crypto::SeededRng key_rng(31);
  EXPECT_EQ(RegisterReviewerKey(reviewer, "state", crypto::GenerateBoxKeyPair(key_rng)).status,
            204);
  // Without the CSRF header a state change is refused even with a valid cookie.
  EXPECT_EQ(
      Call("POST", "/api/v1/orgs/state/invitations", "{}", {{"Cookie", officer.cookie}}).status,
      403);
  // Without a session at all: 401.
  EXPECT_EQ(Call("GET", "/api/v1/session").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/session", "", admin.Headers()).status, 200);
  // Logout ends the session; expiry ends it too.
  EXPECT_EQ(Call("DELETE", "/api/v1/session", "", admin.Headers()).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/session", "", admin.Headers()).status, 401);
  clock_.Advance(9LL * 3600 * 1000);
  EXPECT_EQ(Call("GET", "/api/v1/session", "", officer.Headers()).status, 401);
  // An administrator adds an account; a disabled account cannot sign in.
  Session admin2 = Login("state", "admin");
  auto created =
      Call("POST", "/api/v1/orgs/state/accounts",
           Json{{"username", "newbie"}, {"password", kPassword}, {"roles", {"reviewer"}}}.dump(),
           admin2.Headers());
  ASSERT_EQ(created.status, 201) << created.body;
  auto id = JsonOf(created)["id"].get<std::int64_t>();
  EXPECT_EQ(Call("PATCH", "/api/v1/orgs/state/accounts/" + std::to_string(id),
                 Json{{"disabled", true}}.dump(), admin2.Headers())
                .status,
            204);
  EXPECT_EQ(
      Call("POST", "/api/v1/session",
           Json{{"organization", "state"}, {"username", "newbie"}, {"password", kPassword}}.dump())
          .status,
      401);
}

TEST_P(ServerTest, LoginIsThrottledAndSaysNothingAboutWhichPartWasWrong) {
  MakeOrg("state");
  auto attempt = [&](const std::string& user, const std::string& pw) {
    return Call("POST", "/api/v1/session",
                Json{{"organization", "state"}, {"username", user}, {"password", pw}}.dump());
  };
  auto unknown = attempt("nobody", kPassword);
  auto wrong = attempt("admin", "wrong password here");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(JsonOf(unknown)["error"]["message"], JsonOf(wrong)["error"]["message"]);
  for (int i = 0; i < 4; ++i) attempt("admin", "wrong password here");
  EXPECT_EQ(attempt("admin", kPassword).status, 429);  // locked even with the right password
  clock_.Advance(16LL * 60 * 1000);
  EXPECT_EQ(attempt("admin", kPassword).status, 200);
}

// Security review L2: "sign out everywhere" ends the account's sessions on every device.
// Over HTTPS the session cookie is "__Host-candor_session" (Secure, Path=/, no Domain: a sibling
// subdomain cannot plant one), and a bare "candor_session" is not read there (security review L2).
TEST_P(ServerTest, OverHttpsTheSessionCookieCarriesTheHostPrefix) {
  Stop();
  trust_proxy_ = true;
  Start();
  MakeOrg("state");
  const cli::HeaderList https = {{"X-Forwarded-Proto", "https"}};
  auto login =
      Call("POST", "/api/v1/session",
           Json{{"organization", "state"}, {"username", "admin"}, {"password", kPassword}}.dump(),
           https);
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string set_cookie = login.Header("Set-Cookie");
  EXPECT_TRUE(set_cookie.starts_with("__Host-candor_session=")) << set_cookie;
  EXPECT_NE(set_cookie.find("; Secure"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("Path=/"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("Domain"), std::string::npos) << set_cookie;
  const std::string pair = set_cookie.substr(0, set_cookie.find(';'));
  const std::string token = pair.substr(pair.find('=') + 1);

  auto with = [&](const std::string& cookie) {
    cli::HeaderList h = https;
    h.emplace_back("Cookie", cookie);
    return Call("GET", "/api/v1/session", "", h).status;
  };
  EXPECT_EQ(with("__Host-candor_session=" + token), 200);
  EXPECT_EQ(with("candor_session=" + token), 401);  // the unprefixed name is not read over HTTPS
  // Over plain HTTP (a local demo) the bare name is used, and the prefixed one is not read.
  auto plain = Call("GET", "/api/v1/session", "", {{"Cookie", "__Host-candor_session=" + token}});
  EXPECT_EQ(plain.status, 401);
  auto out = Call("DELETE", "/api/v1/session", "",
                  {{"X-Forwarded-Proto", "https"},
                   {"Cookie", pair},
                   {"X-CSRF-Token", JsonOf(login).value("csrf_token", "")}});
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_TRUE(out.Header("Set-Cookie").starts_with("__Host-candor_session=;"))
      << out.Header("Set-Cookie");
}

TEST_P(ServerTest, SigningOutEverywhereEndsEverySessionOfTheAccount) {
  MakeOrg("state");
  Session laptop = Login("state", "admin");
  Session phone = Login("state", "admin");
  Session other = Login("state", "officer");
  EXPECT_EQ(Call("GET", "/api/v1/session", "", phone.Headers()).status, 200);
  EXPECT_EQ(Call("DELETE", "/api/v1/sessions", "", laptop.Headers()).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/session", "", laptop.Headers()).status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/session", "", phone.Headers()).status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/session", "", other.Headers()).status,
            200);  // another account: untouched
}

// Security review M5: a lockout per account name let anyone lock a reviewer out for good; a
// new username per attempt added a throttle row of up to a megabyte, never deleted.
// Issue 12: a burst of sign-ins (Argon2id, about half a CPU-second each) is refused at once
// beyond the password slots, so it never holds every server thread: public reads answer while it
// lasts, and the same account signs in once the burst is over.
TEST_P(ServerTest, ABurstOfSignInsIsRefusedAtOnceAndReadsGoOn) {
  // One password slot (this machine may have two cores; a server has more), so that requests
  // the server runs side by side find it taken.
  Stop();
  config_.password_slots = 1;
  Start();
  MakeOrg("state");
  constexpr int kBurst = 24;
  std::atomic<int> busy{0}, refused{0}, other{0};
  std::vector<std::thread> burst;
  for (int i = 0; i < kBurst; ++i) {
    burst.emplace_back([&, i] {
      // Names no account has, each once: all checked (never throttled by name), none known.
      auto r = Call("POST", "/api/v1/session",
                    Json{{"organization", "state"},
                         {"username", "nobody" + std::to_string(i)},
                         {"password", "a wrong password here"}}
                        .dump());
      if (r.status == 429 && r.body.find("busy checking other sign-ins") != std::string::npos) {
        ++busy;
      } else if (r.status == 401 || r.status == 429) {
        ++refused;  // checked and wrong (or throttled after five)
      } else {
        ++other;
      }
    });
  }
  // Reads during the burst: answered.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Call("GET", "/api/v1/log/sth").status, 200);
  for (auto& t : burst) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(busy.load(), 0) << "no sign-in was refused as busy";
  EXPECT_GT(refused.load(), 0) << "no sign-in was checked";
  // Once the burst is over, the account signs in.
  EXPECT_EQ(
      Call("POST", "/api/v1/session",
           Json{{"organization", "state"}, {"username", "admin"}, {"password", kPassword}}.dump())
          .status,
      200);
}

TEST_P(ServerTest, OneSourceCannotLockAnAccountOutAndThrottleRowsStayBounded) {
  MakeOrg("state");
  auto rows = [&] {
    auto conn = GetParam() == "sqlite" ? store::OpenSqliteConnection((dir_ / "candor.db").string())
                                       : pg_->Connect();
    EXPECT_TRUE(conn.ok());
    auto r = (*conn)->Query("SELECT COUNT(*) FROM login_throttle");
    EXPECT_TRUE(r.ok());
    return (*r)[0][0].as_int();
  };
  // Names no account can have are refused before anything is stored or hashed.
  for (const std::string& name :
       {std::string(100'000, 'a'), std::string("Admin"), std::string("a/b"), std::string()}) {
    auto r =
        service_->staff().Login("state", name, "wrong password here", std::nullopt, "10.0.0.66");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  }
  EXPECT_EQ(rows(), 0);
  // Five failures from one address lock that address out, not the account.
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(service_->staff()
                     .Login("state", "admin", "wrong password here", std::nullopt, "10.0.0.66")
                     .ok());
  }
  auto locked = service_->staff().Login("state", "admin", kPassword, std::nullopt, "10.0.0.66");
  ASSERT_FALSE(locked.ok());
  EXPECT_EQ(locked.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_TRUE(service_->staff().Login("state", "admin", kPassword, std::nullopt, "10.0.0.7").ok());
  // A long password within the policy (1,000 characters, 2,000 bytes of UTF-8) still signs in:
  // the limits are the password policy's, in characters.
  std::string long_password;
  for (int i = 0; i < 1000; ++i) long_password += "\xc3\xa9";  // é
  ASSERT_TRUE(service_->staff()
                  .CreateAccount("state", "longpass", long_password, store::kRoleReviewer)
                  .ok());
  EXPECT_TRUE(
      service_->staff().Login("state", "longpass", long_password, std::nullopt, "10.0.0.8").ok());
  // Rows expire: once the lock and the window are over, the next failure clears them.
  for (int i = 0; i < 3; ++i) {
    (void)service_->staff().Login("state", "officer", "wrong password here", std::nullopt,
                                  "10.0.1." + std::to_string(i));
  }
  EXPECT_EQ(rows(), 4);
  clock_.Advance(16LL * 60 * 1000);
  (void)service_->staff().Login("state", "officer", "wrong password here", std::nullopt,
                                "10.0.2.1");
  EXPECT_EQ(rows(), 1);
}

TEST_P(ServerTest, BadInputGetsAClearErrorAndChangesNothing) {
  MakeOrg("state");
  Session officer = Login("state", "officer");
  std::string code = Invite(officer, "state");
  auto size_before = JsonOf(Call("GET", "/api/v1/log/sth"))["tree_size"];
  crypto::SeededRng member_rng(9);
  auto k = crypto::GenerateMemberKeys(member_rng);
  std::string ring = crypto::ToHex(k.ring.public_key), reply = crypto::ToHex(k.box.public_key);
  const std::vector<std::pair<std::string, int>> bodies = {
      {"{not json", 400},
      {"[]", 400},
      {Json{{"invitation", code}, {"ring_public", ring}}.dump(), 400},  // missing
      {Json{{"invitation", 5}, {"ring_public", ring}, {"reply_public", reply}}.dump(),
       400},  // type
      {Json{{"invitation", code}, {"ring_public", ring}, {"reply_public", reply}, {"name", "Alice"}}
           .dump(),
       400},
      {Json{{"invitation", code}, {"ring_public", std::string(64, '0')}, {"reply_public", reply}}
           .dump(),
       400},
      {Json{{"invitation", code}, {"ring_public", std::string(64, 'f')}, {"reply_public", reply}}
           .dump(),
       400},
      {Json{{"invitation", code}, {"ring_public", "abc"}, {"reply_public", reply}}.dump(), 400},
      {std::string(100 * 1024, ' '), 413},
  };
  for (const auto& [body, status] : bodies) {
    auto r = Call("POST", "/api/v1/orgs/state/enroll", body);
    EXPECT_EQ(r.status, status) << body.substr(0, 80) << " → " << r.body;
    EXPECT_TRUE(JsonOf(r).contains("error")) << r.body;
  }
  EXPECT_EQ(Call("GET", "/api/v1/no/such/thing").status, 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/orgs").status, 405);
  EXPECT_EQ(Call("GET", "/api/v1/log/entries?start=x&end=2").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/log/proof/inclusion?index=99&tree_size=3").status, 400);
  // The invitation still works: nothing above consumed it, and the log did not grow.
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/log/sth"))["tree_size"], size_before);
  EXPECT_EQ(Enroll("state", code, k).status, 201);
}

TEST_P(ServerTest, LogProofsVerifyAndSurviveARestart) {
  MakeOrg("state");
  Session officer = Login("state", "officer");
  crypto::SeededRng member_rng(10);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(
        Enroll("state", Invite(officer, "state"), crypto::GenerateMemberKeys(member_rng)).status,
        201);
  }
  auto key = *crypto::FixedFromHex<crypto::SignPublicKey>(
      JsonOf(Call("GET", "/api/v1/log/key"))["public_key"].get<std::string>());
  auto sth_json = JsonOf(Call("GET", "/api/v1/log/sth"));
  tlog::SignedTreeHead sth;
  sth.head.size = sth_json["tree_size"];
  sth.head.root = *crypto::FixedFromHex<tlog::Hash>(sth_json["root"].get<std::string>());
  sth.head.timestamp_ms = sth_json["timestamp_ms"];
  sth.signature =
      *crypto::FixedFromHex<crypto::Signature64>(sth_json["signature"].get<std::string>());
  ASSERT_TRUE(tlog::VerifySignedTreeHead(sth, key).ok());
  // organization-created, the log state of the checkpoint made with it, the three accounts
  // MakeOrg creates, 5 roster additions
  ASSERT_EQ(sth.head.size, 10u);

  auto entries = JsonOf(Call("GET", "/api/v1/log/entries?start=0&end=10"))["entries"];
  ASSERT_EQ(entries.size(), 10u);
  for (std::uint64_t i = 0; i < 10; ++i) {
    auto bytes = *crypto::FromHex(entries[i]["entry"].get<std::string>());
    auto event = domain::DecodeLogEntry(bytes);
    ASSERT_TRUE(event.ok());
    EXPECT_EQ(domain::LogEventKind(*event), i == 0   ? "organization-created"
                                            : i == 1 ? "log-state"
                                            : i < 5  ? "staff-account"
                                                     : "roster-add");
    auto p = JsonOf(
        Call("GET", "/api/v1/log/proof/inclusion?index=" + std::to_string(i) + "&tree_size=10"));
    std::vector<tlog::Hash> proof;
    for (const auto& h : p["proof"])
      proof.push_back(*crypto::FixedFromHex<tlog::Hash>(h.get<std::string>()));
    EXPECT_TRUE(tlog::VerifyInclusion(i, 10, tlog::HashLeaf(bytes), proof, sth.head.root).ok());
  }
  // Restart: everything acknowledged is still there, and the log extends consistently.
  Stop();
  Start();
  EXPECT_EQ(JsonOf(Call("GET", "/api/v1/orgs/state/roster"))["size"], 5);
  Session officer2 = Login("state", "officer");
  ASSERT_EQ(
      Enroll("state", Invite(officer2, "state"), crypto::GenerateMemberKeys(member_rng)).status,
      201);
  auto c = JsonOf(Call("GET", "/api/v1/log/proof/consistency?first=10&second=11"));
  std::vector<tlog::Hash> proof;
  for (const auto& h : c["proof"])
    proof.push_back(*crypto::FixedFromHex<tlog::Hash>(h.get<std::string>()));
  auto new_root = *crypto::FixedFromHex<tlog::Hash>(
      JsonOf(Call("GET", "/api/v1/log/sth"))["root"].get<std::string>());
  EXPECT_TRUE(tlog::VerifyConsistency(10, 11, sth.head.root, new_root, proof).ok());
}

TEST_P(ServerTest, AnonymousRequestsAreNeverAccessLogged) {
  MakeOrg("state");
  Session officer = Login("state", "officer");
  crypto::SeededRng member_rng(11);
  ASSERT_EQ(
      Enroll("state", Invite(officer, "state"), crypto::GenerateMemberKeys(member_rng)).status,
      201);
  Call("GET", "/api/v1/orgs/state/roster");
  Call("GET", "/api/v1/log/sth");
  auto lines = sink_.Lines();
  bool saw_named = false;
  for (const auto& l : lines) {
    EXPECT_EQ(l.find("enroll"), std::string::npos) << l;
    EXPECT_EQ(l.find("roster"), std::string::npos) << l;
    EXPECT_EQ(l.find("/log/"), std::string::npos) << l;
    EXPECT_EQ(l.find("127.0.0.1"), std::string::npos) << l;
    saw_named = saw_named || l.find("/api/v1/orgs/{slug}/invitations") != std::string::npos;
  }
  EXPECT_TRUE(saw_named);  // named routes are logged (coarsely), so the sink is wired
}

// Issue 15, item 7: an administrator who quietly gives an account a role, disables a reviewer,
// moves the holidays that cable deadlines count, or a second factor that is set up, leaves a
// public entry for each; a change that changes nothing leaves none.
TEST_P(ServerTest, EveryChangeToAStaffAccountAndToTheHolidaysIsLogged) {
  MakeOrg("state");
  Session admin = Login("state", "admin");
  const auto entries_since = [&](std::uint64_t from) {
    std::vector<domain::LogEvent> out;
    auto head = service_->log().LatestTreeHead();
    EXPECT_TRUE(head.ok() && head->has_value());
    auto entries = service_->log().LogEntries(from, (*head)->head.size);
    EXPECT_TRUE(entries.ok());
    for (const auto& e : *entries) {
      auto ev = domain::DecodeLogEntry(e.entry);
      EXPECT_TRUE(ev.ok()) << ev.error().message();
      if (ev.ok() && (std::holds_alternative<domain::StaffAccountEvent>(*ev) ||
                      std::holds_alternative<domain::OrganizationHolidaysEvent>(*ev))) {
        out.push_back(*ev);
      }
    }
    return out;
  };
  // The accounts MakeOrg created from the command line: made by account 0.
  std::vector<std::string> created;
  for (const auto& ev : entries_since(0)) {
    const auto& e = std::get<domain::StaffAccountEvent>(ev);
    EXPECT_EQ(e.change, domain::StaffAccountChange::kCreated);
    EXPECT_EQ(e.by, 0u);
    created.push_back(e.username);
  }
  EXPECT_EQ(created, (std::vector<std::string>{"admin", "officer", "reviewer"}));
  const std::uint64_t start = (*service_->log().LatestTreeHead())->head.size;

  auto made =
      Call("POST", "/api/v1/orgs/state/accounts",
           Json{{"username", "rita"}, {"password", kPassword}, {"roles", {"reviewer"}}}.dump(),
           admin.Headers());
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string rita =
      "/api/v1/orgs/state/accounts/" + std::to_string(JsonOf(made)["id"].get<int>());
  const auto patch = [&](const Json& body) {
    auto r = Call("PATCH", rita, body.dump(), admin.Headers());
    EXPECT_EQ(r.status, 204) << r.body;
  };
  patch({{"roles", {"reviewer", "enrollment_officer"}}});
  patch({{"disabled", true}});
  patch({{"disabled", true}, {"roles", {"enrollment_officer", "reviewer"}}});  // no change
  auto holidays = Call("PUT", "/api/v1/orgs/state/holidays",
                       Json{{"holidays",
                             {{{"date", "2027-01-01"}, {"name", "New Year"}},
                              {{"date", "2026-12-25"}, {"name", "Christmas Day"}}}}}
                           .dump(),
                       admin.Headers());
  ASSERT_EQ(holidays.status, 204) << holidays.body;
  // The same day twice is refused, and changes nothing.
  EXPECT_EQ(
      Call(
          "PUT", "/api/v1/orgs/state/holidays",
          Json{{"holidays",
                {{{"date", "2026-12-25"}, {"name", "A"}}, {{"date", "2026-12-25"}, {"name", "B"}}}}}
              .dump(),
          admin.Headers())
          .status,
      400);
  auto begin =
      Call("POST", "/api/v1/session/totp", Json{{"password", kPassword}}.dump(), admin.Headers());
  ASSERT_EQ(begin.status, 200) << begin.body;
  auto secret = crypto::Base32Decode(JsonOf(begin)["secret"].get<std::string>());
  ASSERT_TRUE(secret.ok());
  auto confirmed = Call(
      "POST", "/api/v1/session/totp/confirm",
      Json{{"code", crypto::TotpCode(*secret, static_cast<std::uint64_t>(clock_.NowMs() / 1000))}}
          .dump(),
      admin.Headers());
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;

  const auto logged = entries_since(start);
  ASSERT_EQ(logged.size(), 5u);
  const auto admin_id = static_cast<std::uint64_t>(
      JsonOf(Call("GET", "/api/v1/session", "", admin.Headers()))["account"]["id"].get<int>());
  const auto staff = [&](std::size_t i) { return std::get<domain::StaffAccountEvent>(logged[i]); };
  EXPECT_EQ(staff(0).username, "rita");
  EXPECT_EQ(staff(0).change, domain::StaffAccountChange::kCreated);
  EXPECT_EQ(staff(0).roles, domain::kStaffRoleReviewer);
  EXPECT_EQ(staff(0).by, admin_id);
  EXPECT_EQ(staff(1).change, domain::StaffAccountChange::kUpdated);
  EXPECT_EQ(staff(1).roles, domain::kStaffRoleReviewer | domain::kStaffRoleEnrollmentOfficer);
  EXPECT_FALSE(staff(1).disabled);
  EXPECT_EQ(staff(2).change, domain::StaffAccountChange::kUpdated);
  EXPECT_TRUE(staff(2).disabled);
  EXPECT_EQ(staff(2).by, admin_id);
  const auto& days = std::get<domain::OrganizationHolidaysEvent>(logged[3]);
  ASSERT_EQ(days.holidays.size(), 2u);  // in order of date, whatever order they were given in
  EXPECT_EQ(days.holidays[0].name, "Christmas Day");
  EXPECT_EQ(days.holidays[1].date, (domain::Date{2027, 1, 1}));
  EXPECT_EQ(staff(4).change, domain::StaffAccountChange::kSecondFactor);
  EXPECT_EQ(staff(4).username, "admin");
  EXPECT_EQ(staff(4).by, admin_id);
}

TEST_P(ServerTest, TotpBecomesASecondFactorAndCodesCannotBeReplayed) {
  MakeOrg("state");
  Session admin = Login("state", "admin");
  // Security review L1: a session alone cannot enrol a second factor; the password is asked again.
  EXPECT_EQ(Call("POST", "/api/v1/session/totp", "{}", admin.Headers()).status, 400);
  EXPECT_EQ(Call("POST", "/api/v1/session/totp", Json{{"password", "not the password"}}.dump(),
                 admin.Headers())
                .status,
            401);
  auto begin =
      Call("POST", "/api/v1/session/totp", Json{{"password", kPassword}}.dump(), admin.Headers());
  ASSERT_EQ(begin.status, 200) << begin.body;
  auto secret = crypto::Base32Decode(JsonOf(begin)["secret"].get<std::string>());
  ASSERT_TRUE(secret.ok());
  EXPECT_NE(JsonOf(begin)["otpauth_uri"].get<std::string>().find("algorithm=SHA256"),
            std::string::npos);
  auto code_at = [&](std::int64_t ms) {
    return crypto::TotpCode(*secret, static_cast<std::uint64_t>(ms / 1000));
  };
  EXPECT_EQ(
      Call("POST", "/api/v1/session/totp/confirm", Json{{"code", "000000"}}.dump(), admin.Headers())
          .status,
      401);
  auto confirmed = Call("POST", "/api/v1/session/totp/confirm",
                        Json{{"code", code_at(clock_.NowMs())}}.dump(), admin.Headers());
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  // Issue 15: ten recovery codes, shown once, each 80 bits ("xxxx-xxxx-xxxx-xxxx", base32).
  std::vector<std::string> recovery;
  const Json confirmed_json = JsonOf(confirmed);
  for (const auto& c : confirmed_json["recovery_codes"]) recovery.push_back(c.get<std::string>());
  ASSERT_EQ(recovery.size(), 10u) << confirmed.body;
  EXPECT_EQ(std::set<std::string>(recovery.begin(), recovery.end()).size(), 10u);
  for (const auto& c : recovery) {
    EXPECT_EQ(c.size(), 19u) << c;
    EXPECT_EQ(c.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567-"), std::string::npos) << c;
  }
  auto login = [&](std::optional<std::string> code) {
    Json body{{"organization", "state"}, {"username", "admin"}, {"password", kPassword}};
    if (code) body["totp"] = *code;
    return Call("POST", "/api/v1/session", body.dump()).status;
  };
  EXPECT_EQ(login(std::nullopt), 401);  // the password alone is no longer enough
  clock_.Advance(60'000);
  const std::string code = code_at(clock_.NowMs());
  EXPECT_EQ(login(code), 200);
  EXPECT_EQ(login(code), 401);  // the same code twice: refused
  clock_.Advance(60'000);
  EXPECT_EQ(login(code_at(clock_.NowMs())), 200);
  // Replacing it needs the current code as well as the password.
  EXPECT_EQ(
      Call("POST", "/api/v1/session/totp", Json{{"password", kPassword}}.dump(), admin.Headers())
          .status,
      401);
  clock_.Advance(60'000);
  EXPECT_EQ(
      Call("POST", "/api/v1/session/totp",
           Json{{"password", kPassword}, {"code", code_at(clock_.NowMs())}}.dump(), admin.Headers())
          .status,
      200);
  // A lost device: a recovery code (typed in capitals, without dashes) signs in once, and is
  // then spent; another one starts replacing the second factor, with the password.
  std::string typed = recovery[0];
  typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
  std::transform(typed.begin(), typed.end(), typed.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  EXPECT_EQ(login(typed), 200);
  EXPECT_EQ(login(recovery[0]), 401);  // spent
  EXPECT_EQ(login("aaaa-aaaa-aaaa-aaaa"), 401);
  EXPECT_EQ(
      Call("POST", "/api/v1/session/totp",
           Json{{"password", "not the password"}, {"code", recovery[1]}}.dump(), admin.Headers())
          .status,
      401);
  EXPECT_EQ(Call("POST", "/api/v1/session/totp",
                 Json{{"password", kPassword}, {"code", recovery[1]}}.dump(), admin.Headers())
                .status,
            200);
  EXPECT_EQ(login(recovery[1]), 401);  // spent by the re-enrolment
  EXPECT_EQ(login(recovery[2]), 200);  // the others still work
  // The secret is stored sealed: the database holds neither it nor its base32 form, and the
  // recovery codes only as hashes.
  auto tx = store_->Begin(store::TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto account = (*tx)->FindAccountByName(1, "admin");
  ASSERT_TRUE(account.ok() && account->has_value() && (*account)->totp_secret.has_value());
  const store::Blob& stored = *(*account)->totp_secret;
  EXPECT_EQ(stored.size(), secret->size() + crypto::kAtRestOverhead);
  EXPECT_EQ(std::search(stored.begin(), stored.end(), secret->begin(), secret->begin() + 8),
            stored.end());
  auto hashes = (*tx)->GetSetting("totp-recovery/" + std::to_string((*account)->id));
  ASSERT_TRUE(hashes.ok() && hashes->has_value());
  EXPECT_EQ(std::count((*hashes)->begin(), (*hashes)->end(), ','), 6);  // seven left
  for (const auto& c : recovery) {
    std::string raw = c;
    raw.erase(std::remove(raw.begin(), raw.end(), '-'), raw.end());
    EXPECT_EQ((*hashes)->find(raw), std::string::npos);
  }
}

// `candor audit` remembers the tree head it saw; a server that later serves a rewritten
// history (same key, different past) or a different key is caught.
TEST_P(ServerTest, AuditDetectsARewrittenHistory) {
  MakeOrg("state");
  const std::string state = (dir_ / "client").string();
  auto audit = [&](const std::string& extra = "") {
    return RunShell(std::string(CANDOR_BINARY) + " audit --server " + url_server_.ToString() +
                    " --state-dir " + state + " " + extra);
  };
  auto first = audit("--full");
  ASSERT_EQ(first.first, 0) << first.second;
  EXPECT_NE(first.second.find("match the signed root"), std::string::npos);
  MakeOrg("usaid");  // the log grows honestly
  auto second = audit();
  ASSERT_EQ(second.first, 0) << second.second;
  EXPECT_NE(second.second.find("Consistent"), std::string::npos) << second.second;

  // The operator wipes the database and rebuilds a different past with the same key.
  auto wipe = [&] {
    Stop();
    if (GetParam() == "sqlite") {
      fs::remove(dir_ / "candor.db");
      fs::remove(dir_ / "candor.db-wal");
      fs::remove(dir_ / "candor.db-shm");
    } else {
      ResetPostgres();
    }
    Start();
  };
  wipe();
  MakeOrg("state");
  MakeOrg("ministry");
  MakeOrg("other");
  auto rewritten = audit();
  EXPECT_EQ(rewritten.first, 1) << rewritten.second;
  EXPECT_NE(rewritten.second.find("forked log"), std::string::npos) << rewritten.second;

  // And a shorter past: a rollback, whatever the entries.
  wipe();
  MakeOrg("state");
  auto rolled_back = audit();
  EXPECT_EQ(rolled_back.first, 1) << rolled_back.second;
  EXPECT_NE(rolled_back.second.find("rollback"), std::string::npos) << rolled_back.second;

  // A different log key is refused outright.
  Stop();
  crypto::SeededRng other_key(99);
  log_key_secret_ = crypto::GenerateSignKeyPair(other_key).secret_key.Clone();
  Start();
  MakeOrg("usaid");  // a head signed with the new key
  auto rekeyed = audit();
  EXPECT_EQ(rekeyed.first, 1) << rekeyed.second;
  EXPECT_NE(rekeyed.second.find("signed by another key"), std::string::npos) << rekeyed.second;
}

// Security review M8: a server whose log key did not sign the store's log must refuse to
// start, not mint a second key and sign new heads over the old tree. Both ways it happened:
// the key file missing next to a store that has a log (a fresh --data-dir, a second server on
// the same PostgreSQL database), and another key in its place.
TEST_P(ServerTest, AServerRefusesToStartWithALogKeyThatDidNotSignItsLog) {
  MakeOrg("state");  // the log now has signed tree heads
  const crypto::SignKeyPair right = crypto::SignKeyPairFromSecret(log_key_secret_.Clone());
  EXPECT_TRUE(app::CheckLogKey(*store_, right.public_key).ok());
  crypto::SeededRng other_rng(7);
  const crypto::SignKeyPair other = crypto::GenerateSignKeyPair(other_rng);
  Status wrong = app::CheckLogKey(*store_, other.public_key);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kFailedPrecondition);

  const fs::path fresh = dir_ / "fresh-data";
  fs::create_directories(fresh);
  auto serve = [&] {
    return RunShell(std::string(CANDOR_BINARY) + " serve --port 0 --data-dir " + fresh.string() +
                    " --store '" + url_ + "' 2>&1");
  };
  if (GetParam() == "sqlite") {
    // While this test's server holds the SQLite store, a second server is refused outright.
    auto second = serve();
    EXPECT_NE(second.first, 0) << second.second;
    EXPECT_NE(second.second.find("is using this store"), std::string::npos) << second.second;
    Stop();
  }
  auto missing = serve();
  EXPECT_NE(missing.first, 0) << missing.second;
  EXPECT_NE(missing.second.find("no log key"), std::string::npos) << missing.second;
  EXPECT_FALSE(fs::exists(fresh / "log-key.bin"));  // nothing was created
  {
    std::ofstream key(fresh / "log-key.bin", std::ios::binary);
    key.write(reinterpret_cast<const char*>(other.secret_key.data()),
              static_cast<std::streamsize>(other.secret_key.size()));
  }
  auto replaced = serve();
  EXPECT_NE(replaced.first, 0) << replaced.second;
  EXPECT_NE(replaced.second.find("signed with another key"), std::string::npos) << replaced.second;
  // And the log was not touched: the heads still verify under the right key.
  if (!store_) {
    auto reopened = store::OpenStore(url_);
    ASSERT_TRUE(reopened.ok()) << reopened.error().message();
    store_ = std::move(*reopened);
  }
  EXPECT_TRUE(app::CheckLogKey(*store_, right.public_key).ok());
}

// Issue 11 item 7: every checkpoint ends with a `log-state` entry committing to everything
// before it — at a batch, at least daily when nothing happens, and once at start-up for a log
// whose newest checkpoint has none — and a full audit recomputes every one.
TEST_P(ServerTest, EveryCheckpointEndsWithALogStateThatAFullAuditRecomputes) {
  SetUpCables("state", 21, 5);
  const auto newest = [&] {
    auto view = service_->log().Checkpoints(1);
    EXPECT_TRUE(view.ok());
    return view->checkpoints.at(0).head.head.size;
  };
  const auto last_entry_is_state = [&](std::uint64_t size) {
    auto entries = service_->log().LogEntries(size - 1, size);
    auto ev = domain::DecodeLogEntry((*entries)[0].entry);
    return ev.ok() && std::holds_alternative<domain::LogStateEvent>(*ev) &&
           std::get<domain::LogStateEvent>(*ev).size == size - 1;
  };
  std::uint64_t first = newest();
  EXPECT_TRUE(last_entry_is_state(first));
  // A new organization has its leaf at once: a checkpoint is made with it.
  MakeOrg("usaid");
  EXPECT_EQ(newest(), first + 2);  // organization-created, then its log state
  auto usaid = service_->OrganizationState("usaid", app::BundlePage{});
  ASSERT_TRUE(usaid.ok()) << usaid.error().message();
  EXPECT_TRUE(usaid->contains("state")) << usaid->dump();
  // The accounts MakeOrg then created are logged after that checkpoint: the next batch makes one.
  ASSERT_TRUE(service_->PublishBatch().ok());
  EXPECT_EQ(newest(), first + 6);
  first = newest();
  // Nothing happened: no new checkpoint, before a day has passed …
  ASSERT_TRUE(service_->PublishBatch().ok());
  EXPECT_EQ(newest(), first);
  // … and one a day after, so a client can tell a frozen view from a quiet log.
  for (int day = 1; day <= 17; ++day) {
    clock_.Advance(24 * 3600 * 1000);
    ASSERT_TRUE(service_->PublishBatch().ok());
    EXPECT_EQ(newest(), first + static_cast<std::uint64_t>(day));
    EXPECT_TRUE(last_entry_is_state(newest()));
  }
  // Only the newest checkpoints' leaves are kept.
  {
    auto tx = store_->Begin(store::TxMode::kRead);
    ASSERT_TRUE(tx.ok());
    EXPECT_FALSE((*(*tx)->FindLogState(static_cast<std::int64_t>(first))).has_value());
    EXPECT_TRUE((*(*tx)->FindLogState(static_cast<std::int64_t>(newest()))).has_value());
  }
  // A log of an older version (no leaves kept): a checkpoint with a log state at start-up.
  {
    auto tx = store_->Begin(store::TxMode::kWrite);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)
                    ->DeleteLogStates(std::numeric_limits<std::int64_t>::max(),
                                      std::numeric_limits<std::int64_t>::max())
                    .ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  const std::uint64_t before_restart = newest();
  Stop();
  Start();
  ASSERT_TRUE(service_->PrepareOrganizationLog().ok());  // as `candor serve` does at start-up
  EXPECT_EQ(newest(), before_restart + 1);
  EXPECT_TRUE(last_entry_is_state(newest()));
  Stop();
  Start();
  ASSERT_TRUE(service_->PrepareOrganizationLog().ok());  // its state is kept now: nothing to do
  EXPECT_EQ(newest(), before_restart + 1);

  auto audit = RunShell(std::string(CANDOR_BINARY) + " audit --full --server " +
                        url_server_.ToString() + " --state-dir " + (dir_ / "client").string());
  ASSERT_EQ(audit.first, 0) << audit.second;
  EXPECT_NE(audit.second.find(
                "Each of the 22 log-state entries commits to exactly what the log held before it"),
            std::string::npos)
      << audit.second;
}

INSTANTIATE_TEST_SUITE_P(Engines, ServerTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace candor::it
