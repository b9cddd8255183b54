// Transcripts and the hashes built on them (CRYPTO.md "Notation and encodings").
//
//   tr(label, p1, …, pk) = u64le(len(label)) || label || u64le(len(p1)) || p1 || …
//   Hs  = crypto_core_ristretto255_scalar_reduce(SHA-512(tr(…)))
//   Hp  = crypto_core_ristretto255_from_hash(SHA-512(tr(…)))
//   H256 = SHA-256(tr(…))
//
// The streaming hashers let a caller absorb a common prefix once and copy the state, which
// is how the ring-signature verifier avoids rehashing the message for every ring member.
#ifndef CANDOR_CRYPTO_TRANSCRIPT_H_
#define CANDOR_CRYPTO_TRANSCRIPT_H_

#include <sodium.h>

#include <initializer_list>
#include <span>
#include <string_view>

#include "base/result.h"
#include "crypto/bytes.h"

namespace candor::crypto {

// tr(label, parts…) as bytes.
Bytes Tr(std::string_view label, std::initializer_list<ByteSpan> parts);
// The same, for a number of parts known only at run time.
Bytes TrParts(std::string_view label, std::span<const ByteSpan> parts);

Digest32 H256(std::string_view label, std::initializer_list<ByteSpan> parts);
Scalar Hs(std::string_view label, std::initializer_list<ByteSpan> parts);
Point Hp(std::string_view label, std::initializer_list<ByteSpan> parts);

// Splits tr(label, p_1, …) back into [label, p_1, …] (views into `in`). Error
// (kInvalidArgument) on a truncated length or part, or when there would be more than
// `max_parts` parts — so a decoder bounds its work before looking at any part.
Result<std::vector<ByteSpan>> SplitTranscript(ByteSpan in, std::size_t max_parts);

// Plain SHA-256 of bytes (for RFC 9162 hashing, which is not transcript-framed).
Digest32 Sha256(ByteSpan data);

// Streaming SHA-512 over a transcript. Copyable: a copy continues independently.
class Sha512Transcript {
 public:
  explicit Sha512Transcript(std::string_view label);
  // Absorbs u64le(len(part)) || part.
  Sha512Transcript& Add(ByteSpan part);
  // Finishes (on a copy, so this object may keep absorbing).
  std::array<std::uint8_t, 64> Digest() const;
  Scalar FinishScalar() const;  // Hs
  Point FinishPoint() const;    // Hp

 private:
  crypto_hash_sha512_state state_;
};

// Streaming SHA-256 over a transcript.
class Sha256Transcript {
 public:
  explicit Sha256Transcript(std::string_view label);
  Sha256Transcript& Add(ByteSpan part);
  Digest32 Finish() const;

 private:
  crypto_hash_sha256_state state_;
};

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_TRANSCRIPT_H_
