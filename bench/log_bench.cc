// candor-log-v1 benchmarks: appends, proof generation and verification at 10^6 leaves.
//
//   candor_bench --benchmark_filter=Log
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "crypto/bytes.h"
#include "log/memory_tree.h"
#include "log/rfc9162.h"
#include "log/verify.h"

namespace {

using candor::tlog::Hash;
using candor::tlog::MemoryTree;

constexpr std::uint64_t kLeaves = 1'000'000;

Hash LeafHashFor(std::uint64_t i) {
  const auto le = candor::crypto::U64Le(i);
  return candor::tlog::HashLeaf(candor::crypto::ByteSpan(le));
}

// Built once, on first use, and shared by the proof benchmarks (read-only).
const MemoryTree& BigTree() {
  static const MemoryTree tree = [] {
    MemoryTree t;
    t.Reserve(kLeaves);
    for (std::uint64_t i = 0; i < kLeaves; ++i) t.AppendLeafHash(LeafHashFor(i));
    return t;
  }();
  return tree;
}

// Builds a 10^6-leaf tree from precomputed leaf hashes: the cost of one append is one leaf
// store plus, on average, one interior hash.
void BM_LogAppend1M(benchmark::State& state) {
  std::vector<Hash> leaves;
  leaves.reserve(kLeaves);
  for (std::uint64_t i = 0; i < kLeaves; ++i) leaves.push_back(LeafHashFor(i));
  for (auto _ : state) {
    MemoryTree tree;
    for (const Hash& leaf : leaves) tree.AppendLeafHash(leaf);
    benchmark::DoNotOptimize(tree.Root());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kLeaves));
  state.counters["ns_per_append"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(kLeaves),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_LogAppend1M)->Unit(benchmark::kMillisecond)->Iterations(3);

// Append including the leaf hash of a 64-byte entry.
void BM_LogAppendEntry(benchmark::State& state) {
  std::vector<std::uint8_t> entry(64, 0x5a);
  MemoryTree tree;
  std::uint64_t i = 0;
  for (auto _ : state) {
    entry[0] = static_cast<std::uint8_t>(i++);
    benchmark::DoNotOptimize(tree.Append(entry));
  }
}
BENCHMARK(BM_LogAppendEntry);

void BM_LogInclusionProof1M(benchmark::State& state) {
  const MemoryTree& tree = BigTree();
  std::uint64_t index = 12345;
  for (auto _ : state) {
    auto proof = tree.InclusionProof(index, kLeaves);
    if (!proof.ok()) state.SkipWithError("inclusion proof failed");
    benchmark::DoNotOptimize(proof);
    index = (index + 7919) % kLeaves;
  }
}
BENCHMARK(BM_LogInclusionProof1M);

void BM_LogConsistencyProof1M(benchmark::State& state) {
  const MemoryTree& tree = BigTree();
  std::uint64_t size1 = 1;
  for (auto _ : state) {
    auto proof = tree.ConsistencyProof(size1, kLeaves);
    if (!proof.ok()) state.SkipWithError("consistency proof failed");
    benchmark::DoNotOptimize(proof);
    size1 = (size1 + 7919) % (kLeaves - 1) + 1;
  }
}
BENCHMARK(BM_LogConsistencyProof1M);

void BM_LogRootAtOldSize1M(benchmark::State& state) {
  const MemoryTree& tree = BigTree();
  for (auto _ : state) {
    auto root = tree.RootAt(654321);  // 14 border nodes (one per set bit)
    if (!root.ok()) state.SkipWithError("RootAt failed");
    benchmark::DoNotOptimize(root);
  }
}
BENCHMARK(BM_LogRootAtOldSize1M);

void BM_LogVerifyInclusion1M(benchmark::State& state) {
  const MemoryTree& tree = BigTree();
  const std::uint64_t index = 654321;
  const std::vector<Hash> proof = *tree.InclusionProof(index, kLeaves);
  const Hash leaf = *tree.LeafHash(index);
  const Hash root = tree.Root();
  for (auto _ : state) {
    benchmark::DoNotOptimize(candor::tlog::VerifyInclusion(index, kLeaves, leaf, proof, root).ok());
  }
  state.counters["proof_len"] = static_cast<double>(proof.size());
}
BENCHMARK(BM_LogVerifyInclusion1M);

void BM_LogVerifyConsistency1M(benchmark::State& state) {
  const MemoryTree& tree = BigTree();
  const std::uint64_t size1 = 654321;
  const std::vector<Hash> proof = *tree.ConsistencyProof(size1, kLeaves);
  const Hash root1 = *tree.RootAt(size1);
  const Hash root2 = tree.Root();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        candor::tlog::VerifyConsistency(size1, kLeaves, root1, root2, proof).ok());
  }
  state.counters["proof_len"] = static_cast<double>(proof.size());
}
BENCHMARK(BM_LogVerifyConsistency1M);

}  // namespace
