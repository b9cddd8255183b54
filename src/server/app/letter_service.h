// Collective letters: publishing (by staff or by a member), drafts, co-signing, batched
// publication, counts and bundles (issue 13: split out of app::Service; its tests beside it,
// letter_service_test.cc).
//
// Privacy: nothing here records when a co-signature arrived or who sent it. A co-signature is
// stored with exactly what the log will later publish; the batch puts waiting ones into the log
// in a random order, so neither the database nor the log orders them by arrival. Public counts
// are of published signatures only, so they change batch by batch, never request by request.
//
// Thread safety: thread-safe (each call is its own store transaction).
#ifndef CANDOR_SERVER_APP_LETTER_SERVICE_H_
#define CANDOR_SERVER_APP_LETTER_SERVICE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "domain/cosignature.h"
#include "domain/letter.h"
#include "server/app/service_core.h"

namespace candor::app {

// One organization a letter names: the roster version it pinned and that roster's rings.
struct LetterRoster {
  std::string slug;
  std::string name;
  std::int64_t organization_id = 0;
  std::int64_t version = 0;
  std::size_t size = 0;
  // BucketRoster of the pinned roster: shared with RingsAt's cache, never copied.
  std::shared_ptr<const std::vector<crypto::Ring>> rings;
};

// A published letter as the public sees it. Counts are of published signatures only (what
// the log shows and `candor verify` recounts); while a quorum is pending they are withheld.
struct LetterView {
  domain::LetterId id;
  domain::Letter letter;
  std::int64_t seq = 0;
  std::uint64_t log_index = 0;
  std::shared_ptr<const std::vector<LetterRoster>> rosters;
  bool closed = false;
  bool quorum_reached = false;
  std::vector<std::uint64_t> signers;  // per roster (letter order); zeros until quorum
  std::uint64_t total = 0;
  std::uint64_t batches = 0;
};

// What a signer keeps to check later that their signature was published.
struct CoSignatureReceipt {
  domain::LetterId letter;
  crypto::Point tag;
  domain::SignatureAction action = domain::SignatureAction::kSign;
  crypto::Digest32 signature_sha256;
};

// Where one of a tag's co-signatures stands.
struct CoSignatureState {
  domain::SignatureAction action = domain::SignatureAction::kSign;
  std::string state;  // "waiting-for-quorum", "waiting-for-batch" or "published"
  crypto::Digest32 signature_sha256;
  std::optional<std::int64_t> batch;
  std::optional<std::int64_t> log_index;
};

// One published batch, with the counts right after it (for "signatures over time").
struct BatchView {
  std::int64_t batch = 0;
  std::int64_t published_at_ms = 0;
  std::int64_t signatures = 0;  // entries in the batch (signatures and withdrawals)
  std::int64_t log_index = 0;
  std::vector<std::uint64_t> signers_after;  // per roster (letter order)
  std::uint64_t total_after = 0;
};

class LetterService {
 public:
  explicit LetterService(ServiceCore& core)
      : core_(core), store_(core.store()), clock_(core.clock()), config_(core.config()) {}

  // Publishes (freezes) a letter: any named account may. Pins each named organization's
  // current roster version; every organization must exist and have at least min_ring_size
  // members; a closing time must lie in the future; a corrected letter must exist.
  Result<domain::LetterId> PublishLetter(const Principal& who, const domain::Letter& letter);
  // Anonymous: a member publishes, proving membership of `slug` (one of the letter's
  // organizations) with a ring signature (domain::PublishQuotaEvent of `window` and `slot`)
  // over its current roster (candor-lrs-v1: one of its rings, named by `ring_digest`;
  // candor-lrs-v2: the whole roster, whose digest `ring_digest` must be). `window` must be the
  // current one and `slot` below the quota; a slot a member used already (its tag is stored)
  // is kAlreadyExists.
  Result<domain::LetterId> PublishLetterAsMember(
      const domain::Letter& letter, std::string_view slug, const crypto::Digest32& ring_digest,
      std::uint64_t window, std::uint64_t slot, crypto::ByteSpan proof,
      domain::RingScheme scheme = domain::RingScheme::kV1);
  // The publishing window now and the (slot, tag) pairs used in it (the same shape as a cable
  // quota), so that a member's client can pick a free slot without asking anything.
  Result<CableQuotaView> MemberLetterQuota(std::string_view slug);
  // Drafts: private to the account that wrote them. The JSON is a letter's fields, possibly
  // incomplete (checked only when published).
  Result<std::int64_t> CreateDraft(const Principal& who, const nlohmann::json& letter_json);
  Result<std::vector<store::LetterDraftRecord>> ListDrafts(const Principal& who);
  Result<store::LetterDraftRecord> GetDraft(const Principal& who, std::int64_t id);
  Status UpdateDraft(const Principal& who, std::int64_t id, const nlohmann::json& letter_json);
  Status DeleteDraft(const Principal& who, std::int64_t id);
  // Publishes the draft and deletes it, in one transaction.
  Result<domain::LetterId> PublishDraft(const Principal& who, std::int64_t id);

