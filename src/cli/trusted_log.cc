#include "cli/trusted_log.h"

#include <fmt/core.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "cli/io.h"
#include "cli/letter_bundle.h"
#include "cli/log_check.h"
#include "domain/bundle.h"
#include "domain/policy.h"
#include "domain/strict_json.h"
#include "log/cosignature.h"
#include "log/verify.h"

namespace candor::cli {
namespace {

using Json = nlohmann::json;

// What this client remembers about one server's log.
// The sizes a client sends the server are only ever checkpoint sizes, which every client that
// looked since that batch shares: the size of the latest head a client accepted would be a
// per-client value (a cookie), so it is checked here, locally, and never sent.
struct Pin {
  std::optional<crypto::SignPublicKey> key;
  std::optional<tlog::SignedTreeHead> head;  // the latest head accepted (never sent)
  std::optional<tlog::SignedTreeHead>
      checkpoint;  // the newest checkpoint proven consistent with it
  std::optional<tlog::SignedTreeHead>
      witnessed_head;   // the latest checkpoint accepted with witnesses
  bool legacy = false;  // head imported from `candor audit`'s old state file
};

std::string PinFile(const ServerUrl& server, const std::string& state_dir, bool audit) {
  std::string name =
      std::string(server.tls ? "https" : "http") + "-" + server.host + "-" + server.port;
  for (char& c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-';
    if (!ok) c = '_';
  }
  // `candor audit` keeps its own: it sends the size of its last head, which must not be the
  // head of the member's last anonymous action.
  return (state_dir.empty() ? DefaultStateDir() : state_dir) + "/logs/" + name +
         (audit ? ".audit" : "") + ".json";
}

// `candor audit` kept its own state before every flow shared this one: adopt its key and head
// once, so an upgrade does not start over with trust on first use.
Result<Pin> LoadLegacyAudit(const std::string& path) {
  Pin pin;
  if (!std::filesystem::exists(path)) return pin;
  CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
  Json j = domain::ParseStrictJsonOrDiscarded(text);
  if (j.is_discarded() || !j.is_object() || !j.contains("public_key") ||
      !j["public_key"].is_string())
    return pin;
  auto key =
      crypto::FixedFromHex<crypto::SignPublicKey>(j["public_key"].get<std::string>(), "public_key");
  if (!key.ok()) return pin;
  pin.key = *key;
  if (j.contains("sth")) {
    auto head = domain::SignedTreeHeadFromJson(j["sth"]);
    if (head.ok()) pin.head = *head;
  }
  pin.legacy = true;
  return pin;
}

Result<Pin> LoadPin(const std::string& path, const std::string& legacy_audit_path) {
  Pin pin;
  if (!std::filesystem::exists(path)) return LoadLegacyAudit(legacy_audit_path);
  CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
  Json j = domain::ParseStrictJsonOrDiscarded(text);
  auto damaged = [&] {
    return Error(ErrorCode::kCorrupt,
                 "the pinned log state in " + path + " is damaged; move it away to pin again");
  };
  if (j.is_discarded() || !j.is_object() || !j.contains("log_public_key") ||
      !j["log_public_key"].is_string())
    return damaged();
  auto key = crypto::FixedFromHex<crypto::SignPublicKey>(j["log_public_key"].get<std::string>(),
                                                         "log_public_key");
  if (!key.ok()) return damaged();
  pin.key = *key;
  for (auto [field, slot] :
       {std::pair{"tree_head", &pin.head}, std::pair{"checkpoint", &pin.checkpoint},
        std::pair{"witnessed_tree_head", &pin.witnessed_head}}) {
    if (!j.contains(field) || j[field].is_null()) continue;
    auto head = domain::SignedTreeHeadFromJson(j[field]);
    if (!head.ok()) return damaged();
    *slot = *head;
  }
  return pin;
}

Status SavePin(const std::string& path, const ServerUrl& server, const Pin& pin) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  Json j{{"server", server.ToString()},
         {"log_public_key", crypto::ToHex(*pin.key)},
         {"tree_head", pin.head ? domain::SignedTreeHeadToJson(*pin.head) : Json(nullptr)},
         {"checkpoint",
          pin.checkpoint ? domain::SignedTreeHeadToJson(*pin.checkpoint) : Json(nullptr)},
         {"witnessed_tree_head",
          pin.witnessed_head ? domain::SignedTreeHeadToJson(*pin.witnessed_head) : Json(nullptr)}};
  return WriteFileAtomic(path, crypto::AsBytes(j.dump(2) + "\n"), /*overwrite=*/true, 0600);
}

Error ForkError(std::uint64_t newer, std::uint64_t older) {
  return VerificationFailed(
      fmt::format("the server's log of {} entries does not extend the log of {} entries it showed "
                  "you before: it is "
                  "showing you a different history (a forked log). Nothing was sent. Keep the file "
                  "under ~/.candor/logs and "
                  "tell your organization and its witnesses",
                  newer, older));
}

// Proves that `older` is a prefix of `newer` (sizes older ≤ newer) with the server's proof.
// `older` is a checkpoint (its size is no client's own), except for `candor audit`.
Status ProveConsistent(const ServerUrl& server, const tlog::SignedTreeHead& older,
                       const tlog::SignedTreeHead& newer, const std::string& ca_file) {
  const auto fork = [&] { return ForkError(newer.head.size, older.head.size); };
  if (older.head.size == newer.head.size) {
    if (older.head.root != newer.head.root) return fork();
    return Status::Ok();
  }
  if (older.head.size == 0) return Status::Ok();
  CANDOR_ASSIGN_OR_RETURN(std::vector<tlog::Hash> proof,
                          FetchConsistencyProof(server, older.head.size, newer.head.size, ca_file));
  if (!tlog::VerifyConsistency(older.head.size, newer.head.size, older.head.root, newer.head.root,
                               proof)
           .ok()) {
    return fork();
  }
  return Status::Ok();
}

// The newest checkpoint with at least `k` valid cosignatures of `witnesses`.
Result<std::pair<tlog::SignedTreeHead, std::size_t>> WitnessedCheckpoint(
    const ServerUrl& server, const crypto::SignPublicKey& log_key,
    const std::vector<crypto::SignPublicKey>& witnesses, std::size_t k,
    const std::string& ca_file) {
  CANDOR_ASSIGN_OR_RETURN(Json reply, GetJson(server, "/api/v1/log/checkpoints", ca_file));
  if (!reply.contains("checkpoints") || !reply["checkpoints"].is_array())
    return BadReply("no checkpoints");
  std::size_t best = 0;
  std::optional<std::pair<tlog::SignedTreeHead, std::size_t>> chosen;  // the largest that qualifies
  for (const auto& c : reply["checkpoints"]) {
    CANDOR_ASSIGN_OR_RETURN(tlog::SignedTreeHead sth, TreeHeadFromReply(c));
    if (!tlog::VerifySignedTreeHead(sth, log_key).ok())
      continue;  // the key check comes below, with its message
    if (!c.contains("cosignatures")) continue;
    auto cosignatures = domain::CosignaturesFromJson(c["cosignatures"]);
    if (!cosignatures.ok())
      return BadReply("malformed cosignatures: " + cosignatures.error().message());
    const std::size_t n = tlog::CountWitnessed(log_key, sth.head, *cosignatures, witnesses);
    best = std::max(best, n);
    if (n >= k && (!chosen || sth.head.size > chosen->first.head.size))
      chosen = std::make_pair(sth, n);
  }
  if (chosen) return *chosen;
  return VerificationFailed(
      fmt::format("no recent tree head of this log is cosigned by {} of your {} witnesses (the "
                  "best has {}): the witnesses may "
                  "not have caught up yet (try again in a few minutes), or the server is showing "
                  "you a log they have not seen",
                  k, witnesses.size(), best));
}

}  // namespace

