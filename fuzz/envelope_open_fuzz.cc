// Fuzzes the candor-env-v1 decoder and opener (src/crypto/envelope.h) with arbitrary bytes.
//
// Input layout:
//   [0]              header length h = byte mod 64
//   [1, 1+h)         the cable header (the AEAD's additional data)
//   the rest         an encoded envelope (docs/FORMATS.md, "Envelope"), any length
//
// The opener's key pair is fixed: the first GenerateBoxKeyPair of SeededRng(1). Seeds in
// fuzz/corpus/envelope_open/: seed-N are envelopes sealed to it and damaged copies, written
// by tools/make_envelope_seeds.cc (`build/tools/make_envelope_seeds fuzz/corpus/envelope_open`);
// the others are seed-0 with one field broken, as their names say (count-zero,
// ct-length-too-large, trailing-byte, wrap-flipped, …).
//
// Must never crash, for any input. Properties checked (a violation aborts):
//   - Decode accepts exactly the inputs the layout allows (magic, 1 ≤ n ≤ 1024,
//     16 ≤ L ≤ kMaxEnvelopeCiphertext, nothing missing or left over), and Encode gives the
//     input back byte for byte (the encoding is canonical);
//   - whenever OpenEnvelope succeeds, the plaintext is len(ct) − 16 bytes, and the same
//     envelope with its nonce changed, or under a different header, is refused.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "crypto/bytes.h"
#include "crypto/envelope.h"
#include "crypto/keys.h"
#include "crypto/rng.h"

namespace {

using candor::crypto::BoxKeyPair;
using candor::crypto::Bytes;
using candor::crypto::ByteSpan;
using candor::crypto::Envelope;

// A property violation: crash so that libFuzzer (and the replay test) report it.
void Check(bool condition) {
  if (!condition) std::abort();
}

const BoxKeyPair& Opener() {
  static const BoxKeyPair* const kOpener = [] {
    candor::crypto::SeededRng rng(1);
    return new BoxKeyPair(candor::crypto::GenerateBoxKeyPair(rng));  // lives for the process
  }();
  return *kOpener;
}

// The layout rules of docs/FORMATS.md, written independently of Envelope::Decode.
bool LayoutAllows(ByteSpan wire) {
  if (wire.size() < 36 || std::memcmp(wire.data(), "CANDORE1", 8) != 0) return false;
  const std::uint64_t n = std::uint64_t{wire[32]} | std::uint64_t{wire[33]} << 8 |
                          std::uint64_t{wire[34]} << 16 | std::uint64_t{wire[35]} << 24;
  if (n < 1 || n > candor::crypto::kMaxEnvelopeRecipients) return false;
  if (wire.size() < 44 + 80 * n) return false;
  const std::uint64_t len = candor::crypto::ReadU64Le(wire.data() + 36 + 80 * n);
  if (len < 16 || len > candor::crypto::kMaxEnvelopeCiphertext) return false;
  return wire.size() - (44 + 80 * n) == len;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t h = data[0] % 64;
  if (size < 1 + h) return 0;
  const ByteSpan header(data + 1, h);
  const ByteSpan wire(data + 1 + h, size - 1 - h);

  auto env = Envelope::Decode(wire);
  Check(env.ok() == LayoutAllows(wire));
  if (!env.ok()) return 0;
  Check(env->Encode() == Bytes(wire.begin(), wire.end()));
  (void)candor::crypto::CableDigest(header, env->ciphertext);

  auto plain = candor::crypto::OpenEnvelope(header, *env, Opener());
  if (!plain.ok()) return 0;
  Check(plain->size() == env->ciphertext.size() - candor::crypto::kEnvelopeTagSize);
  Envelope other_nonce = *env;
  other_nonce.nonce[0] ^= 0x01;
  Check(!candor::crypto::OpenEnvelope(header, other_nonce, Opener()).ok());
  Bytes other_header(header.begin(), header.end());
  other_header.push_back(0x00);
  Check(!candor::crypto::OpenEnvelope(other_header, *env, Opener()).ok());
  return 0;
}
