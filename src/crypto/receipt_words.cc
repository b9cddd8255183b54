#include "crypto/receipt_words.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "crypto/init.h"
#include "crypto/transcript.h"

namespace candor::crypto {
namespace {

// Each word padded with zeros to 8 bytes (the longest word's length), so a lookup compares
// fixed-size rows.
constexpr std::size_t kWordBytes = 8;
constexpr char kWords[kBip39WordCount][kWordBytes + 1] = {
#include "crypto/bip39_english.inc"
};
static_assert(sizeof(kWords) / sizeof(kWords[0]) == kBip39WordCount);

// 132 bits (128 of seed, 4 of checksum) and one spare byte, so that every 11-bit group can be
// read from three consecutive bytes.
constexpr std::size_t kPackedBytes = 18;
using Word = std::array<std::uint8_t, kWordBytes>;

// 1 when a == b, else 0, without a branch (both below 2^31).
std::uint32_t EqualBit(std::uint32_t a, std::uint32_t b) { return ((a ^ b) - 1U) >> 31U; }

// The list word at `index`, selected by a masked scan of the whole list.
Word SelectWord(std::uint32_t index) {
  Word out{};
  for (std::uint32_t j = 0; j < kBip39WordCount; ++j) {
    const auto mask = static_cast<std::uint8_t>(0U - EqualBit(j, index));
    for (std::size_t n = 0; n < kWordBytes; ++n) {
      out[n] |= static_cast<std::uint8_t>(static_cast<std::uint8_t>(kWords[j][n]) & mask);
    }
  }
  return out;
}

// The index of `word` in the list and 1, or 0 and 0 when it is not there; a masked scan of
// the whole list.
std::pair<std::uint32_t, std::uint32_t> FindWord(const Word& word) {
  std::uint32_t index = 0;
  std::uint32_t found = 0;
  for (std::uint32_t j = 0; j < kBip39WordCount; ++j) {
    std::uint32_t diff = 0;
    for (std::size_t n = 0; n < kWordBytes; ++n) {
      diff |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(kWords[j][n]) ^ word[n]);
    }
    const std::uint32_t hit = EqualBit(diff, 0);
    index |= j & (0U - hit);
    found |= hit;
  }
  return {index, found};
}

// The 4 checksum bits: the first 4 bits of SHA-256(seed), as the high bits of a byte.
std::uint8_t Checksum(const ReceiptSeed& seed) {
  Digest32 d = Sha256(seed.span());
  const auto c = static_cast<std::uint8_t>(d.bytes[0] & 0xf0U);
  sodium_memzero(d.data(), d.size());
  return c;
}

// Damerau–Levenshtein distance at most 1 (one letter wrong, missing, added, or two neighbours
// swapped). Only for suggesting a word after a failed lookup.
bool OneEditApart(std::string_view a, std::string_view b) {
  if (a == b) return false;
  if (a.size() == b.size()) {
    std::size_t i = 0;
    while (a[i] == b[i]) ++i;
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // one letter wrong
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);  // two neighbours swapped
  }
  if (a.size() + 1 == b.size()) std::swap(a, b);
  if (a.size() != b.size() + 1) return false;
  std::size_t i = 0;
  while (i < b.size() && a[i] == b[i]) ++i;
  return a.substr(i + 1) == b.substr(i);  // one letter added (or, swapped, missing)
}

