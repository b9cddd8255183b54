// Letter bundle verification: what `candor verify --bundle` costs, minus reading the file.
//
//   candor_bench --benchmark_filter=VerifyLetterBundle
//   CANDOR_BENCH_LARGE=1 candor_bench --benchmark_filter=VerifyLetterBundle   # adds 1000 × 1024
//
// Arguments: co-signatures, ring members, verifying threads (0: one per core). Each iteration
// parses the bundle's JSON text and runs every check of domain::VerifyLetterBundle; the
// signatures dominate (≈ 0.2 ms per ring member per signature, divided among the threads).
// `us_per_member` is wall time per signature per ring member, comparable with BM_LrsVerify.
// Building the bundle (signing every co-signature once) happens before the timing and is
// cached per argument set; the large case spends a few minutes there on two cores.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>

#include "domain/bundle.h"
#include "letter_fixture.h"

namespace {

const std::string& BundleText(std::size_t signatures, std::size_t members) {
  static std::map<std::pair<std::size_t, std::size_t>, std::string> texts;  // one thread
  auto key = std::make_pair(signatures, members);
  auto it = texts.find(key);
  if (it == texts.end()) {
    candor::tools::LetterFixtureSpec spec;
    spec.signatures = signatures;
    spec.members = members;
    auto fixture = candor::tools::MakeLetterFixture(spec);
    if (!fixture.ok()) std::abort();  // a fixed, valid spec: cannot fail
    it = texts.emplace(key, candor::domain::LetterBundleToJson(fixture->bundle).dump()).first;
  }
  return it->second;
}

void BM_VerifyLetterBundle(benchmark::State& state) {
  const auto signatures = static_cast<std::size_t>(state.range(0));
  const auto members = static_cast<std::size_t>(state.range(1));
  const std::string& text = BundleText(signatures, members);
  candor::domain::BundleOptions options;
  options.threads = static_cast<unsigned>(state.range(2));
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    auto report = candor::domain::VerifyLetterBundle(nlohmann::json::parse(text), options);
    if (!report.ok()) {
      state.SkipWithError(report.error().message().c_str());
      break;
    }
    if (report->total != signatures) state.SkipWithError("wrong count");
    benchmark::DoNotOptimize(report);
  }
  state.counters["bundle_MB"] = static_cast<double>(text.size()) / 1e6;
  const std::chrono::duration<double, std::micro> wall = std::chrono::steady_clock::now() - start;
  state.counters["us_per_member"] = wall.count() / static_cast<double>(state.iterations()) /
                                    static_cast<double>(signatures * members);
}

void BundleArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"sigs", "n", "threads"});
  b->Args({100, 64, 1})->Args({100, 64, 0});
  if (std::getenv("CANDOR_BENCH_LARGE") != nullptr) b->Args({1000, 1024, 0});
}

BENCHMARK(BM_VerifyLetterBundle)
    ->Apply(BundleArgs)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

}  // namespace
