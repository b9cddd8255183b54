#include "domain/org_state.h"

#include <algorithm>
#include <map>
#include <variant>

#include "crypto/transcript.h"
#include "domain/letter.h"
#include "domain/log_entry.h"
#include "domain/strict_json.h"
#include "log/rfc9162.h"
#include "log/verify.h"

namespace candor::domain {
namespace {

using Json = nlohmann::json;

Error Failed(std::size_t pos, const BundleEntry& e, std::string_view message) {
  return VerificationFailed("organization state entry " + std::to_string(pos) + " (log index " +
                            std::to_string(e.index) + "): " + std::string(message));
}

}  // namespace

Json OrgStateProofToJson(const OrgStateProof& proof) {
  Json entries = Json::array();
  for (const auto& e : proof.entries) {
    Json hashes = Json::array();
    for (const auto& h : e.proof) hashes.push_back(crypto::ToHex(h));
    entries.push_back(
        Json{{"index", e.index}, {"entry", crypto::ToHex(e.entry)}, {"proof", hashes}});
  }
  Json out{{"format", kOrgStateFormat},
           {"organization", proof.organization},
           {"log_public_key", crypto::ToHex(proof.log_public_key)},
           {"tree_head", SignedTreeHeadToJson(proof.tree_head)},
           {"entries", std::move(entries)}};
  if (proof.state) out["state"] = StateLeafProofToJson(*proof.state);
  return out;
}

Result<OrgStateProof> OrgStateProofFromJson(const Json& j) {
  FieldReader r(
      j, "the organization state",
      {"format", "organization", "log_public_key", "tree_head", "entries", "page", "state"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CANDOR_ASSIGN_OR_RETURN(std::string format, r.String("format"));
  if (format != kOrgStateFormat) {
    return InvalidArgument("not an organization state (format '" + std::string(kOrgStateFormat) +
                           "')");
  }
  OrgStateProof p;
  CANDOR_ASSIGN_OR_RETURN(p.organization, r.String("organization"));
  CANDOR_ASSIGN_OR_RETURN(p.log_public_key, r.Fixed<crypto::SignPublicKey>("log_public_key"));
  CANDOR_ASSIGN_OR_RETURN(const Json* tree_head, r.Value("tree_head"));
  CANDOR_ASSIGN_OR_RETURN(const Json* entries_json, r.Value("entries"));
  if (!entries_json->is_array()) {
    return InvalidArgument("'entries' in the organization state must be a list");
  }
  CANDOR_ASSIGN_OR_RETURN(p.tree_head, SignedTreeHeadFromJson(*tree_head));
  const Json& entries = *entries_json;
  p.entries.reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CANDOR_ASSIGN_OR_RETURN(BundleEntry e, BundleEntryFromJson(entries[i], i));
    p.entries.push_back(std::move(e));
  }
  if (const Json* state = r.Find("state")) {
    CANDOR_ASSIGN_OR_RETURN(p.state,
                            StateLeafProofFromJson(*state, "the organization state's 'state'"));
  }
  return p;
}

Result<OrgState> VerifyOrgState(const OrgStateProof& proof, const crypto::SignPublicKey& log_key,
                                std::string_view organization, std::uint64_t checkpoint) {
  if (proof.log_public_key != log_key) {
    return VerificationFailed("the organization state comes from log key " +
                              crypto::ToHex(proof.log_public_key) + ", not the pinned log key " +
                              crypto::ToHex(log_key));
  }
  if (!tlog::VerifySignedTreeHead(proof.tree_head, log_key).ok()) {
    return VerificationFailed("the organization state's tree head is not signed by the log key");
  }
  if (proof.organization != organization) {
    return VerificationFailed("the server sent the state of '" + proof.organization +
                              "', not of '" + std::string(organization) + "'");
  }
  OrgState state;
  state.organization = proof.organization;
  state.tree_head = proof.tree_head;
  std::map<std::uint64_t, LoggedReviewer> reviewers;
  std::uint64_t last_epoch = 0;
  std::uint64_t reviewer_version = 0;  // of the last "reviewer"/"reviewer-removed" entry
  // The log state, and the organization's versions below it.
  std::optional<LogStateEvent> log_state;
  OrgStateLeaf below;
  for (std::size_t i = 0; i < proof.entries.size(); ++i) {
    const BundleEntry& e = proof.entries[i];
    if (i > 0 && e.index <= proof.entries[i - 1].index) {
      return Failed(i, e, "entries must be in strictly increasing log index");
    }
    if (e.index >= proof.tree_head.head.size) return Failed(i, e, "it lies beyond the tree head");
    if (!tlog::VerifyInclusion(e.index, proof.tree_head.head.size, tlog::HashLeaf(e.entry), e.proof,
                               proof.tree_head.head.root)
             .ok()) {
      return Failed(i, e, "its inclusion proof does not check against the tree head");
    }
    auto event = DecodeLogEntry(e.entry);
    if (!event.ok()) return Failed(i, e, event.error().message());
    Status applied = std::visit(
        [&](const auto& ev) -> Status {
          using T = std::decay_t<decltype(ev)>;
          if constexpr (std::is_same_v<T, RosterAddEvent> || std::is_same_v<T, RosterRemoveEvent>) {
            if (ev.slug != organization)
              return Failed(i, e, "a roster entry of another organization");
            if (auto s = state.roster.Apply(ToRosterEvent(ev)); !s.ok())
              return Failed(i, e, s.error().message());
            return Status::Ok();
          } else if constexpr (std::is_same_v<T, ReviewerEvent>) {
            if (ev.slug != organization) return Failed(i, e, "a reviewer of another organization");
            if (ev.version != reviewer_version + 1) {
              return Failed(i, e,
                            "reviewer version " + std::to_string(ev.version) + " follows version " +
                                std::to_string(reviewer_version) +
                                ": a reviewer change is missing");
            }
            reviewer_version = ev.version;
            reviewers[ev.account_id] =
                LoggedReviewer{ev.account_id, ev.username, ev.box_public, e.index};
            state.reviewer_since.emplace(ev.account_id, e.index);
            return Status::Ok();
          } else if constexpr (std::is_same_v<T, ReviewerKeyEvent>) {
            if (ev.slug != organization) return Failed(i, e, "a reviewer of another organization");
            reviewers[ev.account_id] = LoggedReviewer{ev.account_id, "", ev.box_public, e.index};
            state.reviewer_since.emplace(ev.account_id, e.index);
            return Status::Ok();
          } else if constexpr (std::is_same_v<T, ReviewerRemovedEvent>) {
            if (ev.slug != organization) return Failed(i, e, "a reviewer of another organization");
            if (ev.version != reviewer_version + 1) {
              return Failed(i, e,
                            "reviewer version " + std::to_string(ev.version) + " follows version " +
                                std::to_string(reviewer_version) +
                                ": a reviewer change is missing");
            }
            reviewer_version = ev.version;
            if (reviewers.erase(ev.account_id) == 0)
              return Failed(i, e, "removes a reviewer who was not one");
            return Status::Ok();
          } else if constexpr (std::is_same_v<T, LogStateEvent>) {
            if (log_state) return Failed(i, e, "a second log state");
            if (ev.size != e.index) {
              return Failed(
                  i, e,
                  "a log state that describes another part of the log than the entries before it");
            }
            log_state = ev;
            below = OrgStateLeaf{std::string(organization), state.roster.version(),
                                 reviewer_version, last_epoch};
            return Status::Ok();
          } else if constexpr (std::is_same_v<T, RosterEpochEvent>) {
            if (ev.slug != organization)
              return Failed(i, e, "a roster epoch of another organization");
            if (ev.version <= last_epoch)
              return Failed(i, e, "a roster epoch must name a newer version than the last");
            if (ev.version > state.roster.version()) {
              return Failed(i, e, "a roster epoch names a version not logged before it");
            }
            last_epoch = ev.version;
            state.all_epochs.push_back(ev.version);
            state.epoch_versions.insert(state.epoch_versions.begin(), ev.version);
            if (state.epoch_versions.size() > 2) state.epoch_versions.pop_back();
            return Status::Ok();
          } else {
            return Failed(i, e,
                          "an entry of a kind an organization state does not hold ('" +
                              std::string(LogEventKind(*event)) + "')");
          }
        },
        *event);
    CANDOR_RETURN_IF_ERROR(applied);
  }
  // Rule 7: nothing before the log state is left out.
  if (log_state) {
    if (!proof.state)
      return VerificationFailed("the organization state holds a log state but not its leaf");
    auto leaf = VerifyStateLeaf(*log_state, *proof.state);
    if (!leaf.ok()) {
      return VerificationFailed("the organization's leaf of the log state: " +
                                leaf.error().message());
    }
    const auto* org = std::get_if<OrgStateLeaf>(&*leaf);
    if (org == nullptr || org->slug != organization) {
      return VerificationFailed("the log state leaf is not the leaf of '" +
                                std::string(organization) + "'");
    }
    const auto differs = [&](const char* what, std::uint64_t shown,
                             std::uint64_t committed) -> Status {
      if (shown == committed) return Status::Ok();
      return VerificationFailed("the organization state shows " + std::string(what) + " " +
                                std::to_string(shown) + ", but the log state at tree size " +
                                std::to_string(log_state->size + 1) + " says the latest is " +
                                std::to_string(committed) +
                                ": entries are left out of what the server shows");
    };
    CANDOR_RETURN_IF_ERROR(differs("roster version", below.roster_version, org->roster_version));
    CANDOR_RETURN_IF_ERROR(
        differs("reviewer version", below.reviewer_version, org->reviewer_version));
    CANDOR_RETURN_IF_ERROR(differs("roster epoch", below.epoch_version, org->epoch_version));
    state.complete_at = log_state->size + 1;
  } else if (proof.state) {
    return VerificationFailed("the organization state has a log state leaf but no log state");
  }
  if (checkpoint != 0 && state.complete_at < checkpoint) {
    return VerificationFailed(
        state.complete_at == 0
            ? "the organization state does not prove it is complete (it holds no log state)"
            : "the organization state is proven complete only up to tree size " +
                  std::to_string(state.complete_at) + ", older than the newest checkpoint (" +
                  std::to_string(checkpoint) + "): entries may be left out");
  }
  for (auto& [id, r] : reviewers) state.reviewers.push_back(std::move(r));
  // Distinct keys: a key shared by two accounts would let one of them read as the other.
  for (std::size_t i = 0; i < state.reviewers.size(); ++i) {
    for (std::size_t k = i + 1; k < state.reviewers.size(); ++k) {
      if (state.reviewers[i].box_public == state.reviewers[k].box_public) {
        return VerificationFailed("two reviewers of '" + std::string(organization) +
                                  "' share one key");
      }
    }
  }
  return state;
}

Result<std::vector<crypto::Ring>> RingsAt(const OrgState& state, std::uint64_t version,
                                          std::size_t max_ring) {
  CANDOR_ASSIGN_OR_RETURN(auto members, state.roster.members(version));
  return RosterRings(members, max_ring);
}

std::string KeyFingerprint(const crypto::BoxPublicKey& key) {
  const crypto::Digest32 d = crypto::Sha256(key.span());
  const std::string hex = crypto::ToHex(crypto::ByteSpan(d.bytes.data(), 16));
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 4) {
    if (i > 0) out += ' ';
    out += hex.substr(i, 4);
  }
  return out;
}

}  // namespace candor::domain
