#include "cli/trusted_log.h"

#include <fmt/core.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "cli/io.h"
#include "cli/letter_bundle.h"
#include "domain/bundle.h"
#include "domain/policy.h"
#include "log/cosignature.h"
#include "log/verify.h"

namespace candor::cli {
namespace {

using Json = nlohmann::json;

// What this client remembers about one server's log.
struct Pin {
  std::optional<crypto::SignPublicKey> key;
  std::optional<tlog::SignedTreeHead> head;            // the latest head accepted
  std::optional<tlog::SignedTreeHead> witnessed_head;  // the latest checkpoint accepted with witnesses
};

std::string PinFile(const ServerUrl& server, const std::string& state_dir) {
  std::string name = std::string(server.tls ? "https" : "http") + "-" + server.host + "-" + server.port;
  for (char& c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (!ok) c = '_';
  }
  return (state_dir.empty() ? DefaultStateDir() : state_dir) + "/logs/" + name + ".json";
}

Result<Pin> LoadPin(const std::string& path) {
  Pin pin;
  if (!std::filesystem::exists(path)) return pin;
  CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
  Json j = Json::parse(text, nullptr, false);
  auto damaged = [&] { return Error(ErrorCode::kCorrupt, "the pinned log state in " + path + " is damaged; move it away to pin again"); };
  if (j.is_discarded() || !j.is_object() || !j.contains("log_public_key") || !j["log_public_key"].is_string()) return damaged();
  auto key = crypto::FixedFromHex<crypto::SignPublicKey>(j["log_public_key"].get<std::string>(), "log_public_key");
  if (!key.ok()) return damaged();
  pin.key = *key;
  for (const char* field : {"tree_head", "witnessed_tree_head"}) {
    if (!j.contains(field) || j[field].is_null()) continue;
    auto head = domain::SignedTreeHeadFromJson(j[field]);
    if (!head.ok()) return damaged();
    (std::string(field) == "tree_head" ? pin.head : pin.witnessed_head) = *head;
  }
  return pin;
}

Status SavePin(const std::string& path, const ServerUrl& server, const Pin& pin) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  Json j{{"server", server.ToString()},
         {"log_public_key", crypto::ToHex(*pin.key)},
         {"tree_head", pin.head ? domain::SignedTreeHeadToJson(*pin.head) : Json(nullptr)},
         {"witnessed_tree_head", pin.witnessed_head ? domain::SignedTreeHeadToJson(*pin.witnessed_head) : Json(nullptr)}};
  return WriteFileAtomic(path, crypto::AsBytes(j.dump(2) + "\n"), /*overwrite=*/true, 0600);
}

Result<tlog::SignedTreeHead> ParseHead(const Json& j) {
  if (!j.is_object()) return BadReply("a malformed tree head");
  Json head = Json::object();
  for (const char* f : {"tree_size", "root", "timestamp_ms", "signature"}) {
    if (!j.contains(f)) return BadReply("a tree head without '" + std::string(f) + "'");
    head[f] = j[f];
  }
  auto sth = domain::SignedTreeHeadFromJson(head);
  if (!sth.ok()) return BadReply("a malformed tree head: " + sth.error().message());
  return *sth;
}

// Proves that `older` is a prefix of `newer` (sizes older ≤ newer) with the server's proof.
Status ProveConsistent(const ServerUrl& server, const tlog::SignedTreeHead& older, const tlog::SignedTreeHead& newer,
                       const std::string& ca_file) {
  const auto fork = [&] {
    return VerificationFailed(fmt::format(
        "the server's log of {} entries does not extend the log of {} entries it showed you before: it is "
        "showing you a different history (a forked log). Nothing was sent. Keep the file under ~/.candor/logs and "
        "tell your organization and its witnesses",
        newer.head.size, older.head.size));
  };
  if (older.head.size == newer.head.size) {
    if (older.head.root != newer.head.root) return fork();
    return Status::Ok();
  }
  if (older.head.size == 0) return Status::Ok();
  CANDOR_ASSIGN_OR_RETURN(Json reply, PostJson(server, "/api/v1/log/proof/consistency",
                                               Json{{"old_size", older.head.size}, {"new_size", newer.head.size}},
                                               ca_file));
  if (!reply.contains("proof") || !reply["proof"].is_array()) return BadReply("a consistency proof without hashes");
  std::vector<tlog::Hash> proof;
  for (const auto& h : reply["proof"]) {
    if (!h.is_string()) return BadReply("a malformed consistency proof");
    auto hash = crypto::FixedFromHex<tlog::Hash>(h.get<std::string>(), "proof");
    if (!hash.ok()) return BadReply("a malformed consistency proof");
    proof.push_back(*hash);
  }
  if (!tlog::VerifyConsistency(older.head.size, newer.head.size, older.head.root, newer.head.root, proof).ok()) {
    return fork();
  }
  return Status::Ok();
}

// The newest checkpoint with at least `k` valid cosignatures of `witnesses`.
Result<std::pair<tlog::SignedTreeHead, std::size_t>> WitnessedCheckpoint(const ServerUrl& server,
                                                                         const crypto::SignPublicKey& log_key,
                                                                         const std::vector<crypto::SignPublicKey>& witnesses,
                                                                         std::size_t k, const std::string& ca_file) {
  CANDOR_ASSIGN_OR_RETURN(Json reply, GetJson(server, "/api/v1/log/checkpoints", ca_file));
  if (!reply.contains("checkpoints") || !reply["checkpoints"].is_array()) return BadReply("no checkpoints");
  std::size_t best = 0;
  for (const auto& c : reply["checkpoints"]) {
    CANDOR_ASSIGN_OR_RETURN(tlog::SignedTreeHead sth, ParseHead(c));
    if (!tlog::VerifySignedTreeHead(sth, log_key).ok()) continue;  // the key check comes below, with its message
    if (!c.contains("cosignatures")) continue;
    auto cosignatures = domain::CosignaturesFromJson(c["cosignatures"]);
    if (!cosignatures.ok()) return BadReply("malformed cosignatures: " + cosignatures.error().message());
    const std::size_t n = tlog::CountWitnessed(log_key, sth.head, *cosignatures, witnesses);
    best = std::max(best, n);
    if (n >= k) return std::make_pair(sth, n);
  }
  return VerificationFailed(fmt::format(
      "no recent tree head of this log is cosigned by {} of your {} witnesses (the best has {}): the witnesses may "
      "not have caught up yet (try again in a few minutes), or the server is showing you a log they have not seen",
      k, witnesses.size(), best));
}

}  // namespace

