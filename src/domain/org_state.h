// Organization state proofs (candor-org-state-v1, docs/PROTOCOL.md "Organization state"): what a
// client signs within and seals to, as the log proves it, rather than as a server's plain JSON
// says (security review H4, M2, M3; issue 11).
//
//   OrgStateProof p = *OrgStateProofFromJson(json);            // the shape only (strict)
//   OrgState s = *VerifyOrgState(p, pinned_log_key, "state");  // every check below
//   s.roster.members(s.epoch_versions[0]);  s.reviewers;       // then use it
//
// A proof is a signed tree head and the organization's roster entries ("roster-add",
// "roster-remove"), reviewer entries ("reviewer", "reviewer-key", "reviewer-removed") and
// roster epochs ("roster-epoch"), each with its RFC 9162 inclusion proof. Roster versions are
// dense (1, 2, …), so a proof that leaves out a roster change below its latest version does
// not verify; a proof that leaves out the newest entries shows an older state, which the
// server then refuses (a stale epoch) — it cannot make a client sign within a ring or seal to
// a key that is not logged, where every auditor and witness sees it.
//
// Plain values and pure functions: thread-safe, no I/O.
#ifndef CANDOR_DOMAIN_ORG_STATE_H_
#define CANDOR_DOMAIN_ORG_STATE_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"
#include "domain/bundle.h"
#include "domain/roster.h"
#include "log/tree_head.h"

namespace candor::domain {

inline constexpr std::string_view kOrgStateFormat = "candor-org-state-v1";

// As it travels (all pages joined), parsed but not verified.
struct OrgStateProof {
  std::string organization;  // slug
  crypto::SignPublicKey log_public_key;
  tlog::SignedTreeHead tree_head;
  std::vector<BundleEntry> entries;  // in increasing index (checked by the verifier)
  // The organization's leaf of the log state among `entries` ("state" member), if any.
  std::optional<StateLeafProof> state;
};

// {"format":"candor-org-state-v1","organization":slug,"log_public_key":hex,
//  "tree_head":{…},"entries":[{"index","entry","proof"}…]}. FromJson is strict like
// LetterBundleFromJson, and ignores a server's "page" member (paging is not part of the proof).
nlohmann::json OrgStateProofToJson(const OrgStateProof& proof);
Result<OrgStateProof> OrgStateProofFromJson(const nlohmann::json& j);

// A reviewer who receives cables, as logged.
struct LoggedReviewer {
  std::uint64_t account_id = 0;
  std::string username;  // empty for a key logged by the older "reviewer-key" kind
  crypto::BoxPublicKey box_public;
  std::uint64_t log_index = 0;  // of the entry that set this key

  friend bool operator==(const LoggedReviewer&, const LoggedReviewer&) = default;
};

// What a verified proof says.
struct OrgState {
  std::string organization;
  tlog::SignedTreeHead tree_head;
  Roster roster;  // every version 1 … latest logged
  // The roster versions anonymous cables may name now: the latest epoch first, then the one
  // before it; empty before the organization's first epoch.
  std::vector<std::uint64_t> epoch_versions;
  // Every epoch's version, in log order (a cable names one of these; a reviewer checks it).
  std::vector<std::uint64_t> all_epochs;
  // Who receives cables now, by account id (the order the envelope's recipients take).
  std::vector<LoggedReviewer> reviewers;
  // For every account that was ever a reviewer: the index of its first "reviewer" or
  // "reviewer-key" entry. A cable can be given to a reviewer (a grant) only if this is after
  // the cable's "submitted" entry: the author never saw them, so never left them out.
  std::map<std::uint64_t, std::uint64_t> reviewer_since;
  // The checkpoint (tree size) whose log state showed nothing left out before it; 0: none.
  std::uint64_t complete_at = 0;
};

// Checks, in order: the log key is `log_key` (the caller's pinned key) and signs the tree head;
// the proof names `organization`; every entry is below the tree size, in strictly increasing
// index, proven included, decodes strictly, belongs to the organization and is of the kinds
// above; roster versions come in log order 1, 2, … each a valid change (Roster::Apply); each
// epoch names a version logged before it and above the previous epoch's; "reviewer" and
// "reviewer-removed" entries carry reviewer versions 1, 2, … in log order (one left out is
// seen). Then replays the reviewers: "reviewer"/"reviewer-key" set an account's key,
// "reviewer-removed" takes the account out (it must have been in). With a `log-state` entry
// (at most one; docs/PROTOCOL.md, "Organization state", rule 7): its size is its index, the
// "state" leaf verifies and is the organization's, and the latest roster, reviewer and epoch
// versions below it are the leaf's. When `checkpoint` is not 0, a log state at or after the
// checkpoint of that tree size is required. Error: kVerificationFailed naming the entry.
Result<OrgState> VerifyOrgState(const OrgStateProof& proof, const crypto::SignPublicKey& log_key,
                                std::string_view organization, std::uint64_t checkpoint = 0);

// The rings of roster version `version` (RosterRings): a reviewer checks that a cable's ring
// is one. Error: kNotFound when the state does not hold that version.
Result<std::vector<crypto::Ring>> RingsAt(const OrgState& state, std::uint64_t version,
                                          std::size_t max_ring);

// "3f9a 1c2e 77b0 d415 09aa 5e61 c2d3 7f80": the first 16 bytes of SHA-256(key) in 8 groups of
// hex (128 bits: no key can be ground to match another's), the
// fingerprint clients show for a reviewer's key (the same in every client).
std::string KeyFingerprint(const crypto::BoxPublicKey& key);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_ORG_STATE_H_