// The list word a mistyped word was probably meant to be: the one with the same first four
// letters (unique in this list), else the only one a single slip away; empty when unsure.
std::string_view Suggestion(std::string_view typed) {
  std::string_view only;
  int near = 0;
  for (const char* word : kWords) {
    const std::string_view w = word;
    if (typed.size() >= 4 && w.size() >= 4 && typed.substr(0, 4) == w.substr(0, 4)) return w;
    if (OneEditApart(typed, w)) {
      only = w;
      ++near;
    }
  }
  return near == 1 ? only : std::string_view();
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// "1", "12.", "3)": the numbers the pages print before each word.
bool IsWordNumber(std::string_view t) {
  if (!t.empty() && (t.back() == '.' || t.back() == ')')) t.remove_suffix(1);
  if (t.empty() || t.size() > 2) return false;
  for (char c : t) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Lowercases ASCII letters without a branch on the letter.
char Fold(char c) {
  const auto u = static_cast<std::uint8_t>(c);
  const std::uint32_t upper = (static_cast<std::uint32_t>(u - 'A') < 26U) ? 1U : 0U;
  return static_cast<char>(u + (upper << 5U));
}

}  // namespace

ReceiptSeed GenerateReceiptSeed(Rng& rng) {
  ReceiptSeed s;
  rng.Fill(std::span<std::uint8_t>(s.data(), s.size()));
  return s;
}

std::string ReceiptWords(const ReceiptSeed& seed) {
  EnsureSodium();
  std::array<std::uint8_t, kPackedBytes> bits{};
  std::copy(seed.span().begin(), seed.span().end(), bits.begin());
  bits[ReceiptSeed::size()] = Checksum(seed);
  std::string out;
  out.reserve(kReceiptWordCount * (kWordBytes + 1));
  for (std::size_t i = 0; i < kReceiptWordCount; ++i) {
    const std::size_t offset = 11 * i;  // public: which bits, never their values
    const std::size_t k = offset / 8;
    const std::uint32_t three = (std::uint32_t{bits[k]} << 16U) |
                                (std::uint32_t{bits[k + 1]} << 8U) | std::uint32_t{bits[k + 2]};
    const std::uint32_t index = (three >> (24U - 11U - (offset % 8))) & 0x7ffU;
    Word w = SelectWord(index);
    std::size_t length = 0;
    for (std::uint8_t b : w) length += (std::uint32_t{b} + 0xffU) >> 8U;  // 1 for each letter
    if (i > 0) out.push_back(' ');
    out.append(reinterpret_cast<const char*>(w.data()), length);
    sodium_memzero(w.data(), w.size());
  }
  sodium_memzero(bits.data(), bits.size());
  return out;
}

Result<ReceiptSeed> ParseReceiptWords(std::string_view text) {
  EnsureSodium();
  std::vector<std::string_view> tokens;
  for (std::size_t i = 0; i < text.size();) {
    if (IsSpace(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && !IsSpace(text[j])) ++j;
    const std::string_view t = text.substr(i, j - i);
    if (!IsWordNumber(t)) tokens.push_back(t);
    i = j;
  }
  if (tokens.empty()) {
    return InvalidArgument(
        "no receipt given: a receipt is the 12 words shown when the cable was sent (or the long "
        "form starting 'candor-receipt-v1-')");
  }
  if (tokens.size() != kReceiptWordCount) {
    return InvalidArgument("a receipt is 12 words; this has " + std::to_string(tokens.size()) +
                           ": check that no word is missing or written twice");
  }
  std::array<std::uint8_t, kPackedBytes> bits{};
  auto wipe_bits = [&bits] { sodium_memzero(bits.data(), bits.size()); };
  for (std::size_t i = 0; i < kReceiptWordCount; ++i) {
    const std::string_view t = tokens[i];
    const std::string place = "word " + std::to_string(i + 1);
    Word w{};
    bool letters = t.size() <= kWordBytes;
    for (std::size_t n = 0; letters && n < t.size(); ++n) {
      const char c = Fold(t[n]);
      letters = c >= 'a' && c <= 'z';
      w[n] = static_cast<std::uint8_t>(c);
    }
    if (!letters) {
      wipe_bits();
      return InvalidArgument(place +
                             " is not one of the receipt words (they are short English words of "
                             "letters only): check it against your copy");
    }
    const auto [index, found] = FindWord(w);
    if (found == 0) {
      wipe_bits();
      const std::string typed(reinterpret_cast<const char*>(w.data()), t.size());
      const std::string_view guess = Suggestion(typed);
      std::string message = place;
      message += ", '";
      message += typed;
      message += "', is not one of the receipt words";
      if (guess.empty()) {
        message += ": check it against your copy";
      } else {
        message += "; did you mean '";
        message += guess;
        message += "'? Check it against your copy";
      }
      return InvalidArgument(message);
    }
    sodium_memzero(w.data(), w.size());
    for (std::uint32_t b = 0; b < 11; ++b) {  // the index's bits, most significant first
      const std::size_t pos = 11 * i + b;
      const auto bit = static_cast<std::uint8_t>((index >> (10U - b)) & 1U);
      bits[pos / 8] |= static_cast<std::uint8_t>(bit << (7U - (pos % 8)));
    }
  }
  ReceiptSeed seed;
  std::copy_n(bits.begin(), ReceiptSeed::size(), seed.data());
  const std::uint8_t expected = Checksum(seed);
  const std::uint8_t given = bits[ReceiptSeed::size()];
  wipe_bits();
  if (expected != given) {
    return InvalidArgument(
        "these 12 words do not belong together: one of them differs from the receipt you were "
        "shown, or two are in the wrong order. Check each word and its place against your copy");
  }
  return seed;
}

Digest32 ReceiptWordsCableId(const ReceiptSeed& seed) {
  return H256("candor/v1/cable/words-id", {seed.span()});
}

ReceiptSecret ReceiptWordsSecret(const ReceiptSeed& seed) {
  Digest32 d = H256("candor/v1/cable/words-secret", {seed.span()});
  ReceiptSecret r = ReceiptSecretFromBytes(d.span());
  sodium_memzero(d.data(), d.size());
  return r;
}

std::string_view Bip39Word(std::size_t i) { return kWords[i]; }

}  // namespace candor::crypto