std::string DefaultStateDir() {
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.candor";
}

void AddLogTrustOptions(CLI::App* cmd, LogTrust& trust) {
  cmd->add_option("--log-key", trust.log_key_hex,
                  "The log's public key (hex), as your organization publishes it; without it the "
                  "key is pinned the "
                  "first time and must never change");
  cmd->add_option("--state-dir", trust.state_dir,
                  "Where this client keeps what it remembers (default ~/.candor)");
  cmd->add_option("--witness", trust.witness_hex,
                  "A witness's Ed25519 public key (hex); repeat for each witness you trust");
  cmd->add_option(
      "--witness-threshold", trust.witness_threshold,
      "How many of the witnesses must have cosigned a tree head (default: all of them)");
}

Result<TrustedHead> FetchTrustedHead(const ServerUrl& server, const LogTrust& trust,
                                     const std::string& ca_file) {
  TrustedHead out;
  out.pin_file = PinFile(server, trust.state_dir, trust.check_own_head);
  CANDOR_ASSIGN_OR_RETURN(
      Pin pin,
      LoadPin(out.pin_file, (trust.state_dir.empty() ? DefaultStateDir() : trust.state_dir) +
                                "/audit-" + server.host + "-" + server.port + ".json"));
  std::optional<crypto::SignPublicKey> given;
  if (!trust.log_key_hex.empty()) {
    CANDOR_ASSIGN_OR_RETURN(
        given, crypto::FixedFromHex<crypto::SignPublicKey>(trust.log_key_hex, "--log-key"));
  }
  if (given && pin.key && *given != *pin.key) {
    return VerificationFailed(
        "the log key you gave (--log-key " + trust.log_key_hex.substr(0, 16) +
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
    if (!key_json.contains("public_key") || !key_json["public_key"].is_string())
      return BadReply("no log key");
    auto key = crypto::FixedFromHex<crypto::SignPublicKey>(
        key_json["public_key"].get<std::string>(), "log key");
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
    return InvalidArgument(fmt::format(
        "--witness-threshold {} is more than the {} witness keys given", k, witnesses.size()));
  }

  const bool witnessed = !witnesses.empty();
  // Without witnesses: the latest head, and each recent checkpoint's consistency proof to it —
  // the same answer for every client, so checking needs no size of this client's own.
  Json listed = Json::array();
  if (witnessed) {
    CANDOR_ASSIGN_OR_RETURN(auto checkpoint,
                            WitnessedCheckpoint(server, out.log_key, witnesses, k, ca_file));
    out.sth = checkpoint.first;
    out.witnessed = checkpoint.second;
  } else {
    CANDOR_ASSIGN_OR_RETURN(Json reply, GetJson(server, "/api/v1/log/checkpoints", ca_file));
    if (!reply.contains("latest") || !reply.contains("checkpoints") ||
        !reply["checkpoints"].is_array()) {
      return BadReply("no latest tree head and checkpoints");
    }
    CANDOR_ASSIGN_OR_RETURN(out.sth, TreeHeadFromReply(reply["latest"]));
    listed = reply["checkpoints"];
  }
  if (!tlog::VerifySignedTreeHead(out.sth, out.log_key).ok()) {
    if (out.pinned_now)
      return VerificationFailed("the server's tree head is not signed by the log key it names");
    return VerificationFailed("the server's log is now signed by another key than the one " +
                              std::string(given ? "you gave (--log-key)"
                                                : "this client pinned (in " + out.pin_file + ")") +
                              ". This can mean the server was replaced or is lying; nothing was "
                              "sent. If your organization announced a new "
                              "log key, move that file away and try again");
  }

  // No rollback, no fork. Against the head of the same kind: a smaller size is a rollback, an
  // equal size needs the same root (both checked here, sending nothing).
  const std::optional<tlog::SignedTreeHead>& same = witnessed ? pin.witnessed_head : pin.head;
  if (same) out.previous_size = same->head.size;
  if (same && out.sth.head.size < same->head.size) {
    return VerificationFailed(
        fmt::format("the server shows a log of {} entries, older than the {} entries it showed you "
                    "before (a rollback): it may be "
                    "hiding what was logged since. Nothing was sent",
                    out.sth.head.size, same->head.size));
  }
  if (same && out.sth.head.size == same->head.size && out.sth.head.root != same->head.root) {
    return ForkError(out.sth.head.size, same->head.size);
  }
  // Every listed checkpoint is signed and proven a prefix of the new head (a proof that fails is
  // a fork); the stored checkpoint must be one of them with the same root, or proven a prefix
  // of the new head by asking with its (shared) size.
  std::optional<tlog::SignedTreeHead> newest_checkpoint;
  bool stored_checked = !pin.checkpoint;
  for (const auto& c : listed) {
    CANDOR_ASSIGN_OR_RETURN(tlog::SignedTreeHead cp, TreeHeadFromReply(c));
    if (!tlog::VerifySignedTreeHead(cp, out.log_key).ok())
      return VerificationFailed("a checkpoint not signed by the log key");
    if (cp.head.size > out.sth.head.size || !c.contains("consistency"))
      return BadReply("a checkpoint beyond the latest head");
    CANDOR_ASSIGN_OR_RETURN(std::vector<tlog::Hash> proof, ProofFromReply(c["consistency"]));
    if (!tlog::VerifyConsistency(cp.head.size, out.sth.head.size, cp.head.root, out.sth.head.root,
                                 proof)
             .ok()) {
      return ForkError(out.sth.head.size, cp.head.size);
    }
    if (pin.checkpoint && cp.head.size == pin.checkpoint->head.size) {
      if (cp.head.root != pin.checkpoint->head.root)
        return ForkError(out.sth.head.size, cp.head.size);
      stored_checked = true;
    }
    if (!newest_checkpoint || cp.head.size > newest_checkpoint->head.size) newest_checkpoint = cp;
  }
  if (!stored_checked) {
    const auto& cp = *pin.checkpoint;
    if (cp.head.size <= out.sth.head.size) {
      CANDOR_RETURN_IF_ERROR(ProveConsistent(server, cp, out.sth, ca_file));
    } else if (witnessed) {
      // The witnesses' newest checkpoint may lag behind the newest one seen without them: both
      // are checkpoints, so the proof can go the other way.
      CANDOR_RETURN_IF_ERROR(ProveConsistent(server, out.sth, cp, ca_file));
    } else {
      return VerificationFailed(
          "the server shows a log older than a checkpoint it showed you before (a rollback)");
    }
  }
  if (witnessed && pin.witnessed_head) {
    const auto& w = *pin.witnessed_head;  // checkpoints both: their sizes are shared
    CANDOR_RETURN_IF_ERROR(w.head.size <= out.sth.head.size
                               ? ProveConsistent(server, w, out.sth, ca_file)
                               : ProveConsistent(server, out.sth, w, ca_file));
  }
  if ((pin.legacy || trust.check_own_head) && pin.head && pin.head->head.size < out.sth.head.size) {
    // Once, after an upgrade: the head `candor audit` kept.
    CANDOR_RETURN_IF_ERROR(ProveConsistent(server, *pin.head, out.sth, ca_file));
  }
  // The newest checkpoint seen, never an older one: the server chooses which it lists, and
  // listing only an old one must not let an organization state be complete up to that one only.
  if (newest_checkpoint &&
      (!pin.checkpoint || newest_checkpoint->head.size > pin.checkpoint->head.size)) {
    pin.checkpoint = newest_checkpoint;
  }
  if (witnessed) {
    out.checkpoint = out.sth;
  } else if (pin.checkpoint) {
    out.checkpoint = pin.checkpoint;
  } else {
    return VerificationFailed(
        "the server shows no checkpoint of its log, so this client cannot tell whether it leaves "
        "something out. "
        "Nothing was sent");
  }
  out.checkpoint_size = out.checkpoint->head.size;
  pin.key = out.log_key;
  (witnessed ? pin.witnessed_head : pin.head) = out.sth;
  CANDOR_RETURN_IF_ERROR(SavePin(out.pin_file, server, pin));
  if (out.pinned_now) {
    Say(stderr,
        "Pinned the log key of {} on first use: {}\n(compare it with the key your organization "
        "publishes; "
        "this client will refuse any other from now on)\n",
        server.ToString(), crypto::ToHex(out.log_key));
  }
  return out;
}

Result<domain::OrgState> FetchOrgState(const ServerUrl& server, const std::string& org,
                                       const TrustedHead& head, const std::string& ca_file) {
  CANDOR_RETURN_IF_ERROR(domain::ValidateOrganizationSlug(org));
  CANDOR_ASSIGN_OR_RETURN(
      Json j,
      FetchProofPages(
          server, "/api/v1/orgs/" + org + "/state?tree_size=" + std::to_string(head.sth.head.size),
          "organization", org, ca_file, /*pin_tree_size=*/false));
  auto proof = domain::OrgStateProofFromJson(j);
  if (!proof.ok()) return BadReply("a malformed organization state: " + proof.error().message());
  if (proof->tree_head != head.sth) {
    return VerificationFailed(
        "the server's organization state is not at the tree head it showed a moment ago");
  }
  return domain::VerifyOrgState(*proof, head.log_key, org, head.checkpoint_size);
}

std::string DescribeReviewers(const std::vector<domain::LoggedReviewer>& reviewers) {
  std::string out;
  for (const auto& r : reviewers) {
    out += fmt::format("  {:<24} key {}\n", r.username.empty() ? "(name not logged)" : r.username,
                       domain::KeyFingerprint(r.box_public));
  }
  // Issue 15: with a single reader, one lost key loses the message; the author hears it first.
  if (reviewers.size() == 1) {
    out +=
        "  Only this one person can read it. If they lose their key, nobody can read your\n"
        "  message or answer it, and Candor cannot recover it. (An organization avoids this by\n"
        "  keeping a second reviewer key offline: README, \"A recovery key\".)\n";
  }
  return out;
}

}  // namespace candor::cli
