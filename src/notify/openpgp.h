// OpenPGP encryption of the digest to a reviewer's own key, with GPGME (GnuPG's library).
//
// Each call works in a throwaway GnuPG home directory of its own that holds the one public
// key, so no keyring is shared between reviewers or kept on the server, and the key is
// trusted because the reviewer registered it themselves (signed in), not through a web of
// trust. Compression is off: a digest's ciphertext has the same size every day.
//
// Thread-safe (each call has its own context and home). Needs the `gpg` program (Debian's
// gnupg package) at run time.
#ifndef CANDOR_NOTIFY_OPENPGP_H_
#define CANDOR_NOTIFY_OPENPGP_H_

#include <string>
#include <string_view>

#include "base/result.h"

namespace candor::notify {

inline constexpr std::size_t kMaxOpenPgpKeyBytes = std::size_t{64} * 1024;

struct OpenPgpKey {
  std::string fingerprint;  // upper-case hex, as GnuPG writes it
};

// Checks an ASCII-armored public key: exactly one key, no secret key material, not revoked,
// expired or disabled, and able to encrypt. Error (kInvalidArgument) saying which otherwise.
Result<OpenPgpKey> CheckOpenPgpKey(std::string_view armored);

// `plaintext` encrypted to `armored` (which must pass CheckOpenPgpKey), ASCII-armored,
// uncompressed.
Result<std::string> EncryptToOpenPgpKey(std::string_view armored, std::string_view plaintext);

}  // namespace candor::notify

#endif  // CANDOR_NOTIFY_OPENPGP_H_
