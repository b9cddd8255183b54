// Multi-scalar multiplication Σ s_i·P_i on ristretto255 (Pippenger's bucket method).
//
// Variable time: the memory it touches and the additions it makes depend on the scalars.
// Use it on public values only (verification), or on scalars that are uniformly random
// masks of secrets (the candor-lrs-v2 prover, docs/LRS-V2.md "Prover: masking"). Cost at
// 10^5 points ≈ 6 µs per point on one core (bench/lrs2_bench.cc).
#ifndef CANDOR_GROUP_MSM_H_
#define CANDOR_GROUP_MSM_H_

#include <cstddef>
#include <span>

#include "group/group.h"

namespace candor::group {

// Σ scalars[i]·points[i]. REQUIRES: scalars.size() == points.size() (else the identity).
// From 2·kMinPointsPerThread points on, the points are split between up to kMaxMsmThreads
// threads (one per core), each summing its slice. Thread-safe; allocates O(n) scratch.
// `max_threads` caps the threads (0: as many as MsmThreads finds useful; 1: this thread only,
// for a caller that runs several multiplications side by side).
Point MultiScalarMulVartime(std::span<const Scalar> scalars, std::span<const Point> points,
                            std::size_t max_threads = 0);

inline constexpr std::size_t kMinPointsPerThread = 4096;
inline constexpr std::size_t kMaxMsmThreads = 8;
// How many threads MultiScalarMulVartime uses for n points on this machine.
std::size_t MsmThreads(std::size_t n);

// The window width (bits per digit) MultiScalarMulVartime uses for n points; exposed for
// the benchmark and tests.
int PippengerWindow(std::size_t n);

}  // namespace candor::group

#endif  // CANDOR_GROUP_MSM_H_
