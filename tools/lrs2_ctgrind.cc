// lrs2_ctgrind: the candor-lrs-v2 prover under Valgrind with its secrets marked undefined
// (the ctgrind technique; group/ct.h). Memcheck then reports every branch and every memory
// index computed from the secret key x or the signer's position l, except at the reviewed
// declassification points (docs/LRS-V2.md "Prover: masking"). CTest runs
//
//   valgrind --error-exitcode=1 build/tools/lrs2_ctgrind        (must pass)
//   valgrind --error-exitcode=1 build/tools/lrs2_ctgrind --v1   (must fail)
//
// The second shows the check can fail: candor-lrs-v1's signer walks the ring starting after
// the signer's position, a branch on l that memcheck reports.
#include <cstdio>
#include <cstring>
#include <vector>

#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/lrs2.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"
#include "group/ct.h"

int main(int argc, char** argv) {
  namespace crypto = candor::crypto;
  const bool v1 = argc > 1 && std::strcmp(argv[1], "--v1") == 0;
  crypto::SeededRng rng(2026);
  std::vector<crypto::RingKeyPair> keys;
  std::vector<crypto::Point> publics;
  for (int i = 0; i < 70; ++i) {  // m = 3, with a padded tail
    keys.push_back(crypto::GenerateRingKeyPair(rng));
    publics.push_back(keys.back().public_key);
  }
  auto ring = crypto::Ring::Create(publics);
  auto v2 = crypto::Lrs2Ring::Create(*ring);
  if (!ring.ok() || !v2.ok()) return 2;
  const crypto::Digest32 event = crypto::H256("ctgrind/event", {});
  const crypto::Bytes message = {'m'};

  std::size_t l = 33;
  crypto::SecretScalar x = keys[l].secret.Clone();
  candor::ct::Secret(x.data(), x.size());
  candor::ct::Secret(&l, sizeof l);

  crypto::Bytes wire;
  if (v1) {
    auto sig = crypto::LrsSign(event, message, *ring, l, x, rng);
    if (!sig.ok()) return 2;
    wire = sig->Encode();
  } else {
    auto sig = crypto::Lrs2Sign(event, message, *v2, l, x, rng);
    if (!sig.ok()) return 2;
    wire = sig->Encode();
  }
  // The signature is public: declassify it, then check it with the public verifier.
  candor::ct::Declassify(wire.data(), wire.size());
  bool ok = false;
  if (v1) {
    auto back = crypto::LrsSignature::Decode(wire, ring->size());
    ok = back.ok() && crypto::LrsVerify(event, message, *ring, *back).ok();
  } else {
    auto back = crypto::Lrs2Signature::Decode(wire, v2->size());
    ok = back.ok() && crypto::Lrs2Verify(event, message, *v2, *back).ok();
  }
  std::printf("%s signature over 70 keys: %s\n", v1 ? "candor-lrs-v1" : "candor-lrs-v2",
              ok ? "verifies" : "DOES NOT VERIFY");
  return ok ? 0 : 1;
}
