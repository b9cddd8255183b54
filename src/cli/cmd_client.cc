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
#include "cli/log_check.h"
#include "cli/trusted_log.h"
#include "crypto/keyfile.h"
#include "crypto/lrs.h"
#include "crypto/transcript.h"
#include "domain/cosignature.h"
#include "domain/log_entry.h"
#include "domain/log_state.h"
#include "domain/web_release.h"
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
  if (!v.ok())
    return Error(ErrorCode::kCorrupt, "the server sent a malformed '" + std::string(field) + "'");
  return v;
}

// --- enroll ---
struct EnrollOptions {
  std::string server, org, invitation, key, ca_file;
  LogTrust trust;
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
  CANDOR_ASSIGN_OR_RETURN(Json reply,
                          PostJson(server, "/api/v1/orgs/" + o.org + "/enroll", body, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t size, U64(reply, "roster_size"));
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t version, U64(reply, "version"));
  // Check that the log now holds the key: the roster everyone signs within is the logged one.
  CANDOR_ASSIGN_OR_RETURN(TrustedHead head, FetchTrustedHead(server, o.trust, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(domain::OrgState state, FetchOrgState(server, o.org, head, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(auto members,
                          state.roster.members(std::min(version, state.roster.version())));
  if (state.roster.version() < version ||
      std::find(members.begin(), members.end(), info->ring_public) == members.end()) {
    return VerificationFailed(
        "the server accepted the enrollment but its log does not list your key");
  }
  Say("You are enrolled in '{}'. The roster now has {} members (version {}).\n"
      "No name was sent: the roster holds only your public keys.\n",
      o.org, size, version);
  return Status::Ok();
}

// --- roster fetch ---
struct RosterFetchOptions {
  std::string server, org, out, ca_file;
  LogTrust trust;
  std::uint64_t version = 0;
  bool force = false;
};

Status RunRosterFetch(const RosterFetchOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  // From the log, with proofs: the ring file is what members really sign within.
  CANDOR_ASSIGN_OR_RETURN(TrustedHead head, FetchTrustedHead(server, o.trust, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(domain::OrgState state, FetchOrgState(server, o.org, head, o.ca_file));
  const std::uint64_t version = o.version != 0 ? o.version : state.roster.version();
  if (version > state.roster.version()) {
    return Error(ErrorCode::kNotFound,
                 fmt::format("the log holds roster versions 1 to {} of '{}', not {}",
                             state.roster.version(), o.org, version));
  }
  CANDOR_ASSIGN_OR_RETURN(auto members, state.roster.members(version));
  auto ring = crypto::Ring::Create(std::move(members));
  if (!ring.ok())
    return ring.error().WithContext(fmt::format("roster version {} of '{}'", version, o.org));
  std::string text = domain::RingToJson(*ring).dump(2) + "\n";
  CANDOR_RETURN_IF_ERROR(WriteFileAtomic(o.out, crypto::AsBytes(text), o.force));
  Say("Wrote the roster of '{}' ({} members, version {}, as the log proves it) to {}.\n", o.org,
      ring->size(), version, o.out);
  return Status::Ok();
}

// --- audit ---
struct AuditOptions {
  std::string server, ca_file, web;
  LogTrust trust;
  bool full = false;
};

// `--web URL`: the files served at URL are, byte for byte, a web release logged in the
// trusted log (docs/PROTOCOL.md, "Web releases").
Status AuditWeb(const ServerUrl& server, const std::string& web_url, const TrustedHead& head,
                const std::string& ca_file) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl site, ServerUrl::Parse(web_url));
  CANDOR_ASSIGN_OR_RETURN(Json release, GetJson(server, "/api/v1/web/release", ca_file));
  CANDOR_ASSIGN_OR_RETURN(std::uint64_t index, U64(release, "log_index"));
  CANDOR_ASSIGN_OR_RETURN(std::string served_manifest, Str(release, "manifest"));
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes entry,
                          FetchIncludedEntry(server, index, head.sth, ca_file));
  auto event = domain::DecodeLogEntry(entry);
  if (!event.ok() || !std::holds_alternative<domain::WebReleaseEvent>(*event)) {
    return VerificationFailed(fmt::format("log entry {} is not a web release", index));
  }
  const std::string& manifest = std::get<domain::WebReleaseEvent>(*event).manifest;
  if (manifest != served_manifest)
    return VerificationFailed("the server describes another web release than the one it logged");
  CANDOR_ASSIGN_OR_RETURN(auto files, domain::ParseWebManifest(manifest));
  const auto fetch = [&](const std::string& path) -> Result<crypto::Digest32> {
    CANDOR_ASSIGN_OR_RETURN(HttpReply r,
                            HttpRequest(site, "GET", path, "", ca_file, {}, std::size_t{64} << 20));
    if (r.status != 200) {
      return VerificationFailed(
          fmt::format("{} answers {} for {}", site.ToString(), r.status, path));
    }
    return crypto::Sha256(crypto::AsBytes(r.body));
  };
  for (const auto& f : files) {
    CANDOR_ASSIGN_OR_RETURN(crypto::Digest32 got, fetch(f.path));
    if (got != f.sha256) {
      return VerificationFailed(
          fmt::format("{}{} is not the file of the logged web release: the pages this server "
                      "serves are not a logged release. Do not use them; tell your organization",
                      site.ToString(), f.path));
    }
  }
  // The page a browser opens first, and every file it names, must be in the release.
  CANDOR_ASSIGN_OR_RETURN(HttpReply root, HttpRequest(site, "GET", "/", "", ca_file));
  const auto index_file = std::find_if(files.begin(), files.end(),
                                       [](const auto& f) { return f.path == "/index.html"; });
  if (root.status != 200 || index_file == files.end() ||
      crypto::Sha256(crypto::AsBytes(root.body)) != index_file->sha256) {
    return VerificationFailed("the page at " + site.ToString() +
                              "/ is not the logged release's index.html");
  }
  for (const char* attr : {"src=\"", "href=\""}) {
    for (std::size_t at = root.body.find(attr); at != std::string::npos;
         at = root.body.find(attr, at + 1)) {
      const std::size_t start = at + std::string_view(attr).size();
      const std::string ref = root.body.substr(start, root.body.find('"', start) - start);
      if (ref.empty() || ref.front() != '/' || ref.rfind("//", 0) == 0)
        continue;  // in-page and relative links
      if (std::none_of(files.begin(), files.end(), [&](const auto& f) { return f.path == ref; })) {
        return VerificationFailed("the page loads " + ref +
                                  ", which the logged release does not hold");
      }
    }
  }
  Say("Web release {}: the {} files {} serves to browsers match the release logged as entry {}, "
      "byte for byte.\n",
      crypto::ToHex(domain::WebReleaseId(manifest)), files.size(), site.ToString(), index);
  return Status::Ok();
}

Status RunAudit(const AuditOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  // The same rule as every other flow (cli/trusted_log.h): pinned key, no rollback, no fork —
  // and, being a deliberate audit, consistency from the exact head it saw last.
  LogTrust trust = o.trust;
  trust.check_own_head = true;
  CANDOR_ASSIGN_OR_RETURN(TrustedHead head, FetchTrustedHead(server, trust, o.ca_file));
  const tlog::SignedTreeHead& sth = head.sth;
  Say("Signed tree head: {} entries, root {}, signature valid{}.\n", sth.head.size,
      crypto::ToHex(sth.head.root),
      head.witnessed > 0 ? fmt::format(", cosigned by {} of your witnesses", head.witnessed) : "");
  if (head.previous_size) {
    Say("Consistent with the {} entries this client saw before: nothing was removed or changed.\n",
        *head.previous_size);
  } else {
    Say("First look at this log from this client: its key and tree head are remembered in {}.\n",
        head.pin_file);
  }

  if (!o.web.empty()) CANDOR_RETURN_IF_ERROR(AuditWeb(server, o.web, head, o.ca_file));

  if (o.full) {
    tlog::MemoryTree tree;
    std::map<std::string, std::size_t> kinds;
    // Every `log-state` entry must commit to what the entries before it hold (docs/PROTOCOL.md,
    // "Log state"): the replay recomputes each one.
    domain::LogState state;
    for (std::uint64_t start = 0; start < sth.head.size; start += 1000) {
      std::uint64_t end = std::min<std::uint64_t>(sth.head.size, start + 1000);
      CANDOR_ASSIGN_OR_RETURN(
          Json page, GetJson(server, fmt::format("/api/v1/log/entries?start={}&end={}", start, end),
                             o.ca_file));
      if (!page.contains("entries") || !page["entries"].is_array() ||
          page["entries"].size() != end - start) {
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
        CANDOR_RETURN_IF_ERROR(state.Replay(tree.size() - 1, *event));
      }
    }
    if (tree.Root() != sth.head.root) {
      return VerificationFailed("the entries the server serves do not hash to its signed root");
    }
    Say("Downloaded and re-hashed all {} entries: they match the signed root.\n", tree.size());
    for (const auto& [kind, n] : kinds) Say("  {:>6}  {}\n", n, kind);
    if (kinds.contains("log-state")) {
      Say("Each of the {} log-state entries commits to exactly what the log held before it ({} "
          "letters and {} "
          "organizations now).\n",
          kinds["log-state"], state.letters(), state.organizations());
    }
  }

  Say("Audit passed.\n");
  return Status::Ok();
}

}  // namespace

void RegisterClientCommands(CLI::App& app, int* exit_code) {
  auto enroll = std::make_shared<EnrollOptions>();
  CLI::App* e =
      app.add_subcommand("enroll", "Join your organization's roster with a one-time invitation");
  e->add_option("--server", enroll->server, "The Candor server, e.g. https://candor.example.org")
      ->required();
  e->add_option("--org", enroll->org, "Your organization's slug")->required();
  e->add_option("--invitation", enroll->invitation, "The invitation code you were given")
      ->required();
  e->add_option("--key", enroll->key, "Your key file (only its public keys are sent)")->required();
  e->add_option("--ca-file", enroll->ca_file, "Trust this PEM certificate authority for HTTPS");
  AddLogTrustOptions(e, enroll->trust);
  OnRun(e, exit_code, [enroll] { return RunEnroll(*enroll); });

  CLI::App* ring = app.get_subcommand("ring");
  auto fetch = std::make_shared<RosterFetchOptions>();
  CLI::App* f = ring->add_subcommand("fetch", "Download an organization's roster as a ring file");
  f->add_option("--server", fetch->server, "The Candor server")->required();
  f->add_option("--org", fetch->org, "The organization's slug")->required();
  f->add_option("--out,-o", fetch->out, "Where to write the ring file")->required();
  f->add_option("--version", fetch->version, "A roster version (default: the latest)");
  f->add_option("--ca-file", fetch->ca_file, "Trust this PEM certificate authority for HTTPS");
  AddLogTrustOptions(f, fetch->trust);
  f->add_flag("--force", fetch->force, "Replace an existing file");
  OnRun(f, exit_code, [fetch] { return RunRosterFetch(*fetch); });

  auto audit = std::make_shared<AuditOptions>();
  CLI::App* a = app.add_subcommand(
      "audit",
      "Check the server's transparency log: signature, and no rewritten history since last time");
  a->add_option("--server", audit->server, "The Candor server")->required();
  AddLogTrustOptions(a, audit->trust);
  a->add_flag("--full", audit->full, "Also download every entry and re-hash the whole log");
  a->add_option("--web", audit->web,
                "Also check that the web pages served at this URL (usually the server's own) are, "
                "byte for byte, a "
                "web release logged in this log");
  a->add_option("--ca-file", audit->ca_file, "Trust this PEM certificate authority for HTTPS");
  OnRun(a, exit_code, [audit] { return RunAudit(*audit); });
}

}  // namespace candor::cli
