// candor letter … — collective letters from the member's side: draft a letter file, publish
// it as a member (with a membership proof), sign or withdraw, check a receipt, list and show.
//
// Signing never trusts the server's word about the ring: the client fetches the letter and
// its pinned rosters as log entries with inclusion proofs against a signed tree head, rebuilds
// the rings itself (domain::RosterRings) and refuses a ring below its own minimum.
#include <fmt/core.h>

#include <algorithm>
#include <future>
#include <map>
#include <memory>
#include <string>

#include "cli/cable_client.h"
#include "cli/commands.h"
#include "cli/http_client.h"
#include "cli/io.h"
#include "cli/letter_bundle.h"
#include "cli/log_check.h"
#include "cli/trusted_log.h"
#include "crypto/keyfile.h"
#include "crypto/lrs.h"
#include "crypto/lrs2.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"
#include "domain/cosignature.h"
#include "domain/letter.h"
#include "domain/log_entry.h"
#include "domain/roster.h"
#include "domain/strict_json.h"
#include "log/rfc9162.h"
#include "log/tree_head.h"
#include "log/verify.h"
#include "server/app/wire_cables.h"
#include "server/app/wire_letters.h"

namespace candor::cli {
namespace {

using domain::Json;

Result<std::string> StrField(const Json& j, const char* field) {
  if (!j.is_object() || !j.contains(field) || !j[field].is_string()) {
    return BadReply(std::string("a reply without '") + field + "'");
  }
  return j[field].get<std::string>();
}

// Fetches /letters/{id}/bundle?signatures=0 at the trusted head's size, reads it with the
// bundle codec and rebuilds the letter's rings with domain::LetterRingsFromBundle: the log key
// and the tree head must be the trusted ones, every inclusion proof must hold, the rosters
// must be complete up to their pinned versions.
Result<domain::LetterRings> FetchLetterRings(const ServerUrl& server, const domain::LetterId& id,
                                             const TrustedHead& head, const std::string& ca_file,
                                             std::size_t max_ring = domain::kMaxRingSize) {
  const std::string id_hex = crypto::ToHex(id);
  CANDOR_ASSIGN_OR_RETURN(
      Json j, FetchProofPages(server,
                              "/api/v1/letters/" + id_hex + "/bundle?signatures=0&tree_size=" +
                                  std::to_string(head.sth.head.size),
                              "letter_id", id_hex, ca_file, /*pin_tree_size=*/false));
  auto bundle = domain::LetterBundleFromJson(j);
  if (!bundle.ok())
    return BadReply("a letter bundle that does not parse: " + bundle.error().message());
  if (bundle->log_public_key != head.log_key) {
    return VerificationFailed(
        "the letter's bundle is signed by another log key than the trusted one");
  }
  if (bundle->tree_head != head.sth) {
    return VerificationFailed(
        "the letter's bundle is not at the tree head the server showed a moment ago");
  }
  if (bundle->letter_id != id) return VerificationFailed("the server sent another letter's bundle");
  domain::BundleOptions options;
  options.expected_log_key = head.log_key;
  options.max_ring = max_ring;
  options.min_ring = 1;  // each command applies its own minimum to the ring it uses
  return domain::LetterRingsFromBundle(*bundle, options);
}

std::string Grouped(std::uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

// --- letter draft ---
struct DraftOptions {
  std::string title, body_file, out, supersedes;
  std::vector<std::string> orgs;
  std::optional<std::uint64_t> closes_at_ms, quorum;
  bool force = false;
};

Status RunDraft(const DraftOptions& o) {
  domain::Letter letter;
  letter.title = o.title;
  CANDOR_ASSIGN_OR_RETURN(std::string body, ReadFileText(o.body_file));
  // Line breaks as '\n' only: a text saved with CR LF (Windows) reads the same, and a bare CR
  // (which could overwrite a line on a terminal) is not allowed in a new letter.
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (!(body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n')) letter.body += body[i];
  }
  letter.organizations = o.orgs;
  letter.closes_at_ms = o.closes_at_ms;
  letter.quorum = o.quorum;
  if (!o.supersedes.empty()) {
    CANDOR_ASSIGN_OR_RETURN(letter.supersedes,
                            crypto::FixedFromHex<domain::LetterId>(o.supersedes, "--supersedes"));
  }
  CANDOR_RETURN_IF_ERROR(domain::ValidateNewLetter(letter));
  const std::string text = domain::LetterToJson(letter).dump(2) + "\n";
  CANDOR_RETURN_IF_ERROR(WriteFileAtomic(o.out, crypto::AsBytes(text), o.force));
  Say("Wrote {}. Once published, this letter's id will be\n  {}\n"
      "and not one word of it can change. Publish it with `candor letter publish {}`.\n",
      o.out, crypto::ToHex(domain::ComputeLetterId(letter)), o.out);
  return Status::Ok();
}

// --- letter publish (as a member) ---
struct PublishOptions {
  std::string file, server, key, org, ca_file;
  LogTrust trust;
  PassphraseSource passphrase;
  std::size_t min_ring = domain::kDefaultMinRingSize;
  std::string scheme = "v2";
};

Status RunPublish(const PublishOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(o.file));
  Json j = domain::ParseStrictJsonOrDiscarded(text);
  if (j.is_discarded()) return InvalidArgument("'" + o.file + "' is not JSON");
  CANDOR_ASSIGN_OR_RETURN(domain::Letter letter, domain::LetterFromJson(j));
  CANDOR_RETURN_IF_ERROR(domain::ValidateNewLetter(letter));
  const domain::LetterId id = domain::ComputeLetterId(letter);
  const std::string org = o.org.empty() ? letter.organizations.front() : o.org;
  // The membership proof is over the organization's current roster (the one the letter will
  // pin), as the log proves it at a trusted head (security review H4).
  CANDOR_ASSIGN_OR_RETURN(TrustedHead head, FetchTrustedHead(server, o.trust, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(domain::OrgState state, FetchOrgState(server, org, head, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(const domain::RingScheme scheme,
                          domain::ParseRingScheme("candor-lrs-" + o.scheme));
  CANDOR_ASSIGN_OR_RETURN(crypto::MemberKeys keys, OpenKeyFileAt(o.key, o.passphrase));
  // candor-lrs-v2 (the default) proves membership of the whole roster; v1 of one bucket.
  auto signer = domain::MemberRingOf(state.roster.members(), keys.ring.public_key, scheme,
                                     domain::kMaxRingSize, o.min_ring);
  if (!signer.ok()) {
    if (signer.error().code() == ErrorCode::kNotFound)
      return Error(ErrorCode::kNotFound, "your key is not on '" + org + "''s roster");
    return Error(signer.error().code(), fmt::format("'{}': {}; nothing was sent (see --min-ring)",
                                                    org, signer.error().message()));
  }
  const crypto::Ring& ring = signer->ring();
  // A free publishing slot of the current window (domain::PublishQuotaEvent): the client finds
  // its own used slots by computing its tags, and asks the server nothing about itself.
  CANDOR_ASSIGN_OR_RETURN(Json quota,
                          GetJson(server, "/api/v1/orgs/" + org + "/letter-quota", o.ca_file));
  constexpr std::uint64_t kMaxSlots = 1024;  // a hostile count must not keep us computing tags
  auto q = app::api::QuotaFromJson(quota, kMaxSlots);
  if (!q.ok()) return BadReply("a letter quota that does not parse: " + q.error().message());
  const std::uint64_t window = q->window;
  const std::uint64_t slots = q->slots;
  const std::vector<std::pair<std::int64_t, crypto::Point>>& used = q->used;
  const std::vector<std::uint64_t> free = FreeQuotaSlots(
      keys.ring.secret, slots, used,
      [&](std::uint64_t slot) { return domain::PublishQuotaEvent(org, window, slot); });
  if (free.empty()) {
    return Error(
        ErrorCode::kResourceExhausted,
        fmt::format("you have published as many letters as '{}' allows in this period ({}); "
                    "you can publish again when it ends",
                    org, slots));
  }
  const std::uint64_t slot = free[crypto::UniformBelow(crypto::DefaultRng(), free.size())];
  CANDOR_ASSIGN_OR_RETURN(
      crypto::Bytes proof,
      signer->Sign(domain::PublishQuotaEvent(org, window, slot), domain::PublishProofMessage(id),
                   keys.ring.secret, crypto::DefaultRng()));
  Json body{{"letter", domain::LetterToJson(letter)},
            {"organization", org},
            {"ring_digest", crypto::ToHex(ring.digest())},
            {"window", window},
            {"slot", slot},
            {"proof", crypto::ToHex(proof)},
            {"scheme", domain::RingSchemeName(scheme)}};
  CANDOR_ASSIGN_OR_RETURN(Json reply, PostJson(server, "/api/v1/letters/member", body, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(std::string got, StrField(reply, "id"));
  if (got != crypto::ToHex(id))
    return VerificationFailed("the server published the letter under another id: " + got);
  Say("Published. Letter id: {}\nYou proved you are one of {} members of '{}' without saying "
      "which.\n"
      "Members sign it with `candor letter sign {} --server {} --key KEYFILE`.\n",
      got, ring.size(), org, got, server.ToString());
  return Status::Ok();
}

// --- letter sign ---
struct LetterSignOptions {
  std::string letter, server, key, org, receipt, ca_file;
  LogTrust trust;
  PassphraseSource passphrase;
  bool withdraw = false;
  std::size_t min_ring = domain::kDefaultMinRingSize;
  std::string scheme = "v2";
};

Status RunLetterSign(const LetterSignOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  CANDOR_ASSIGN_OR_RETURN(auto id, crypto::FixedFromHex<domain::LetterId>(o.letter, "letter id"));
  CANDOR_ASSIGN_OR_RETURN(const domain::RingScheme scheme,
                          domain::ParseRingScheme("candor-lrs-" + o.scheme));
  CANDOR_ASSIGN_OR_RETURN(TrustedHead head, FetchTrustedHead(server, o.trust, o.ca_file));
  CANDOR_ASSIGN_OR_RETURN(domain::LetterRings rings, FetchLetterRings(server, id, head, o.ca_file));
  // candor-lrs-v2 (the default) signs over the whole pinned roster of the organization; v1 over
  // the bucket that holds the key. Which organization: the first (or --org) that lists the key.
  // The public key is in the key file's clear header; the secret needs the passphrase, which
  // is asked below while the v2 precomputation runs.
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes key_file, ReadFileBytes(o.key));
  auto info = crypto::ParseKeyFile(key_file);
  if (!info.ok()) return info.error().WithContext(o.key);
  const crypto::Point me_hint = info->ring_public;
  const domain::LetterRings::Org* org = nullptr;
  for (const auto& candidate : rings.orgs) {
    if (org != nullptr || (!o.org.empty() && candidate.slug != o.org)) continue;
    if (std::find(candidate.members.begin(), candidate.members.end(), me_hint) !=
        candidate.members.end()) {
      org = &candidate;
    }
  }
  if (org == nullptr) {
    return Error(ErrorCode::kNotFound,
                 "your key is not among the members this letter is open to (only members enrolled "
                 "before it was published may sign it)");
  }
  std::optional<crypto::Ring> bucket;
  std::optional<crypto::Lrs2Ring> whole;
  if (scheme == domain::RingScheme::kV2) {
    CANDOR_ASSIGN_OR_RETURN(whole, domain::WholeRosterRing(org->members));
  } else {
    for (const auto& r : org->rings) {
      if (r.IndexOf(me_hint)) bucket = r;
    }
  }
  const crypto::Ring& ring = whole ? whole->ring() : *bucket;
  if (Status small = domain::CheckMinRing(ring.size(), o.min_ring); !small.ok()) {
    return Error(small.error().code(),
                 small.error().message() +
                     ": signing in it could single you out, so nothing was sent (see --min-ring)");
  }
  Say(stderr,
      "Your anonymity set: {} members of '{}' (roster version {}, pinned when the letter was "
      "published{}).\n",
      Grouped(ring.size()), org->slug, org->version,
      whole ? ", all of them" : ", one bucket of it (candor-lrs-v1)");
  // Half of the v2 signer's work needs no secret: it runs while the passphrase is typed.
  std::future<crypto::Lrs2Precomputation> precomputed;
  if (whole) {
    precomputed = std::async(std::launch::async, [&whole] {
      return crypto::Lrs2Precompute(*whole, crypto::DefaultRng());
    });
  }
  auto keys_or = OpenKeyFileAt(o.key, o.passphrase);
  std::optional<crypto::Lrs2Precomputation> masks;
  if (precomputed.valid()) masks = precomputed.get();  // joined on every path
  if (!keys_or.ok()) return keys_or.error();
  const crypto::MemberKeys& keys = *keys_or;
  const auto index = ring.IndexOf(keys.ring.public_key);
  if (!index) {
    return Error(ErrorCode::kNotFound, "the key file's secret does not match its public key");
  }
  const auto action =
      o.withdraw ? domain::SignatureAction::kWithdraw : domain::SignatureAction::kSign;
  CANDOR_ASSIGN_OR_RETURN(domain::CoSignature sig,
                          whole ? domain::SignLetterV2(id, action, *whole, *index, keys.ring.secret,
                                                       crypto::DefaultRng(), std::move(masks))
                                : domain::SignLetter(id, action, *bucket, *index, keys.ring.secret,
                                                     crypto::DefaultRng()));
  CANDOR_ASSIGN_OR_RETURN(crypto::Point tag, whole ? domain::VerifyCoSignature(sig, *whole)
                                                   : domain::VerifyCoSignature(sig, *bucket));
  Json body{{"organization", org->slug}, {"signature", domain::CoSignatureToJson(sig)}};
  CANDOR_ASSIGN_OR_RETURN(
      Json reply, PostJson(server, "/api/v1/letters/" + o.letter + "/signatures", body, o.ca_file));
  Json receipt{{"server", server.ToString()},
               {"letter", o.letter},
               {"tag", crypto::ToHex(tag)},
               {"action", domain::SignatureActionName(action)},
               {"signature_sha256", crypto::ToHex(crypto::Sha256(sig.signature))},
               {"log_public_key", crypto::ToHex(head.log_key)}};
  if (reply.contains("receipt") && reply["receipt"].value("tag", "") != crypto::ToHex(tag)) {
    return BadReply("a receipt for another signature");
  }
  if (!o.receipt.empty()) {
    CANDOR_RETURN_IF_ERROR(
        WriteFileAtomic(o.receipt, crypto::AsBytes(receipt.dump(2) + "\n"), false, 0600));
  }
  Say("{} \"{}\".\nYour {} is one of {} members of '{}' (roster version {}): nobody, not even the "
      "server, can "
      "tell which.\nIt will appear in the log with the next batch{}.\n",
      o.withdraw ? "Withdrew your signature from" : "Signed", rings.letter.title,
      o.withdraw ? "withdrawal" : "signature", Grouped(ring.size()), org->slug, org->version,
      rings.letter.quorum ? fmt::format(" once {} people have signed", *rings.letter.quorum)
                          : std::string());
  if (!o.receipt.empty()) {
    Say("Receipt saved to {} (check it later with `candor letter receipt {}`). Anyone who reads\n"
        "that file can tell this signature is yours: keep it private, or delete it.\n",
        o.receipt, o.receipt);
  }
  return Status::Ok();
}

// --- letter receipt ---
struct ReceiptOptions {
  std::string file, server, ca_file;
  LogTrust trust;
};

Status RunReceipt(const ReceiptOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(o.file));
  Json r = domain::ParseStrictJsonOrDiscarded(text);
  if (r.is_discarded() || !r.is_object())
    return InvalidArgument("'" + o.file + "' is not a receipt");
  auto field = [&](const char* f) -> Result<std::string> {
    if (!r.contains(f) || !r[f].is_string())
      return InvalidArgument(std::string("the receipt lacks '") + f + "'");
    return r[f].get<std::string>();
  };
  CANDOR_ASSIGN_OR_RETURN(std::string letter, field("letter"));
  CANDOR_ASSIGN_OR_RETURN(std::string tag, field("tag"));
  CANDOR_ASSIGN_OR_RETURN(std::string action, field("action"));
  CANDOR_ASSIGN_OR_RETURN(std::string sig_hash, field("signature_sha256"));
  CANDOR_ASSIGN_OR_RETURN(std::string key_hex, field("log_public_key"));
  std::string server_text = o.server;
  if (server_text.empty()) {
    CANDOR_ASSIGN_OR_RETURN(server_text, field("server"));
  }
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(server_text));
  CANDOR_ASSIGN_OR_RETURN(auto letter_id, crypto::FixedFromHex<domain::LetterId>(letter, "letter"));
  CANDOR_ASSIGN_OR_RETURN(auto key,
                          crypto::FixedFromHex<crypto::SignPublicKey>(key_hex, "log_public_key"));
  CANDOR_ASSIGN_OR_RETURN(Json states,
                          PostJson(server, "/api/v1/letters/" + letter + "/signature-status",
                                   Json{{"tag", tag}}, o.ca_file));
  if (!states.contains("signatures") || !states["signatures"].is_array())
    return BadReply("no signature states");
  for (const auto& st : states["signatures"]) {
    if (st.value("action", "") != action) continue;
    if (st.value("signature_sha256", "") != sig_hash) {
      return VerificationFailed("the server holds a different signature for this receipt");
    }
    const std::string state = st.value("state", "");
    if (state != "published") {
      Say("Accepted, not yet in the log ({}).\n", state == "waiting-for-quorum"
                                                      ? "the letter's quorum is not reached yet"
                                                      : "waiting for the next batch");
      return Status::Ok();
    }
    if (!st.contains("log_index") || !st["log_index"].is_number_unsigned())
      return BadReply("a published state without a log index");
    const std::uint64_t index = st["log_index"].get<std::uint64_t>();
    // The receipt's key is the one the signature was made under: it must be the log's still.
    LogTrust trust = o.trust;
    if (trust.log_key_hex.empty()) trust.log_key_hex = crypto::ToHex(key);
    if (trust.log_key_hex != crypto::ToHex(key)) {
      return VerificationFailed("the log key you gave is not the one in your receipt");
    }
    CANDOR_ASSIGN_OR_RETURN(TrustedHead head, FetchTrustedHead(server, trust, o.ca_file));
    const tlog::SignedTreeHead& sth = head.sth;
    CANDOR_ASSIGN_OR_RETURN(crypto::Bytes entry, FetchIncludedEntry(server, index, sth, o.ca_file));
    auto event = domain::DecodeLogEntry(entry);
    auto* cosig = event.ok() ? std::get_if<domain::CoSignatureEvent>(&*event) : nullptr;
    if (cosig == nullptr || cosig->letter != letter_id ||
        crypto::ToHex(crypto::Sha256(cosig->signature)) != sig_hash ||
        domain::SignatureActionName(cosig->action) != action) {
      return VerificationFailed("log entry " + std::to_string(index) + " is not your signature");
    }
    Say("Your {} is in the log: entry {} of {}, batch {}; the inclusion proof checks against the\n"
        "tree head signed by log key {}.\n",
        action == "sign" ? "signature" : "withdrawal", index, sth.head.size, st.value("batch", 0),
        key_hex);
    return Status::Ok();
  }
  return VerificationFailed("the server does not know this receipt's " + action +
                            " on that letter");
}

// --- letter list / show ---
struct ShowOptions {
  std::string letter, server, ca_file;
};

// A letter's view from the server, read with the API's codec.
Result<app::api::LetterSummary> ReadLetterView(const Json& j) {
  auto v = app::api::LetterSummaryFromJson(j);
  if (!v.ok()) return BadReply("a letter that does not parse: " + v.error().message());
  return v;
}

void PrintLetter(const app::api::LetterSummary& view, bool full) {
  Say("{}  \"{}\"  [{}]\n", crypto::ToHex(view.id), view.letter.title,
      view.closed ? "closed" : "open");
  if (full) Say("\n{}\n\n", view.letter.body);
  for (const auto& o : view.organizations) {
    std::string rings;
    for (const auto& r : o.rings) rings += (rings.empty() ? "" : ", ") + Grouped(r.size);
    Say("  {}: {} signatories — roster version {}, {} members, ring(s) of {}\n", o.slug,
        o.signers ? Grouped(*o.signers) : std::string("?"), o.roster_version,
        Grouped(o.roster_size), rings);
  }
  if (view.total) {
    Say("  Total: {} signatories (published in {} batch(es))\n", Grouped(*view.total),
        view.batches);
  } else {
    Say("  Quorum of {} not yet reached: counts are hidden until then.\n",
        view.letter.quorum.value_or(0));
  }
}

Status RunList(const ShowOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  // Page by page (GET /letters?after=N); each page's "next_after" must move forward, so a
  // server cannot keep the command looping.
  std::int64_t after = 0;
  std::size_t shown = 0;
  for (;;) {
    CANDOR_ASSIGN_OR_RETURN(
        Json list,
        GetJson(server, "/api/v1/letters?limit=200&after=" + std::to_string(after), o.ca_file));
    if (!list.is_object() || !list.contains("letters") || !list["letters"].is_array())
      return BadReply("no letter list");
    for (const auto& v : list["letters"]) {
      CANDOR_ASSIGN_OR_RETURN(app::api::LetterSummary view, ReadLetterView(v));
      PrintLetter(view, false);
    }
    shown += list["letters"].size();
    const Json next = list.value("next_after", Json(nullptr));
    if (next.is_null()) break;
    if (!next.is_number_integer() || next.get<std::int64_t>() <= after || list["letters"].empty()) {
      return BadReply("a letter list page that does not move forward");
    }
    after = next.get<std::int64_t>();
  }
  if (shown == 0) Say("No letters are published yet.\n");
  return Status::Ok();
}

Status RunShow(const ShowOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  CANDOR_ASSIGN_OR_RETURN(auto id, crypto::FixedFromHex<domain::LetterId>(o.letter, "letter id"));
  CANDOR_ASSIGN_OR_RETURN(Json v, GetJson(server, "/api/v1/letters/" + o.letter, o.ca_file));
  // The text shown is checked against the id: the server cannot show other words. A view
  // whose text is not its own id's is refused as malformed; a well-formed view of another
  // letter, or unparsable but carrying another letter's text, fails verification.
  auto view = app::api::LetterSummaryFromJson(v);
  if (!view.ok()) {
    if (v.is_object() && v.contains("letter")) {
      auto letter = domain::LetterFromJson(v["letter"]);
      if (letter.ok() && domain::ComputeLetterId(*letter) != id)
        return VerificationFailed("the text the server sent does not match the letter id");
    }
    return BadReply("a letter that does not parse: " + view.error().message());
  }
  if (view->id != id) {
    return VerificationFailed("the server sent another letter than the one asked for");
  }
  PrintLetter(*view, true);
  return Status::Ok();
}

}  // namespace

void RegisterLetterCommands(CLI::App& app, int* exit_code) {
  CLI::App* letter =
      app.add_subcommand("letter", "Collective letters: draft, publish, sign, withdraw, check");
  letter->require_subcommand(1);

  auto draft = std::make_shared<DraftOptions>();
  CLI::App* d = letter->add_subcommand("draft", "Write a letter file (nothing is sent)");
  d->add_option("--title", draft->title, "The letter's title")->required();
  d->add_option("--body-file", draft->body_file, "A text file with the letter's words")->required();
  d->add_option("--org", draft->orgs, "An organization whose members may sign (repeat for several)")
      ->required();
  d->add_option("--closes-at-ms", draft->closes_at_ms,
                "Refuse signatures after this time (ms since 1970)");
  d->add_option("--quorum", draft->quorum, "Publish no signature until this many have signed");
  d->add_option("--supersedes", draft->supersedes, "The id of a letter this one corrects");
  d->add_option("--out,-o", draft->out, "Where to write the letter file")->required();
  d->add_flag("--force", draft->force, "Replace an existing file");
  OnRun(d, exit_code, [draft] { return RunDraft(*draft); });

  auto publish = std::make_shared<PublishOptions>();
  CLI::App* p = letter->add_subcommand(
      "publish", "Publish (freeze) a letter file, proving you are a member without saying who");
  p->add_option("file", publish->file, "The letter file (from `candor letter draft`)")->required();
  p->add_option("--server", publish->server, "The Candor server")->required();
  p->add_option("--key", publish->key, "Your key file")->required();
  p->add_option("--org", publish->org,
                "Which of the letter's organizations you prove membership of (default: the first)");
  p->add_option("--scheme", publish->scheme,
                "v2: prove membership of the whole roster (candor-lrs-v2); v1: of one bucket of "
                "at most 4,096 members, for servers older than candor-lrs-v2")
      ->check(CLI::IsMember({"v1", "v2"}))
      ->default_val("v2");
  p->add_option("--min-ring", publish->min_ring, "Refuse to prove membership within fewer members")
      ->capture_default_str();
  p->add_option("--passphrase-file", publish->passphrase.file,
                "Read the key file's passphrase from this file");
  p->add_option("--ca-file", publish->ca_file, "Trust this PEM certificate authority for HTTPS");
  AddLogTrustOptions(p, publish->trust);
  OnRun(p, exit_code, [publish] { return RunPublish(*publish); });

  auto sign = std::make_shared<LetterSignOptions>();
  CLI::App* s =
      letter->add_subcommand("sign", "Co-sign a letter anonymously (or withdraw with --withdraw)");
  s->add_option("letter", sign->letter, "The letter id (64 hex characters)")->required();
  s->add_option("--server", sign->server, "The Candor server")->required();
  s->add_option("--key", sign->key, "Your key file")->required();
  s->add_option("--org", sign->org,
                "Sign as a member of this organization (default: the first that lists you)");
  s->add_flag("--withdraw", sign->withdraw, "Withdraw your earlier signature instead");
  s->add_option("--scheme", sign->scheme,
                "v2: sign within the whole roster (candor-lrs-v2); v1: within one bucket of at "
                "most 4,096 members, for servers older than candor-lrs-v2")
      ->check(CLI::IsMember({"v1", "v2"}))
      ->default_val("v2");
  s->add_option("--receipt", sign->receipt, "Save a receipt here, to check inclusion later");
  AddLogTrustOptions(s, sign->trust);
  s->add_option("--min-ring", sign->min_ring, "Refuse to sign within fewer members")
      ->capture_default_str();
  s->add_option("--passphrase-file", sign->passphrase.file,
                "Read the key file's passphrase from this file");
  s->add_option("--ca-file", sign->ca_file, "Trust this PEM certificate authority for HTTPS");
  OnRun(s, exit_code, [sign] { return RunLetterSign(*sign); });

  auto receipt = std::make_shared<ReceiptOptions>();
  CLI::App* r = letter->add_subcommand("receipt", "Check that a signature of yours is in the log");
  r->add_option("file", receipt->file, "The receipt file from `candor letter sign --receipt`")
      ->required();
  r->add_option("--server", receipt->server, "The Candor server (default: the one in the receipt)");
  r->add_option("--ca-file", receipt->ca_file, "Trust this PEM certificate authority for HTTPS");
  AddLogTrustOptions(r, receipt->trust);
  OnRun(r, exit_code, [receipt] { return RunReceipt(*receipt); });

  auto list = std::make_shared<ShowOptions>();
  CLI::App* l = letter->add_subcommand("list", "List published letters and their counts");
  l->add_option("--server", list->server, "The Candor server")->required();
  l->add_option("--ca-file", list->ca_file, "Trust this PEM certificate authority for HTTPS");
  OnRun(l, exit_code, [list] { return RunList(*list); });

  auto show = std::make_shared<ShowOptions>();
  CLI::App* sh = letter->add_subcommand("show", "Show a letter's text and counts");
  sh->add_option("letter", show->letter, "The letter id")->required();
  sh->add_option("--server", show->server, "The Candor server")->required();
  sh->add_option("--ca-file", show->ca_file, "Trust this PEM certificate authority for HTTPS");
  OnRun(sh, exit_code, [show] { return RunShow(*show); });

  RegisterLetterExportCommand(*letter, exit_code);
}

}  // namespace candor::cli
