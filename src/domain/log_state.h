// The log state (docs/PROTOCOL.md, "Log state"): what the entries of the log before a
// `log-state` entry hold, as a sorted list of leaves whose RFC 9162 Merkle tree hash that entry
// carries — for every letter its last batch number, for every organization its latest roster,
// reviewer and epoch versions. A proof that one leaf is in the list shows a client that a bundle
// or an organization state leaves nothing out up to that point; a full audit replays the log and
// recomputes every committed state (LogState::Replay), so a server that commits to a false state
// is caught from public data.
//
//   LogState state;                                   // replay a whole log …
//   for (i, event) : log  CANDOR_RETURN_IF_ERROR(state.Replay(i, event));
//   LogStateEvent e = state.Commit(size);             // … or build one and commit to it
//   StateLeafProof p = *ProveStateLeaf(state.Leaves(), Key(LetterStateLeaf{id}));
//   Status ok = VerifyStateLeaf(e, p);                // the client's side
//
// Plain values and functions without global state.
#ifndef CANDOR_DOMAIN_LOG_STATE_H_
#define CANDOR_DOMAIN_LOG_STATE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"
#include "domain/letter.h"
#include "domain/log_entry.h"
#include "log/rfc9162.h"

namespace candor::tlog {
class MemoryTree;
}  // namespace candor::tlog

namespace candor::domain {

inline constexpr std::string_view kLogStateLeafLabel = "candor/v1/log-state-leaf";

// A letter's leaf: the number of its latest `signature-batch` entry (0: none yet).
// Bytes: tr("candor/v1/log-state-leaf", "letter", letter id, u64le(last_batch)).
struct LetterStateLeaf {
  LetterId letter{};
  std::uint64_t last_batch = 0;

  friend bool operator==(const LetterStateLeaf&, const LetterStateLeaf&) = default;
};

// An organization's leaf: the versions of its latest `roster-add`/`roster-remove`, its latest
// `reviewer`/`reviewer-removed` and the roster version its latest `roster-epoch` names (0: none).
// Bytes: tr("candor/v1/log-state-leaf", "organization", slug, u64le(roster_version),
//           u64le(reviewer_version), u64le(epoch_version)).
struct OrgStateLeaf {
  std::string slug;
  std::uint64_t roster_version = 0;
  std::uint64_t reviewer_version = 0;
  std::uint64_t epoch_version = 0;

  friend bool operator==(const OrgStateLeaf&, const OrgStateLeaf&) = default;
};

using StateLeaf = std::variant<LetterStateLeaf, OrgStateLeaf>;

crypto::Bytes EncodeStateLeaf(const StateLeaf& leaf);
// Strict: exactly the bytes EncodeStateLeaf writes for a valid leaf (a valid slug).
// Error (kInvalidArgument) otherwise.
Result<StateLeaf> DecodeStateLeaf(crypto::ByteSpan bytes);

// The state of a log after some of its entries. Leaves are sorted by their bytes, one per
// letter and per organization: leaves of one key share their first bytes (the key is
// length-prefixed), so sorting by bytes sorts by key.
class LogState {
 public:
  // Takes in entry `index` of the log (every entry, in order, from 0). A `log-state` entry is
  // checked against the state of the entries before it; kVerificationFailed when it does not
  // commit to exactly that state, or names another size than its own index.
  Status Replay(std::uint64_t index, const LogEvent& event);

  // The state whose sorted leaves are `leaves` (as Leaves() gave them). kCorrupt for a leaf
  // that does not decode, or leaves out of order.
  static Result<LogState> FromLeaves(const std::vector<crypto::Bytes>& leaves);

  void SetLetter(const LetterId& letter, std::uint64_t last_batch) {
    letters_[letter] = last_batch;
  }
  void SetOrganization(const OrgStateLeaf& org) { orgs_[org.slug] = org; }

  // The leaves, sorted by their bytes.
  std::vector<crypto::Bytes> Leaves() const;
  // The `log-state` entry that commits to this state, logged at index `size`.
  LogStateEvent Commit(std::uint64_t size) const;

  std::size_t letters() const { return letters_.size(); }
  std::size_t organizations() const { return orgs_.size(); }

 private:
  std::map<LetterId, std::uint64_t> letters_;
  std::map<std::string, OrgStateLeaf, std::less<>> orgs_;
};

// The RFC 9162 Merkle tree hash of `leaves` (as leaf bytes, in order).
tlog::Hash StateRoot(const std::vector<crypto::Bytes>& leaves);

// One leaf with its inclusion proof in the state's tree of `leaves` leaves.
struct StateLeafProof {
  crypto::Bytes leaf;
  std::uint64_t position = 0;
  std::vector<tlog::Hash> proof;

  friend bool operator==(const StateLeafProof&, const StateLeafProof&) = default;
};

// The Merkle tree of a state's sorted leaves, built once, to prove any number of them.
class StateTree {
 public:
  explicit StateTree(std::vector<crypto::Bytes> leaves);
  StateTree(StateTree&&) noexcept;
  StateTree& operator=(StateTree&&) noexcept;
  ~StateTree();

  // The proof of the leaf of the letter `letter` (or the organization `slug`).
  // Error (kNotFound) when no leaf has that key. O(log n).
  Result<StateLeafProof> ProveLetter(const LetterId& letter) const;
  Result<StateLeafProof> ProveOrganization(std::string_view slug) const;

 private:
  Result<StateLeafProof> Prove(const crypto::Bytes& key, const std::string& what) const;

  std::vector<crypto::Bytes> leaves_;
  std::unique_ptr<tlog::MemoryTree> tree_;
};

// One proof from `leaves` (a StateTree built for it).
Result<StateLeafProof> ProveLetterLeaf(const std::vector<crypto::Bytes>& leaves,
                                       const LetterId& letter);
Result<StateLeafProof> ProveOrganizationLeaf(const std::vector<crypto::Bytes>& leaves,
                                             std::string_view slug);

// The leaf `proof` carries, once its inclusion proof checks against `state`'s root and leaf
// count. kVerificationFailed when it does not; kInvalidArgument when the leaf does not decode.
Result<StateLeaf> VerifyStateLeaf(const LogStateEvent& state, const StateLeafProof& proof);

// The leaves as one blob (how the server keeps a checkpoint's leaves), and back.
crypto::Bytes PackStateLeaves(const std::vector<crypto::Bytes>& leaves);
Result<std::vector<crypto::Bytes>> UnpackStateLeaves(crypto::ByteSpan blob);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_LOG_STATE_H_
