// Letter bundles (docs/FORMATS.md, "Letter bundle (candor-letter-bundle-v1)"): everything
// needed to recount a letter's signatures offline with nothing but the bundle and the log's
// public key.
//
//   LetterBundle b = *LetterBundleFromJson(json);          // the shape only (strict)
//   BundleReport r = *VerifyLetterBundle(b, BundleOptions{});  // every check of the spec
//
// A bundle is a signed tree head and the log entries that matter for one letter, each with
// its RFC 9162 inclusion proof: the `letter` entry, the pinned roster history of every
// organization the letter names, and the letter's `cosignature` and `signature-batch`
// entries. The verifier rebuilds the rings from the roster entries, verifies every
// co-signature over its ring and counts signatories by linking tag.
//
// The server builds bundles from its store with BuildLetterBundle (it knows which entries
// belong); SelectLetterBundleEntries picks them out of a whole log held in memory (tests,
// benchmarks, tools/make_letter_bundle).
//
// Plain values and functions without global state. VerifyLetterBundle runs the signature
// checks on threads of its own; everything else runs on the caller's thread.
#ifndef CANDOR_DOMAIN_BUNDLE_H_
#define CANDOR_DOMAIN_BUNDLE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"
#include "domain/letter.h"
#include "domain/log_state.h"
#include "log/cosignature.h"
#include "log/proof.h"
#include "log/rfc9162.h"
#include "log/tree_head.h"

namespace candor::domain {

inline constexpr std::string_view kLetterBundleFormat = "candor-letter-bundle-v1";

// One log entry of a bundle with its inclusion proof against the bundle's tree head.
struct BundleEntry {
  std::uint64_t index = 0;        // the entry's position in the log
  crypto::Bytes entry;            // the canonical entry bytes (log_entry.h)
  std::vector<tlog::Hash> proof;  // RFC 9162 inclusion_path, bottom-up

  friend bool operator==(const BundleEntry&, const BundleEntry&) = default;
};

// A bundle as it travels, parsed but not verified: holding one proves nothing.
struct LetterBundle {
  LetterId letter_id;
  crypto::SignPublicKey log_public_key;
  tlog::SignedTreeHead tree_head;
  std::vector<BundleEntry> entries;  // in increasing index (checked by the verifier)
  // Witnesses' cosignatures of tree_head (optional "cosignatures" member; docs/PROTOCOL.md,
  // "Witnesses"): checked only against the witnesses a verifier trusts (BundleOptions).
  std::vector<tlog::Cosignature> cosignatures;
  // At a checkpoint ("state" member; docs/PROTOCOL.md, "Log state"): the letter's leaf of the
  // log state committed by the `log-state` entry at index tree_size − 1 (among `entries`), then
  // one leaf per organization the letter names, in the letter's order. Empty otherwise.
  std::vector<StateLeafProof> state;