std::string DefaultStateDir() {
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.candor";
}

void AddLogTrustOptions(CLI::App* cmd, LogTrust& trust) {
  cmd->add_option("--log-key", trust.log_key_hex,
                  "The log's public key (hex), as your organization publishes it; without it the key is pinned the "
                  "first time and must never change");
  cmd->add_option("--state-dir", trust.state_dir, "Where this client keeps what it remembers (default ~/.candor)");
  cmd->add_option("--witness", trust.witness_hex,
                  "A witness's Ed25519 public key (hex); repeat for each witness you trust");
  cmd->add_option("--witness-threshold", trust.witness_threshold,
                  "How many of the witnesses must have cosigned a tree head (default: all of them)");
}

Result<TrustedHead> FetchTrustedHead(const ServerUrl& server, const LogTrust& trust, const std::string& ca_file) {
  TrustedHead out;
  out.pin_file = PinFile(server, trust.state_dir);
  CANDOR_ASSIGN_OR_RETURN(Pin pin, LoadPin(out.pin_file));
  std::optional<crypto::SignPublicKey> given;
  if (!trust.log_key_hex.empty()) {
    CANDOR_ASSIGN_OR_RETURN(given, crypto::FixedFromHex<crypto::SignPublicKey>(trust.log_key_hex, "--log-key"));
  }
  if (given && pin.key && *given != *pin.key) {
    return VerificationFailed("the log key you gave (--log-key " + trust.log_key_hex.substr(0, 16) +
                              "…) is not the one this client pinned for " + server.ToString() + " (" +
                              crypto::ToHex(*pin.key).substr(0, 16) + "…, in " + out.pin_file +
                              "). If your organization announced a new log key, move that file away and try again");
  }
  if (given) {
    out.log_key = *given;
  } else if (pin.key) {
    out.log_key = *pin.key;
  } else {
    CANDOR_ASSIGN_OR_RETURN(Json key_json, GetJson(server, "/api/v1/log/key", ca_file));
    auto key = crypto::FixedFromHex<crypto::SignPublicKey>(key_json.value("public_key", ""), "log key");
    if (!key.ok()) return BadReply("a malformed log key");
    out.log_key = *key;
    out.pinned_now = true;
  }

  std::vector<crypto::SignPublicKey> witnesses;
  for (const auto& hex : trust.witness_hex) {
    CANDOR_ASSIGN_OR_RETURN(auto w, crypto::FixedFromHex<crypto::SignPublicKey>(hex, "--witness"));
    if (std::find(witnesses.begin(), witnesses.end(), w) == witnesses.end()) witnesses.push_back(w);
  }
  const std::size_t k = trust.witness_threshold == 0 ? witnesses.size() : trust.witness_threshold;
  if (k > witnesses.size()) {
    return InvalidArgument(fmt::format("--witness-threshold {} is more than the {} witness keys given", k, witnesses.size()));
  }

  const bool witnessed = !witnesses.empty();
  if (witnessed) {
    CANDOR_ASSIGN_OR_RETURN(auto checkpoint, WitnessedCheckpoint(server, out.log_key, witnesses, k, ca_file));
    out.sth = checkpoint.first;
    out.witnessed = checkpoint.second;
  } else {
    CANDOR_ASSIGN_OR_RETURN(Json sth_json, GetJson(server, "/api/v1/log/sth", ca_file));
    CANDOR_ASSIGN_OR_RETURN(out.sth, ParseHead(sth_json));
  }
  if (!tlog::VerifySignedTreeHead(out.sth, out.log_key).ok()) {
    if (out.pinned_now) return VerificationFailed("the server's tree head is not signed by the log key it names");
    return VerificationFailed(
        "the server's log is now signed by another key than the one " +
        std::string(given ? "you gave (--log-key)" : "this client pinned (in " + out.pin_file + ")") +
        ". This can mean the server was replaced or is lying; nothing was sent. If your organization announced a new "
        "log key, move that file away and try again");
  }

  // No rollback, no fork: against the head of the same kind, a smaller size is a rollback; any
  // stored head is proven a prefix of the new one, or the new one of it.
  const std::optional<tlog::SignedTreeHead>& same = witnessed ? pin.witnessed_head : pin.head;
  if (same) out.previous_size = same->head.size;
  if (same && out.sth.head.size < same->head.size) {
    return VerificationFailed(fmt::format(
        "the server shows a log of {} entries, older than the {} entries it showed you before (a rollback): it may be "
        "hiding what was logged since. Nothing was sent",
        out.sth.head.size, same->head.size));
  }
  for (const auto* stored : {&pin.head, &pin.witnessed_head}) {
    if (!*stored) continue;
    const auto& s = **stored;
    if (s.head.size <= out.sth.head.size) {
      CANDOR_RETURN_IF_ERROR(ProveConsistent(server, s, out.sth, ca_file));
    } else {
      CANDOR_RETURN_IF_ERROR(ProveConsistent(server, out.sth, s, ca_file));
    }
  }
  pin.key = out.log_key;
  (witnessed ? pin.witnessed_head : pin.head) = out.sth;
  CANDOR_RETURN_IF_ERROR(SavePin(out.pin_file, server, pin));
  if (out.pinned_now) {
    fmt::print(stderr,
               "Pinned the log key of {} on first use: {}\n(compare it with the key your organization publishes; "
               "this client will refuse any other from now on)\n",
               server.ToString(), crypto::ToHex(out.log_key));
  }
  return out;
}

Result<domain::OrgState> FetchOrgState(const ServerUrl& server, const std::string& org, const TrustedHead& head,
                                       const std::string& ca_file) {
  CANDOR_RETURN_IF_ERROR(domain::ValidateOrganizationSlug(org));
  CANDOR_ASSIGN_OR_RETURN(
      Json j, FetchProofPages(server, "/api/v1/orgs/" + org + "/state?tree_size=" + std::to_string(head.sth.head.size),
                              "organization", org, ca_file, /*pin_tree_size=*/false));
  auto proof = domain::OrgStateProofFromJson(j);
  if (!proof.ok()) return BadReply("a malformed organization state: " + proof.error().message());
  if (proof->tree_head != head.sth) {
    return VerificationFailed("the server's organization state is not at the tree head it showed a moment ago");
  }
  return domain::VerifyOrgState(*proof, head.log_key, org);
}

std::string DescribeReviewers(const domain::OrgState& state) {
  std::string out;
  for (const auto& r : state.reviewers) {
    out += fmt::format("  {:<24} key {}\n", r.username.empty() ? "(name not logged)" : r.username,
                       domain::KeyFingerprint(r.box_public));
  }
  return out;
}

}  // namespace candor::cli
