#include "cli/cable_client.h"

#include <algorithm>

#include "crypto/ed25519.h"
#include "crypto/envelope.h"
#include "crypto/receipt.h"
#include "crypto/receipt_words.h"
#include "crypto/ristretto.h"
#include "domain/cosignature.h"
#include "domain/letter.h"
#include "server/app/wire_cables.h"
#include "server/app/wire_staff.h"

namespace candor::cli {

std::vector<std::uint64_t> FreeQuotaSlots(
    const crypto::SecretScalar& x, std::uint64_t slots,
    const std::vector<std::pair<std::int64_t, crypto::Point>>& used,
    const std::function<crypto::Digest32(std::uint64_t)>& event) {
  std::vector<std::uint64_t> free;
  for (std::uint64_t slot = 0; slot < slots; ++slot) {
    const crypto::Point tag = crypto::SecretScalarMult(x, crypto::LrsTagBase(event(slot)));
    const bool spent = std::any_of(used.begin(), used.end(), [&](const auto& u) {
      return u.first == static_cast<std::int64_t>(slot) && u.second == tag;
    });
    if (!spent) free.push_back(slot);
  }
  return free;
}
namespace {

using Json = nlohmann::json;

// A field the view must carry for what the caller does with it.
Result<crypto::Bytes> Needed(const std::optional<crypto::Bytes>& value, const char* field) {
  if (!value) return InvalidArgument(std::string("the cable view has no '") + field + "'");
  return *value;
}

}  // namespace

Result<SealedCable> SealCable(const CableDraft& draft, const CableInputs& in,
                              const crypto::MemberKeys& me, crypto::Rng& rng) {
  if (in.reviewers.empty()) {
    return Error(ErrorCode::kFailedPrecondition,
                 "this organization has no reviewers who can receive cables yet; nothing was sent");
  }
  auto signer =
      domain::MemberRingOf(in.roster, me.ring.public_key, in.scheme, in.max_ring, in.min_ring);
  if (!signer.ok()) {
    if (signer.error().code() == ErrorCode::kNotFound) {
      return Error(ErrorCode::kFailedPrecondition,
                   "your key is not on the roster of '" + in.organization + "' (version " +
                       std::to_string(in.roster_version) + "); nothing was sent");
    }
    return Error(signer.error().code(),
                 signer.error().message() + ": so few would hide you; nothing was sent");
  }
  const crypto::Ring& ring = signer->ring();

  // A free quota slot, chosen at random so the slot says nothing about earlier cables.
  const std::vector<std::uint64_t> free =
      FreeQuotaSlots(me.ring.secret, in.quota_slots, in.used_tags, [&](std::uint64_t slot) {
        return domain::CableQuotaEvent(in.organization, in.quota_window, slot);
      });
  if (free.empty()) {
    return Error(ErrorCode::kResourceExhausted,
                 "you have sent as many cables as this organization allows in this period (" +
                     std::to_string(in.quota_slots) +
                     "); you can write again when the period ends");
  }
  const std::uint64_t slot = free[crypto::UniformBelow(rng, free.size())];

  SealedCable out;
  // One 16-byte draw gives the cable's id and receipt secret, so that the twelve receipt words
  // are all the author keeps (crypto/receipt_words.h).
  const crypto::ReceiptSeed seed = crypto::GenerateReceiptSeed(rng);
  out.id = crypto::ReceiptWordsCableId(seed);
  const crypto::ReceiptSecret secret = crypto::ReceiptWordsSecret(seed);
  const crypto::ReceiptKeys keys = crypto::DeriveReceiptKeys(secret);

  domain::CableContent content;
  content.subject = draft.subject;
  content.body = draft.body;
  content.attachments = draft.attachments;
  content.reply_public = keys.reply.public_key;
  std::optional<crypto::SignKeyPair> author_key;
  if (draft.author_name) {
    author_key = crypto::GenerateSignKeyPair(rng);
    CANDOR_ASSIGN_OR_RETURN(crypto::Ring self, crypto::Ring::Create({me.ring.public_key}));
    CANDOR_ASSIGN_OR_RETURN(
        crypto::LrsSignature binding,
        crypto::LrsSign(out.id, domain::CableAuthorBindingMessage(author_key->public_key), self, 0,
                        me.ring.secret, rng));
    content.author = domain::CableAuthorIdentity{*draft.author_name, me.ring.public_key,
                                                 author_key->public_key, binding.Encode()};
  }
  CANDOR_RETURN_IF_ERROR(domain::ValidateCableContent(content));

  domain::CableHeader header;
  header.id = out.id;
  header.organization = in.organization;
  header.author = draft.author_name ? domain::CableAuthor::kNamed : domain::CableAuthor::kAnonymous;
  header.roster_version = in.roster_version;
  header.ring_digest = ring.digest();
  header.quota_window = in.quota_window;
  header.recipients = in.reviewers;
  header.access_hash = keys.access_hash;
  header.scheme = in.scheme;
  header.channel = in.channel;
  CANDOR_RETURN_IF_ERROR(domain::ValidateCableHeader(header));
  const crypto::Bytes header_bytes = domain::CableHeaderBytes(header);
  // Padded to its size bucket before encryption, so the upload's size says only its order
  // of magnitude (docs/FORMATS.md, "Padding").
  crypto::Bytes plaintext = domain::PadCablePlaintext(domain::CableContentToBytes(content));
  auto env = crypto::SealEnvelope(header_bytes, plaintext, in.reviewers, rng);
  crypto::Wipe(plaintext);
  if (!env.ok()) return env.error();
  const crypto::Bytes envelope = env->Encode();
  const crypto::Digest32 digest = crypto::CableDigest(header_bytes, env->ciphertext);
  CANDOR_ASSIGN_OR_RETURN(const crypto::Bytes sig_bytes,
                          signer->Sign(out.id, digest.span(), me.ring.secret, rng));
  CANDOR_ASSIGN_OR_RETURN(
      const crypto::Bytes quota_bytes,
      signer->Sign(domain::CableQuotaEvent(in.organization, in.quota_window, slot), digest.span(),
                   me.ring.secret, rng));
  crypto::Bytes author_sig;
  out.request = Json{{"header", domain::CableHeaderToJson(header)},
                     {"envelope", crypto::ToHex(envelope)},
                     {"signature", crypto::ToHex(sig_bytes)},
                     {"quota_slot", slot},
                     {"quota_signature", crypto::ToHex(quota_bytes)}};
  if (author_key) {
    const crypto::Signature64 s = crypto::Ed25519Sign(digest.span(), author_key->secret_key);
    author_sig.assign(s.begin(), s.end());
    out.request["author_signature"] = crypto::ToHex(s);
  }
  out.submission_digest = domain::CableSubmissionDigest(header_bytes, envelope, sig_bytes, slot,
                                                        quota_bytes, author_sig);
  out.receipt = crypto::ReceiptWords(seed);
  out.ring_size = ring.size();
  return out;
}

Result<Json> ReviewerKeyRegistration(std::string_view slug, const Json& challenge,
                                     const crypto::BoxKeyPair& reviewer) {
  auto read = app::api::ReviewerKeyChallengeFromJson(challenge);
  if (!read.ok()) {
    return Error(ErrorCode::kCorrupt,
                 "the server's reply is not a reviewer-key challenge: " + read.error().message());
  }
  const crypto::BoxPublicKey& server_public = read->server_public;
  const crypto::Bytes context =
      domain::ReviewerKeyProofContext(slug, static_cast<std::uint64_t>(read->account_id));
  CANDOR_ASSIGN_OR_RETURN(crypto::Digest32 proof,
                          crypto::ProveBoxKeyPossession(context, reviewer, server_public));
  return Json{{"reply_public", crypto::ToHex(reviewer.public_key)},
              {"proof", crypto::ToHex(proof)}};
}

Result<OpenedCable> OpenCable(const Json& view, const crypto::BoxKeyPair& reviewer,
                              const domain::OrgState& state, std::size_t max_ring) {
  CANDOR_ASSIGN_OR_RETURN(app::CableView v, app::api::CableViewFromJson(view));
  return OpenCable(v, reviewer, state, max_ring);
}

namespace {

// The wraps the cable's "granted" events add to the envelope of event `seq` (1: the cable),
// so that a reviewer given the cable later opens it like one it was sealed to. A grant that
// does not decode is skipped here; the author's log check and the server refuse it.
void AddGrantedWraps(const app::CableView& v, std::int64_t seq, crypto::Envelope& env) {
  for (const auto& e : v.events) {
    if (e.action != domain::CableAction::kGranted || !e.grant) continue;
    auto grant = domain::DecodeCableGrant(*e.grant);
    if (!grant.ok()) continue;
    for (const auto& [s, wrap] : grant->wraps) {
      if (static_cast<std::int64_t>(s) == seq &&
          env.wrapped_keys.size() < crypto::kMaxEnvelopeRecipients) {
        env.wrapped_keys.push_back(wrap);
      }
    }
  }
}

}  // namespace

Result<OpenedCable> OpenCable(const app::CableView& v, const crypto::BoxKeyPair& reviewer,
                              const domain::OrgState& state, std::size_t max_ring) {
  // The header believed is the one its bytes encode.
  const crypto::Bytes& header_bytes = v.header_bytes;
  CANDOR_ASSIGN_OR_RETURN(domain::CableHeader header, domain::DecodeCableHeader(header_bytes));
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes envelope_bytes, Needed(v.envelope, "envelope"));
  CANDOR_ASSIGN_OR_RETURN(crypto::Envelope env, crypto::Envelope::Decode(envelope_bytes));
  // Both ring signatures, over a ring of the logged roster at the header's version, before the
  // content is believed (security review M3): a cable the server or a database tamperer made
  // up is shown as forged, never as a member's.
  if (header.organization != state.organization) {
    return Error(ErrorCode::kVerificationFailed,
                 "forged: the cable names another organization than this one");
  }
  // Cables are written within a roster epoch (security review M2): a version that is no logged
  // epoch's could only come from a client the server steered, or be made up.
  if (std::find(state.all_epochs.begin(), state.all_epochs.end(), header.roster_version) ==
      state.all_epochs.end()) {
    return Error(ErrorCode::kVerificationFailed, "forged: the cable names roster version " +
                                                     std::to_string(header.roster_version) +
                                                     ", which is no roster epoch of the log");
  }
  auto members = state.roster.members(header.roster_version);
  if (!members.ok()) {
    return Error(ErrorCode::kVerificationFailed, "forged: the cable names roster version " +
                                                     std::to_string(header.roster_version) +
                                                     ", which the log does not hold");
  }
  // The ring the header names: v2 the whole logged roster, v1 one of its buckets.
  domain::MemberRing named;
  named.scheme = header.scheme;
  if (header.scheme == domain::RingScheme::kV2) {
    auto whole = domain::WholeRosterRing(*members);
    if (whole.ok() && whole->digest() == header.ring_digest) named.whole.emplace(std::move(*whole));
  } else if (auto rings = domain::RosterRings(*members, max_ring); rings.ok()) {
    if (const crypto::Ring* r = domain::FindRing(*rings, header.ring_digest)) named.bucket = *r;
  }
  if (!named.whole && !named.bucket) {
    return Error(ErrorCode::kVerificationFailed,
                 "forged: the cable's ring is not one of the logged roster's");
  }
  const crypto::Ring* ring = &named.ring();
  const crypto::Digest32 digest = crypto::CableDigest(header_bytes, env.ciphertext);
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes sig_bytes, Needed(v.signature, "signature"));
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes quota_bytes, Needed(v.quota_signature, "quota_signature"));
  const std::uint64_t slot = v.quota_slot;
  auto sig = named.Verify(header.id, digest.span(), sig_bytes);
  auto quota = named.Verify(domain::CableQuotaEvent(header.organization, header.quota_window, slot),
                            digest.span(), quota_bytes);
  if (!sig.ok() || !quota.ok()) {
    return Error(ErrorCode::kVerificationFailed,
                 "forged: the cable is not signed by a member of the roster");
  }
  crypto::Envelope opened_env = env;  // the signatures cover the ciphertext, not the wraps
  AddGrantedWraps(v, 1, opened_env);
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes plaintext,
                          crypto::OpenEnvelope(header_bytes, opened_env, reviewer));
  auto text = domain::UnpadCablePlaintext(plaintext);
  auto content =
      text.ok() ? domain::CableContentFromBytes(*text) : Result<domain::CableContent>(text.error());
  crypto::Wipe(plaintext);
  if (!content.ok()) return content.error();
  OpenedCable out{header, std::move(*content), false, ring->size()};
  if (header.author == domain::CableAuthor::kNamed) {
    if (!out.content.author)
      return Error(ErrorCode::kVerificationFailed, "a named cable without its author");
    const auto& a = *out.content.author;
    if (std::find(ring->members().begin(), ring->members().end(), a.ring_public) ==
        ring->members().end()) {
      return Error(ErrorCode::kVerificationFailed,
                   "the named author's key is not in the cable's ring");
    }
    CANDOR_ASSIGN_OR_RETURN(crypto::Ring self, crypto::Ring::Create({a.ring_public}));
    CANDOR_ASSIGN_OR_RETURN(auto binding, crypto::LrsSignature::Decode(a.binding, 1));
    CANDOR_RETURN_IF_ERROR(crypto::LrsVerify(
        header.id, domain::CableAuthorBindingMessage(a.signing_public), self, binding));
    // The binding's tag equals the cable signature's tag exactly when the same key made both.
    if (*sig != binding.tag) {
      return Error(ErrorCode::kVerificationFailed, "the named author did not sign this cable");
    }
    CANDOR_ASSIGN_OR_RETURN(crypto::Bytes author_sig,
                            Needed(v.author_signature, "author_signature"));
    CANDOR_ASSIGN_OR_RETURN(
        auto ed, crypto::FixedFromBytes<crypto::Signature64>(author_sig, "author signature"));
    CANDOR_RETURN_IF_ERROR(crypto::Ed25519Verify(digest.span(), ed, a.signing_public));
    out.author_verified = true;
  } else if (out.content.author) {
    return Error(ErrorCode::kVerificationFailed, "an anonymous cable that names an author");
  }
  return out;
}

