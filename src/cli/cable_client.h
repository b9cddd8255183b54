// The author's and the reviewer's side of a dissent cable, as pure functions over what the
// server publishes (no I/O): `candor cable …` uses them, and so do the integration tests.
//
//   SealedCable c = *SealCable(draft, inputs, my_keys, DefaultRng());   // author, on the device
//   POST /api/v1/cables with c.request; keep c.receipt (shown once)
//   OpenedCable o = *OpenCable(view_json, reviewer_box_keys, roster);   // reviewer
//   Json msg = *SealMessage(view_json, kReplied, "text", reviewers);     // reviewer → author
//   auto replies = *ReadAuthorMessages(status_json, receipt);            // author
//
// Every secret (ring secret, reply secret, content key) stays in libsodium-guarded memory in
// src/crypto; nothing here sends anything anywhere.
#ifndef CANDOR_CLI_CABLE_CLIENT_H_
#define CANDOR_CLI_CABLE_CLIENT_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/rng.h"
#include "domain/cable.h"
#include "domain/letter.h"
#include "domain/org_state.h"
#include "server/app/cable_service.h"

namespace candor::cli {

struct CableDraft {
  std::string subject, body;
  std::vector<domain::CableAttachment> attachments;
  std::optional<std::string> author_name;  // set: a named cable
};

// What the server publishes that the author's client needs (GET …/roster, …/reviewers,
// …/cable-quota), plus the client's own limits.
// The quota slots (0 … slots−1) whose tag for the ring secret `x` — x·LrsTagBase(event(slot))
// — is not among `used` (slot, tag) pairs: the slots this member has not spent, found without
// asking the server anything. Cables (domain::CableQuotaEvent) and member-published letters
// (domain::PublishQuotaEvent) alike.
std::vector<std::uint64_t> FreeQuotaSlots(
    const crypto::SecretScalar& x, std::uint64_t slots,
    const std::vector<std::pair<std::int64_t, crypto::Point>>& used,
    const std::function<crypto::Digest32(std::uint64_t)>& event);

struct CableInputs {
  std::string organization;
  std::uint64_t roster_version = 0;
  std::vector<crypto::Point> roster;  // members of that version, in roster order
  std::vector<crypto::BoxPublicKey> reviewers;
  std::uint64_t quota_window = 0;
  std::uint64_t quota_slots = 0;
  std::vector<std::pair<std::int64_t, crypto::Point>> used_tags;  // (slot, tag) of the window
  std::size_t max_ring = domain::kMaxRingSize;
  std::size_t min_ring = domain::kDefaultMinRingSize;
  // candor-lrs-v2: sign within the whole roster; v1: within the member's bucket.
  domain::RingScheme scheme = domain::RingScheme::kV2;
  // The channel the author picked (empty: none); `reviewers` are then some of its reviewers
  // (ChooseCableReaders).
  std::string channel;
};

// Who a new cable goes to (issue 15): the reviewers the log records (`state`, by account id),
// only those of `channel` when one is picked (its members as `settings`, the organization's
// published settings, list them), less those the author excludes (`excluded`: usernames, as
// logged). Error (kInvalidArgument) naming the problem for an unknown channel or excluded name,
// or when nobody would be left to read the cable.
Result<std::vector<domain::LoggedReviewer>> ChooseCableReaders(
    const domain::OrgState& state, const domain::OrganizationSettings& settings,
    const std::string& channel, const std::vector<std::string>& excluded);

// Who can read an existing cable now, and so whom its messages are sealed to: the header's
// recipients, then the keys it was given to ("granted" events among `events`), that the log
// still records as reviewers' keys and that did not withdraw from it ("recused"), in that
// order (as the server requires). A reviewer whom the author excluded is not among them.
std::vector<domain::LoggedReviewer> CableReadersNow(const domain::CableHeader& header,
                                                    const std::vector<app::CableEventView>& events,
                                                    const domain::OrgState& state);
std::vector<crypto::BoxPublicKey> KeysOf(const std::vector<domain::LoggedReviewer>& reviewers);

// Giving a cable to a reviewer who joined later (issue 15; PROTOCOL.md "Giving a later reviewer
// access"). The reviewers it may be given to: current reviewers (as logged) who became
// reviewers after the cable's "submitted" entry — so the author never saw them and left none
// of them out — who do not read it yet, did not withdraw from it, and are in its channel (as
// `settings` says), if it has one.
Result<std::vector<domain::LoggedReviewer>> ReviewersToGrant(
    const app::CableView& view, const domain::OrgState& state,
    const domain::OrganizationSettings& settings);
// The body of POST …/cables/grant: one more wrap, for `to`, of the content key of every envelope
// of the cable that `me` opens (the cable itself and each message sealed or given to `me`),
// made here with crypto::RewrapEnvelopeKey. Error: the envelope errors (a changed ciphertext
// is never passed on).
Result<nlohmann::json> SealCableGrant(const app::CableView& view, const crypto::BoxKeyPair& me,
                                      const crypto::BoxPublicKey& to, crypto::Rng& rng);

// NOLINTNEXTLINE(bugprone-exception-escape): nlohmann::json moves without throwing
struct SealedCable {
  nlohmann::json request;  // the body of POST /api/v1/cables
  std::string receipt;  // the receipt words (crypto/receipt_words.h); show once, never recoverable
  domain::CableId id;
  crypto::Digest32 submission_digest;
  std::size_t ring_size = 0;
};

// Builds, encrypts and signs a cable. Picks a free quota slot at random among those whose tag
// (for this member) is not in `used_tags`.
// Error: kFailedPrecondition when the member is not on the roster or the ring is smaller than
// min_ring (saying so plainly); kResourceExhausted when every quota slot is used (as the
// server answers a spent slot); kInvalidArgument for a draft that breaks
// domain::ValidateCableContent.
Result<SealedCable> SealCable(const CableDraft& draft, const CableInputs& inputs,
                              const crypto::MemberKeys& me, crypto::Rng& rng);

// The body of PUT /api/v1/orgs/{slug}/reviewer-key for `reviewer`'s key: the key and the proof
// that the client holds its secret, from the reply of GET …/reviewer-key/challenge
// ({"server_public", "account_id"}). Error: kCorrupt (BadReply) for a malformed challenge,
// kInvalidArgument for a key or server key that is not a valid X25519 key.
Result<nlohmann::json> ReviewerKeyRegistration(std::string_view slug,
                                               const nlohmann::json& challenge,
                                               const crypto::BoxKeyPair& reviewer);

// A cable as a reviewer reads it, after every check passed.
struct OpenedCable {
  domain::CableHeader header;
  domain::CableContent content;
  bool author_verified = false;  // named: binding and Ed25519 signature checked against the roster
  std::size_t ring_size = 0;     // the members the ring signatures hide the author among
};

// Checks a reviewer's view of a cable (POST …/cables/view) against the organization's logged
// state — the header's roster version is a logged epoch's, its ring is a bucket of the roster
// at that version, and both ring signatures
// (the cable's and the quota's) verify over it (security review M3) — then decrypts it with the
// reviewer's key and, for a named cable, checks the author's binding proof (its tag must equal
// the cable signature's tag, its key must be in the ring) and Ed25519 signature.
// Error: kVerificationFailed, its message starting "forged:", when the cable is not a member's;
// kPermissionDenied when this key is not a recipient; kVerificationFailed when the ciphertext
// or the author's signature does not check; kInvalidArgument for a malformed view.
Result<OpenedCable> OpenCable(const app::CableView& view, const crypto::BoxKeyPair& reviewer,
                              const domain::OrgState& state,
                              std::size_t max_ring = domain::kMaxRingSize);
// The same from the server's JSON (read with app::api::CableViewFromJson first).
Result<OpenedCable> OpenCable(const nlohmann::json& view, const crypto::BoxKeyPair& reviewer,
                              const domain::OrgState& state,
                              std::size_t max_ring = domain::kMaxRingSize);

// The body of POST …/cables/{id}/messages: `text` encrypted for a reply, extension reason or
// closing response (to the author's reply key, then `reviewers`) or a note (`reviewers` only).
// The author's reply key comes from `opened` (it is inside the encrypted cable).
Result<nlohmann::json> SealMessage(const domain::CableId& id, domain::CableAction action,
                                   const std::string& text, const OpenedCable& opened,
                                   const std::vector<crypto::BoxPublicKey>& reviewers,
                                   crypto::Rng& rng);

// The author's follow-up (docs/PROTOCOL.md, "Follow-ups"): its text and attachments
// (domain::CableFollowUpToBytes) sealed under the
// "followed-up" message header to the author's own reply key first (so that the author reads it
// back), then to `reviewers` (the current reviewers, as the logged organization state lists
// them). Returns the body of POST /api/v1/cables/follow-up: id, access, recipients, envelope.
Result<nlohmann::json> SealFollowUp(const domain::CableId& id, const crypto::Digest32& access,
                                    const crypto::BoxPublicKey& reply_public,
                                    const domain::CableFollowUp& follow_up,
                                    const std::vector<crypto::BoxPublicKey>& reviewers,
                                    crypto::Rng& rng);

// One message of a cable, decrypted.
struct CableMessage {
  std::int64_t seq = 0;
  domain::CableAction action = domain::CableAction::kReplied;
  std::string date;
  std::string text;
  std::vector<domain::CableAttachment> attachments;  // a follow-up's
};

// Decrypts every message in a view that `key` can open (the author's reply key, or a
// reviewer's key), checking each envelope against the message header it was sealed under.
// Purged messages are skipped. Error: kVerificationFailed for a message that does not open.
Result<std::vector<CableMessage>> OpenMessages(const app::CableView& view,
                                               const crypto::BoxKeyPair& key, bool include_notes);
Result<std::vector<CableMessage>> OpenMessages(const nlohmann::json& view,
                                               const crypto::BoxKeyPair& key, bool include_notes);

// The access value and reply key of a receipt (domain::ParseCableReceipt + DeriveReceiptKeys).
struct ReceiptAccess {
  domain::CableId id;
  crypto::Digest32 access;
  crypto::BoxKeyPair reply;
};
Result<ReceiptAccess> AccessFromReceipt(std::string_view receipt);

}  // namespace candor::cli

#endif  // CANDOR_CLI_CABLE_CLIENT_H_
