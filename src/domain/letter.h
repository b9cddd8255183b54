// Collective letters: the frozen text and what a co-signature says.
//
// A letter's id is SHA-256 of its canonical bytes, so the id freezes every word of it
// (docs/PROTOCOL.md, "Letters"). A co-signature is a candor-lrs-v1 ring signature with the
// letter id as event id and a statement as message; the statement says whether the signer
// signs or withdraws, so both carry the same tag and link to each other.
#ifndef CANDOR_DOMAIN_LETTER_H_
#define CANDOR_DOMAIN_LETTER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"

namespace candor::domain {

using LetterId = crypto::Digest32;

struct Letter {
  std::string title;
  std::string body;
  // Organizations whose members may sign, by their public slug, in the order given.
  std::vector<std::string> organizations;
  // Signatures are refused after this time (ms since the Unix epoch), if set.
  std::optional<std::uint64_t> closes_at_ms;
  // Signatures stay hidden until this many have been accepted, if set.
  std::optional<std::uint64_t> quorum;
  // The letter this one corrects, if any.
  std::optional<LetterId> supersedes;
};

// Checks the rules a letter must meet before it can be frozen (non-empty title and body,
// at least one organization, no duplicates, sizes within limits).
[[nodiscard]] Status ValidateLetter(const Letter& letter);

// tr("candor/v1/letter", title, body, u64le(k), org_1 … org_k, closes_at, quorum, supersedes)
// where each optional field is empty when unset and u64le / 32 bytes when set.
crypto::Bytes LetterCanonicalBytes(const Letter& letter);

// SHA-256(LetterCanonicalBytes(letter)).
LetterId ComputeLetterId(const Letter& letter);

enum class SignatureAction { kSign, kWithdraw };
std::string_view SignatureActionName(SignatureAction action);
Result<SignatureAction> ParseSignatureAction(std::string_view name);

// The message m of a co-signature: tr("candor/v1/letter/statement", letter_id, action).
crypto::Bytes LetterStatement(const LetterId& letter_id, SignatureAction action);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_LETTER_H_
