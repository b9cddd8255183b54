// Cable envelopes `candor-env-v1` (CRYPTO.md "Cable envelopes").
//
// A cable's body is encrypted once under a fresh content key k, and k is wrapped for each
// recipient (the reviewers) with an X25519 sealed box, so any one of them — and nobody
// else — can read it. The cable's public header is the AEAD's additional data, so a body
// cannot be moved under another header.
//
//   Envelope env = *SealEnvelope(header, body, reviewer_keys, DefaultRng());
//   Bytes stored = env.Encode();                          // docs/FORMATS.md, "Envelope"
//   Digest32 d = CableDigest(header, env.ciphertext);     // what the author signs
//   Bytes body = *OpenEnvelope(header, *Envelope::Decode(stored), my_box_keys);
//
//   ct   = crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad = header, N, k)
//   wrap = crypto_box_seal(k, pk_i)                       // 80 bytes, one per recipient
//
// Properties and limits (read before relying on more):
//   - Confidentiality and integrity against everyone who is not a recipient. Opening checks
//     the ciphertext's tag before any plaintext is returned.
//   - Authorship is not part of the envelope: the author signs CableDigest (Ed25519 for a
//     named author, candor-lrs-v1 for an anonymous one). A recipient can re-encrypt any body
//     to the others, so only that signature says who wrote it.
//   - XChaCha20-Poly1305 does not commit to its key. An author who wraps different content
//     keys for different recipients can (a known, cheap construction against Poly1305
//     AEADs) make one signed ciphertext open to different bodies for different reviewers.
//     Version 1 does not prevent this; reviewers who must be sure they read the same body
//     compare plaintext digests among themselves.
//   - The wraps do not say whose they are (sealed boxes are anonymous), so a recipient
//     tries each: opening costs up to one X25519 operation per recipient.
#ifndef CANDOR_CRYPTO_ENVELOPE_H_
#define CANDOR_CRYPTO_ENVELOPE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"
#include "crypto/keys.h"
#include "crypto/rng.h"

namespace candor::crypto {

// The scheme name carried next to envelopes in Candor's JSON formats.
inline constexpr std::string_view kEnvelopeScheme = "candor-env-v1";

inline constexpr std::size_t kEnvelopeNonceSize = 24;  // XChaCha20-Poly1305 public nonce
inline constexpr std::size_t kEnvelopeTagSize = 16;    // Poly1305 tag at the end of ct
// crypto_box_seal(k): ephemeral public key (32) || crypto_box_easy(k) (32 + 16-byte MAC).
inline constexpr std::size_t kWrappedKeySize = 80;

// Bounds every writer and reader enforces, so a hostile encoding cannot make a reader
// allocate or work without limit.
inline constexpr std::size_t kMaxEnvelopeRecipients = 1024;
inline constexpr std::size_t kMaxEnvelopePlaintext = std::size_t{64} << 20;  // 64 MiB
inline constexpr std::size_t kMaxEnvelopeCiphertext = kMaxEnvelopePlaintext + kEnvelopeTagSize;

using WrappedKey = std::array<std::uint8_t, kWrappedKeySize>;

// An encrypted cable body. A plain value: whether it opens is decided by OpenEnvelope,
// so a decoded envelope and one built in memory go through one rule set. Copyable; not
// synchronised (share it between threads only for reading).
struct Envelope {
  std::array<std::uint8_t, kEnvelopeNonceSize> nonce{};  // N
  Bytes ciphertext;                                      // ct, including its 16-byte tag
  std::vector<WrappedKey> wrapped_keys;  // wrapped_keys[i] is for recipients[i] of the seal

  // The storage encoding (docs/FORMATS.md, "Envelope"):
  //   magic "CANDORE1" (8) || nonce (24) || u32le n || n × wrapped key (80)
  //   || u64le len(ct) || ct
  // REQUIRES: the sizes are within the bounds above (true for anything SealEnvelope or
  // Decode produced); an envelope outside them encodes, but Decode refuses it.
  Bytes Encode() const;

