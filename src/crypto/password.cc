#include "crypto/password.h"

#include <sodium.h>

#include <cstdint>
#include <optional>
#include <string>

#include "crypto/init.h"

namespace candor::crypto {
namespace {

struct Cost {
  unsigned long long opslimit;
  std::size_t memlimit;
};

Cost CostOf(PasswordCost cost) {
  switch (cost) {
    case PasswordCost::kModerate:
      return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
    case PasswordCost::kInteractive:
      return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
  }
  return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
}

// Number of code points in `s`, or nullopt when `s` is not well-formed UTF-8 (overlong
// forms, surrogates and values above U+10FFFF are rejected, as RFC 3629 requires).
std::optional<std::size_t> CountUtf8(std::string_view s) {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<std::uint8_t>(s[i]);
    std::size_t len;
    std::uint32_t cp;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2;
      cp = b & 0x1Fu;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      cp = b & 0x0Fu;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      cp = b & 0x07u;
    } else {
      return std::nullopt;
    }
    if (i + len > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      auto c = static_cast<std::uint8_t>(s[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    static constexpr std::uint32_t kMinForLen[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLen[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::nullopt;
    }
    i += len;
    ++count;
  }
  return count;
}

}  // namespace

Status CheckPasswordPolicy(std::string_view password) {
  // Check the byte length first so that a huge input is refused without being scanned.
  if (password.size() > 4 * kPasswordMaxChars) {
    return InvalidArgument("password is too long: at most " + std::to_string(kPasswordMaxChars) +
                           " characters");
  }
  auto chars = CountUtf8(password);
  if (!chars) return InvalidArgument("password is not valid UTF-8 text");
  if (*chars < kPasswordMinChars) {
    return InvalidArgument("password is too short: at least " + std::to_string(kPasswordMinChars) +
                           " characters, got " + std::to_string(*chars));
  }
  if (*chars > kPasswordMaxChars) {
    return InvalidArgument("password is too long: at most " + std::to_string(kPasswordMaxChars) +
                           " characters, got " + std::to_string(*chars));
  }
  for (char c : password) {
    auto b = static_cast<std::uint8_t>(c);
    if (b < 0x20 || b == 0x7F) {
      return InvalidArgument("password must not contain control characters (tab, newline, …)");
    }
  }
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  CANDOR_RETURN_IF_ERROR(CheckPasswordPolicy(password));
  EnsureSodium();
  Cost c = CostOf(cost);
  char out[crypto_pwhash_STRBYTES];
  // The salt comes from libsodium's CSPRNG. The algorithm is named explicitly rather than
  // left to crypto_pwhash_ALG_DEFAULT so that a future libsodium cannot change it under us.
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), c.opslimit, c.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error(ErrorCode::kResourceExhausted,
                 "could not allocate the memory to hash the password");
  }
  return std::string(out);
}

Status VerifyPassword(std::string_view hash, std::string_view password) {
  EnsureSodium();
  static constexpr std::string_view kPrefix = "$argon2id$";
  // crypto_pwhash_str_verify needs a NUL-terminated string shorter than STRBYTES.
  if (hash.size() >= crypto_pwhash_STRBYTES || hash.substr(0, kPrefix.size()) != kPrefix ||
      hash.find('\0') != std::string_view::npos) {
    return Error(ErrorCode::kCorrupt, "stored password hash is not an Argon2id hash string");
  }
  if (password.size() > 4 * kPasswordMaxChars) {
    // Cannot match any hash made by HashPassword; refusing early bounds the work.
    return Error(ErrorCode::kUnauthenticated, "wrong password");
  }
  std::string hash_str(hash);
  if (crypto_pwhash_str_verify(hash_str.c_str(), password.data(), password.size()) != 0) {
    return Error(ErrorCode::kUnauthenticated, "wrong password");
  }
  return Status::Ok();
}

bool PasswordNeedsRehash(std::string_view hash, PasswordCost cost) {
  EnsureSodium();
  if (hash.size() >= crypto_pwhash_STRBYTES) return true;
  std::string hash_str(hash);
  Cost c = CostOf(cost);
  // 0: Argon2id with these parameters; 1: other parameters; -1: not an Argon2id string
  // (the generic crypto_pwhash_str_needs_rehash would accept Argon2i hashes too).
  return crypto_pwhash_argon2id_str_needs_rehash(hash_str.c_str(), c.opslimit, c.memlimit) != 0;
}

}  // namespace candor::crypto
