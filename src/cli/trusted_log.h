// Trusting the log from the command line (docs/PROTOCOL.md, "Trusting the log"): the log key
// pinned on first use, every tree head checked for consistency with the last one this client
// accepted from the server (no rollback, no fork), optionally k-of-n witness cosignatures, and
// the organization's state read from the log with proofs. The browser follows the same rule
// (web/src/trust.ts). Not thread-safe (used from main only).
#ifndef CANDOR_CLI_TRUSTED_LOG_H_
#define CANDOR_CLI_TRUSTED_LOG_H_

#include <CLI/CLI.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/http_client.h"
#include "crypto/bytes.h"
#include "domain/org_state.h"
#include "log/tree_head.h"

namespace candor::cli {

// How a command trusts the log; the same options on every command that reads it.
struct LogTrust {
  std::string state_dir;  // where pins and heads live; empty: ~/.candor
  std::string
      log_key_hex;  // --log-key: this key and no other (overrides nothing: must match a pin)
  std::vector<std::string> witness_hex;  // --witness: witnesses' Ed25519 keys (hex)
  std::size_t witness_threshold = 0;     // --witness-threshold: 0 = all of --witness
  // Also prove consistency from the exact last head accepted, sending its size. Only for
  // `candor audit`, a deliberate check that also catches a fork between two checkpoints, with
  // pins of its own (<server>.audit.json): every other flow sends checkpoint sizes only, since
  // the last size seen would mark the client.
  bool check_own_head = false;
};

// Adds --log-key, --state-dir, --witness and --witness-threshold to `cmd`.
void AddLogTrustOptions(CLI::App* cmd, LogTrust& trust);

// ~/.candor (or ./.candor without $HOME).
std::string DefaultStateDir();

// A tree head this client now trusts, and how it came to.
struct TrustedHead {
  crypto::SignPublicKey log_key;
  tlog::SignedTreeHead sth;
  bool pinned_now = false;                     // the key was pinned on first use just now
  std::size_t witnessed = 0;                   // valid cosignatures from the configured witnesses
  std::string pin_file;                        // where the pin and the head are kept
  std::optional<std::uint64_t> previous_size;  // the size of the head accepted before, if any
  // The newest checkpoint this client ever accepted from this server (with witnesses: the head
  // itself). It never moves back, whichever checkpoints the server lists. An organization state
  // must prove itself complete up to it (domain::VerifyOrgState), and `candor verify` reads a
  // letter's bundle at it. 0 / nullopt: none.
  std::uint64_t checkpoint_size = 0;
  std::optional<tlog::SignedTreeHead> checkpoint;
};

// The flow of "Trusting the log": pin, fetch (the latest head, or with witnesses the newest
// checkpoint they cosigned enough), check the signature, check consistency with the stored
// head, store the new one. Errors: kVerificationFailed with a plain message for another key,
// a rollback, a fork or too few cosignatures; the transport's errors otherwise.
Result<TrustedHead> FetchTrustedHead(const ServerUrl& server, const LogTrust& trust,
                                     const std::string& ca_file);

// GET /api/v1/orgs/{org}/state at `head`'s size, page by page, verified (domain::VerifyOrgState)
// against the pinned key; its tree head must be `head`'s, and its log state at least as new as
// `head`'s checkpoint.
Result<domain::OrgState> FetchOrgState(const ServerUrl& server, const std::string& org,
                                       const TrustedHead& head, const std::string& ca_file);

// The lines that show who will be able to read a cable: "  ann.lee   key 3f9a 1c2e …".
std::string DescribeReviewers(const std::vector<domain::LoggedReviewer>& reviewers);

}  // namespace candor::cli

#endif  // CANDOR_CLI_TRUSTED_LOG_H_