namespace {

// A message's plaintext (its text; for a follow-up, CableFollowUpToBytes) sealed to `recipients`
// under its message header (PROTOCOL.md, "Events and messages"), padded to its bucket.
Result<Json> SealMessageTo(const domain::CableId& id, domain::CableAction action,
                           crypto::ByteSpan plaintext,
                           const std::vector<crypto::BoxPublicKey>& recipients, crypto::Rng& rng) {
  const crypto::Bytes header = domain::CableMessageHeaderBytes(id, action, recipients);
  crypto::Bytes padded = domain::PadCablePlaintext(plaintext);
  auto sealed = crypto::SealEnvelope(header, padded, recipients, rng);
  crypto::Wipe(padded);
  CANDOR_ASSIGN_OR_RETURN(crypto::Envelope env, std::move(sealed));
  Json keys = Json::array();
  for (const auto& k : recipients) keys.push_back(crypto::ToHex(k));
  return Json{{"id", crypto::ToHex(id)},
              {"action", domain::CableActionName(action)},
              {"recipients", keys},
              {"envelope", crypto::ToHex(env.Encode())}};
}

// A reviewer's message or a follow-up's text: something to read, and no NUL (the padding).
Status CheckMessageText(const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return InvalidArgument("the message is empty");
  if (text.find('\0') != std::string::npos)
    return InvalidArgument("the message must not contain a NUL character");
  return Status::Ok();
}

}  // namespace

