// What a client pays to believe an organization's state (domain/org_state.h): parsing and
// verifying every roster entry of an organization of n members with its inclusion proof, as
// `candor cable write` and the browser do before sealing a cable (issue 11), for n = 1,000,
// 10,000 and 100,000 (issue 12's agency).
//   build/bench/candor_bench --benchmark_filter=OrgState
#include <benchmark/benchmark.h>

#include "crypto/ed25519.h"
#include "crypto/keys.h"
#include "crypto/ristretto.h"
#include "crypto/rng.h"
#include "domain/log_entry.h"
#include "domain/org_state.h"
#include "log/memory_tree.h"

namespace candor::domain {
namespace {

struct OrgStateFixture {
  crypto::SignKeyPair key;
  nlohmann::json json;
  explicit OrgStateFixture(std::uint64_t n) {
    crypto::SeededRng rng(12);
    key = crypto::GenerateSignKeyPair(rng);
    tlog::MemoryTree tree;
    std::vector<std::pair<std::uint64_t, crypto::Bytes>> entries;
    const crypto::BoxPublicKey reply = crypto::GenerateBoxKeyPair(rng).public_key;
    for (std::uint64_t v = 1; v <= n; ++v) {
      crypto::Bytes e = EncodeLogEntry(
          RosterAddEvent{"agency", v, crypto::ScalarMultBase(rng.RandomPublicScalar()), reply});
      entries.emplace_back(tree.Append(e), std::move(e));
    }
    crypto::Bytes epoch = EncodeLogEntry(RosterEpochEvent{"agency", n});
    entries.emplace_back(tree.Append(epoch), std::move(epoch));
    OrgStateProof p;
    p.organization = "agency";
    p.log_public_key = key.public_key;
    p.tree_head = tlog::SignTreeHead(tlog::TreeHead{tree.size(), tree.Root(), 1'790'000'000'000},
                                     key.secret_key);
    for (auto& [index, bytes] : entries) {
      p.entries.push_back(
          BundleEntry{index, std::move(bytes), *tree.InclusionProof(index, tree.size())});
    }
    json = OrgStateProofToJson(p);
  }
};

void BM_OrgStateVerify(benchmark::State& state) {
  OrgStateFixture f(static_cast<std::uint64_t>(state.range(0)));
  for (auto _ : state) {
    auto proof = OrgStateProofFromJson(f.json);
    auto verified = proof.ok() ? VerifyOrgState(*proof, f.key.public_key, "agency")
                               : Result<OrgState>(proof.error());
    if (!verified.ok()) state.SkipWithError("VerifyOrgState failed");
    benchmark::DoNotOptimize(verified);
  }
  state.counters["json_MiB"] = static_cast<double>(f.json.dump().size()) / (1 << 20);
}
BENCHMARK(BM_OrgStateVerify)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);

}  // namespace
}  // namespace candor::domain
