// Fuzzes the envelope decoder and opener. Input: byte 0 = header length h (mod 64), then h
// header bytes, then an encoded envelope (docs/FORMATS.md). The opener's key pair is fixed
// (SeededRng(1), first box key pair); seeds in fuzz/corpus/envelope_open/ are envelopes
// sealed to it (written by tools/make_envelope_seeds).
#include <cstddef>
#include <cstdint>

#include "crypto/envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace candor::crypto;  // NOLINT(google-build-using-namespace)
  static const BoxKeyPair* opener = [] {
    SeededRng rng(1);
    return new BoxKeyPair(GenerateBoxKeyPair(rng));
  }();
  if (size == 0) return 0;
  std::size_t h = data[0] % 64;
  if (size < 1 + h) return 0;
  ByteSpan header(data + 1, h);
  auto env = Envelope::Decode(ByteSpan(data + 1 + h, size - 1 - h));
  if (!env.ok()) return 0;
  if (env->Encode().size() != size - 1 - h) __builtin_trap();  // decode/encode must agree
  (void)OpenEnvelope(header, *env, *opener);
  return 0;
}
