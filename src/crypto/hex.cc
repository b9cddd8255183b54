#include "crypto/bytes.h"

namespace candor::crypto {
namespace {
constexpr char kDigits[] = "0123456789abcdef";

// The value of a lower-case hex digit, or -1 (all bits set) for anything else, computed
// without a branch or a table lookup on `c` (hex may hold a secret). Upper case is not
// canonical (CRYPTO.md: lowercase only) and is refused like any other character.
int Nibble(unsigned char ch) {
  const int c = ch;
  // ((lo - 1 - c) & (c - hi - 1)) is negative exactly when lo <= c <= hi; >> 8 spreads it.
  const int is_digit = (('0' - 1 - c) & (c - '9' - 1)) >> 8;
  const int is_lower = (('a' - 1 - c) & (c - 'f' - 1)) >> 8;
  return ((c - '0') & is_digit) | ((c - 'a' + 10) & is_lower) | ~(is_digit | is_lower);
}
}  // namespace

std::string ToHex(ByteSpan data) {
  std::string out;
  out.reserve(data.size() * 2);
  for (std::uint8_t b : data) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

Result<Bytes> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgument("hex string has an odd number of characters");
  Bytes out(hex.size() / 2);
  int bad = 0;  // bit 8 set once any character was not a lower-case hex digit
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = Nibble(static_cast<unsigned char>(hex[2 * i]));
    const int lo = Nibble(static_cast<unsigned char>(hex[2 * i + 1]));
    bad |= hi | lo;
    out[i] = static_cast<std::uint8_t>(((hi << 4) | lo) & 0xff);
  }
  if ((bad & 0x100) != 0) {
    // Only a malformed input, no longer secret, is searched for the position to report.
    std::size_t at = 0;
    while (at < hex.size() && Nibble(static_cast<unsigned char>(hex[at])) >= 0) ++at;
    const auto c = static_cast<unsigned char>(hex[at]);
    return InvalidArgument("hex string has a non-hex character at position " + std::to_string(at) +
                           (c >= 'A' && c <= 'F' ? " (hex must be lower-case)" : ""));
  }
  return out;
}

}  // namespace candor::crypto
