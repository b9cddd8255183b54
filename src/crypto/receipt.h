// The secret an author keeps for a cable (docs/PROTOCOL.md, "Cable receipts").
//
// A cable's author — named or anonymous — comes back for the cable's status and replies with a
// 32-byte receipt secret r drawn when the cable is written. Two values are derived from r, each
// with its own label so neither reveals the other:
//
//   reply key pair:  X25519 secret = H256("candor/v1/cable/reply-secret", r)
//                    (public = X25519 base-point multiple; the reviewers encrypt replies to it)
//   access value a = H256("candor/v1/cable/access", r)
//                    (shown to the server to read the cable's status; never the secret itself)
//   access hash    = H256("candor/v1/cable/access-hash", a)
//                    (in the cable's public header; the server compares against it)
//
// Only the author holds r. The server sees a when the author reads (so a leaked access value
// lets someone read the status and the still-encrypted replies, not decrypt them); the reply
// secret never leaves the author's device.
#ifndef CANDOR_CRYPTO_RECEIPT_H_
#define CANDOR_CRYPTO_RECEIPT_H_

#include <string>

#include "crypto/bytes.h"
#include "crypto/keys.h"
#include "crypto/rng.h"
#include "crypto/secret.h"

namespace candor::crypto {

// The receipt secret r (guarded memory, wiped on destruction).
using ReceiptSecret = SymmetricKey;

// A fresh receipt secret from `rng` (DefaultRng outside tests).
ReceiptSecret GenerateReceiptSecret(Rng& rng);

// Copies 32 bytes into a receipt secret. REQUIRES: bytes.size() == 32.
ReceiptSecret ReceiptSecretFromBytes(ByteSpan bytes);

// Overwrites `bytes` with zeros in a way the compiler cannot drop (sodium_memzero): for
// ordinary buffers that briefly held a secret.
void Wipe(std::span<std::uint8_t> bytes);
// The same for every byte a string holds, up to its capacity; leaves it empty. For the copies
// of a passphrase or password that plain strings make (a parsed request, a typed line).
void WipeString(std::string& text);

// Everything derived from r. The reply secret lives in guarded memory.
struct ReceiptKeys {
  BoxKeyPair reply;      // the author's reply key pair
  Digest32 access;       // a: shown to the server to read the cable
  Digest32 access_hash;  // H256("candor/v1/cable/access-hash", a): in the cable header
};

// Derives the reply key pair, access value and access hash from r, as the header says.
// Thread-safe.
ReceiptKeys DeriveReceiptKeys(const ReceiptSecret& r);

// H256("candor/v1/cable/access-hash", access): what the server stores and compares.
Digest32 AccessHash(const Digest32& access);

// Constant-time equality of two 32-byte values (sodium_memcmp): for comparing a presented
// access value's hash with the stored one.
bool ConstantTimeEqual(const Digest32& a, const Digest32& b);

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_RECEIPT_H_