  // Parses exactly one encoding. Error (kInvalidArgument, saying what is wrong) for a wrong
  // magic, n = 0 or n > kMaxEnvelopeRecipients, len(ct) < 16 or > kMaxEnvelopeCiphertext,
  // a truncated input, or any bytes after the ciphertext. Never allocates more than the
  // input's size. Checks nothing cryptographic. Thread-safe.
  static Result<Envelope> Decode(ByteSpan bytes);

  friend bool operator==(const Envelope&, const Envelope&) = default;
};

// Encrypts `plaintext` under `header` for `recipients` (CRYPTO.md "Cable envelopes").
//
// Randomness, in this order, all from `rng` (so a SeededRng reproduces an envelope exactly;
// tests only): k (32 bytes), N (24 bytes), then for each recipient in order an ephemeral
// X25519 secret (32 bytes). Each wrap is built from libsodium's parts exactly as
// crypto_box_seal builds it (epk = X25519(esk, 9); nonce = BLAKE2b-192(epk || pk);
// wrap = epk || crypto_box_easy(k, nonce, pk, esk)), so crypto_box_seal_open opens it.
// k and each esk live in guarded memory and are wiped on every path.
//
// Error (kInvalidArgument) when there are no recipients or more than
// kMaxEnvelopeRecipients, a public key is repeated, a public key is an X25519 point of
// small order (all-zero and the like: no shared secret), or the plaintext exceeds
// kMaxEnvelopePlaintext. On error nothing is returned.
// Thread-safe as long as `rng` is not shared between threads.
Result<Envelope> SealEnvelope(ByteSpan header, ByteSpan plaintext,
                              std::span<const BoxPublicKey> recipients, Rng& rng);

// Decrypts `envelope` as `recipient`: finds the first wrapped key that crypto_box_seal_open
// opens with the key pair, then authenticates and decrypts the ciphertext with `header`.
//
// Error:
//   kPermissionDenied ("not a recipient") when no wrap opens: the key pair is not a
//     recipient, its public half does not belong to its secret, or its wrap was damaged;
//   kVerificationFailed when a wrap opens but the ciphertext does not authenticate: the
//     header, nonce or ciphertext changed, or the wrap belongs to another envelope;
//   kInvalidArgument when the envelope is outside the bounds Decode enforces.
// No plaintext is returned unless the whole ciphertext authenticated; the content key is
// wiped on every path. Thread-safe.
Result<Bytes> OpenEnvelope(ByteSpan header, const Envelope& envelope, const BoxKeyPair& recipient);

// Wraps the content key of `envelope` for one more recipient `to` (issue 15: a reader gives a
// reviewer who joined later access to an earlier cable, on the reader's device; the server
// never holds the key). First opens the envelope as `me` exactly as OpenEnvelope does — so a
// key that does not authenticate the body under `header` is never passed on — then seals the
// content key to `to` as SealEnvelope wraps it (randomness: one ephemeral X25519 secret, 32
// bytes, from `rng`). The envelope with the result appended to its wrapped keys opens for
// `to` to the same plaintext.
// Error: OpenEnvelope's errors for `me`; kInvalidArgument when `to` is a small-order point.
// The content key is wiped on every path. Thread-safe as long as `rng` is not shared.
Result<WrappedKey> RewrapEnvelopeKey(ByteSpan header, const Envelope& envelope,
                                     const BoxKeyPair& me, const BoxPublicKey& to, Rng& rng);

// H256("candor/v1/cable", header, ct): the digest a named author signs with Ed25519 and an
// anonymous author signs as `m` with candor-lrs-v1 (CRYPTO.md). Thread-safe.
Digest32 CableDigest(ByteSpan header, ByteSpan ciphertext);

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_ENVELOPE_H_
