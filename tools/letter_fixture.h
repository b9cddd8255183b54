// A synthetic letter and its bundle, built from seeded randomness: organizations with rosters
// of fresh member keys, a letter pinning them, co-signatures made with domain::SignLetter (or
// SignLetterV2),
// signature batches, a signed tree head. For bench/bundle_bench.cc and
// tools/make_letter_bundle (which writes the bundle that `candor verify --bundle` is timed on).
//
// Test data only: every key is derived from the seed, so anyone can recompute it.
#ifndef CANDOR_TOOLS_LETTER_FIXTURE_H_
#define CANDOR_TOOLS_LETTER_FIXTURE_H_

#include <cstddef>
#include <cstdint>

#include "base/result.h"
#include "domain/bundle.h"

namespace candor::tools {

struct LetterFixtureSpec {
  // Named org-1, org-2, …; 0: as few as the signatures need (each member signs once).
  std::size_t organizations = 0;
  std::size_t members = 64;  // roster size of each organization
  // Distinct signers, taken round robin over the organizations (signer j is member
  // j / organizations of organization j % organizations). REQUIRES: ≤ organizations·members.
  std::size_t signatures = 100;
  std::size_t withdrawals = 0;   // the first this many signers withdraw, after every signature
  std::size_t batch_size = 100;  // co-signatures per batch (the last one may be smaller)
  std::size_t max_ring = domain::kMaxRingSize;  // the bucket rule's largest ring
  std::uint64_t seed = 1;
  unsigned threads = 0;  // signing threads; 0 = hardware concurrency
  // v1: each signature over its signer's bucket; v2: over the whole roster (then each
  // signature is made on all threads in turn, as Lrs2Sign spreads its own work).
  domain::RingScheme scheme = domain::RingScheme::kV1;
};

struct LetterFixture {
  domain::LetterBundle bundle;
  std::uint64_t expected_total = 0;  // signatures − withdrawals
};

// Builds the log and its bundle. Error (kInvalidArgument) for a spec that cannot be met.
// Cost: one ring signature per co-signature (≈ 0.2 ms per ring member each), spread over
// `threads`.
Result<LetterFixture> MakeLetterFixture(const LetterFixtureSpec& spec);

}  // namespace candor::tools

#endif  // CANDOR_TOOLS_LETTER_FIXTURE_H_
