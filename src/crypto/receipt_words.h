// Receipt words: a cable receipt a person can write down by hand (docs/FORMATS.md, "Receipt
// words"; docs/PROTOCOL.md, "Cable receipts").
//
// Twelve words of the BIP-39 English list encode a 16-byte seed s exactly as BIP-39 encodes
// 128 bits of entropy: s followed by the first 4 bits of SHA-256(s), read as twelve 11-bit
// indices, most significant bit first. The cable's id and its receipt secret r both come from s:
//
//   cable id = H256("candor/v1/cable/words-id", s)
//   r        = H256("candor/v1/cable/words-secret", s)
//
// so the words alone find the cable and unlock its replies, as the long receipt
// "candor-receipt-v1-<id hex>-<r hex>" does. 128 bits are the strength of the X25519 key the
// replies are sealed to, so nothing is lost against guessing.
//
// A typed receipt is read leniently about what cannot change its meaning (letter case, any
// white space between words, and the numbers 1. … 12. the pages print before the words) and
// strictly about the words: a word not on the list is named by its place, with the list word
// it was probably meant to be, and the 4-bit checksum catches most other slips (a wrong list
// word or two swapped words), which are then reported as such.
//
// The words are turned into indices and back by scanning the whole list with masks, never by
// indexing it with a secret or branching on a match, so their timing depends only on the words'
// lengths. Thread-safe.
#ifndef CANDOR_CRYPTO_RECEIPT_WORDS_H_
#define CANDOR_CRYPTO_RECEIPT_WORDS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/bytes.h"
#include "crypto/receipt.h"
#include "crypto/rng.h"
#include "crypto/secret.h"

namespace candor::crypto {

inline constexpr std::size_t kReceiptWordCount = 12;
inline constexpr std::size_t kBip39WordCount = 2048;

// The seed s (guarded memory, wiped on destruction).
using ReceiptSeed = SecretBytes<16, struct ReceiptSeedTag>;

// A fresh seed from `rng` (DefaultRng outside tests): 16 bytes, one draw.
ReceiptSeed GenerateReceiptSeed(Rng& rng);

// The twelve words of `seed`: lowercase, separated by single spaces.
std::string ReceiptWords(const ReceiptSeed& seed);

// The seed a typed receipt encodes. Errors (kInvalidArgument), each saying what to check: no
// words; not twelve words; a word not on the list (named by its place, e.g. "word 4,
// 'cabel', is not one of the receipt words; did you mean 'cable'?"); a checksum that does not
// match (a wrong word or two words swapped).
Result<ReceiptSeed> ParseReceiptWords(std::string_view text);

// What the seed derives (see the header comment).
Digest32 ReceiptWordsCableId(const ReceiptSeed& seed);
ReceiptSecret ReceiptWordsSecret(const ReceiptSeed& seed);

// The i-th word of the BIP-39 English list. REQUIRES: i < kBip39WordCount. For tests and
// suggestions only: it indexes the list directly.
std::string_view Bip39Word(std::size_t i);

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_RECEIPT_WORDS_H_