  // Every published letter's text, oldest first, without rings or counts: one read of the
  // letters table, whatever the rosters' sizes (what `serve --demo` checks at each start).
  Result<std::vector<domain::Letter>> PublishedLetters();
  // A page of GET /letters: at most `limit` (1…kMaxLettersPage) letters published after the
  // one numbered `after` (0: from the first), and the number to ask after next (nullopt: none
  // left). Bounded work per request however many letters members publish (security review M6).
  static constexpr std::int64_t kMaxLettersPage = 200;
  struct LettersPage {
    std::vector<LetterView> letters;
    std::optional<std::int64_t> next_after;
  };
  Result<LettersPage> ListLettersPage(std::int64_t after, std::int64_t limit);
  Result<LetterView> GetLetter(const domain::LetterId& id);
  // Anonymous: verifies and stores a co-signature or withdrawal; it is published with the
  // next batch (or when the quorum is reached). kAlreadyExists "already signed" / "already
  // withdrawn" and nothing more for a repeated tag.
  Result<CoSignatureReceipt> SubmitCoSignature(std::string_view slug,
                                               const domain::CoSignature& sig);
  Result<std::vector<CoSignatureState>> CoSignatureStates(const domain::LetterId& id,
                                                          const crypto::Point& tag);
  Result<std::vector<BatchView>> LetterBatches(const domain::LetterId& id);
  // One page of the letter's bundle (docs/API.md, "Bundles in pages"): the bundle JSON of
  // docs/FORMATS.md (candor-letter-bundle-v1) with the entries at positions [start, start +
  // limit) of the whole bundle only, plus "page": {"start", "next" (null on the last page),
  // "entries" (the whole bundle's count)}. `tree_size` pins the tree head (and leaves out later
  // entries), so that the pages of one bundle agree; unset: the newest checkpoint that holds
  // the letter. Without signatures it holds only the letter and its pinned rosters: what a
  // signer needs to build its ring from logged data. Memory per request is one page's, not the
  // whole bundle's (security review M6). kNotFound for no signed head of that size.
  Result<nlohmann::json> LetterBundle(const domain::LetterId& id, bool with_signatures,
                                      const BundlePage& page);

  // At a batch, inside its transaction: every waiting co-signature of every letter whose quorum
  // is reached goes into the log, per letter in a random order and followed by a
  // "signature-batch" entry; the waiting ones of other letters are rewritten in a new random
  // order. Signs no head. `changed`: rows were rewritten or dropped (commit even when nothing
  // was published).
  struct Published {
    std::size_t published = 0;
    bool changed = false;
  };
  Result<Published> PublishWaiting(store::Transaction& tx);

 private:
  // The letter's pinned rosters and rings (cached: they never change once published).
  Result<std::shared_ptr<const std::vector<LetterRoster>>> LetterRosters(
      store::Transaction& tx, const store::LetterRecord& rec, const domain::Letter& letter);
  Result<domain::LetterId> PublishLetterIn(store::Transaction& tx, const domain::Letter& letter);
  Result<LetterView> ViewOf(store::Transaction& tx, const store::LetterRecord& rec);

  ServiceCore& core_;
  store::Store& store_;
  const Clock& clock_;
  const ServiceConfig& config_;

  std::mutex rings_mu_;
  std::map<store::Blob, std::shared_ptr<const std::vector<LetterRoster>>> rings_cache_;
  std::deque<store::Blob> rings_order_;  // insertion order, for eviction
  static constexpr std::size_t kRingsCacheLetters = 64;
};

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_LETTER_SERVICE_H_
