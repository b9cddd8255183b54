#include "domain/roster.h"

#include <string>

#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/ristretto.h"
#include "crypto/transcript.h"

namespace candor::domain {
namespace {

// A short, recognisable form of a key for error messages.
std::string KeyLabel(const crypto::Point& key) { return crypto::ToHex(key).substr(0, 16) + "…"; }

}  // namespace

Result<Roster> Roster::Replay(std::span<const RosterEvent> events) {
  Roster roster;
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto applied = roster.Apply(events[i]);
    if (!applied.ok()) {
      return applied.error().WithContext("roster event " + std::to_string(i));
    }
  }
  return roster;
}

Status Roster::Apply(const RosterEvent& event) {
  const std::uint64_t expected = version() + 1;
  const std::string at = "version " + std::to_string(event.version);
  if (event.version != expected) {
    return InvalidArgument("roster " + at + " is out of sequence: expected version " +
                           std::to_string(expected));
  }
  auto found = index_.find(event.ring_public);
  if (event.change == RosterChange::kAdd) {
    if (!crypto::IsValidPoint(event.ring_public)) {
      return InvalidArgument("roster " + at + ": the ring key " + KeyLabel(event.ring_public) +
                             " is not a valid ristretto255 point");
    }
    if (!event.reply_public) {
      return InvalidArgument("roster " + at + ": an added member needs a reply key");
    }
    if (!crypto::IsValidBoxPublicKey(*event.reply_public)) {
      return InvalidArgument("roster " + at + ": the reply key is not a valid X25519 key");
    }
    if (found != index_.end()) {
      if (members_[found->second].removed == 0) {
        return Error(
            ErrorCode::kAlreadyExists,
            "roster " + at + ": the key " + KeyLabel(event.ring_public) + " is already a member");
      }
      return Error(
          ErrorCode::kFailedPrecondition,
          "roster " + at + ": the key " + KeyLabel(event.ring_public) + " was removed at version " +
              std::to_string(members_[found->second].removed) + " and can never be added again");
    }
    index_.emplace(event.ring_public, members_.size());
    members_.push_back(Member{event.ring_public, *event.reply_public, event.version, 0});
    sizes_.push_back(sizes_.back() + 1);
  } else {
    if (event.reply_public) {
      return InvalidArgument("roster " + at + ": a removal carries no reply key");
    }
    if (found == index_.end() || members_[found->second].removed != 0) {
      return Error(ErrorCode::kNotFound, "roster " + at + ": the key " +
                                             KeyLabel(event.ring_public) + " is not a member");
    }
    members_[found->second].removed = event.version;
    sizes_.push_back(sizes_.back() - 1);
  }
  events_.push_back(event);
  return Status::Ok();
}

Status Roster::CheckVersion(std::uint64_t v) const {
  if (v > version()) {
    return Error(ErrorCode::kNotFound, "the roster has no version " + std::to_string(v) +
                                           " (latest: " + std::to_string(version()) + ")");
  }
  return Status::Ok();
}

Result<std::vector<crypto::Point>> Roster::members(std::uint64_t v) const {
  CANDOR_RETURN_IF_ERROR(CheckVersion(v));
  std::vector<crypto::Point> out;
  out.reserve(sizes_[v]);
  for (const Member& m : members_) {
    if (m.added > v) break;  // members_ is in order of addition
    if (m.removed == 0 || m.removed > v) out.push_back(m.key);
  }
  return out;
}

Result<crypto::Digest32> Roster::digest(std::uint64_t v) const {
  CANDOR_RETURN_IF_ERROR(CheckVersion(v));
  // ring_digest (CRYPTO.md "Rings"), streamed over the same selection as members(v).
  crypto::Sha256Transcript t(crypto::kRingDigestLabel);
  for (const Member& m : members_) {
    if (m.added > v) break;
    if (m.removed == 0 || m.removed > v) t.Add(m.key.span());
  }
  return t.Finish();
}

Result<std::size_t> Roster::size(std::uint64_t v) const {
  CANDOR_RETURN_IF_ERROR(CheckVersion(v));
  return sizes_[v];
}

std::vector<crypto::Point> Roster::members() const { return *members(version()); }

crypto::Digest32 Roster::digest() const { return *digest(version()); }

bool Roster::Contains(const crypto::Point& key) const {
  auto it = index_.find(key);
  return it != index_.end() && members_[it->second].removed == 0;
}

std::optional<crypto::BoxPublicKey> Roster::ReplyKey(const crypto::Point& key) const {
  auto it = index_.find(key);
  if (it == index_.end() || members_[it->second].removed != 0) return std::nullopt;
  return members_[it->second].reply;
}

}  // namespace candor::domain
