#include "domain/log_state.h"

#include <algorithm>
#include <array>

#include "crypto/transcript.h"
#include "domain/policy.h"
#include "log/memory_tree.h"
#include "log/verify.h"

namespace candor::domain {
namespace {

using crypto::AsBytes;

constexpr std::string_view kLetterKind = "letter";
constexpr std::string_view kOrganizationKind = "organization";
constexpr std::string_view kPackLabel = "candor/v1/log-state-leaves";

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// The bytes every leaf of this key starts with (the key is length-prefixed, so no key's
// prefix is a prefix of another's).
crypto::Bytes LetterKey(const LetterId& letter) {
  return crypto::Tr(kLogStateLeafLabel, {AsBytes(kLetterKind), letter.span()});
}
crypto::Bytes OrganizationKey(std::string_view slug) {
  return crypto::Tr(kLogStateLeafLabel, {AsBytes(kOrganizationKind), AsBytes(slug)});
}

}  // namespace

crypto::Bytes EncodeStateLeaf(const StateLeaf& leaf) {
  return std::visit(
      Overloaded{
          [](const LetterStateLeaf& l) {
            const auto batch = crypto::U64Le(l.last_batch);
            return crypto::Tr(kLogStateLeafLabel, {AsBytes(kLetterKind), l.letter.span(), batch});
          },
          [](const OrgStateLeaf& o) {
            const auto roster = crypto::U64Le(o.roster_version);
            const auto reviewer = crypto::U64Le(o.reviewer_version);
            const auto epoch = crypto::U64Le(o.epoch_version);
            return crypto::Tr(kLogStateLeafLabel, {AsBytes(kOrganizationKind), AsBytes(o.slug),
                                                   roster, reviewer, epoch});
          },
      },
      leaf);
}

Result<StateLeaf> DecodeStateLeaf(crypto::ByteSpan bytes) {
  CANDOR_ASSIGN_OR_RETURN(auto parts, crypto::SplitTranscript(bytes, 6));
  const auto text = [](crypto::ByteSpan b) { return std::string(b.begin(), b.end()); };
  if (parts.size() < 2 || text(parts[0]) != kLogStateLeafLabel)
    return InvalidArgument("not a log state leaf");
  const auto u64 = [](crypto::ByteSpan b) -> Result<std::uint64_t> {
    if (b.size() != 8) return InvalidArgument("a log state leaf's number must be 8 bytes");
    return crypto::ReadU64Le(b.data());
  };
  StateLeaf leaf;
  const std::string kind = text(parts[1]);
  if (kind == kLetterKind && parts.size() == 4) {
    LetterStateLeaf l;
    CANDOR_ASSIGN_OR_RETURN(
        l.letter, crypto::FixedFromBytes<LetterId>(parts[2], "a log state leaf's letter id"));
    CANDOR_ASSIGN_OR_RETURN(l.last_batch, u64(parts[3]));
    leaf = l;
  } else if (kind == kOrganizationKind && parts.size() == 6) {
    OrgStateLeaf o;
    o.slug = text(parts[2]);
    if (auto s = ValidateOrganizationSlug(o.slug); !s.ok())
      return InvalidArgument("a log state leaf: " + s.error().message());
    CANDOR_ASSIGN_OR_RETURN(o.roster_version, u64(parts[3]));
    CANDOR_ASSIGN_OR_RETURN(o.reviewer_version, u64(parts[4]));
    CANDOR_ASSIGN_OR_RETURN(o.epoch_version, u64(parts[5]));
    leaf = o;
  } else {
    return InvalidArgument("not a log state leaf of a known kind");
  }
  const crypto::Bytes again = EncodeStateLeaf(leaf);
  if (!std::equal(again.begin(), again.end(), bytes.begin(), bytes.end())) {
    return InvalidArgument("a log state leaf is not in canonical form");
  }
  return leaf;
}

Status LogState::Replay(std::uint64_t index, const LogEvent& event) {
  const auto org = [this](const std::string& slug) -> OrgStateLeaf& {
    OrgStateLeaf& o = orgs_[slug];
    o.slug = slug;
    return o;
  };
  std::visit(Overloaded{
                 [&](const OrganizationCreatedEvent& e) { org(e.slug); },
                 [&](const RosterAddEvent& e) { org(e.slug).roster_version = e.version; },
                 [&](const RosterRemoveEvent& e) { org(e.slug).roster_version = e.version; },
                 [&](const ReviewerEvent& e) { org(e.slug).reviewer_version = e.version; },
                 [&](const ReviewerRemovedEvent& e) { org(e.slug).reviewer_version = e.version; },
                 [&](const RosterEpochEvent& e) { org(e.slug).epoch_version = e.version; },
                 [&](const LetterEvent& e) { letters_.emplace(ComputeLetterId(e.letter), 0); },
                 [&](const SignatureBatchEvent& e) { letters_[e.letter] = e.batch; },
                 [](const auto&) {},
             },
             event);
  const auto* state = std::get_if<LogStateEvent>(&event);
  if (state == nullptr) return Status::Ok();
  if (*state != Commit(index)) {
    return VerificationFailed(
        "log entry " + std::to_string(index) +
        " (log-state) does not commit to what the log holds before it: a full replay gives " +
        std::to_string(letters_.size()) + " letters and " + std::to_string(orgs_.size()) +
        " organizations with another root");
  }
  return Status::Ok();
}

Result<LogState> LogState::FromLeaves(const std::vector<crypto::Bytes>& leaves) {
  LogState state;
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    auto leaf = DecodeStateLeaf(leaves[i]);
    if (!leaf.ok() || (i > 0 && !(leaves[i - 1] < leaves[i]))) {
      return Error(ErrorCode::kCorrupt, "stored log state leaves are damaged");
    }
    if (const auto* l = std::get_if<LetterStateLeaf>(&*leaf)) {
      state.SetLetter(l->letter, l->last_batch);
    } else {
      state.SetOrganization(std::get<OrgStateLeaf>(*leaf));
    }
  }
  return state;
}

