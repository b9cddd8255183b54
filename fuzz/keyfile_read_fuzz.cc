// Fuzzes the key-file reader: ParseKeyFile, then OpenKeyFileWithKey with a fixed key (so
// the fuzzer exercises parsing, authentication and the consistency checks, not Argon2id).
// Seeds in fuzz/corpus/keyfile_read/ are the files of tests/vectors/keyfile.json.
#include <cstddef>
#include <cstdint>

#include "crypto/keyfile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace candor::crypto;  // NOLINT(google-build-using-namespace)
  ByteSpan file(data, size);
  auto info = ParseKeyFile(file);
  if (!info.ok()) return 0;
  SymmetricKey key;  // all zeros: a fixed, known key
  auto keys = OpenKeyFileWithKey(file, key);
  if (keys.ok() && RingPublicFromSecret(keys->ring.secret) != info->ring_public) {
    __builtin_trap();  // an opened file must be self-consistent
  }
  return 0;
}
