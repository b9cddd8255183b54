#include "domain/invitation.h"

#include <array>
#include <cstdint>

#include "crypto/transcript.h"

namespace candor::domain {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t kDataSymbols = kInvitationCodeSymbols - 1;  // 26 symbols, 130 bits
constexpr std::size_t kGroup = 4;
// Longer input is refused before it is examined: a code with generous spacing is ~40 bytes.
constexpr std::size_t kMaxTypedBytes = 128;

// Multiplication by α = x in GF(2)[x]/(x^5 + x^2 + 1).
constexpr std::uint8_t TimesAlpha(std::uint8_t v) {
  v = static_cast<std::uint8_t>(v << 1);
  if ((v & 0x20) != 0) v ^= 0x25;
  return v;
}

// Horner evaluation of Σ v_i·α^(n−1−i) over the symbol values.
template <typename Values>
std::uint8_t Syndrome(const Values& values) {
  std::uint8_t acc = 0;
  for (std::uint8_t v : values) acc = static_cast<std::uint8_t>(TimesAlpha(acc) ^ v);
  return acc;
}

// The value of an (upper-case, already mapped) symbol, or -1.
int SymbolValue(char c) {
  const auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

std::string NewInvitationCode(crypto::Rng& rng) {
  std::array<std::uint8_t, 16> random{};
  rng.Fill(random);
  // 128 bits, most significant first, preceded by two zero bits: 26 five-bit symbols.
  std::array<std::uint8_t, kInvitationCodeSymbols> values{};
  unsigned buffer = 0;
  int bits = 2;  // the two leading zero bits
  std::size_t out = 0;
  for (std::uint8_t byte : random) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      values[out++] = static_cast<std::uint8_t>((buffer >> bits) & 0x1f);
    }
  }
  // 2 + 128 = 130 bits = exactly 26 symbols, so nothing is left over.
  // The check symbol c makes the whole syndrome zero: α·s + c = 0, i.e. c = α·s.
  std::array<std::uint8_t, kDataSymbols> data{};
  std::copy(values.begin(), values.begin() + kDataSymbols, data.begin());
  values[kDataSymbols] = TimesAlpha(Syndrome(data));
  std::string normalized;
  for (std::uint8_t v : values) normalized += kAlphabet[v];
  return FormatInvitationCode(normalized);
}

Result<std::string> NormalizeInvitationCode(std::string_view typed) {
  if (typed.size() > kMaxTypedBytes) {
    return InvalidArgument("that is far too long for an invitation code");
  }
  std::string symbols;
  for (char c : typed) {
    if (c == ' ' || c == '\t' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'I' || c == 'L') c = '1';
    if (c == 'O') c = '0';
    if (c == 'U') return InvalidArgument("invitation codes have no letter U: check the code");
    if (SymbolValue(c) < 0) {
      const auto u = static_cast<unsigned char>(c);
      const std::string shown =
          (u >= 0x21 && u <= 0x7e) ? "'" + std::string(1, c) + "'" : "a non-printing character";
      return InvalidArgument(shown + " is not part of any invitation code: check the code");
    }
    symbols += c;
  }
  if (symbols.size() != kInvitationCodeSymbols) {
    return InvalidArgument("an invitation code has " + std::to_string(kInvitationCodeSymbols) +
                           " letters and digits; this has " + std::to_string(symbols.size()));
  }
  std::array<std::uint8_t, kInvitationCodeSymbols> values{};
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    values[i] = static_cast<std::uint8_t>(SymbolValue(symbols[i]));
  }
  // The first symbol carries only 3 bits; larger values never occur in a real code, and a
  // typo there is caught by the check below or by this test.
  if (values[0] > 7 || Syndrome(values) != 0) {
    return InvalidArgument("this invitation code has a typo: check each character");
  }
  return symbols;
}

std::string FormatInvitationCode(std::string_view normalized) {
  std::string out;
  for (std::size_t i = 0; i < normalized.size(); ++i) {
    if (i > 0 && i % kGroup == 0) out += '-';
    out += normalized[i];
  }
  return out;
}

crypto::Digest32 InvitationCodeHash(std::string_view normalized) {
  return crypto::H256("candor/v1/invitation", {crypto::AsBytes(normalized)});
}

}  // namespace candor::domain