Result<Json> SealFollowUp(const domain::CableId& id, const crypto::Digest32& access,
                          const crypto::BoxPublicKey& reply_public,
                          const domain::CableFollowUp& follow_up,
                          const std::vector<crypto::BoxPublicKey>& reviewers, crypto::Rng& rng) {
  CANDOR_RETURN_IF_ERROR(CheckMessageText(follow_up.body));
  CANDOR_RETURN_IF_ERROR(domain::ValidateCableFollowUp(follow_up));
  if (reviewers.empty()) {
    return Error(ErrorCode::kFailedPrecondition,
                 "the organization has no reviewer who can receive messages; nothing was sent");
  }
  std::vector<crypto::BoxPublicKey> recipients{reply_public};
  recipients.insert(recipients.end(), reviewers.begin(), reviewers.end());
  crypto::Bytes plaintext = domain::CableFollowUpToBytes(follow_up);
  auto body = SealMessageTo(id, domain::CableAction::kFollowedUp, plaintext, recipients, rng);
  crypto::Wipe(plaintext);
  if (!body.ok()) return body.error();
  body->erase("action");
  (*body)["access"] = crypto::ToHex(access);
  return body;
}

Result<Json> SealMessage(const domain::CableId& id, domain::CableAction action,
                         const std::string& text, const OpenedCable& opened,
                         const std::vector<crypto::BoxPublicKey>& reviewers, crypto::Rng& rng) {
  if (!domain::CableActionHasMessage(action))
    return InvalidArgument("this action carries no message");
  if (action == domain::CableAction::kFollowedUp)
    return InvalidArgument("only the cable's author sends a follow-up (SealFollowUp)");
  CANDOR_RETURN_IF_ERROR(CheckMessageText(text));
  std::vector<crypto::BoxPublicKey> recipients;
  if (domain::CableMessageReachesAuthor(action)) recipients.push_back(opened.content.reply_public);
  recipients.insert(recipients.end(), reviewers.begin(), reviewers.end());
  return SealMessageTo(id, action, crypto::AsBytes(text), recipients, rng);
}

