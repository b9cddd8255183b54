// candor-lrs-v1 benchmarks: sign and verify at ring sizes 16 … 4096.
//
//   candor_bench --benchmark_filter=Lrs
//
// Both walk the whole ring once, so their cost is linear in n: per member, verify does
// four ristretto255 scalar multiplications (one fixed-base) and one SHA-512 of ~150 bytes;
// sign does the same for n−1 members plus two for α. The `us_per_member` counter divides
// wall time by iterations·n, which is the number to compare across ring sizes.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/rng.h"
#include "crypto/transcript.h"

namespace {

using candor::crypto::Bytes;
using candor::crypto::ByteSpan;
using candor::crypto::Digest32;
using candor::crypto::LrsSignature;
using candor::crypto::Ring;
using candor::crypto::RingKeyPair;

// One ring of n members with the secret of the member in the middle, built on first use.
struct Setup {
  explicit Setup(std::size_t n) {
    candor::crypto::SeededRng rng(n);
    std::vector<candor::crypto::Point> publics;
    for (std::size_t i = 0; i < n; ++i) {
      RingKeyPair kp = candor::crypto::GenerateRingKeyPair(rng);
      publics.push_back(kp.public_key);
      if (i == n / 2) signer = std::move(kp);
    }
    ring.emplace(*Ring::Create(std::move(publics)));
    event = candor::crypto::H256("bench/lrs-event", {});
    message.assign(256, 0x5a);
    signature = *candor::crypto::LrsSign(event, message, *ring, n / 2, signer.secret,
                                         candor::crypto::DefaultRng());
  }
  std::optional<Ring> ring;
  RingKeyPair signer;
  Digest32 event;
  Bytes message;
  LrsSignature signature;
};

const Setup& SetupFor(std::size_t n) {
  static std::map<std::size_t, Setup> setups;  // benchmarks run on one thread
  auto it = setups.find(n);
  if (it == setups.end()) it = setups.try_emplace(n, n).first;
  return it->second;
}

void ReportPerMember(benchmark::State& state, std::size_t n, std::chrono::nanoseconds total) {
  const double members = static_cast<double>(state.iterations()) * static_cast<double>(n);
  state.counters["us_per_member"] = static_cast<double>(total.count()) / 1e3 / members;
}

void BM_LrsSign(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const Setup& s = SetupFor(n);
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    auto sig = candor::crypto::LrsSign(s.event, s.message, *s.ring, n / 2, s.signer.secret,
                                       candor::crypto::DefaultRng());
    if (!sig.ok()) state.SkipWithError("LrsSign failed");
    benchmark::DoNotOptimize(sig);
  }
  ReportPerMember(state, n, std::chrono::steady_clock::now() - start);
}

void BM_LrsVerify(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const Setup& s = SetupFor(n);
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    candor::Status st = candor::crypto::LrsVerify(s.event, s.message, *s.ring, s.signature);
    if (!st.ok()) state.SkipWithError("LrsVerify rejected a valid signature");
    benchmark::DoNotOptimize(st);
  }
  ReportPerMember(state, n, std::chrono::steady_clock::now() - start);
}

BENCHMARK(BM_LrsSign)->Arg(16)->Arg(64)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LrsSign)->Arg(4096)->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LrsVerify)->Arg(16)->Arg(64)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LrsVerify)->Arg(4096)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
