// Fuzzes candor-lrs-v2 (src/crypto/lrs2.h): ring construction, signature decoding,
// single and batch verification, with arbitrary rings, messages and signature bytes.
//
// Input layout (an input too short for its own header is ignored):
//   [0, 32)          event id e
//   [32]             message length L (0 … 255)
//   [33, 33+L)       message m
//   [33+L]           ring size n = byte mod 66 (0 … 65: m = 1, 2 and 3, and the empty ring)
//   next 32·n bytes  ring keys P_0 … P_{n-1}
//   the rest         signature wire bytes (any length)
//
// Must never crash, for any input. Properties checked (a violation aborts):
//   - Decode(bytes, n) succeeds exactly for n ≥ 1 and Lrs2SignatureSize(n) bytes, and
//     Encode gives the bytes back;
//   - whenever Lrs2Verify accepts, every point decodes, the signature fails for another
//     event, and a batch of the signature twice is accepted whole;
//   - a batch of the signature and its copy with one flipped byte blames exactly the copy
//     (or both, when the original is bad too).
//
// Seed corpus fuzz/corpus/lrs2_verify/: written from tests/vectors/lrs2.json by
// tools/lrs2_fuzz_seeds.py (the vectors' valid signatures and their one-change mutations).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/lrs2.h"
#include "crypto/ristretto.h"
#include "crypto/rng.h"
#include "ring_fuzz_input.h"

namespace {

using candor::crypto::Bytes;
using candor::crypto::ByteSpan;
using candor::crypto::Digest32;
using candor::crypto::Lrs2BatchItem;
using candor::crypto::Lrs2Ring;
using candor::crypto::Lrs2Signature;
using candor::crypto::Point;
using candor::crypto::Ring;

constexpr std::size_t kMaxRing = 65;

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto input = candor::fuzz::ParseRingFuzzInput(data, size, kMaxRing);
  if (!input) return 0;
  const Digest32& event = input->event;
  const ByteSpan message = input->message;
  const std::vector<Point>& members = input->members;
  const std::size_t n = members.size();
  const ByteSpan wire = input->wire;

  auto sig = Lrs2Signature::Decode(wire, n);
  Check(sig.ok() == (n >= 1 && wire.size() == candor::crypto::Lrs2SignatureSize(n)));
  if (sig.ok()) Check(sig->Encode() == Bytes(wire.begin(), wire.end()));

  auto ring = Ring::Create(members);
  if (!ring.ok()) return 0;
  auto v2 = Lrs2Ring::Create(std::move(*ring));
  Check(v2.ok());
  if (!sig.ok()) return 0;

  const bool accepted = candor::crypto::Lrs2Verify(event, message, *v2, *sig).ok();
  candor::crypto::SeededRng weights(size);
  if (accepted) {
    Check(candor::crypto::IsValidPoint(sig->tag) && candor::crypto::IsValidPoint(sig->key));
    Digest32 other = event;
    other.bytes[0] ^= 0x01;
    Check(!candor::crypto::Lrs2Verify(other, message, *v2, *sig).ok());
    const Lrs2BatchItem twice[] = {{event, message, &*sig}, {event, message, &*sig}};
    Check(candor::crypto::Lrs2VerifyBatch(*v2, twice, weights).empty());
  }
  Lrs2Signature flipped = *sig;
  flipped.z.bytes[3] ^= 0x01;
  const Lrs2BatchItem pair[] = {{event, message, &*sig}, {event, message, &flipped}};
  const auto bad = candor::crypto::Lrs2VerifyBatch(*v2, pair, weights);
  if (accepted) {
    Check(bad == std::vector<std::size_t>{1});
  } else {
    Check(!bad.empty() && bad.front() == 0);
  }
  return 0;
}