std::vector<crypto::Bytes> LogState::Leaves() const {
  std::vector<crypto::Bytes> out;
  out.reserve(letters_.size() + orgs_.size());
  for (const auto& [id, batch] : letters_)
    out.push_back(EncodeStateLeaf(LetterStateLeaf{id, batch}));
  for (const auto& [slug, o] : orgs_) out.push_back(EncodeStateLeaf(o));
  std::sort(out.begin(), out.end());
  return out;
}

LogStateEvent LogState::Commit(std::uint64_t size) const {
  const auto leaves = Leaves();
  return LogStateEvent{size, leaves.size(), StateRoot(leaves)};
}

tlog::Hash StateRoot(const std::vector<crypto::Bytes>& leaves) {
  tlog::MemoryTree tree;
  tree.Reserve(leaves.size());
  for (const auto& leaf : leaves) tree.Append(leaf);
  return tree.Root();
}

StateTree::StateTree(std::vector<crypto::Bytes> leaves)
    : leaves_(std::move(leaves)), tree_(std::make_unique<tlog::MemoryTree>()) {
  tree_->Reserve(leaves_.size());
  for (const auto& leaf : leaves_) tree_->Append(leaf);
}
StateTree::StateTree(StateTree&&) noexcept = default;
StateTree& StateTree::operator=(StateTree&&) noexcept = default;
StateTree::~StateTree() = default;

Result<StateLeafProof> StateTree::Prove(const crypto::Bytes& key, const std::string& what) const {
  // Leaves are sorted by their bytes and a key's leaf starts with the key: binary search.
  const auto it = std::lower_bound(leaves_.begin(), leaves_.end(), key);
  if (it == leaves_.end() || it->size() < key.size() ||
      !std::equal(key.begin(), key.end(), it->begin())) {
    return Error(ErrorCode::kNotFound, "the log state has no leaf for " + what);
  }
  const auto position = static_cast<std::uint64_t>(it - leaves_.begin());
  CANDOR_ASSIGN_OR_RETURN(auto path, tree_->InclusionProof(position, tree_->size()));
  return StateLeafProof{*it, position, std::move(path)};
}

Result<StateLeafProof> StateTree::ProveLetter(const LetterId& letter) const {
  return Prove(LetterKey(letter), "letter " + crypto::ToHex(letter));
}

Result<StateLeafProof> StateTree::ProveOrganization(std::string_view slug) const {
  return Prove(OrganizationKey(slug), "organization '" + std::string(slug) + "'");
}

Result<StateLeafProof> ProveLetterLeaf(const std::vector<crypto::Bytes>& leaves,
                                       const LetterId& letter) {
  return StateTree(leaves).ProveLetter(letter);
}

Result<StateLeafProof> ProveOrganizationLeaf(const std::vector<crypto::Bytes>& leaves,
                                             std::string_view slug) {
  return StateTree(leaves).ProveOrganization(slug);
}

Result<StateLeaf> VerifyStateLeaf(const LogStateEvent& state, const StateLeafProof& proof) {
  if (Status s = tlog::VerifyInclusion(proof.position, state.leaves, tlog::HashLeaf(proof.leaf),
                                       proof.proof, state.root);
      !s.ok()) {
    return VerificationFailed("a leaf's proof does not check against the log state: " +
                              s.error().message());
  }
  return DecodeStateLeaf(proof.leaf);
}

crypto::Bytes PackStateLeaves(const std::vector<crypto::Bytes>& leaves) {
  std::vector<crypto::ByteSpan> parts(leaves.begin(), leaves.end());
  return crypto::TrParts(kPackLabel, parts);
}

Result<std::vector<crypto::Bytes>> UnpackStateLeaves(crypto::ByteSpan blob) {
  CANDOR_ASSIGN_OR_RETURN(auto parts, crypto::SplitTranscript(blob, blob.size() / 8 + 1));
  if (parts.empty() || std::string(parts[0].begin(), parts[0].end()) != kPackLabel) {
    return Error(ErrorCode::kCorrupt, "stored log state leaves are damaged");
  }
  std::vector<crypto::Bytes> out;
  out.reserve(parts.size() - 1);
  for (std::size_t i = 1; i < parts.size(); ++i) out.emplace_back(parts[i].begin(), parts[i].end());
  return out;
}

}  // namespace candor::domain