Result<std::vector<CableMessage>> OpenMessages(const Json& view, const crypto::BoxKeyPair& key,
                                               bool include_notes) {
  CANDOR_ASSIGN_OR_RETURN(app::CableView v, app::api::CableViewFromJson(view));
  return OpenMessages(v, key, include_notes);
}

Result<std::vector<CableMessage>> OpenMessages(const app::CableView& v,
                                               const crypto::BoxKeyPair& key, bool include_notes) {
  std::vector<CableMessage> out;
  for (const auto& e : v.events) {
    if (!domain::CableActionHasMessage(e.action)) continue;
    if (e.action == domain::CableAction::kNoted && !include_notes) continue;
    if (!e.envelope) continue;  // purged
    CANDOR_ASSIGN_OR_RETURN(crypto::Envelope env, crypto::Envelope::Decode(*e.envelope));
    AddGrantedWraps(v, e.seq, env);
    const crypto::Bytes header = domain::CableMessageHeaderBytes(v.id, e.action, e.recipients);
    auto padded = crypto::OpenEnvelope(header, env, key);
    if (!padded.ok()) {
      if (padded.error().code() == ErrorCode::kPermissionDenied) continue;  // not for this key
      return Error(ErrorCode::kVerificationFailed,
                   "message " + std::to_string(e.seq) +
                       " does not open: it was changed after it was written");
    }
    auto text = domain::UnpadCablePlaintext(*padded);
    if (!text.ok()) {
      return Error(ErrorCode::kVerificationFailed,
                   "message " + std::to_string(e.seq) +
                       " is not padded as it must be: " + text.error().message());
    }
    CableMessage m{
        e.seq, e.action, domain::FormatDate(e.date), std::string(text->begin(), text->end()), {}};
    if (e.action == domain::CableAction::kFollowedUp) {  // the author's JSON, with attachments
      auto follow_up = domain::CableFollowUpFromBytes(*text);
      if (!follow_up.ok()) {
        return Error(ErrorCode::kVerificationFailed,
                     "follow-up " + std::to_string(e.seq) +
                         " does not read: " + follow_up.error().message());
      }
      m.text = std::move(follow_up->body);
      m.attachments = std::move(follow_up->attachments);
    }
    out.push_back(std::move(m));
  }
  return out;
}

