// Fuzzes candor-lrs-v1 ring construction, signature decoding and verification
// (src/crypto/lrs.h) with arbitrary rings, messages and signature bytes.
//
// Input layout (an input too short for its own header is ignored):
//   [0, 32)          event id e
//   [32]             message length L (0 … 255)
//   [33, 33+L)       message m
//   [33+L]           ring size n = byte mod 33 (0 … 32; 0 exercises the empty-ring rule)
//   next 32·n bytes  ring keys P_0 … P_{n-1}
//   the rest         signature wire bytes c0 || s_0 … s_{n-1} || I (any length)
//
// Must never crash, for any input. Properties checked (a violation aborts):
//   - Decode(bytes, n) succeeds only for exactly 32·(n+2) bytes, and Encode gives them back;
//   - a Ring that Create accepts has n members and IndexOf finds each at its position;
//   - whenever LrsVerify accepts, the tag is a valid point, the scalars are canonical, and
//     the same signature does not verify for another event (the event is bound).
//
// Seed corpus fuzz/corpus/lrs_verify/: written by tools/make_lrs_seeds.cc
// (`build/tools/make_lrs_seeds fuzz/corpus/lrs_verify`): valid signatures for n = 1, 2, 4
// and mutations of them (flipped byte, identity tag, truncated, over-long, non-canonical
// response, repeated ring key, invalid ring key, empty ring).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/lrs.h"
#include "crypto/ristretto.h"
#include "ring_fuzz_input.h"

namespace {

using candor::crypto::Bytes;
using candor::crypto::ByteSpan;
using candor::crypto::Digest32;
using candor::crypto::LrsSignature;
using candor::crypto::Point;
using candor::crypto::Ring;

constexpr std::size_t kMaxRing = 32;

// A property violation: crash so that libFuzzer (and the replay test) report it.
void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckAccepted(const Digest32& event, ByteSpan message, const Ring& ring,
                   const LrsSignature& sig) {
  Check(candor::crypto::IsValidPoint(sig.tag));
  Check(candor::crypto::IsCanonicalScalar(sig.c0));
  for (const auto& s : sig.s) Check(candor::crypto::IsCanonicalScalar(s));
  Digest32 other = event;
  other.bytes[0] ^= 0x01;
  Check(!candor::crypto::LrsVerify(other, message, ring, sig).ok());
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

  // Decoding depends only on the declared ring size, so it runs whatever the ring is.
  auto sig = LrsSignature::Decode(wire, n);
  Check(sig.ok() == (n >= 1 && wire.size() == 32 * (n + 2)));
  if (sig.ok()) Check(sig->Encode() == Bytes(wire.begin(), wire.end()));

  auto ring = Ring::Create(members);
  if (!ring.ok()) return 0;
  Check(ring->size() == n);
  for (std::size_t i = 0; i < n; ++i) Check(ring->IndexOf(members[i]) == i);
  if (!sig.ok()) return 0;

  if (candor::crypto::LrsVerify(event, message, *ring, *sig).ok()) {
    CheckAccepted(event, message, *ring, *sig);
  }
  return 0;
}
