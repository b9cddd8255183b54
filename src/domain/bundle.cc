#include "domain/bundle.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>
#include <variant>

#include "crypto/lrs.h"
#include "domain/cosignature.h"
#include "domain/log_entry.h"
#include "domain/roster.h"
#include "domain/strict_json.h"
#include "log/verify.h"

namespace candor::domain {
namespace {

using Json = nlohmann::json;

// --- the JSON shape ---

Result<tlog::SignedTreeHead> TreeHeadFromJson(const Json& j) {
  FieldReader r(j, "the tree head", {"tree_size", "root", "timestamp_ms", "signature"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  tlog::SignedTreeHead sth;
  CANDOR_ASSIGN_OR_RETURN(sth.head.size, r.Unsigned("tree_size"));
  CANDOR_ASSIGN_OR_RETURN(sth.head.root, r.Fixed<tlog::Hash>("root"));
  CANDOR_ASSIGN_OR_RETURN(sth.head.timestamp_ms, r.Unsigned("timestamp_ms"));
  CANDOR_ASSIGN_OR_RETURN(sth.signature, r.Fixed<crypto::Signature64>("signature"));
  return sth;
}

Json TreeHeadToJson(const tlog::SignedTreeHead& sth) {
  return Json{{"tree_size", sth.head.size},
              {"root", crypto::ToHex(sth.head.root)},
              {"timestamp_ms", sth.head.timestamp_ms},
              {"signature", crypto::ToHex(sth.signature)}};
}

Result<BundleEntry> EntryFromJson(const Json& j, std::size_t position) {
  const std::string what = "entry " + std::to_string(position);
  FieldReader r(j, what, {"index", "entry", "proof"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  BundleEntry e;
  CANDOR_ASSIGN_OR_RETURN(e.index, r.Unsigned("index"));
  CANDOR_ASSIGN_OR_RETURN(e.entry, r.Hex("entry"));
  CANDOR_ASSIGN_OR_RETURN(const Json* proof, r.Value("proof"));
  CANDOR_ASSIGN_OR_RETURN(e.proof, HashesFromJson(*proof, what));
  return e;
}

// --- verification ---

// "entry 3 (log index 17)" or, once decoded, "entry 3 (log index 17, cosignature)".
std::string Where(const LetterBundle& b, std::size_t pos, const LogEvent* event = nullptr) {
  std::string s =
      "entry " + std::to_string(pos) + " (log index " + std::to_string(b.entries[pos].index);
  if (event != nullptr) s += ", " + std::string(LogEventKind(*event));
  return s + ")";
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// candor-lrs-v2 co-signatures checked together (one multi-scalar multiplication): large enough
// that the ring's terms are shared by many, small enough that progress moves and a bad one is
// found by halving within 2·log2(256) = 16 further checks.
constexpr std::size_t kBundleBatch = 256;

struct SignatureJob {
  std::size_t pos = 0;  // in bundle.entries
  const CoSignatureEvent* event = nullptr;
  const crypto::Ring* ring = nullptr;
};

// Verifies every job's co-signature on up to `options.threads` threads; result i belongs to
// jobs[i]. Workers take the next job from a shared counter (rings differ in size, so equal
// shares would not be equal work) and stop early once one signature fails. Progress is
// reported from this thread only, about every 1% of the jobs.
std::vector<std::optional<Result<crypto::Point>>> VerifySignatures(
    const std::vector<SignatureJob>& jobs, const BundleOptions& options) {
  const std::size_t total = jobs.size();
  std::vector<std::optional<Result<crypto::Point>>> out(total);
  if (options.progress) options.progress(0, total);
  if (total == 0) return out;

  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::condition_variable cv;
  std::size_t done = 0;      // guarded by mu
  std::size_t finished = 0;  // workers that returned; guarded by mu

  auto worker = [&] {
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) break;
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= total) break;
      const SignatureJob& job = jobs[i];
      const CoSignature sig{job.event->letter, job.event->action, job.event->ring_digest,
                            job.event->signature, job.event->scheme};
      out[i].emplace(VerifyCoSignature(sig, *job.ring));  // each slot has one writer
      if (!out[i]->ok()) failed.store(true, std::memory_order_relaxed);
      {
        std::lock_guard<std::mutex> lock(mu);
        ++done;
      }
      cv.notify_one();
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      ++finished;
    }
    cv.notify_one();
  };

  unsigned wanted = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  wanted = std::max(1u, wanted);
  const std::size_t n = std::min<std::size_t>(wanted, total);
  std::vector<std::thread> pool;
  pool.reserve(n);
  try {
    for (std::size_t t = 0; t < n; ++t) pool.emplace_back(worker);
  } catch (const std::system_error&) {
    // The system would not give us another thread: go on with those we have.
  }
  if (pool.empty()) {
    worker();  // verify on this thread instead
  } else {
    const std::size_t workers = pool.size();
    const std::size_t step = std::max<std::size_t>(1, total / 100);
    std::size_t reported = 0;
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      cv.wait(lock, [&] { return finished == workers || done >= reported + step; });
      const std::size_t now = done;
      const bool all = finished == workers;
      if (options.progress && now != reported) {
        lock.unlock();  // never call out while holding the lock the workers need
        options.progress(now, total);
        lock.lock();
      }
      reported = now;
      if (all) break;
    }
  }
  for (auto& t : pool) t.join();
  if (options.progress && pool.empty()) options.progress(done, total);
  return out;
}

}  // namespace

namespace {
// Hash `k` of the list `name` in `what`.
Result<tlog::Hash> HashAt(const Json& h, std::string_view name, std::size_t k,
                          const std::string& what) {
  const std::string hash = std::string(name) + " hash " + std::to_string(k);
  if (!h.is_string()) return InvalidArgument(hash + " in " + what + " must be a string");
  auto parsed = crypto::FixedFromHex<tlog::Hash>(h.get<std::string>(), hash);
  if (!parsed.ok()) return parsed.error().WithContext(what);
  return parsed;
}
}  // namespace

Result<std::vector<tlog::Hash>> HashesFromJson(const Json& list, const std::string& what,
                                               std::string_view name) {
  const std::string field = "'" + std::string(name) + "' in " + what;
  if (!list.is_array()) return InvalidArgument(field + " must be a list of hashes");
  if (list.size() > kMaxProofHashes) {
    return InvalidArgument(field + " has " + std::to_string(list.size()) +
                           " hashes; a proof has at most " + std::to_string(kMaxProofHashes));
  }
  std::vector<tlog::Hash> out;
  out.reserve(list.size());
  for (std::size_t k = 0; k < list.size(); ++k) {
    CANDOR_ASSIGN_OR_RETURN(tlog::Hash hash, HashAt(list[k], name, k, what));
    out.push_back(hash);
  }
  return out;
}

Json HashesToJson(const std::vector<tlog::Hash>& hashes) {
  Json out = Json::array();
  for (const auto& h : hashes) out.push_back(crypto::ToHex(h));
  return out;
}

Json LetterBundleToJson(const LetterBundle& bundle) {
  Json entries = Json::array();
  for (const auto& e : bundle.entries) {
    entries.push_back(Json{
        {"index", e.index}, {"entry", crypto::ToHex(e.entry)}, {"proof", HashesToJson(e.proof)}});
  }
  Json out{{"format", kLetterBundleFormat},
           {"letter_id", crypto::ToHex(bundle.letter_id)},
           {"log_public_key", crypto::ToHex(bundle.log_public_key)},
           {"tree_head", TreeHeadToJson(bundle.tree_head)},
           {"entries", std::move(entries)}};
  if (!bundle.cosignatures.empty()) out["cosignatures"] = CosignaturesToJson(bundle.cosignatures);
  if (!bundle.state.empty()) {
    Json state = Json::array();
    for (const auto& p : bundle.state) state.push_back(StateLeafProofToJson(p));
    out["state"] = std::move(state);
  }
  return out;
}

Result<LetterBundle> LetterBundleFromJson(const Json& j) {
  FieldReader r(
      j, "the bundle",
      {"format", "letter_id", "log_public_key", "tree_head", "entries", "cosignatures", "state"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  CANDOR_ASSIGN_OR_RETURN(std::string format, r.String("format"));
  if (format != kLetterBundleFormat) {
    return InvalidArgument("unknown bundle format " + Quote(format) + " (expected " +
                           Quote(kLetterBundleFormat) + ")");
  }
  LetterBundle b;
  CANDOR_ASSIGN_OR_RETURN(b.letter_id, r.Fixed<LetterId>("letter_id"));
  CANDOR_ASSIGN_OR_RETURN(b.log_public_key, r.Fixed<crypto::SignPublicKey>("log_public_key"));
  CANDOR_ASSIGN_OR_RETURN(const Json* head, r.Value("tree_head"));
  CANDOR_ASSIGN_OR_RETURN(b.tree_head, TreeHeadFromJson(*head));
  CANDOR_ASSIGN_OR_RETURN(const Json* entries, r.Value("entries"));
  if (!entries->is_array()) return InvalidArgument("'entries' in the bundle must be a list");
  b.entries.reserve(entries->size());
  for (std::size_t i = 0; i < entries->size(); ++i) {
    CANDOR_ASSIGN_OR_RETURN(BundleEntry e, EntryFromJson((*entries)[i], i));
    b.entries.push_back(std::move(e));
  }
  if (const Json* c = r.Find("cosignatures")) {
    CANDOR_ASSIGN_OR_RETURN(b.cosignatures, CosignaturesFromJson(*c));
  }
  if (const Json* st = r.Find("state")) {
    // One leaf for the letter and one per organization (at most kMaxOrganizations).
    if (!st->is_array() || st->empty() || st->size() > 1 + kMaxLetterOrganizations) {
      return InvalidArgument("'state' in the bundle must be a list of 1 to " +
                             std::to_string(1 + kMaxLetterOrganizations) + " leaf proofs");
    }
    for (std::size_t i = 0; i < st->size(); ++i) {
      CANDOR_ASSIGN_OR_RETURN(auto p,
                              StateLeafProofFromJson((*st)[i], "state leaf " + std::to_string(i)));
      b.state.push_back(std::move(p));
    }
  }
  return b;
}

Result<tlog::SignedTreeHead> SignedTreeHeadFromJson(const Json& j) { return TreeHeadFromJson(j); }

Json StateLeafProofToJson(const StateLeafProof& proof) {
  return Json{{"leaf", crypto::ToHex(proof.leaf)},
              {"position", proof.position},
              {"proof", HashesToJson(proof.proof)}};
}

Result<StateLeafProof> StateLeafProofFromJson(const Json& j, const std::string& what) {
  FieldReader r(j, what, {"leaf", "position", "proof"});
  CANDOR_RETURN_IF_ERROR(r.Shape());
  StateLeafProof p;
  CANDOR_ASSIGN_OR_RETURN(p.leaf, r.Hex("leaf"));
  CANDOR_ASSIGN_OR_RETURN(p.position, r.Unsigned("position"));
  CANDOR_ASSIGN_OR_RETURN(const Json* proof, r.Value("proof"));
  CANDOR_ASSIGN_OR_RETURN(p.proof, HashesFromJson(*proof, what));
  return p;
}
Json SignedTreeHeadToJson(const tlog::SignedTreeHead& sth) { return TreeHeadToJson(sth); }
Result<BundleEntry> BundleEntryFromJson(const Json& j, std::size_t position) {
  return EntryFromJson(j, position);
}

Result<std::vector<tlog::Cosignature>> CosignaturesFromJson(const Json& j) {
  if (!j.is_array()) return InvalidArgument("'cosignatures' must be a list");
  std::vector<tlog::Cosignature> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    FieldReader r(j[i], "cosignature " + std::to_string(i), {"witness", "timestamp", "signature"});
    CANDOR_RETURN_IF_ERROR(r.Shape());
    tlog::Cosignature c;
    CANDOR_ASSIGN_OR_RETURN(c.witness, r.Fixed<crypto::SignPublicKey>("witness"));
    CANDOR_ASSIGN_OR_RETURN(c.timestamp_s, r.Unsigned("timestamp"));
    CANDOR_ASSIGN_OR_RETURN(c.signature, r.Fixed<crypto::Signature64>("signature"));
    out.push_back(c);
  }
  return out;
}

Json CosignaturesToJson(const std::vector<tlog::Cosignature>& cosignatures) {
  Json out = Json::array();
  for (const auto& c : cosignatures) {
    out.push_back(Json{{"witness", crypto::ToHex(c.witness)},
                       {"timestamp", c.timestamp_s},
                       {"signature", crypto::ToHex(c.signature)}});
  }
  return out;
}

Result<LetterBundle> BuildLetterBundle(
    const LetterId& letter_id, const crypto::SignPublicKey& log_public_key,
    const tlog::SignedTreeHead& tree_head, const tlog::NodeReader& tree,
    std::vector<std::pair<std::uint64_t, crypto::Bytes>> entries) {
  std::sort(entries.begin(), entries.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  LetterBundle b{letter_id, log_public_key, tree_head, {}, {}, {}};
  b.entries.reserve(entries.size());
  for (auto& [index, bytes] : entries) {
    if (index >= tree_head.head.size) {
      return InvalidArgument("log index " + std::to_string(index) + " is not in the tree of " +
                             std::to_string(tree_head.head.size) + " entries");
    }
    CANDOR_ASSIGN_OR_RETURN(auto proof, tlog::InclusionProof(tree, index, tree_head.head.size));
    b.entries.push_back(BundleEntry{index, std::move(bytes), std::move(proof)});
  }
  return b;
}

Result<std::vector<std::uint64_t>> SelectLetterBundleEntries(std::span<const crypto::Bytes> log,
                                                             const LetterId& letter_id) {
  std::vector<LogEvent> events;
  events.reserve(log.size());
  for (std::size_t i = 0; i < log.size(); ++i) {
    auto event = DecodeLogEntry(log[i]);
    if (!event.ok()) return event.error().WithContext("log entry " + std::to_string(i));
    events.push_back(std::move(*event));
  }
  std::map<std::string, std::uint64_t> pinned;  // slug → version
  bool found = false;
  std::set<std::uint64_t> picked;
  for (std::size_t i = 0; i < events.size() && !found; ++i) {
    const auto* letter = std::get_if<LetterEvent>(&events[i]);
    if (letter == nullptr || ComputeLetterId(letter->letter) != letter_id) continue;
    for (std::size_t k = 0; k < letter->letter.organizations.size(); ++k) {
      pinned[letter->letter.organizations[k]] = letter->roster_versions[k];
    }
    picked.insert(i);
    found = true;
  }
  if (!found) {
    return Error(ErrorCode::kNotFound, "the log holds no letter " + crypto::ToHex(letter_id));
  }
  // At a checkpoint (the log ends with its log state), the bundle also shows each roster's
  // version v + 1 when there is one, and the log state itself.
  const bool at_checkpoint =
      !events.empty() && std::holds_alternative<LogStateEvent>(events.back());
  if (at_checkpoint) picked.insert(events.size() - 1);
  auto roster_change = [&](const std::string& slug, std::uint64_t version) {
    auto it = pinned.find(slug);
    return it != pinned.end() &&
           (version <= it->second || (at_checkpoint && version == it->second + 1));
  };
  for (std::size_t i = 0; i < events.size(); ++i) {
    const LogEvent& ev = events[i];
    if (const auto* add = std::get_if<RosterAddEvent>(&ev)) {
      if (roster_change(add->slug, add->version)) picked.insert(i);
    } else if (const auto* remove = std::get_if<RosterRemoveEvent>(&ev)) {
      if (roster_change(remove->slug, remove->version)) picked.insert(i);
    } else if (const auto* batch = std::get_if<SignatureBatchEvent>(&ev)) {
      if (batch->letter != letter_id) continue;
      picked.insert(i);
      // The `count` entries right before the batch are the co-signatures it closes.
      const std::uint64_t from = batch->count >= i ? 0 : i - batch->count;
      for (std::uint64_t k = from; k < i; ++k) picked.insert(k);
    }
  }
  return std::vector<std::uint64_t>(picked.begin(), picked.end());
}

namespace {
// Rule 10 of docs/FORMATS.md, "Letter bundle": the leaves of the log state say the letter's last
// batch and each organization's latest roster version; the bundle must hold every batch, and
// show version v + 1 (after the letter) of each roster that changed since the letter.
Status CheckComplete(const LetterBundle& b, const LogStateEvent& state, const LetterEvent& letter,
                     std::size_t batches,
                     const std::vector<std::optional<std::size_t>>& next_version) {
  const std::size_t orgs = letter.letter.organizations.size();
  const std::string at = "the log state at tree size " + std::to_string(b.tree_head.head.size);
  if (b.state.size() != 1 + orgs) {
    return VerificationFailed(
        "the bundle must hold " + std::to_string(1 + orgs) +
        " leaves of the log state (the letter's and one per organization), not " +
        std::to_string(b.state.size()));
  }
  std::vector<StateLeaf> leaves;
  for (std::size_t i = 0; i < b.state.size(); ++i) {
    auto leaf = VerifyStateLeaf(state, b.state[i]);
    if (!leaf.ok())
      return VerificationFailed("state leaf " + std::to_string(i) + ": " + leaf.error().message());
    leaves.push_back(std::move(*leaf));
  }
  const auto* mine = std::get_if<LetterStateLeaf>(&leaves[0]);
  if (mine == nullptr || mine->letter != b.letter_id) {
    return VerificationFailed("state leaf 0 is not the leaf of letter " +
                              crypto::ToHex(b.letter_id));
  }
  if (mine->last_batch != batches) {
    return VerificationFailed(
        mine->last_batch > batches
            ? "the bundle lacks batches " + std::to_string(batches + 1) + " to " +
                  std::to_string(mine->last_batch) + " of the letter: " + at +
                  " says its last batch is " + std::to_string(mine->last_batch) +
                  ", so co-signatures or withdrawals are left out"
            : "the bundle holds " + std::to_string(batches) + " batches, but " + at +
                  " says the letter's last is " + std::to_string(mine->last_batch));
  }
  for (std::size_t k = 0; k < orgs; ++k) {
    const std::string& slug = letter.letter.organizations[k];
    const std::uint64_t pin = letter.roster_versions[k];
    const auto* org = std::get_if<OrgStateLeaf>(&leaves[1 + k]);
    if (org == nullptr || org->slug != slug) {
      return VerificationFailed("state leaf " + std::to_string(1 + k) +
                                " is not the leaf of organization " + Quote(slug));
    }
    if (org->roster_version < pin) {
      return VerificationFailed(at + " says the roster of " + Quote(slug) + " is at version " +
                                std::to_string(org->roster_version) + ", below the version " +
                                std::to_string(pin) + " the letter pins");
    }
    if (org->roster_version > pin && !next_version[k]) {
      return VerificationFailed(
          "the bundle lacks version " + std::to_string(pin + 1) + " of the roster of " +
          Quote(slug) + ", which " + at +
          " says exists: it must show that the letter pinned the latest version");
    }
    if (org->roster_version == pin && next_version[k]) {
      return VerificationFailed("the bundle shows version " + std::to_string(pin + 1) +
                                " of the roster of " + Quote(slug) + ", but " + at +
                                " says the latest is " + std::to_string(pin));
    }
  }
  return Status::Ok();
}
}  // namespace

namespace {

// What the phases of VerifyLetterBundle learn, each phase from the ones before it. The phases
// are the numbered rules of docs/FORMATS.md ("Verification rules"), one function each, in the
// order they run; the browser's verifier (web/src/crypto/bundle.ts) has the same phases.
struct BundleWalk {
  BundleWalk(const LetterBundle& bundle, const BundleOptions& opts) : b(bundle), options(opts) {}

  const LetterBundle& b;
  const BundleOptions& options;
  std::vector<LogEvent> events;  // 2: entries[i] decoded
  // 3: the letter's entry, its log index, and each organization's position in the letter.
  std::size_t letter_pos = 0;
  const LetterEvent* letter = nullptr;
  std::uint64_t letter_index = 0;
  std::map<std::string, std::size_t, std::less<>> org_of;
  bool has_state = false;  // the tree's last entry is a log state
  // 4: the rosters up to their pinned versions, the positions of co-signatures and batches,
  // and per organization the position of its roster entry of version v + 1, which a bundle
  // with a log state shows (after the letter) when the roster changed after the letter.
  std::vector<Roster> rosters;
  std::vector<std::size_t> cosignatures;
  std::vector<std::size_t> batches;
  std::vector<std::optional<std::size_t>> next_version;
  // 5: the bucket rings per organization, and (organization, digest) → ring.
  std::vector<std::vector<crypto::Ring>> rings;
  std::map<std::pair<std::size_t, crypto::Digest32>, std::size_t> ring_of;
  // 6: co-signature position → the batch that closes it.
  std::vector<std::uint64_t> batch_of;
  // 8: one job per co-signature, its organization, and its tag once verified.
  std::vector<SignatureJob> jobs;
  std::vector<std::size_t> org_of_job;
  std::vector<std::optional<Result<crypto::Point>>> outcomes;

  std::size_t org_count() const { return letter->letter.organizations.size(); }
  std::string Where(std::size_t pos) const { return domain::Where(b, pos, &events[pos]); }
};

// 1. The tree head: the key we were told to expect, its signature, the witnesses we trust,
// and its age.
Status CheckTreeHead(const LetterBundle& b, const BundleOptions& options, BundleReport& report) {
  if (options.expected_log_key && *options.expected_log_key != b.log_public_key) {
    return VerificationFailed("the bundle comes from log key " + crypto::ToHex(b.log_public_key) +
                              ", not the expected log key " +
                              crypto::ToHex(*options.expected_log_key));
  }
  if (auto s = tlog::VerifySignedTreeHead(b.tree_head, b.log_public_key); !s.ok()) {
    return VerificationFailed("the tree head's signature does not verify with log key " +
                              crypto::ToHex(b.log_public_key));
  }
  // The witnesses this verifier trusts must have cosigned that head.
  report.witnessed =
      tlog::CountWitnessed(b.log_public_key, b.tree_head.head, b.cosignatures, options.witnesses);
  if (!options.witnesses.empty()) {
    const std::size_t k =
        options.witness_threshold == 0 ? options.witnesses.size() : options.witness_threshold;
    if (report.witnessed < k) {
      return VerificationFailed(
          "the bundle's tree head is cosigned by " + std::to_string(report.witnessed) +
          " of your witnesses, fewer than the " + std::to_string(k) + " required");
    }
  }
  // Not older than the verifier allows (docs/PROTOCOL.md, "Log state": an honest server makes a
  // checkpoint at least daily).
  constexpr std::uint64_t kClockSkewMs = std::uint64_t{10} * 60 * 1000;
  if (options.max_age_ms != 0 && b.tree_head.head.timestamp_ms > options.now_ms + kClockSkewMs) {
    return VerificationFailed("the bundle's tree head is dated more than 10 minutes in the future");
  }
  if (options.max_age_ms != 0 && options.now_ms > b.tree_head.head.timestamp_ms &&
      options.now_ms - b.tree_head.head.timestamp_ms > options.max_age_ms) {
    const std::uint64_t hours = (options.now_ms - b.tree_head.head.timestamp_ms) / 3'600'000;
    return VerificationFailed(
        "the bundle's tree head is " + std::to_string(hours) + " hours old, older than the " +
        std::to_string(options.max_age_ms / 3'600'000) +
        " hours allowed: its counts may be out of date. Fetch a fresh bundle");
  }
  return Status::Ok();
}

// 2. Every entry: order, inclusion proof, no repeats, strict decoding.
Status DecodeEntries(BundleWalk& w) {
  const LetterBundle& b = w.b;
  w.events.reserve(b.entries.size());
  std::map<tlog::Hash, std::size_t> seen;  // leaf hash → position
  for (std::size_t i = 0; i < b.entries.size(); ++i) {
    const BundleEntry& e = b.entries[i];
    if (i > 0 && e.index <= b.entries[i - 1].index) {
      return VerificationFailed(Where(b, i) + ": entries must be in increasing log index, but " +
                                Where(b, i - 1) + " comes before it");
    }
    const tlog::Hash leaf = tlog::HashLeaf(e.entry);
    if (auto s = tlog::VerifyInclusion(e.index, b.tree_head.head.size, leaf, e.proof,
                                       b.tree_head.head.root);
        !s.ok()) {
      return VerificationFailed(Where(b, i) +
                                ": its inclusion proof does not check against the "
                                "tree head of size " +
                                std::to_string(b.tree_head.head.size) + ": " + s.error().message());
    }
    if (auto [it, fresh] = seen.emplace(leaf, i); !fresh) {
      return VerificationFailed(Where(b, i) + ": repeats " + Where(b, it->second) +
                                " byte for byte");
    }
    auto event = DecodeLogEntry(e.entry);
    if (!event.ok()) {
      return VerificationFailed(Where(b, i) +
                                ": not a valid log entry: " + event.error().message());
    }
    w.events.push_back(std::move(*event));
  }
  return Status::Ok();
}

// 3. The letter: exactly one `letter` entry, of this letter.
Status FindTheLetter(BundleWalk& w) {
  const LetterBundle& b = w.b;
  std::optional<std::size_t> letter_pos;
  for (std::size_t i = 0; i < w.events.size(); ++i) {
    const auto* ev = std::get_if<LetterEvent>(&w.events[i]);
    if (ev == nullptr) continue;
    const LetterId id = ComputeLetterId(ev->letter);
    if (id != b.letter_id) {
      return VerificationFailed(w.Where(i) + ": publishes another letter (" + crypto::ToHex(id) +
                                ")");
    }
    if (letter_pos) {
      return VerificationFailed(w.Where(i) + ": publishes the letter a second time (" +
                                Where(b, *letter_pos) + " did first)");
    }
    letter_pos = i;
  }
  if (!letter_pos) {
    return VerificationFailed("the bundle lacks the 'letter' entry of letter " +
                              crypto::ToHex(b.letter_id));
  }
  w.letter_pos = *letter_pos;
  w.letter = &std::get<LetterEvent>(w.events[*letter_pos]);
  w.letter_index = b.entries[*letter_pos].index;
  for (std::size_t k = 0; k < w.org_count(); ++k) {
    w.org_of.emplace(w.letter->letter.organizations[k], k);
  }
  // A `log-state` entry may only be the tree's last entry, and commits to the entries before it.
  w.has_state = !w.events.empty() && std::holds_alternative<LogStateEvent>(w.events.back());
  return Status::Ok();
}

// Step 4 for one roster entry: a change of a roster the letter names, up to its pinned version
// and before the letter, or the version v + 1 a bundle with a log state shows after it.
Status ApplyRosterChange(BundleWalk& w, std::size_t i, const std::string& slug,
                         const RosterEvent& change) {
  const std::string where = w.Where(i);
  const std::uint64_t index = w.b.entries[i].index;
  auto org = w.org_of.find(slug);
  if (org == w.org_of.end()) {
    return VerificationFailed(where + ": changes the roster of " + Quote(slug) +
                              ", which the letter does not name");
  }
  const std::uint64_t pin = w.letter->roster_versions[org->second];
  Roster& roster = w.rosters[org->second];
  if (change.version == pin + 1 && index < w.letter_index) {
    return VerificationFailed(where + ": makes version " + std::to_string(change.version) +
                              " of the roster of " + Quote(slug) +
                              " before the letter, which pins version " + std::to_string(pin) +
                              ": the letter does not pin the latest roster");
  }
  if (change.version == pin + 1 && w.has_state && !w.next_version[org->second]) {
    w.next_version[org->second] = i;  // shown to prove the roster changed after the letter
    return Status::Ok();
  }
  if (change.version > pin) {
    return VerificationFailed(where + ": makes version " + std::to_string(change.version) +
                              " of the roster of " + Quote(slug) +
                              ", but the letter pins version " + std::to_string(pin));
  }
  if (index > w.letter_index) {
    return VerificationFailed(where + ": makes version " + std::to_string(change.version) +
                              " of the roster of " + Quote(slug) +
                              " after the letter that pins it");
  }
  if (change.version <= roster.version()) {
    return VerificationFailed(where + ": repeats version " + std::to_string(change.version) +
                              " of the roster of " + Quote(slug));
  }
  if (change.version != roster.version() + 1) {
    return VerificationFailed(where + ": makes version " + std::to_string(change.version) +
                              " of the roster of " + Quote(slug) + ", but version " +
                              std::to_string(roster.version() + 1) + " is missing from the bundle");
  }
  if (Status s = roster.Apply(change); !s.ok()) {
    return VerificationFailed(where + ": not a valid change of the roster of " + Quote(slug) +
                              ": " + s.error().message());
  }
  return Status::Ok();
}

// Step 4 for a co-signature or a batch: of this letter, and after it.
Status OfThisLetter(const BundleWalk& w, std::size_t i, const LetterId& id) {
  if (id != w.b.letter_id) {
    return VerificationFailed(w.Where(i) + ": belongs to another letter (" + crypto::ToHex(id) +
                              ")");
  }
  if (w.b.entries[i].index < w.letter_index) {
    return VerificationFailed(w.Where(i) + ": comes before the letter in the log");
  }
  return Status::Ok();
}

// 4. Every other entry, in log order: roster changes, co-signatures, batches, the log state.
Status WalkEntries(BundleWalk& w) {
  w.rosters.assign(w.org_count(), Roster());
  w.next_version.assign(w.org_count(), std::nullopt);
  for (std::size_t i = 0; i < w.events.size(); ++i) {
    const LogEvent& ev = w.events[i];
    const std::uint64_t index = w.b.entries[i].index;
    if (const auto* add = std::get_if<RosterAddEvent>(&ev)) {
      CANDOR_RETURN_IF_ERROR(ApplyRosterChange(w, i, add->slug, ToRosterEvent(*add)));
    } else if (const auto* remove = std::get_if<RosterRemoveEvent>(&ev)) {
      CANDOR_RETURN_IF_ERROR(ApplyRosterChange(w, i, remove->slug, ToRosterEvent(*remove)));
    } else if (const auto* cosig = std::get_if<CoSignatureEvent>(&ev)) {
      CANDOR_RETURN_IF_ERROR(OfThisLetter(w, i, cosig->letter));
      if (w.org_of.find(cosig->slug) == w.org_of.end()) {
        return VerificationFailed(w.Where(i) + ": is made for " + Quote(cosig->slug) +
                                  ", which the letter does not name");
      }
      w.cosignatures.push_back(i);
    } else if (const auto* batch = std::get_if<SignatureBatchEvent>(&ev)) {
      CANDOR_RETURN_IF_ERROR(OfThisLetter(w, i, batch->letter));
      w.batches.push_back(i);
    } else if (const auto* state = std::get_if<LogStateEvent>(&ev)) {
      if (i + 1 != w.events.size() || index + 1 != w.b.tree_head.head.size) {
        return VerificationFailed(w.Where(i) +
                                  ": a log state may only be the last entry of the bundle's tree");
      }
      if (state->size != index) {
        return VerificationFailed(w.Where(i) + ": describes the first " +
                                  std::to_string(state->size) + " entries of the log, not the " +
                                  std::to_string(index) + " before it");
      }
    } else if (!std::holds_alternative<LetterEvent>(ev)) {
      return VerificationFailed(w.Where(i) +
                                ": this kind of entry does not belong in a letter bundle");
    }
  }
  return Status::Ok();
}

// 5. The rosters at their pinned versions, and their rings by the bucket rule.
Status BuildRings(BundleWalk& w, BundleReport& report) {
  w.rings.assign(w.org_count(), {});
  for (std::size_t k = 0; k < w.org_count(); ++k) {
    const std::string& slug = w.letter->letter.organizations[k];
    const std::uint64_t pin = w.letter->roster_versions[k];
    if (const std::uint64_t have = w.rosters[k].version(); have != pin) {
      const std::string missing =
          have + 1 == pin ? "version " + std::to_string(pin)
                          : "versions " + std::to_string(have + 1) + " to " + std::to_string(pin);
      return VerificationFailed("the bundle lacks " + missing + " of the roster of " + Quote(slug) +
                                " (the letter pins version " + std::to_string(pin) + ")");
    }
    const std::vector<crypto::Point> members = w.rosters[k].members();
    if (members.empty()) {
      return VerificationFailed("the roster of " + Quote(slug) + " is empty at version " +
                                std::to_string(pin) + ": nobody could sign");
    }
    OrgCount count{slug, pin, members.size(), {}, 0};
    auto made = RosterRings(members, w.options.max_ring);
    if (!made.ok()) {  // a replayed roster holds distinct valid keys; kept for safety
      return VerificationFailed("the roster of " + Quote(slug) + ": " + made.error().message());
    }
    for (auto& ring : *made) {
      // CheckMinRing's rule, in the verifier's own words (the browser's verifier says the same).
      if (!CheckMinRing(ring.size(), w.options.min_ring).ok()) {
        return VerificationFailed(
            "the roster of " + Quote(slug) + " at version " + std::to_string(pin) +
            " gives a ring of " + std::to_string(ring.size()) +
            " members, below the minimum ring size of " + std::to_string(w.options.min_ring));
      }
      count.ring_sizes.push_back(ring.size());
      w.ring_of.emplace(std::make_pair(k, ring.digest()), w.rings[k].size());
      w.rings[k].push_back(std::move(ring));
    }
    report.organizations.push_back(std::move(count));
  }
  return Status::Ok();
}

// 6. Batches: 1, 2, … each closing the `count` co-signature entries right before it.
Status CheckBatches(BundleWalk& w) {
  const LetterBundle& b = w.b;
  w.batch_of.assign(w.events.size(), 0);
  for (std::size_t n = 0; n < w.batches.size(); ++n) {
    const std::size_t p = w.batches[n];
    const auto& batch = std::get<SignatureBatchEvent>(w.events[p]);
    const std::string where = w.Where(p);
    const std::uint64_t expected = n + 1;
    if (batch.batch != expected) {
      return VerificationFailed(where + ": closes batch " + std::to_string(batch.batch) + ", but " +
                                (batch.batch < expected
                                     ? "that batch was closed before"
                                     : "batch " + std::to_string(expected) + " is missing"));
    }
    const std::uint64_t index = b.entries[p].index;
    if (batch.count > p) {
      return VerificationFailed(where + ": closes the " + std::to_string(batch.count) +
                                " entries before it in the log, but the bundle holds only " +
                                std::to_string(p) + " entries before it");
    }
    for (std::uint64_t t = 1; t <= batch.count; ++t) {
      const std::size_t q = p - t;
      if (b.entries[q].index != index - t) {
        return VerificationFailed(where + ": closes the " + std::to_string(batch.count) +
                                  " entries before it in the log, but log index " +
                                  std::to_string(index - t) + " is not in the bundle");
      }
      if (!std::holds_alternative<CoSignatureEvent>(w.events[q])) {
        return VerificationFailed(where + ": closes the " + std::to_string(batch.count) +
                                  " entries before it in the log, but " + w.Where(q) +
                                  " is not a co-signature");
      }
      w.batch_of[q] = batch.batch;
    }
  }
  for (std::size_t p : w.cosignatures) {
    if (w.batch_of[p] == 0) return VerificationFailed(w.Where(p) + ": lies in no signature batch");
  }
  return Status::Ok();
}

// 7. Completeness, from the log state at the tree head.
Status CheckCompleteness(const BundleWalk& w, BundleReport& report) {
  if (!w.has_state) {
    if (!w.b.state.empty())
      return VerificationFailed("the bundle has state leaves but no log state entry");
    if (w.options.require_complete) {
      return VerificationFailed(
          "the bundle does not prove that it is complete: its tree head is not a checkpoint with a "
          "log state (or "
          "an older server made it), so batches or roster versions may be left out. Fetch a fresh "
          "bundle");
    }
    return Status::Ok();
  }
  CANDOR_RETURN_IF_ERROR(CheckComplete(w.b, std::get<LogStateEvent>(w.events.back()), *w.letter,
                                       w.batches.size(), w.next_version));
  report.complete = true;
  return Status::Ok();
}

// 8. Every co-signature over the ring it names: a v1 one over a bucket, a v2 one over the
// whole roster (its ring built only when some signature needs it). v2 signatures are checked
// in batches of kBundleBatch per organization (one multi-scalar multiplication each) with
// weights from the system's CSPRNG, so that no signer can predict them; v1 ones one per task
// on the worker threads.
Status VerifySignatureEntries(BundleWalk& w, BundleReport& report) {
  const BundleOptions& options = w.options;
  const std::size_t org_count = w.org_count();
  std::vector<std::size_t> v1_jobs;                          // positions in jobs
  std::vector<std::vector<std::size_t>> v2_jobs(org_count);  // per organization
  std::vector<std::optional<crypto::Lrs2Ring>> whole(org_count);
  w.jobs.reserve(w.cosignatures.size());
  for (std::size_t p : w.cosignatures) {
    const auto& cosig = std::get<CoSignatureEvent>(w.events[p]);
    const std::size_t k = w.org_of.find(cosig.slug)->second;  // checked in step 4
    if (cosig.scheme == RingScheme::kV2) {
      if (!whole[k]) {
        auto made = WholeRosterRing(w.rosters[k].members());
        if (!made.ok()) {
          return VerificationFailed(w.Where(p) + ": the roster of " + Quote(cosig.slug) + ": " +
                                    made.error().message());
        }
        whole[k].emplace(std::move(*made));
      }
      if (cosig.ring_digest != whole[k]->digest()) {
        return VerificationFailed(w.Where(p) + ": names ring " + crypto::ToHex(cosig.ring_digest) +
                                  ", but a candor-lrs-v2 signature is over the whole roster of " +
                                  Quote(cosig.slug) + " at roster version " +
                                  std::to_string(w.letter->roster_versions[k]) + " (" +
                                  crypto::ToHex(whole[k]->digest()) + ")");
      }
      v2_jobs[k].push_back(w.jobs.size());
      w.jobs.push_back(SignatureJob{p, &cosig, nullptr});
    } else {
      auto r = w.ring_of.find(std::make_pair(k, cosig.ring_digest));
      if (r == w.ring_of.end()) {
        return VerificationFailed(w.Where(p) + ": names ring " + crypto::ToHex(cosig.ring_digest) +
                                  ", which is not one of the " + "rings of " + Quote(cosig.slug) +
                                  " at roster version " +
                                  std::to_string(w.letter->roster_versions[k]));
      }
      v1_jobs.push_back(w.jobs.size());
      w.jobs.push_back(SignatureJob{p, &cosig, &w.rings[k][r->second]});
    }
    w.org_of_job.push_back(k);
  }
  const std::size_t total = w.jobs.size();
  w.outcomes.assign(total, std::nullopt);
  const std::size_t v2_total = total - v1_jobs.size();
  std::size_t v2_done = 0;
  if (options.progress) options.progress(0, total);
  crypto::SystemRng weights;
  for (std::size_t k = 0; k < org_count; ++k) {
    for (std::size_t from = 0; from < v2_jobs[k].size(); from += kBundleBatch) {
      const std::size_t to = std::min(v2_jobs[k].size(), from + kBundleBatch);
      std::vector<CoSignature> sigs;
      sigs.reserve(to - from);
      for (std::size_t t = from; t < to; ++t) {
        const CoSignatureEvent& e = *w.jobs[v2_jobs[k][t]].event;
        sigs.push_back(CoSignature{e.letter, e.action, e.ring_digest, e.signature, e.scheme});
      }
      std::vector<const CoSignature*> ptrs;
      ptrs.reserve(sigs.size());
      for (const auto& sig : sigs) ptrs.push_back(&sig);
      auto results = VerifyCoSignaturesV2(ptrs, *whole[k], weights);
      bool bad = false;
      for (std::size_t t = from; t < to; ++t) {
        bad = bad || !results[t - from].ok();
        w.outcomes[v2_jobs[k][t]].emplace(std::move(results[t - from]));
      }
      v2_done += to - from;
      if (options.progress) options.progress(v2_done, total);
      if (bad) break;  // reported below, in bundle order
    }
  }
  std::vector<SignatureJob> v1;
  v1.reserve(v1_jobs.size());
  for (std::size_t j : v1_jobs) v1.push_back(w.jobs[j]);
  BundleOptions v1_options = options;
  if (options.progress) {
    v1_options.progress = [&](std::size_t done, std::size_t) {
      if (done != 0) options.progress(v2_total + done, total);
    };
  }
  auto v1_outcomes = VerifySignatures(v1, v1_options);
  for (std::size_t t = 0; t < v1_jobs.size(); ++t) {
    w.outcomes[v1_jobs[t]] = std::move(v1_outcomes[t]);
  }
  for (std::size_t j = 0; j < total; ++j) {  // the first failure in bundle order
    if (w.outcomes[j] && !w.outcomes[j]->ok()) {
      return VerificationFailed(w.Where(w.jobs[j].pos) + ": the signature does not verify: " +
                                w.outcomes[j]->error().message());
    }
  }
  report.signatures_checked = total;
  report.whole_roster_signatures = v2_total;
  return Status::Ok();
}

// 9. Counting by linking tag, in log order: a tag counts once, from the batch where it first
// signs, until the batch of its first withdrawal.
Status CountByTag(const BundleWalk& w, BundleReport& report) {
  struct TagState {
    std::size_t org = 0;
    std::uint64_t sign_batch = 0;
    std::uint64_t withdraw_batch = 0;  // 0: not withdrawn
  };
  const std::size_t org_count = w.org_count();
  std::map<crypto::Point, TagState> signers;
  std::vector<std::pair<crypto::Point, std::size_t>> withdrawals;  // (tag, job)
  for (std::size_t j = 0; j < w.jobs.size(); ++j) {
    const crypto::Point& tag = w.outcomes[j]->value();
    if (w.jobs[j].event->action == SignatureAction::kSign) {
      auto [it, fresh] =
          signers.emplace(tag, TagState{w.org_of_job[j], w.batch_of[w.jobs[j].pos], 0});
      if (!fresh) ++report.duplicates_dropped;
    } else {
      withdrawals.emplace_back(tag, j);
    }
  }
  for (const auto& [tag, j] : withdrawals) {
    auto it = signers.find(tag);
    if (it == signers.end()) {
      return VerificationFailed(w.Where(w.jobs[j].pos) +
                                ": withdraws a signature that the bundle does not hold (no "
                                "'sign' carries its tag)");
    }
    if (it->second.withdraw_batch == 0) {  // the first withdrawal (in log order) is the one
      it->second.withdraw_batch = w.batch_of[w.jobs[j].pos];
    }
  }
  // Per batch, the change in signatories: +1 where a tag first signs, −1 where it is withdrawn
  // (never before it signs: a withdrawal in an earlier batch takes effect with the signature).
  const std::size_t batch_count = w.batches.size();
  std::vector<std::vector<std::int64_t>> delta(batch_count + 1,
                                               std::vector<std::int64_t>(org_count, 0));
  for (const auto& [tag, state] : signers) {
    ++delta[state.sign_batch][state.org];
    if (state.withdraw_batch != 0) {
      --delta[std::max(state.sign_batch, state.withdraw_batch)][state.org];
      ++report.withdrawals;
    }
  }
  std::vector<std::int64_t> running(org_count, 0);
  for (std::size_t n = 0; n < batch_count; ++n) {
    const std::size_t p = w.batches[n];
    const auto& batch = std::get<SignatureBatchEvent>(w.events[p]);
    BatchInfo info{batch.batch, batch.count, batch.published_at_ms, w.b.entries[p].index, 0, {}};
    for (std::size_t k = 0; k < org_count; ++k) {
      running[k] += delta[n + 1][k];
      const auto v = static_cast<std::uint64_t>(running[k]);  // never negative: see above
      info.signers_after_by_org.push_back(v);
      info.signers_after += v;
    }
    report.timeline.push_back(std::move(info));
  }
  for (std::size_t k = 0; k < org_count; ++k) {
    report.organizations[k].signers = static_cast<std::uint64_t>(running[k]);
    report.total += report.organizations[k].signers;
  }
  report.batches = batch_count;
  return Status::Ok();
}

// Phases 1 to 5, shared by VerifyLetterBundle and LetterRingsFromBundle.
Status WalkToRings(BundleWalk& w, BundleReport& report) {
  if (w.options.max_ring == 0) {
    return InvalidArgument("the largest ring (max_ring) must be at least 1");
  }
  report.letter_id = w.b.letter_id;
  report.tree_head = w.b.tree_head;
  report.log_key = w.b.log_public_key;
  CANDOR_RETURN_IF_ERROR(CheckTreeHead(w.b, w.options, report));  // 1
  CANDOR_RETURN_IF_ERROR(DecodeEntries(w));                       // 2
  CANDOR_RETURN_IF_ERROR(FindTheLetter(w));                       // 3
  report.letter = w.letter->letter;
  CANDOR_RETURN_IF_ERROR(WalkEntries(w));         // 4
  CANDOR_RETURN_IF_ERROR(BuildRings(w, report));  // 5
  return Status::Ok();
}

}  // namespace

Result<LetterRings> LetterRingsFromBundle(const LetterBundle& b, const BundleOptions& options) {
  BundleReport report;
  BundleWalk w(b, options);
  CANDOR_RETURN_IF_ERROR(WalkToRings(w, report));  // 1 to 5
  LetterRings out{b.letter_id, w.letter->letter, {}};
  for (std::size_t k = 0; k < w.org_count(); ++k) {
    out.orgs.push_back(LetterRings::Org{w.letter->letter.organizations[k],
                                        w.letter->roster_versions[k], std::move(w.rings[k]),
                                        w.rosters[k].members()});
  }
  return out;
}

Result<BundleReport> VerifyLetterBundle(const LetterBundle& b, const BundleOptions& options) {
  BundleReport report;
  BundleWalk w(b, options);
  CANDOR_RETURN_IF_ERROR(WalkToRings(w, report));             // 1 to 5
  CANDOR_RETURN_IF_ERROR(CheckBatches(w));                    // 6
  CANDOR_RETURN_IF_ERROR(CheckCompleteness(w, report));       // 7
  CANDOR_RETURN_IF_ERROR(VerifySignatureEntries(w, report));  // 8
  CANDOR_RETURN_IF_ERROR(CountByTag(w, report));              // 9
  return report;
}

Result<std::vector<StateLeafProof>> LetterStateProofs(const std::vector<crypto::Bytes>& leaves,
                                                      const Letter& letter) {
  std::vector<StateLeafProof> out;
  const StateTree tree(leaves);  // once, for 1 + k proofs
  CANDOR_ASSIGN_OR_RETURN(auto mine, tree.ProveLetter(ComputeLetterId(letter)));
  out.push_back(std::move(mine));
  for (const auto& slug : letter.organizations) {
    CANDOR_ASSIGN_OR_RETURN(auto org, tree.ProveOrganization(slug));
    out.push_back(std::move(org));
  }
  return out;
}

Result<BundleReport> VerifyLetterBundle(const Json& bundle, const BundleOptions& options) {
  CANDOR_ASSIGN_OR_RETURN(LetterBundle b, LetterBundleFromJson(bundle));
  return VerifyLetterBundle(b, options);
}

Json BundleReportToJson(const BundleReport& report) {
  Json orgs = Json::array();
  for (const auto& o : report.organizations) {
    orgs.push_back(Json{{"slug", o.slug},
                        {"roster_version", o.roster_version},
                        {"roster_size", o.roster_size},
                        {"ring_sizes", o.ring_sizes},
                        {"signers", o.signers}});
  }
  Json timeline = Json::array();
  for (const auto& t : report.timeline) {
    timeline.push_back(Json{{"batch", t.batch},
                            {"count", t.count},
                            {"published_at_ms", t.published_at_ms},
                            {"log_index", t.log_index},
                            {"signers_after", t.signers_after},
                            {"signers_after_by_org", t.signers_after_by_org}});
  }
  return Json{{"letter_id", crypto::ToHex(report.letter_id)},
              {"title", report.letter.title},
              {"log_public_key", crypto::ToHex(report.log_key)},
              {"tree_head", TreeHeadToJson(report.tree_head)},
              {"organizations", std::move(orgs)},
              {"total", report.total},
              {"signatures_checked", report.signatures_checked},
              {"whole_roster_signatures", report.whole_roster_signatures},
              {"withdrawals", report.withdrawals},
              {"duplicates_dropped", report.duplicates_dropped},
              {"batches", report.batches},
              {"timeline", std::move(timeline)},
              {"complete", report.complete}};
}

}  // namespace candor::domain
