// candor sign | verify — co-signing a letter within a ring, and checking co-signatures: loose
// ones over a ring file, or a whole letter's from its bundle (a file or a server).
#include <fmt/core.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/http_client.h"
#include "cli/io.h"
#include "cli/letter_bundle.h"
#include "cli/trusted_log.h"
#include "crypto/keyfile.h"
#include "crypto/lrs.h"
#include "crypto/rng.h"
#include "domain/cosignature.h"
#include "domain/strict_json.h"
#include "server/http/json.h"

namespace candor::cli {
namespace {

// Below this many members a signer is too easy to single out (issue: collective letters).
constexpr std::size_t kDefaultMinRing = 20;

Result<crypto::Ring> LoadRing(const std::string& path) {
  CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
  domain::Json j = domain::ParseStrictJsonOrDiscarded(text);
  if (j.is_discarded()) return InvalidArgument("'" + path + "' is not valid JSON");
  auto ring = domain::RingFromJson(j);
  if (!ring.ok()) return ring.error().WithContext(path);
  return ring;
}

Status CheckRingSize(const crypto::Ring& ring, std::size_t min_ring) {
  Status small = domain::CheckMinRing(ring.size(), min_ring);
  if (small.ok()) return small;
  return Error(
      small.error().code(),
      small.error().message() +
          ": a signature in it would make the signer too easy to single out (see --min-ring)");
}

struct SignOptions {
  std::string letter;
  std::string ring;
  std::string key;
  PassphraseSource passphrase;
  bool withdraw = false;
  std::string out;
  std::size_t min_ring = kDefaultMinRing;
};

Status RunSign(const SignOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(auto letter,
                          crypto::FixedFromHex<domain::LetterId>(o.letter, "letter id"));
  CANDOR_ASSIGN_OR_RETURN(crypto::Ring ring, LoadRing(o.ring));
  CANDOR_RETURN_IF_ERROR(CheckRingSize(ring, o.min_ring));
  CANDOR_ASSIGN_OR_RETURN(crypto::MemberKeys keys, OpenKeyFileAt(o.key, o.passphrase));
  auto index = ring.IndexOf(keys.ring.public_key);
  if (!index) {
    return Error(ErrorCode::kNotFound,
                 "your key is not in this ring, so you cannot sign within it (is the roster "
                 "up to date, and is this your organization's ring?)");
  }
  auto action = o.withdraw ? domain::SignatureAction::kWithdraw : domain::SignatureAction::kSign;
  CANDOR_ASSIGN_OR_RETURN(
      domain::CoSignature sig,
      domain::SignLetter(letter, action, ring, *index, keys.ring.secret, crypto::DefaultRng()));
  // Verify before use: never hand out a signature that would not check.
  auto self_check = domain::VerifyCoSignature(sig, ring);
  if (!self_check.ok()) return self_check.error().WithContext("internal self-check failed");
  std::string text = domain::CoSignatureToJson(sig).dump(2) + "\n";
  if (o.out.empty()) {
    Say("{}", text);
  } else {
    CANDOR_RETURN_IF_ERROR(WriteFileAtomic(o.out, crypto::AsBytes(text), false));
  }
  Say(stderr, "{} letter {} within a ring of {} members: nobody can tell which of them.\n",
      o.withdraw ? "Withdrew your signature from" : "Signed", o.letter, ring.size());
  return Status::Ok();
}

struct VerifyOptions {
  std::string letter;  // required with --ring and --server, optional with --bundle
  // Exactly one of the three says what to check.
  std::string ring;    // loose signature files (--signatures) over this ring file
  std::string server;  // the letter's bundle from this server
  std::string bundle;  // a bundle file
  std::vector<std::string> signatures;
  std::size_t min_ring = kDefaultMinRing;
  std::string log_key, ca_file;
  std::vector<std::string> witnesses;
  std::size_t witness_threshold = 0;
  unsigned threads = 0;
  bool json = false;
  BundleCheck freshness;  // --allow-incomplete, --max-age
};

// The outcome of checking a set of co-signatures on one letter over one ring.
struct Tally {
  std::size_t valid = 0, invalid = 0, duplicates = 0, withdrawals = 0;
  std::map<crypto::Point, bool> signed_tags;  // tag -> withdrawn?
  std::size_t Signatories() const {
    std::size_t n = 0;
    for (const auto& [tag, withdrawn] : signed_tags) n += withdrawn ? 0 : 1;
    return n;
  }
};

void CountOne(const domain::CoSignature& sig, const crypto::Ring& ring,
              const domain::LetterId& letter, const std::string& where, Tally& tally) {
  if (sig.letter != letter) {
    Say("  {}: INVALID: it is for another letter ({})\n", where, crypto::ToHex(sig.letter));
    ++tally.invalid;
    return;
  }
  auto tag = domain::VerifyCoSignature(sig, ring);
  if (!tag.ok()) {
    Say("  {}: INVALID: {}\n", where, tag.error().message());
    ++tally.invalid;
    return;
  }
  ++tally.valid;
  if (sig.action == domain::SignatureAction::kSign) {
    if (tally.signed_tags.count(*tag) != 0) {
      ++tally.duplicates;
      Say("  {}: duplicate: the same member signed this letter before (counted once)\n", where);
    } else {
      tally.signed_tags[*tag] = false;
      Say("  {}: valid signature\n", where);
    }
  } else {
    ++tally.withdrawals;
    auto it = tally.signed_tags.find(*tag);
    if (it == tally.signed_tags.end()) {
      tally.signed_tags[*tag] = true;  // withdrawn before (or without) a signature we saw
    } else {
      it->second = true;
    }
    Say("  {}: valid withdrawal\n", where);
  }
}

// --server or --bundle: every check of a letter bundle, and the letter's counts.
Status RunVerifyBundle(const VerifyOptions& o) {
  BundleCheck check = o.freshness;
  check.log_key_hex = o.log_key;
  check.min_ring = o.min_ring;
  check.threads = o.threads;
  check.witness_hex = o.witnesses;
  check.witness_threshold = o.witness_threshold;
  check.from_server = !o.server.empty();
  if (!o.letter.empty()) {
    CANDOR_ASSIGN_OR_RETURN(check.letter,
                            crypto::FixedFromHex<domain::LetterId>(o.letter, "letter id"));
  }
  domain::Json bundle;
  if (!o.server.empty()) {
    CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
    // The same rule as every flow (cli/trusted_log.h): the key pinned or given, no rollback or
    // fork since this client last looked, and with witnesses their newest cosigned checkpoint.
    LogTrust trust;
    trust.log_key_hex = o.log_key;
    trust.witness_hex = o.witnesses;
    trust.witness_threshold = o.witness_threshold;
    CANDOR_ASSIGN_OR_RETURN(TrustedHead head, FetchTrustedHead(server, trust, o.ca_file));
    const std::string id = crypto::ToHex(*check.letter);
    const auto fetch = [&](std::uint64_t size) {
      return FetchProofPages(
          server,
          "/api/v1/letters/" + id + "/bundle?signatures=1&tree_size=" + std::to_string(size),
          "letter_id", id, o.ca_file, /*pin_tree_size=*/false);
    };
    // At the newest checkpoint, whose log state proves the bundle complete; a letter published
    // since is not in it, and is fetched at the latest head instead (and proven complete only
    // after the next batch).
    const tlog::SignedTreeHead* at = &*head.checkpoint;
    auto fetched = fetch(at->head.size);
    if (!fetched.ok() && fetched.error().code() == ErrorCode::kNotFound) {
      at = &head.sth;
      fetched = fetch(at->head.size);
    }
    CANDOR_ASSIGN_OR_RETURN(bundle, std::move(fetched));
    // It must be at exactly the head this client trusts, not any head the server signed.
    auto served = bundle.contains("tree_head")
                      ? domain::SignedTreeHeadFromJson(bundle["tree_head"])
                      : Result<tlog::SignedTreeHead>(InvalidArgument("no tree head"));
    if (!served.ok() || *served != *at) {
      return VerificationFailed(
          "the server sent the letter's bundle at another tree head than the one this client "
          "checked a moment ago");
    }
    if (check.log_key_hex.empty()) check.log_key_hex = crypto::ToHex(head.log_key);
  } else {
    CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(o.bundle));
    // Strictly: a key repeated in an object is refused (docs/FORMATS.md, "Letter bundle").
    auto parsed = http::ParseJsonObject(text, http::JsonLimits{});
    if (!parsed.ok())
      return InvalidArgument("'" + o.bundle + "' is not a bundle: " + parsed.error().message());
    bundle = std::move(*parsed);
  }
  auto report = VerifyBundle(bundle, check);
  if (!report.ok()) {
    if (o.json) {
      SayJson(domain::Json{{"verified", false},
                           {"error", report.error().message()},
                           {"code", ErrorCodeName(report.error().code())}});
    }
    return report.error();
  }
  if (o.json) {
    domain::Json j = domain::BundleReportToJson(*report);
    j["verified"] = true;
    SayJson(j);
  } else {
    Say("{}", DescribeBundleReport(*report));
    (void)std::fflush(stdout);  // the report before the note, also when both go to one file
    if (o.log_key.empty() && o.server.empty()) {
      Say(stderr,
          "Note: no --log-key was given, so this only shows that log key {} vouches for "
          "these entries; compare it with the key your organization publishes.\n",
          crypto::ToHex(report->log_key));
    }
  }
  return Status::Ok();
}

Status RunVerify(const VerifyOptions& o, int* exit_code) {
  const int modes =
      (o.ring.empty() ? 0 : 1) + (o.server.empty() ? 0 : 1) + (o.bundle.empty() ? 0 : 1);
  if (modes != 1) {
    return InvalidArgument("give exactly one of --ring (with --signatures), --server or --bundle");
  }
  if (o.ring.empty()) {
    if (!o.signatures.empty()) return InvalidArgument("--signatures goes with --ring");
    if (!o.server.empty() && o.letter.empty()) {
      return InvalidArgument("give the letter id to fetch from --server");
    }
    return RunVerifyBundle(o);
  }
  if (o.letter.empty()) return InvalidArgument("give the letter id the signatures are for");
  if (o.signatures.empty()) return InvalidArgument("--ring needs --signatures files");
  if (o.json || !o.log_key.empty() || o.threads != 0 || !o.witnesses.empty()) {
    return InvalidArgument(
        "--json, --log-key, --witness and --threads go with --server or --bundle");
  }
  CANDOR_ASSIGN_OR_RETURN(auto letter,
                          crypto::FixedFromHex<domain::LetterId>(o.letter, "letter id"));
  CANDOR_ASSIGN_OR_RETURN(crypto::Ring ring, LoadRing(o.ring));
  CANDOR_RETURN_IF_ERROR(CheckRingSize(ring, o.min_ring));
  Tally tally;
  Say("Letter {}\nRing of {} members, digest {}\n", o.letter, ring.size(),
      crypto::ToHex(ring.digest()));
  for (const auto& path : o.signatures) {
    CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
    domain::Json j = domain::ParseStrictJsonOrDiscarded(text);
    if (j.is_discarded()) return InvalidArgument("'" + path + "' is not valid JSON");
    std::vector<domain::Json> items;
    if (j.is_array()) {
      items.assign(j.begin(), j.end());
    } else {
      items.push_back(j);
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string where = items.size() == 1 ? path : fmt::format("{}[{}]", path, i);
      auto sig = domain::CoSignatureFromJson(items[i]);
      if (!sig.ok()) {
        Say("  {}: INVALID: {}\n", where, sig.error().message());
        ++tally.invalid;
        continue;
      }
      CountOne(*sig, ring, letter, where, tally);
    }
  }
  Say("Checked {} signatures: {} valid ({} duplicates, {} withdrawals), {} invalid.\n",
      tally.valid + tally.invalid, tally.valid, tally.duplicates, tally.withdrawals, tally.invalid);
  Say("Signatories: {}\n", tally.Signatories());
  *exit_code = tally.invalid == 0 ? 0 : 1;
  return Status::Ok();
}

}  // namespace