Result<ReceiptAccess> AccessFromReceipt(std::string_view receipt) {
  CANDOR_ASSIGN_OR_RETURN(domain::CableReceipt r, domain::ParseCableReceipt(receipt));
  crypto::ReceiptKeys keys = crypto::DeriveReceiptKeys(r.secret);
  return ReceiptAccess{r.id, keys.access, std::move(keys.reply)};
}

Result<std::vector<domain::LoggedReviewer>> ChooseCableReaders(
    const domain::OrgState& state, const domain::OrganizationSettings& settings,
    const std::string& channel, const std::vector<std::string>& excluded) {
  std::vector<domain::LoggedReviewer> out = state.reviewers;
  if (!channel.empty()) {
    const domain::CableChannel* c = settings.FindChannel(channel);
    if (c == nullptr) {
      std::string known;
      for (const auto& k : settings.channels) {
        known += (known.empty() ? "" : ", ") + k.id + " (" + k.name + ")";
      }
      return InvalidArgument(
          "'" + state.organization + "' has no channel '" + channel + "'" +
          (known.empty() ? std::string(": it has no channels") : "; its channels are: " + known));
    }
    std::erase_if(out, [&](const domain::LoggedReviewer& r) {
      return !std::binary_search(c->reviewers.begin(), c->reviewers.end(), r.account_id);
    });
  }
  for (const auto& name : excluded) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const domain::LoggedReviewer& r) { return r.username == name; });
    if (it == out.end()) {
      return InvalidArgument("'" + name + "' is not among the reviewers who would read this " +
                             (channel.empty() ? "cable" : "channel's cable") +
                             ", so there is nobody to exclude by that name");
    }
    out.erase(it);
  }
  if (out.empty()) {
    return InvalidArgument(
        "nobody would be left to read this cable: at least one reviewer must remain");
  }
  return out;
}

