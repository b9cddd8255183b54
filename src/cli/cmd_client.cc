// Commands that talk to a Candor server: enroll, roster fetch, audit.
#include <fmt/core.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/http_client.h"
#include "cli/io.h"
#include "crypto/keyfile.h"
#include "crypto/lrs.h"
#include "domain/cosignature.h"
#include "domain/log_entry.h"
#include "log/memory_tree.h"
#include "log/tree_head.h"
#include "log/verify.h"

namespace candor::cli {
namespace {

using domain::Json;

Result<std::string> Str(const Json& j, const char* field) {
  if (!j.is_object() || !j.contains(field) || !j[field].is_string()) {
    return Error(ErrorCode::kCorrupt, std::string("the server's reply lacks '") + field + "'");
  }
  return j[field].get<std::string>();
}

Result<std::uint64_t> U64(const Json& j, const char* field) {
  if (!j.is_object() || !j.contains(field) || !j[field].is_number_unsigned()) {
    return Error(ErrorCode::kCorrupt, std::string("the server's reply lacks '") + field + "'");
  }
  return j[field].get<std::uint64_t>();
}

template <typename F>
Result<F> Hex(const Json& j, const char* field) {
  CANDOR_ASSIGN_OR_RETURN(std::string s, Str(j, field));
  auto v = crypto::FixedFromHex<F>(s, field);
  if (!v.ok()) return Error(ErrorCode::kCorrupt, "the server sent a malformed '" + std::string(field) + "'");
  return v;
}

// --- enroll ---
struct EnrollOptions {
  std::string server, org, invitation, key, ca_file;
};

Status RunEnroll(const EnrollOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes file, ReadFileBytes(o.key));
  // Only the public half is read: enrolling needs no passphrase and sends no secret.
  auto info = crypto::ParseKeyFile(file);
  if (!info.ok()) return info.error().WithContext(o.key);
  Json body{{"invitation", o.invitation},
            {"ring_public", crypto::ToHex(info->ring_public)},
            {"reply_public", crypto::ToHex(info->box_public)}};
  CANDOR_ASSIGN_OR_RETURN(Json reply, PostJson(server, "/api/v1/orgs/" + o.org + "/enroll", body, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t size, U64(reply, "roster_size"));
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t version, U64(reply, "version"));
  // Check that the roster the server now publishes really holds the key.
  CANDOR_ASSIGN_OR_RETURN(Json roster, GetJson(server, "/api/v1/orgs/" + o.org + "/roster/" +
                                                           std::to_string(version), o.ca_file));
  bool present = false;
  if (roster.contains("members") && roster["members"].is_array()) {
    for (const auto& m : roster["members"]) {
      present = present || (m.is_object() && m.value("ring_public", "") == crypto::ToHex(info->ring_public));
    }
  }
  if (!present) {
    return VerificationFailed("the server accepted the enrollment but its roster does not list your key");
  }
  fmt::print("You are enrolled in '{}'. The roster now has {} members (version {}).\n"
             "No name was sent: the roster holds only your public keys.\n",
             o.org, size, version);
  return Status::Ok();
}

// --- roster fetch ---
struct RosterFetchOptions {
  std::string server, org, out, ca_file;
  std::uint64_t version = 0;
  bool force = false;
};

Status RunRosterFetch(const RosterFetchOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  std::string target = "/api/v1/orgs/" + o.org + "/roster";
  if (o.version != 0) target += "/" + std::to_string(o.version);
  CANDOR_ASSIGN_OR_RETURN(Json roster, GetJson(server, target, o.ca_file));
  if (!roster.contains("members") || !roster["members"].is_array()) {
    return Error(ErrorCode::kCorrupt, "the server's roster has no members list");
  }
  Json ring{{"members", Json::array()}};
  for (const auto& m : roster["members"]) {
    CANDOR_ASSIGN_OR_RETURN(std::string key, Str(m, "ring_public"));
    ring["members"].push_back(key);
  }
  CANDOR_ASSIGN_OR_RETURN(std::string digest, Str(roster, "digest"));
  ring["digest"] = digest;
  // RingFromJson recomputes the digest and refuses a roster whose digest does not match.
  auto checked = domain::RingFromJson(ring);
  if (!checked.ok()) return checked.error().WithContext("the server's roster");
  std::string text = domain::RingToJson(*checked).dump(2) + "\n";
  CANDOR_RETURN_IF_ERROR(WriteFileAtomic(o.out, crypto::AsBytes(text), o.force));
  fmt::print("Wrote the roster of '{}' ({} members, version {}) to {}.\n", o.org,
             checked->size(), roster.value("version", 0), o.out);
  return Status::Ok();
}

// --- audit ---
struct AuditOptions {
  std::string server, state, ca_file;
  bool full = false;
};

std::string DefaultStatePath(const ServerUrl& server) {
  const char* home = std::getenv("HOME");
  std::string dir = std::string(home ? home : ".") + "/.candor";
  std::filesystem::create_directories(dir);
  return dir + "/audit-" + server.host + "-" + server.port + ".json";
}

Result<tlog::SignedTreeHead> SthFromJson(const Json& j) {
  tlog::SignedTreeHead sth;
  CANDOR_ASSIGN_OR_RETURN(sth.head.size, U64(j, "tree_size"));
  CANDOR_ASSIGN_OR_RETURN(sth.head.root, Hex<tlog::Hash>(j, "root"));
  CANDOR_ASSIGN_OR_RETURN(sth.head.timestamp_ms, U64(j, "timestamp_ms"));
  CANDOR_ASSIGN_OR_RETURN(sth.signature, Hex<crypto::Signature64>(j, "signature"));
  return sth;
}

Json SthToJson(const tlog::SignedTreeHead& sth) {
  return Json{{"tree_size", sth.head.size}, {"root", crypto::ToHex(sth.head.root)},
              {"timestamp_ms", sth.head.timestamp_ms}, {"signature", crypto::ToHex(sth.signature)}};
}

Status RunAudit(const AuditOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  const std::string state_path = o.state.empty() ? DefaultStatePath(server) : o.state;
  Json state = Json::object();
  if (std::filesystem::exists(state_path)) {
    CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(state_path));
    state = Json::parse(text, nullptr, false);
    if (state.is_discarded() || !state.is_object()) {
      return Error(ErrorCode::kCorrupt, "the audit state file '" + state_path + "' is damaged");
    }
  }
  CANDOR_ASSIGN_OR_RETURN(Json key_json, GetJson(server, "/api/v1/log/key", o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(auto key, Hex<crypto::SignPublicKey>(key_json, "public_key"));
  if (state.contains("public_key") && state["public_key"] != crypto::ToHex(key)) {
    return VerificationFailed("the log's signing key changed since the last audit (was " +
                              state["public_key"].get<std::string>() + "): this log cannot be trusted");
  }
  CANDOR_ASSIGN_OR_RETURN(Json sth_json, GetJson(server, "/api/v1/log/sth", o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(tlog::SignedTreeHead sth, SthFromJson(sth_json));
  CANDOR_RETURN_IF_ERROR(tlog::VerifySignedTreeHead(sth, key));
  fmt::print("Signed tree head: {} entries, root {}, signature valid.\n", sth.head.size,
             crypto::ToHex(sth.head.root));

  if (state.contains("sth")) {
    CANDOR_ASSIGN_OR_RETURN(tlog::SignedTreeHead old, SthFromJson(state["sth"]));
    if (sth.head.size < old.head.size) {
      return VerificationFailed(fmt::format("the log shrank from {} to {} entries: history was rewritten",
                                            old.head.size, sth.head.size));
    }
    if (sth.head.size == old.head.size) {
      if (sth.head.root != old.head.root) {
        return VerificationFailed("same size as last time but a different root: history was rewritten");
      }
    } else {
      CANDOR_ASSIGN_OR_RETURN(
          Json proof_json,
          GetJson(server, fmt::format("/api/v1/log/proof/consistency?first={}&second={}",
                                      old.head.size, sth.head.size), o.ca_file));
      std::vector<tlog::Hash> proof;
      if (!proof_json.contains("proof") || !proof_json["proof"].is_array()) {
        return Error(ErrorCode::kCorrupt, "the consistency proof is missing");
      }
      for (const auto& h : proof_json["proof"]) {
        if (!h.is_string()) return Error(ErrorCode::kCorrupt, "malformed consistency proof");
        CANDOR_ASSIGN_OR_RETURN(auto hash, crypto::FixedFromHex<tlog::Hash>(h.get<std::string>(), "proof"));
        proof.push_back(hash);
      }
      Status consistent = tlog::VerifyConsistency(old.head.size, sth.head.size, old.head.root,
                                                  sth.head.root, proof);
      if (!consistent.ok()) {
        return VerificationFailed("the log is not an extension of the one seen last time (" +
                                  consistent.error().message() + "): history was rewritten");
      }
      fmt::print("Consistent with the {} entries seen at the last audit: nothing was removed or changed.\n",
                 old.head.size);
    }
  } else {
    fmt::print("First audit of this log: remembering its key and tree head in {}.\n", state_path);
  }

  if (o.full) {
    tlog::MemoryTree tree;
    std::map<std::string, std::size_t> kinds;
    for (std::uint64_t start = 0; start < sth.head.size; start += 1000) {
      std::uint64_t end = std::min<std::uint64_t>(sth.head.size, start + 1000);
      CANDOR_ASSIGN_OR_RETURN(Json page, GetJson(server, fmt::format("/api/v1/log/entries?start={}&end={}",
                                                                     start, end), o.ca_file));
      if (!page.contains("entries") || !page["entries"].is_array() || page["entries"].size() != end - start) {
        return Error(ErrorCode::kCorrupt, "the server returned the wrong number of log entries");
      }
      for (const auto& e : page["entries"]) {
        CANDOR_ASSIGN_OR_RETURN(std::string hex, Str(e, "entry"));
        auto bytes = crypto::FromHex(hex);
        if (!bytes.ok()) return Error(ErrorCode::kCorrupt, "malformed log entry");
        tree.Append(*bytes);
        auto event = domain::DecodeLogEntry(*bytes);
        if (!event.ok()) {
          return VerificationFailed(fmt::format("log entry {} is not a valid Candor event: {}",
                                                tree.size() - 1, event.error().message()));
        }
        ++kinds[std::string(domain::LogEventKind(*event))];
      }
    }
    if (tree.Root() != sth.head.root) {
      return VerificationFailed("the entries the server serves do not hash to its signed root");
    }
    fmt::print("Downloaded and re-hashed all {} entries: they match the signed root.\n", tree.size());
    for (const auto& [kind, n] : kinds) fmt::print("  {:>6}  {}\n", n, kind);
  }

  state["public_key"] = crypto::ToHex(key);
  state["sth"] = SthToJson(sth);
  state["server"] = server.ToString();
  std::string text = state.dump(2) + "\n";
  CANDOR_RETURN_IF_ERROR(WriteFileAtomic(state_path, crypto::AsBytes(text), true, 0600));
  fmt::print("Audit passed.\n");
  return Status::Ok();
}

}  // namespace

void RegisterClientCommands(CLI::App& app, int* exit_code) {
  auto enroll = std::make_shared<EnrollOptions>();
  CLI::App* e = app.add_subcommand("enroll",
                                   "Join your organization's roster with a one-time invitation");
  e->add_option("--server", enroll->server, "The Candor server, e.g. https://candor.example.org")->required();
  e->add_option("--org", enroll->org, "Your organization's slug")->required();
  e->add_option("--invitation", enroll->invitation, "The invitation code you were given")->required();
  e->add_option("--key", enroll->key, "Your key file (only its public keys are sent)")->required();
  e->add_option("--ca-file", enroll->ca_file, "Trust this PEM certificate authority for HTTPS");
  OnRun(e, exit_code, [enroll] { return RunEnroll(*enroll); });

  CLI::App* ring = app.get_subcommand("ring");
  auto fetch = std::make_shared<RosterFetchOptions>();
  CLI::App* f = ring->add_subcommand("fetch", "Download an organization's roster as a ring file");
  f->add_option("--server", fetch->server, "The Candor server")->required();
  f->add_option("--org", fetch->org, "The organization's slug")->required();
  f->add_option("--out,-o", fetch->out, "Where to write the ring file")->required();
  f->add_option("--version", fetch->version, "A roster version (default: the latest)");
  f->add_option("--ca-file", fetch->ca_file, "Trust this PEM certificate authority for HTTPS");
  f->add_flag("--force", fetch->force, "Replace an existing file");
  OnRun(f, exit_code, [fetch] { return RunRosterFetch(*fetch); });

  auto audit = std::make_shared<AuditOptions>();
  CLI::App* a = app.add_subcommand(
      "audit", "Check the server's transparency log: signature, and no rewritten history since last time");
  a->add_option("--server", audit->server, "The Candor server")->required();
  a->add_option("--state", audit->state,
                "Where to remember the last tree head (default: ~/.candor/audit-HOST-PORT.json)");
  a->add_flag("--full", audit->full, "Also download every entry and re-hash the whole log");
  a->add_option("--ca-file", audit->ca_file, "Trust this PEM certificate authority for HTTPS");
  OnRun(a, exit_code, [audit] { return RunAudit(*audit); });
}

}  // namespace candor::cli
