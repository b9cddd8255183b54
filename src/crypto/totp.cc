#include "crypto/totp.h"

#include <sodium.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "crypto/init.h"

namespace candor::crypto {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// Parameters come from code, not from input: a bad value is a programming error.
void RequireValidParams(const TotpParams& params) {
  if (params.digits < 6 || params.digits > 8 || params.step_seconds == 0) {
    (void)std::fprintf(stderr, "candor: fatal: invalid TotpParams (digits %u, step %llu)\n",
                       params.digits, static_cast<unsigned long long>(params.step_seconds));
    std::abort();
  }
}

std::uint32_t Pow10(unsigned digits) {
  std::uint32_t p = 1;
  for (unsigned i = 0; i < digits; ++i) p *= 10;
  return p;
}

// The code as a fixed-width array of ASCII digits (no heap allocation, so the constant-time
// comparison in VerifyTotp works on same-sized buffers).
std::array<char, 8> CodeDigits(ByteSpan key, std::uint64_t step, const TotpParams& params) {
  EnsureSodium();
  // RFC 4226 §5.2: the counter is an 8-byte big-endian integer.
  std::array<std::uint8_t, 8> counter{};
  for (int i = 7; i >= 0; --i) {
    counter[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(step);
    step >>= 8;
  }
  std::array<std::uint8_t, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  // The _init/_update/_final form accepts keys of any length (crypto_auth_hmacsha256 itself
  // requires exactly 32 bytes), which the RFC 6238 test keys need.
  crypto_auth_hmacsha256_init(&state, key.data(), key.size());
  crypto_auth_hmacsha256_update(&state, counter.data(), counter.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  // RFC 4226 §5.3 dynamic truncation: the low nibble of the last byte picks 4 bytes, whose
  // top bit is cleared so the value is the same signed or unsigned.
  std::size_t offset = mac[mac.size() - 1] & 0x0Fu;
  std::uint32_t bin = (static_cast<std::uint32_t>(mac[offset] & 0x7Fu) << 24) |
                      (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                      (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                      static_cast<std::uint32_t>(mac[offset + 3]);
  sodium_memzero(mac.data(), mac.size());
  std::uint32_t value = bin % Pow10(params.digits);
  std::array<char, 8> out{};
  for (unsigned i = params.digits; i > 0; --i) {
    out[i - 1] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out;
}

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    if (IsUnreserved(c)) {
      out += c;
    } else {
      auto b = static_cast<std::uint8_t>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0x0F];
    }
  }
  return out;
}

}  // namespace

TotpSecret NewTotpSecret(Rng& rng) {
  TotpSecret secret;
  rng.Fill(std::span<std::uint8_t>(secret.data(), secret.size()));
  return secret;
}

std::string Base32Encode(ByteSpan data) {
  std::string out;
  out.reserve((data.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : data) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += kBase32Alphabet[(buffer >> bits) & 0x1Fu];
    }
    buffer &= (1u << bits) - 1;  // keep only the bits not yet emitted
  }
  if (bits > 0) out += kBase32Alphabet[(buffer << (5 - bits)) & 0x1Fu];
  return out;
}

Result<Bytes> Base32Decode(std::string_view text) {
  Bytes out;
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t symbols = 0;
  for (char c : text) {
    if (c == ' ') continue;
    std::uint32_t v;
    if (c >= 'A' && c <= 'Z') {
      v = static_cast<std::uint32_t>(c - 'A');
    } else if (c >= 'a' && c <= 'z') {
      v = static_cast<std::uint32_t>(c - 'a');
    } else if (c >= '2' && c <= '7') {
      v = static_cast<std::uint32_t>(c - '2') + 26;
    } else if (c == '=') {
      return InvalidArgument("base32 must be written without '=' padding");
    } else {
      return InvalidArgument("base32 may only contain the letters A-Z and digits 2-7");
    }
    ++symbols;
    buffer = (buffer << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
      buffer &= (1u << bits) - 1;
    }
  }
  // A final group of 8 symbols holds 5 bytes; partial groups of 2, 4, 5 or 7 symbols hold
  // 1–4 bytes. 1, 3 or 6 symbols cannot come from any byte string.
  std::size_t rest = symbols % 8;
  if (rest == 1 || rest == 3 || rest == 6) {
    return InvalidArgument("base32 text has an impossible length");
  }
  // The unused low bits of the last symbol must be zero, or two texts would decode alike.
  if (buffer != 0) return InvalidArgument("base32 text has non-zero trailing bits");
  return out;
}

Result<TotpSecret> TotpSecretFromBase32(std::string_view text) {
  auto raw = Base32Decode(text);
  if (!raw.ok()) return raw.error().WithContext("TOTP secret");
  if (raw->size() != TotpSecret::kSize) {
    std::size_t got = raw->size();
    sodium_memzero(raw->data(), raw->size());
    return InvalidArgument("TOTP secret must be " + std::to_string(TotpSecret::kSize) +
                           " bytes, got " + std::to_string(got));
  }
  TotpSecret secret;
  std::copy(raw->begin(), raw->end(), secret.data());
  sodium_memzero(raw->data(), raw->size());
  return secret;
}

std::uint64_t TotpStep(std::uint64_t unix_time, const TotpParams& params) {
  RequireValidParams(params);
  if (unix_time < params.t0) return 0;
  return (unix_time - params.t0) / params.step_seconds;
}

std::string TotpCodeForStep(ByteSpan key, std::uint64_t step, const TotpParams& params) {
  RequireValidParams(params);
  auto digits = CodeDigits(key, step, params);
  return std::string(digits.data(), params.digits);
}

std::string TotpCode(ByteSpan key, std::uint64_t unix_time, const TotpParams& params) {
  return TotpCodeForStep(key, TotpStep(unix_time, params), params);
}

Result<std::uint64_t> VerifyTotp(ByteSpan key, std::string_view code, std::uint64_t unix_time,
                                 std::optional<std::uint64_t> last_used_step,
                                 const TotpParams& params) {
  RequireValidParams(params);
  if (code.size() != params.digits) {
    return InvalidArgument("the code must be " + std::to_string(params.digits) + " digits");
  }
  std::array<char, 8> given{};
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (code[i] < '0' || code[i] > '9') {
      return InvalidArgument("the code must be " + std::to_string(params.digits) + " digits");
    }
    given[i] = code[i];
  }
  std::uint64_t now = TotpStep(unix_time, params);
  // Candidates in increasing order; the first (smallest) allowed match wins, so that a
  // code from the previous step does not burn the current one.
  std::optional<std::uint64_t> matched;
  bool replayed = false;
  for (int delta = -1; delta <= 1; ++delta) {
    if (delta < 0 && now == 0) continue;
    std::uint64_t step = delta < 0 ? now - 1 : now + static_cast<std::uint64_t>(delta);
    auto expected = CodeDigits(key, step, params);
    // sodium_memcmp runs in time independent of the contents.
    bool equal = sodium_memcmp(expected.data(), given.data(), expected.size()) == 0;
    sodium_memzero(expected.data(), expected.size());
    if (!equal) continue;
    if (last_used_step && step <= *last_used_step) {
      replayed = true;
      continue;
    }
    if (!matched) matched = step;
  }
  sodium_memzero(given.data(), given.size());
  if (matched) return *matched;
  if (replayed) return Error(ErrorCode::kUnauthenticated, "this code has already been used");
  return Error(ErrorCode::kUnauthenticated, "wrong or expired code");
}

Result<std::string> OtpauthUri(std::string_view issuer, std::string_view account, ByteSpan key,
                               const TotpParams& params) {
  if (issuer.empty() || account.empty()) {
    return InvalidArgument("otpauth URI needs a non-empty issuer and account name");
  }
  if (issuer.find(':') != std::string_view::npos || account.find(':') != std::string_view::npos) {
    return InvalidArgument("otpauth URI issuer and account name must not contain ':'");
  }
  if (params.digits < 6 || params.digits > 8 || params.step_seconds == 0) {
    return InvalidArgument("otpauth URI needs 6 to 8 digits and a non-zero period");
  }
  std::string issuer_enc = PercentEncode(issuer);
  // The label's separator stays a literal ':' (the Key URI format allows "%3A" too, but
  // some apps only understand the literal form).
  return "otpauth://totp/" + issuer_enc + ":" + PercentEncode(account) +
         "?secret=" + Base32Encode(key) + "&issuer=" + issuer_enc +
         "&algorithm=SHA256&digits=" + std::to_string(params.digits) +
         "&period=" + std::to_string(params.step_seconds);
}

}  // namespace candor::crypto