std::vector<domain::LoggedReviewer> CableReadersNow(const domain::CableHeader& header,
                                                    const std::vector<app::CableEventView>& events,
                                                    const domain::OrgState& state) {
  std::vector<crypto::BoxPublicKey> keys = header.recipients;
  for (const auto& e : events) {
    if (e.action == domain::CableAction::kGranted) {
      keys.insert(keys.end(), e.recipients.begin(), e.recipients.end());
    }
  }
  std::vector<domain::LoggedReviewer> out;
  for (const auto& k : keys) {
    const bool withdrew = std::any_of(events.begin(), events.end(), [&](const auto& e) {
      return e.action == domain::CableAction::kRecused &&
             std::find(e.recipients.begin(), e.recipients.end(), k) != e.recipients.end();
    });
    const bool listed =
        std::any_of(out.begin(), out.end(), [&](const auto& r) { return r.box_public == k; });
    if (withdrew || listed) continue;
    auto it = std::find_if(state.reviewers.begin(), state.reviewers.end(),
                           [&](const domain::LoggedReviewer& r) { return r.box_public == k; });
    if (it != state.reviewers.end()) out.push_back(*it);
  }
  return out;
}

std::vector<crypto::BoxPublicKey> KeysOf(const std::vector<domain::LoggedReviewer>& reviewers) {
  std::vector<crypto::BoxPublicKey> out;
  out.reserve(reviewers.size());
  for (const auto& r : reviewers) out.push_back(r.box_public);
  return out;
}

Result<nlohmann::json> SealCableGrant(const app::CableView& v, const crypto::BoxKeyPair& me,
                                      const crypto::BoxPublicKey& to, crypto::Rng& rng) {
  domain::CableGrant grant;
  grant.to = to;
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes envelope_bytes, Needed(v.envelope, "envelope"));
  CANDOR_ASSIGN_OR_RETURN(crypto::Envelope content, crypto::Envelope::Decode(envelope_bytes));
  AddGrantedWraps(v, 1, content);
  CANDOR_ASSIGN_OR_RETURN(crypto::WrappedKey first,
                          crypto::RewrapEnvelopeKey(v.header_bytes, content, me, to, rng));
  grant.wraps.emplace_back(1, first);
  for (const auto& e : v.events) {
    if (!domain::CableActionHasMessage(e.action) || !e.envelope) continue;
    CANDOR_ASSIGN_OR_RETURN(crypto::Envelope env, crypto::Envelope::Decode(*e.envelope));
    AddGrantedWraps(v, e.seq, env);
    const crypto::Bytes header = domain::CableMessageHeaderBytes(v.id, e.action, e.recipients);
    auto wrap = crypto::RewrapEnvelopeKey(header, env, me, to, rng);
    if (!wrap.ok() && wrap.error().code() == ErrorCode::kPermissionDenied) continue;  // not mine
    if (!wrap.ok()) return wrap.error();
    grant.wraps.emplace_back(static_cast<std::uint64_t>(e.seq), *wrap);
  }
  CANDOR_RETURN_IF_ERROR(domain::ValidateCableGrant(grant));
  return nlohmann::json{{"id", crypto::ToHex(v.id)},
                        {"grant", crypto::ToHex(domain::CableGrantBytes(grant))}};
}

Result<std::vector<domain::LoggedReviewer>> ReviewersToGrant(
    const app::CableView& v, const domain::OrgState& state,
    const domain::OrganizationSettings& settings) {
  std::vector<domain::LoggedReviewer> out;
  if (v.events.empty() || v.events.front().action != domain::CableAction::kSubmitted ||
      !v.events.front().log_index) {
    return out;  // not published yet
  }
  const auto submitted = static_cast<std::uint64_t>(*v.events.front().log_index);
  const std::vector<domain::LoggedReviewer> readers = CableReadersNow(v.header, v.events, state);
  const domain::CableChannel* channel =
      v.header.channel.empty() ? nullptr : settings.FindChannel(v.header.channel);
  for (const auto& r : state.reviewers) {
    const auto since = state.reviewer_since.find(r.account_id);
    const bool later = since != state.reviewer_since.end() && since->second > submitted;
    const bool reads = std::any_of(readers.begin(), readers.end(),
                                   [&](const auto& x) { return x.box_public == r.box_public; });
    const bool withdrew = std::any_of(v.events.begin(), v.events.end(), [&](const auto& e) {
      return e.action == domain::CableAction::kRecused &&
             std::find(e.recipients.begin(), e.recipients.end(), r.box_public) !=
                 e.recipients.end();
    });
    const bool in_channel =
        v.header.channel.empty() ||
        (channel != nullptr &&
         std::binary_search(channel->reviewers.begin(), channel->reviewers.end(), r.account_id));
    if (later && !reads && !withdrew && in_channel) out.push_back(r);
  }
  return out;
}

}  // namespace candor::cli