void RegisterSignCommands(CLI::App& app, int* exit_code) {
  auto sign = std::make_shared<SignOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sign", "Co-sign a letter anonymously: prove you are one of the ring, not which one");
  cmd->add_option("letter", sign->letter, "The letter id (64 hex characters)")->required();
  cmd->add_option("--ring", sign->ring, "The ring file (your organization's roster)")->required();
  cmd->add_option("--key", sign->key, "Your key file")->required();
  cmd->add_option("--passphrase-file", sign->passphrase.file,
                  "Read the passphrase from this file (otherwise $CANDOR_PASSPHRASE, otherwise "
                  "you are asked)");
  cmd->add_flag("--withdraw", sign->withdraw, "Withdraw your earlier signature instead");
  cmd->add_option("--out,-o", sign->out, "Write the signature here (default: standard output)");
  cmd->add_option("--min-ring", sign->min_ring, "Refuse rings smaller than this")
      ->default_val(kDefaultMinRing)
      ->check(CLI::PositiveNumber);
  OnRun(cmd, exit_code, [sign] { return RunSign(*sign); });

  auto verify = std::make_shared<VerifyOptions>();
  CLI::App* v = app.add_subcommand(
      "verify",
      "Check co-signatures on a letter and count the signatories: a whole letter from its "
      "bundle (--server or --bundle), or loose signatures over one ring (--ring)");
  v->footer(
      "  candor verify LETTER-ID --server URL [--log-key HEX]   fetch the letter's bundle and "
      "check it\n"
      "  candor verify --bundle FILE [--log-key HEX]            check a bundle offline\n"
      "  candor verify LETTER-ID --ring R --signatures S…       check signatures over one ring\n"
      "Exit status: 0 every check passed, 1 something did not verify, 2 bad input.");
  v->add_option("letter", verify->letter,
                "The letter id (64 hex characters); optional with --bundle, where it must match");
  v->add_option("--ring", verify->ring, "The ring file the signatures were made over");
  v->add_option("--signatures,-s", verify->signatures,
                "With --ring: signature files (one JSON object each, or a JSON array of them)")
      ->expected(1, -1);
  v->add_option(
      "--server", verify->server,
      "Fetch the letter's bundle from this Candor server, e.g. https://candor.example.org");
  v->add_option("--bundle", verify->bundle, "Check this letter bundle file (candor letter export)");
  v->add_option("--log-key", verify->log_key,
                "The log's public key (64 hex): the bundle must be signed by it");
  v->add_option("--ca-file", verify->ca_file, "With --server: trust this CA certificate (PEM)");
  v->add_option("--witness", verify->witnesses,
                "A witness's Ed25519 public key (hex) you trust; repeat for each: the tree head "
                "must be cosigned");
  v->add_option("--witness-threshold", verify->witness_threshold,
                "How many of the --witness keys must have cosigned (default: all)");
  v->add_option("--threads", verify->threads,
                "Threads that verify signatures (default: one per core)");
  v->add_flag("--json", verify->json, "Print the report as JSON on standard output");
  AddFreshnessOptions(v, verify->freshness);
  v->add_option("--min-ring", verify->min_ring, "Reject rings smaller than this")
      ->default_val(kDefaultMinRing)
      ->check(CLI::PositiveNumber);
  v->callback([verify, exit_code] {
    Status s = RunVerify(*verify, exit_code);
    if (!s.ok()) *exit_code = ReportError(s.error());
  });
}

}  // namespace candor::cli
