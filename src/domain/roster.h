// An organization's roster: the members' public keys, as a numbered history of changes.
//
// The roster is the ring members sign over (CRYPTO.md, "Rings"), so every change is an event
// with a version — 1, 2, 3, … per organization, no gaps — and each event is also a log entry
// ("roster-add", "roster-remove" in docs/PROTOCOL.md, "Log entries"). Anyone who replays the
// events gets the same member list and the same ring digest at every version, which is how a
// signer or auditor checks that the server showed everyone the same ring.
//
// Rules, checked by Apply for every event:
//   - versions are consecutive, starting at 1;
//   - an added key is a valid ristretto255 point, not the identity (crypto::IsValidPoint), and
//     comes with a non-zero X25519 reply key; a removal carries no reply key;
//   - a key is added at most once, ever: a key that is present cannot be added again, and a
//     key once removed can never come back (its owner enrolls a fresh key), so a ring can never
//     hold the same key twice and a removed key's old signatures stay attributable to one
//     membership period;
//   - only a present key can be removed.
//
// Members are ordered by when they were added; a removal takes a key out without reordering
// the rest.
#ifndef CANDOR_DOMAIN_ROSTER_H_
#define CANDOR_DOMAIN_ROSTER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"

namespace candor::domain {

enum class RosterChange { kAdd, kRemove };

// One change to a roster. A plain value; Roster::Apply checks it.
struct RosterEvent {
  std::uint64_t version = 0;  // 1, 2, 3, …
  RosterChange change = RosterChange::kAdd;
  crypto::Point ring_public;  // the member's ring key P
  // The member's X25519 reply key: present for kAdd, absent for kRemove.
  std::optional<crypto::BoxPublicKey> reply_public;

  friend bool operator==(const RosterEvent&, const RosterEvent&) = default;
};

// A roster rebuilt from its events; answers questions about any version 0 … version().
//
// Version 0 is the empty roster. A Roster holds every event it accepted, so it is O(events)
// in memory. It is a value: copyable; const methods are safe to call from several threads at
// once, Apply is not (it needs exclusive access).
class Roster {
 public:
  // The empty roster at version 0.
  Roster() = default;

  // Applies `events` in order (Apply). Error: the first event's error, with its position.
  static Result<Roster> Replay(std::span<const RosterEvent> events);

  // Applies one more event. On error the roster is unchanged.
  // Error: kInvalidArgument for a version that is not version() + 1, an invalid ring key, a
  // missing or zero reply key on an add, or a reply key on a removal; kAlreadyExists for an
  // add of a present key; kFailedPrecondition for an add of a key that was removed before;
  // kNotFound for the removal of a key that is not present.
  // Cost: O(log n).
  [[nodiscard]] Status Apply(const RosterEvent& event);

  // The latest version (the number of events applied).
  std::uint64_t version() const { return events_.size(); }

  // The keys present after `version`, in order of addition: the ring P_0 … P_{n-1}.
  // Error (kNotFound) when version > version(). Cost: O(number of keys ever added).
  Result<std::vector<crypto::Point>> members(std::uint64_t version) const;
  // ring_digest of CRYPTO.md over members(version): H256("candor/v1/ring", P_0, …, P_{n-1}),
  // which equals crypto::Ring::Create(members)->digest() whenever the roster is not empty.
  // (An empty roster has the digest of the empty list, though no ring can be empty.)
  // Error (kNotFound) when version > version(). Cost: O(number of keys ever added).
  Result<crypto::Digest32> digest(std::uint64_t version) const;
  // The number of keys present after `version`. Error (kNotFound) when version > version().
  // Cost: O(1).
  Result<std::size_t> size(std::uint64_t version) const;

  // The same three at the latest version.
  std::vector<crypto::Point> members() const;
  crypto::Digest32 digest() const;
  std::size_t size() const { return sizes_.back(); }

  // True iff `key` is present at the latest version. O(log n).
  bool Contains(const crypto::Point& key) const;
  // The reply key registered with `key` if `key` is present at the latest version. O(log n).
  std::optional<crypto::BoxPublicKey> ReplyKey(const crypto::Point& key) const;

  // Every event applied, in order: events()[v - 1] has version v.
  const std::vector<RosterEvent>& events() const { return events_; }

 private:
  struct Member {
    crypto::Point key;
    crypto::BoxPublicKey reply;
    std::uint64_t added = 0;    // version of the add
    std::uint64_t removed = 0;  // version of the removal; 0 while present
  };

  Status CheckVersion(std::uint64_t version) const;

  std::vector<RosterEvent> events_;
  std::vector<Member> members_;                 // every key ever added, in order of addition
  std::map<crypto::Point, std::size_t> index_;  // key → position in members_
  std::vector<std::size_t> sizes_{0};           // sizes_[v]: number present after version v
};

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_ROSTER_H_
