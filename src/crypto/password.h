// Passwords of the named roles (DESIGN.md "Roles": enrollment officers, reviewers,
// administrators log in with a password). Hashes are libsodium's crypto_pwhash_str strings:
// Argon2id with the salt and cost parameters encoded in the string, so that a stored hash can
// always be verified even after the default cost changes (PasswordNeedsRehash says when to
// upgrade it at the next successful login).
//
// All functions are thread-safe. Passwords are taken as std::string_view and never copied
// into long-lived memory; the caller owns (and may wipe) its buffer.
#ifndef CANDOR_CRYPTO_PASSWORD_H_
#define CANDOR_CRYPTO_PASSWORD_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace candor::crypto {

// Policy limits, in Unicode code points (a passphrase of 12 accented letters is as long as
// one of 12 ASCII letters). The maximum bounds the work a request can cause before hashing.
inline constexpr std::size_t kPasswordMinChars = 12;
inline constexpr std::size_t kPasswordMaxChars = 1024;

// Argon2id cost. kModerate (OPSLIMIT_MODERATE, MEMLIMIT_MODERATE: 3 passes, 256 MiB) is the
// production default, the same cost CRYPTO.md uses for key files. kInteractive (2 passes,
// 64 MiB) exists for tests and is weaker: never use it for stored production hashes.
enum class PasswordCost { kModerate, kInteractive };

// OK, or kInvalidArgument with a message meant for the person choosing the password:
// not valid UTF-8, fewer than kPasswordMinChars or more than kPasswordMaxChars code points,
// or containing a control character (NUL, newline, …), which no keyboard login form sends.
[[nodiscard]] Status CheckPasswordPolicy(std::string_view password);

// Checks the policy, then hashes with crypto_pwhash_str (Argon2id, fresh random salt).
// Returns the ASCII hash string ("$argon2id$v=19$m=…,t=…,p=1$…$…") to store.
// Errors: kInvalidArgument (policy), kResourceExhausted (the memory could not be allocated).
Result<std::string> HashPassword(std::string_view password,
                                 PasswordCost cost = PasswordCost::kModerate);

// OK when `password` matches `hash`. The comparison inside libsodium is constant-time.
// Errors: kUnauthenticated on a wrong password (also for one longer than the policy allows,
// which can never have been stored); kCorrupt when `hash` is not an Argon2id hash string.
[[nodiscard]] Status VerifyPassword(std::string_view hash, std::string_view password);

// True when `hash` was made with parameters other than `cost`'s (or another algorithm, or is
// unparsable): after a successful VerifyPassword the caller should store a new
// HashPassword(password) in its place.
bool PasswordNeedsRehash(std::string_view hash, PasswordCost cost = PasswordCost::kModerate);

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_PASSWORD_H_