  friend bool operator==(const LetterBundle&, const LetterBundle&) = default;
};

// {"format":"candor-letter-bundle-v1","letter_id":hex,"log_public_key":hex,
//  "tree_head":{"tree_size","root","timestamp_ms","signature"},
//  "entries":[{"index","entry":hex,"proof":[hex…]}…]} — the contract of docs/FORMATS.md.
nlohmann::json LetterBundleToJson(const LetterBundle& bundle);

// The pieces of the bundle's JSON that other proofs (org_state.h) share, parsed as strictly:
// {"tree_size","root","timestamp_ms","signature"} and {"index","entry","proof"}; `position`
// names the entry in errors.
Result<tlog::SignedTreeHead> SignedTreeHeadFromJson(const nlohmann::json& j);
nlohmann::json SignedTreeHeadToJson(const tlog::SignedTreeHead& sth);
Result<BundleEntry> BundleEntryFromJson(const nlohmann::json& j, std::size_t position);
// RFC 9162 paths (inclusion and consistency) have at most 64 hashes in a tree of at most
// 2^64 - 1 leaves; refusing longer lists while parsing bounds what a hostile answer costs.
inline constexpr std::size_t kMaxProofHashes = 64;
// A proof's hashes, [hex…], as the field `name` of the object `what`: a list of at most
// kMaxProofHashes strings of 64 lowercase hex digits. Bundle entries, the log's proofs and the
// organization state's leaf proofs all read them with it.
Result<std::vector<tlog::Hash>> HashesFromJson(const nlohmann::json& list, const std::string& what,
                                               std::string_view name = "proof");
nlohmann::json HashesToJson(const std::vector<tlog::Hash>& hashes);
// Witness cosignatures (log/cosignature.h) as they travel: a list of
// {"witness": 64 hex, "timestamp": seconds, "signature": 128 hex}, each strictly shaped.
Result<std::vector<tlog::Cosignature>> CosignaturesFromJson(const nlohmann::json& j);
nlohmann::json CosignaturesToJson(const std::vector<tlog::Cosignature>& cosignatures);
// A leaf of the log state with its proof: {"leaf": hex, "position": n, "proof": [hex…]}.
nlohmann::json StateLeafProofToJson(const StateLeafProof& proof);
Result<StateLeafProof> StateLeafProofFromJson(const nlohmann::json& j, const std::string& what);

// Parses the shape strictly: every field present with its type, no unknown field anywhere,
// hex of the right length, non-negative integers. Checks nothing cryptographic.
// Error (kInvalidArgument) naming the field (and the entry's position in `entries`).
Result<LetterBundle> LetterBundleFromJson(const nlohmann::json& j);

// Assembles a bundle: `entries` (log index, entry bytes) with inclusion proofs read from
// `tree` at the size of `tree_head`, sorted by index. Verifies nothing; the caller should
// run VerifyLetterBundle before serving what it built (the server does so in its tests).
// Errors: the reader's, or kInvalidArgument for an index ≥ tree_head.head.size.
Result<LetterBundle> BuildLetterBundle(
    const LetterId& letter_id, const crypto::SignPublicKey& log_public_key,
    const tlog::SignedTreeHead& tree_head, const tlog::NodeReader& tree,
    std::vector<std::pair<std::uint64_t, crypto::Bytes>> entries);

// The indices of what a bundle for `letter_id` holds, picked out of a whole log
// (`log[i]` is entry i): the letter's `letter` entry, the `roster-add`/`roster-remove` entries
// of the organizations it names up to their pinned versions, its `signature-batch` entries
// and the `cosignature` entries those batches close (a co-signature still waiting for its
// batch is left out). When the log's last entry is a `log-state`, also that entry and each
// organization's roster entry of version v + 1 if there is one. Increasing order.
// Error: kNotFound when the log holds no `letter` entry for the id; kInvalidArgument for an
// entry that does not decode.
Result<std::vector<std::uint64_t>> SelectLetterBundleEntries(std::span<const crypto::Bytes> log,
                                                             const LetterId& letter_id);

// The "state" member of a bundle of `letter` at a checkpoint whose log state has the (sorted)
// `leaves`: the letter's leaf, then each organization's in the letter's order.
// Error (kNotFound) when one is missing.
Result<std::vector<StateLeafProof>> LetterStateProofs(const std::vector<crypto::Bytes>& leaves,
                                                      const Letter& letter);

// How VerifyLetterBundle checks. A plain value.
struct BundleOptions {
  // Rings smaller than this are refused (a signer within fewer is too easy to single out).
  std::size_t min_ring = kDefaultMinRingSize;
  // Threads that verify signatures; 0 = std::thread::hardware_concurrency().
  unsigned threads = 0;
  // When set, the bundle's log key must be this one.
  std::optional<crypto::SignPublicKey> expected_log_key;
  // Called on the caller's thread while signatures are verified: (done, total), from 0 to
  // total, at most about 100 times per bundle. May be empty.
  std::function<void(std::size_t done, std::size_t total)> progress;
  // The bucket rule's largest ring (letter.h): kMaxRingSize except in tests. Must be ≥ 1.
  std::size_t max_ring = kMaxRingSize;
  // When not empty, the tree head needs valid cosignatures from at least witness_threshold of
  // these witnesses (0: all of them).
  std::vector<crypto::SignPublicKey> witnesses;
  std::size_t witness_threshold = 0;
  // Refuse a bundle that does not prove it is complete (holds no log state).
  bool require_complete = false;
  // When max_age_ms is not 0: refuse a tree head older than max_age_ms at now_ms, or dated more
  // than 10 minutes after now_ms.
  std::uint64_t now_ms = 0;
  std::uint64_t max_age_ms = 0;
};

// One organization's count, in the letter's order.
struct OrgCount {
  std::string slug;
  std::uint64_t roster_version = 0;     // the version the letter pins
  std::uint64_t roster_size = 0;        // members at that version
  std::vector<std::size_t> ring_sizes;  // its rings by the bucket rule, in bucket order
  std::uint64_t signers = 0;            // signatories counted for this organization
};

// One signature batch: enough for a "signatures over time" chart.
struct BatchInfo {
  std::uint64_t batch = 0;            // 1, 2, …
  std::uint64_t count = 0;            // co-signature entries it closes (signs and withdrawals)
  std::uint64_t published_at_ms = 0;  // its scheduled time, from the entry
  std::uint64_t log_index = 0;        // of its `signature-batch` entry
  // Signatories counted once this batch and every earlier one are in (a withdrawal takes
  // its signer out from the batch that holds it), in total and per organization (letter
  // order). The last batch's numbers are the letter's counts.
  std::uint64_t signers_after = 0;
  std::vector<std::uint64_t> signers_after_by_org;
};

// What a verified bundle says.
struct BundleReport {
  LetterId letter_id;
  Letter letter;
  tlog::SignedTreeHead tree_head;
  crypto::SignPublicKey log_key;
  std::vector<OrgCount> organizations;   // letter order
  std::uint64_t total = 0;               // signatories, all organizations
  std::uint64_t signatures_checked = 0;  // co-signature entries verified (signs and withdrawals)
  // Of those, candor-lrs-v2 signatures, each over its organization's whole roster (the others
  // are candor-lrs-v1, each over one bucket of it: ring_sizes).
  std::uint64_t whole_roster_signatures = 0;
  std::uint64_t withdrawals = 0;         // signers whose signature is withdrawn
  std::uint64_t duplicates_dropped = 0;  // `sign` entries of an already counted tag
  std::uint64_t batches = 0;
  std::vector<BatchInfo> timeline;  // one per batch, in order
  std::size_t witnessed = 0;        // distinct trusted witnesses whose cosignature verified
  // The bundle held the log state of its tree head, and it shows nothing left out: every
  // batch of the letter, and the pinned roster versions were the latest when it was published.
  bool complete = false;
};

// Runs every check of docs/FORMATS.md, "Letter bundle", and counts:
//  - the tree head's signature under the bundle's log key (and that key against
//    options.expected_log_key), every entry's inclusion proof;
//  - entries in strictly increasing index, none repeated, each decoding strictly, of the kinds
//    a bundle holds, none of another letter, exactly one `letter` entry whose first field
//    hashes to letter_id;
//  - for each organization, roster versions 1 … v (v pinned by the letter) all present, in
//    log order, before the letter, each a valid change; no other roster entries; its rings by
//    the bucket rule, none below options.min_ring;
//  - batches numbered 1, 2, … after the letter; the `count` entries right before each are
//    co-signatures of the letter in the bundle; every co-signature lies in a batch;
//  - every co-signature verified over the ring of its organization whose digest it names: a
//    candor-lrs-v1 one over a bucket, a candor-lrs-v2 one over the whole pinned roster (these
//    in batches per organization, with weights from the system's CSPRNG);
//  - with a `log-state` entry (at index tree_size − 1): the letter's last batch and every
//    organization's latest roster version from its leaves, so that no batch is left out and
//    each pin was the latest version (a version v+1 must then be shown after the letter);
//  - counting by tag: a tag counts once, for the organization of its first `sign`, unless a
//    `withdraw` with that tag exists; later `sign`s with it are dropped as duplicates; a
//    `withdraw` whose tag never signs is an error.
// Errors: kInvalidArgument for options that make no sense (max_ring 0);
// kVerificationFailed for a check that fails, naming the entry ("entry 12 (log index 345,
// cosignature): …"). Thread-safe; runs options.progress on the caller's thread.
Result<BundleReport> VerifyLetterBundle(const LetterBundle& bundle, const BundleOptions& options);

// LetterBundleFromJson, then the above. kInvalidArgument means the JSON does not have the
// bundle's shape; kVerificationFailed that a check failed.
Result<BundleReport> VerifyLetterBundle(const nlohmann::json& bundle, const BundleOptions& options);

// A letter and the rings its members may sign it with, as the log proves them.
struct LetterRings {
  LetterId id;
  Letter letter;
  struct Org {
    std::string slug;
    std::uint64_t version = 0;           // the pinned roster version
    std::vector<crypto::Ring> rings;     // candor-lrs-v1: the buckets (RosterRings)
    std::vector<crypto::Point> members;  // candor-lrs-v2: the whole roster, in roster order
  };
  std::vector<Org> orgs;  // the letter's order
};

// The letter and its rings, rebuilt from a bundle's logged entries: what a signer needs, from
// the server's `bundle?signatures=0` reply (the letter, each named roster up to its pinned
// version, the batches; no co-signatures) or from a whole bundle. It runs phases 1 to 5 of
// VerifyLetterBundle — the tree head (against options.expected_log_key), every inclusion
// proof, exactly one letter entry, the roster changes, the rings by the bucket rule under
// options.max_ring and options.min_ring — and stops there: batches, completeness and
// signatures are not checked and nothing is counted. Errors as VerifyLetterBundle's.
Result<LetterRings> LetterRingsFromBundle(const LetterBundle& bundle, const BundleOptions& options);

// A machine-readable report (`candor verify --json`): {"letter_id", "title", "log_public_key",
// "tree_head", "organizations":[{"slug","roster_version","roster_size","ring_sizes",
// "signers"}…], "total", "signatures_checked", "whole_roster_signatures", "withdrawals",
// "duplicates_dropped", "batches",
// "timeline":[{"batch","count","published_at_ms","log_index","signers_after",
// "signers_after_by_org"}…]}.
nlohmann::json BundleReportToJson(const BundleReport& report);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_BUNDLE_H_
