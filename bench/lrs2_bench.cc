// candor-lrs-v2 benchmarks (issue 14's targets), with v1 beside them in the same run:
//
//   candor_bench --benchmark_filter='Lrs2|LrsVerify/1024|Msm'
//
// BM_Lrs2Sign and BM_Lrs2Verify: one signature over a ring of N keys. BM_Lrs2VerifyBatch:
// B signatures over one ring verified together; `ms_per_signature` is the figure issue 14
// bounds (≤ 10 ms at N = 10^5, B ≥ 100). The batch holds a few distinct signatures
// repeated (signing 100 at 10^5 would take minutes); each item is weighted and summed
// independently, so the cost is that of B distinct signatures. BM_Msm: the multi-scalar
// multiplication alone (µs per point).
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/keys.h"
#include "crypto/lrs2.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"
#include "group/msm.h"

namespace {

namespace crypto = candor::crypto;
namespace group = candor::group;

struct Setup2 {
  explicit Setup2(std::size_t n) {
    crypto::SeededRng rng(n + 7);
    std::vector<crypto::Point> publics;
    for (std::size_t i = 0; i < n; ++i) {
      crypto::RingKeyPair kp = crypto::GenerateRingKeyPair(rng);
      publics.push_back(kp.public_key);
      if (i == n / 2) signer = std::move(kp);
    }
    ring.emplace(*crypto::Lrs2Ring::Create(*crypto::Ring::Create(std::move(publics))));
    event = crypto::H256("bench/lrs-event", {});
    message.assign(256, 0x5a);
    for (int k = 0; k < 4; ++k) {
      signatures.push_back(
          *crypto::Lrs2Sign(event, message, *ring, n / 2, signer.secret, crypto::DefaultRng()));
    }
  }
  std::optional<crypto::Lrs2Ring> ring;
  crypto::RingKeyPair signer;
  crypto::Digest32 event;
  crypto::Bytes message;
  std::vector<crypto::Lrs2Signature> signatures;
};

const Setup2& SetupFor(std::size_t n) {
  static std::map<std::size_t, Setup2> setups;  // benchmarks run on one thread
  auto it = setups.find(n);
  if (it == setups.end()) it = setups.try_emplace(n, n).first;
  return it->second;
}

void BM_Lrs2Sign(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const Setup2& s = SetupFor(n);
  for (auto _ : state) {
    auto sig =
        crypto::Lrs2Sign(s.event, s.message, *s.ring, n / 2, s.signer.secret, crypto::DefaultRng());
    if (!sig.ok()) state.SkipWithError("Lrs2Sign failed");
    benchmark::DoNotOptimize(sig);
  }
  state.counters["bytes"] = static_cast<double>(crypto::Lrs2SignatureSize(n));
}

// Signing after Lrs2Precompute (made outside the timed region, as while the member reads).
void BM_Lrs2SignAfterPrecomputation(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const Setup2& s = SetupFor(n);
  for (auto _ : state) {
    state.PauseTiming();
    crypto::Lrs2Precomputation pre = crypto::Lrs2Precompute(*s.ring, crypto::DefaultRng());
    state.ResumeTiming();
    auto sig = crypto::Lrs2Sign(s.event, s.message, *s.ring, n / 2, s.signer.secret,
                                crypto::DefaultRng(), std::move(pre));
    if (!sig.ok()) state.SkipWithError("Lrs2Sign failed");
    benchmark::DoNotOptimize(sig);
  }
}

void BM_Lrs2Verify(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const Setup2& s = SetupFor(n);
  for (auto _ : state) {
    candor::Status st = crypto::Lrs2Verify(s.event, s.message, *s.ring, s.signatures[0]);
    if (!st.ok()) state.SkipWithError("Lrs2Verify rejected a valid signature");
    benchmark::DoNotOptimize(st);
  }
}

void BM_Lrs2VerifyBatch(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const std::size_t b = static_cast<std::size_t>(state.range(1));
  const Setup2& s = SetupFor(n);
  std::vector<crypto::Lrs2BatchItem> items;
  for (std::size_t i = 0; i < b; ++i) {
    items.push_back({s.event, s.message, &s.signatures[i % s.signatures.size()]});
  }
  crypto::SystemRng weights;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    auto bad = crypto::Lrs2VerifyBatch(*s.ring, items, weights);
    if (!bad.empty()) state.SkipWithError("a valid batch was refused");
    benchmark::DoNotOptimize(bad);
  }
  const std::chrono::duration<double, std::milli> total = std::chrono::steady_clock::now() - start;
  state.counters["ms_per_signature"] =
      total.count() / static_cast<double>(state.iterations()) / static_cast<double>(b);
}

void BM_Msm(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  crypto::SeededRng rng(n);
  std::vector<group::Scalar> scalars;
  std::vector<group::Point> points;
  for (std::size_t i = 0; i < n; ++i) {
    scalars.push_back(*group::Scalar::Decode(rng.RandomPublicScalar()));
    points.push_back(group::Point::MulBase(*group::Scalar::Decode(rng.RandomPublicScalar())));
  }
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) benchmark::DoNotOptimize(group::MultiScalarMulVartime(scalars, points));
  const std::chrono::duration<double, std::micro> total = std::chrono::steady_clock::now() - start;
  state.counters["us_per_point"] =
      total.count() / static_cast<double>(state.iterations()) / static_cast<double>(n);
}

BENCHMARK(BM_Msm)->Arg(1024)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Msm)->Arg(100000)->Iterations(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Lrs2Sign)->Arg(1024)->Arg(4096)->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Lrs2Sign)->Arg(100000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Lrs2SignAfterPrecomputation)
    ->Arg(100000)
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Lrs2Verify)->Arg(1024)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Lrs2Verify)->Arg(100000)->Iterations(2)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Lrs2VerifyBatch)
    ->Args({1024, 100})
    ->Args({4096, 100})
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Lrs2VerifyBatch)->Args({100000, 100})->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
