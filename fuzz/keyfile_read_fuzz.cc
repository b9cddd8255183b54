// Fuzzes the key-file reader (src/crypto/keyfile.h): ParseKeyFile, then OpenKeyFileWithKey
// with a fixed key, so the fuzzer spends its time in parsing, authentication and the
// consistency checks rather than in Argon2id.
//
// The fixed key is the `derived_key` of the first element of tests/vectors/keyfile.json
// (Argon2id of "correct horse battery staple" with that file's salt), so the seeds that are
// that file and its damaged copies reach past authentication. Seeds in
// fuzz/corpus/keyfile_read/ are the files of tests/vectors/keyfile.json (vector-NN is
// element NN) plus a few hand-damaged copies of element 0.
//
// Must never crash, for any input. Properties checked (a violation aborts):
//   - ParseKeyFile accepts only kKeyFileSize bytes that start with "CANDORK1";
//   - OpenKeyFileWithKey never succeeds where ParseKeyFile fails;
//   - an opened file is self-consistent: its secrets give the header's public keys.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "crypto/bytes.h"
#include "crypto/keyfile.h"
#include "crypto/keys.h"

namespace {

using candor::crypto::ByteSpan;
using candor::crypto::SymmetricKey;

// A property violation: crash so that libFuzzer (and the replay test) report it.
void Check(bool condition) {
  if (!condition) std::abort();
}

const SymmetricKey& FixedKey() {
  static const SymmetricKey* const kKey = [] {
    auto raw =
        candor::crypto::FromHex("5f3745b39946232239e780e85580958001bafa7e68d796ff6665150f19a77a83");
    Check(raw.ok() && raw->size() == SymmetricKey::kSize);
    auto* key = new SymmetricKey();  // lives for the process
    std::memcpy(key->data(), raw->data(), SymmetricKey::kSize);
    return key;
  }();
  return *kKey;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan file(data, size);
  auto info = candor::crypto::ParseKeyFile(file);
  if (info.ok()) {
    Check(size == candor::crypto::kKeyFileSize && std::memcmp(data, "CANDORK1", 8) == 0);
  }
  auto keys = candor::crypto::OpenKeyFileWithKey(file, FixedKey());
  if (!keys.ok()) return 0;
  Check(info.ok());
  Check(keys->ring.public_key == info->ring_public);
  Check(keys->box.public_key == info->box_public);
  Check(candor::crypto::RingPublicFromSecret(keys->ring.secret) == info->ring_public);
  Check(candor::crypto::BoxPublicFromSecret(keys->box.secret) == info->box_public);
  return 0;
}
