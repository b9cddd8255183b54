// Time-based one-time passwords (RFC 6238), the optional second factor of the named roles.
//
// Candor's TOTP uses HMAC-SHA-256, not the HMAC-SHA-1 most authenticator apps assume:
// every primitive must come from libsodium (CRYPTO.md), and libsodium has no HMAC-SHA-1.
// OtpauthUri therefore always says `algorithm=SHA256`; authenticator apps that honour the
// parameter (FreeOTP, Aegis, 1Password, Bitwarden, …) work, apps that ignore it do not.
//
// Time is always passed in as Unix seconds (house style: inject the clock); nothing here
// reads a clock. All functions are thread-safe and pure apart from NewTotpSecret's `rng`.
#ifndef CANDOR_CRYPTO_TOTP_H_
#define CANDOR_CRYPTO_TOTP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "crypto/bytes.h"
#include "crypto/rng.h"
#include "crypto/secret.h"

namespace candor::crypto {

// The shared secret. 32 bytes: RFC 6238 recommends a key as long as the HMAC output
// (RFC 4226 requires at least 16 bytes and recommends 20).
using TotpSecret = SecretBytes<32, struct TotpSecretTag>;

struct TotpParams {
  unsigned digits = 6;              // 6, 7 or 8
  std::uint64_t step_seconds = 30;  // X in RFC 6238; > 0
  std::uint64_t t0 = 0;             // T0 in RFC 6238
};

// A fresh random secret from `rng`.
TotpSecret NewTotpSecret(Rng& rng);

// RFC 4648 base32 (alphabet A–Z 2–7), without '=' padding: the form authenticator apps read.
std::string Base32Encode(ByteSpan data);
// Accepts upper or lower case and, for convenience when people type a secret, ignores
// spaces; rejects padding, other characters, impossible lengths and non-zero trailing bits.
Result<Bytes> Base32Decode(std::string_view text);
// Base32Decode into a TotpSecret; kInvalidArgument unless it decodes to exactly 32 bytes.
Result<TotpSecret> TotpSecretFromBase32(std::string_view text);

// The time step T = floor((unix_time - t0) / step_seconds); 0 before t0.
std::uint64_t TotpStep(std::uint64_t unix_time, const TotpParams& params = {});

// The code for time step `step` (RFC 4226 HOTP with HMAC-SHA-256 and dynamic truncation),
// zero-padded to params.digits.
// REQUIRES (for every function taking TotpParams): 6 <= digits <= 8, step_seconds > 0.
std::string TotpCodeForStep(ByteSpan key, std::uint64_t step, const TotpParams& params = {});
// The code valid at `unix_time`.
std::string TotpCode(ByteSpan key, std::uint64_t unix_time, const TotpParams& params = {});

// Checks `code` against the steps T-1, T, T+1 around `unix_time` (one step of clock drift
// either way), refusing any step <= `last_used_step` so that an observed code cannot be
// replayed. On success returns the matched step, which the caller must store as the new
// last used step *before* treating the login as successful (with an atomic compare-and-set
// when several server processes share the store).
// Every candidate is computed and compared in constant time, whatever the input.
// Errors: kInvalidArgument when `code` is not exactly params.digits ASCII digits;
// kUnauthenticated when it matches no allowed step (wrong, expired, or already used).
Result<std::uint64_t> VerifyTotp(ByteSpan key, std::string_view code, std::uint64_t unix_time,
                                 std::optional<std::uint64_t> last_used_step,
                                 const TotpParams& params = {});

// The Key URI an authenticator app scans as a QR code:
//   otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA256&digits=6&period=30
// Issuer and account are percent-encoded. kInvalidArgument when either is empty or contains
// a ':' (the Key URI format forbids it in both), or when params.digits is not 6–8.
Result<std::string> OtpauthUri(std::string_view issuer, std::string_view account, ByteSpan key,
                               const TotpParams& params = {});

}  // namespace candor::crypto

#endif  // CANDOR_CRYPTO_TOTP_H_
