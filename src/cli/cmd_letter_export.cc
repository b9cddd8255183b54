// candor letter export — saves a letter's bundle from a server, after checking it, so that its
// signatures can be recounted offline later (`candor verify --bundle FILE`).
#include <fmt/core.h>

#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/http_client.h"
#include "cli/io.h"
#include "cli/letter_bundle.h"

namespace candor::cli {
namespace {

struct ExportOptions {
  std::string letter, server, out, log_key, ca_file;
  std::size_t min_ring = domain::kDefaultMinRingSize;
  unsigned threads = 0;
  bool no_verify = false;
  bool force = false;
  BundleCheck freshness;  // --allow-incomplete, --max-age
};

Status RunExport(const ExportOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(auto letter,
                          crypto::FixedFromHex<domain::LetterId>(o.letter, "letter id"));
  CANDOR_ASSIGN_OR_RETURN(ServerUrl server, ServerUrl::Parse(o.server));
  CANDOR_ASSIGN_OR_RETURN(nlohmann::json bundle, FetchLetterBundle(server, letter, o.ca_file));
  std::optional<domain::BundleReport> report;
  if (!o.no_verify) {
    BundleCheck check = o.freshness;
    check.log_key_hex = o.log_key;
    check.min_ring = o.min_ring;
    check.threads = o.threads;
    check.letter = letter;
    check.from_server = true;
    auto verified = VerifyBundle(bundle, check);
    if (!verified.ok()) {
      return verified.error().WithContext("the bundle was not written because it does not verify");
    }
    report = std::move(*verified);
  }
  const std::string text = bundle.dump() + "\n";
  CANDOR_RETURN_IF_ERROR(WriteFileAtomic(o.out, crypto::AsBytes(text), o.force));
  if (report) {
    Say("{}", DescribeBundleReport(*report));
    Say("Wrote the verified bundle ({} bytes) to {}; `candor verify --bundle {} --log-key {}` "
        "recounts it offline.\n",
        WithThousands(text.size()), o.out, o.out, crypto::ToHex(report->log_key));
  } else {
    Say("Wrote the bundle of letter {} ({} bytes) to {} WITHOUT checking it; check it with "
        "`candor verify --bundle {}`.\n",
        o.letter, WithThousands(text.size()), o.out, o.out);
  }
  return Status::Ok();
}

}  // namespace

void RegisterLetterExportCommand(CLI::App& letter_cmd, int* exit_code) {
  auto o = std::make_shared<ExportOptions>();
  CLI::App* cmd = letter_cmd.add_subcommand(
      "export",
      "Save a letter's bundle (its log entries, proofs and signed tree head) after checking it, "
      "to recount its signatures offline with `candor verify --bundle`");
  cmd->add_option("letter", o->letter, "The letter id (64 hex characters)")->required();
  cmd->add_option("--server", o->server, "The Candor server, e.g. https://candor.example.org")
      ->required();
  cmd->add_option("--out,-o", o->out, "Write the bundle to this file")->required();
  cmd->add_option("--log-key", o->log_key,
                  "The log's public key (64 hex): the bundle must be signed by it");
  cmd->add_option("--min-ring", o->min_ring, "Reject rings smaller than this")
      ->default_val(domain::kDefaultMinRingSize)
      ->check(CLI::PositiveNumber);
  cmd->add_option("--threads", o->threads,
                  "Threads that verify signatures (default: one per core)");
  cmd->add_option("--ca-file", o->ca_file, "Trust this CA certificate (PEM) for the server");
  cmd->add_flag("--no-verify", o->no_verify, "Write the bundle without checking it");
  cmd->add_flag("--force", o->force, "Replace the output file if it exists");
  AddFreshnessOptions(cmd, o->freshness);
  OnRun(cmd, exit_code, [o] { return RunExport(*o); });
}

}  // namespace candor::cli
