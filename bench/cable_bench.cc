// A whole dissent cable on the author's and the reviewer's side (cli/cable_client.h): sealing a
// 1 MiB cable to 10 reviewers with its two ring signatures (cable id and quota slot) over rings
// of 64 and 1024 members, and a reviewer opening it (both ring signatures verified over the
// logged roster's ring, ten wraps tried, one decryption, content parsed). Verification on the
// server is the same two LrsVerify calls (see Lrs benchmarks).
//   build/bench/candor_bench --benchmark_filter=Cable
#include <benchmark/benchmark.h>

#include "cli/cable_client.h"

namespace candor::cli {
namespace {

struct CableFixture {
  std::vector<crypto::MemberKeys> members;
  std::vector<crypto::BoxKeyPair> reviewers;
  CableInputs in;
  domain::OrgState state;  // what a reviewer's client rebuilds from the log
  CableDraft draft;
  explicit CableFixture(std::size_t n) {
    crypto::SeededRng rng(11);
    for (std::size_t i = 0; i < n; ++i) {
      members.push_back(crypto::GenerateMemberKeys(rng));
      in.roster.push_back(members.back().ring.public_key);
      (void)state.roster.Apply(domain::RosterEvent{i + 1, domain::RosterChange::kAdd,
                                                   members.back().ring.public_key,
                                                   members.back().box.public_key});
    }
    state.organization = "state";
    state.all_epochs = {n};  // the cable is written within roster version n, an epoch
    state.epoch_versions = {n};
    for (int i = 0; i < 10; ++i) {
      reviewers.push_back(crypto::GenerateBoxKeyPair(rng));
      in.reviewers.push_back(reviewers.back().public_key);
    }
    in.organization = "state";
    in.roster_version = n;
    in.quota_window = 2900;
    in.quota_slots = 3;
    draft.subject = "A dissent";
    draft.body = std::string(std::size_t{1} << 20, 'x');
  }
};

void BM_CableSeal1MiBTo10Reviewers(benchmark::State& state) {
  CableFixture f(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto sealed = SealCable(f.draft, f.in, f.members[0], crypto::DefaultRng());
    if (!sealed.ok()) state.SkipWithError("SealCable failed");
    benchmark::DoNotOptimize(sealed);
  }
}
BENCHMARK(BM_CableSeal1MiBTo10Reviewers)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond);

void BM_CableOpen1MiBAsLastOf10Reviewers(benchmark::State& state) {
  CableFixture f(64);
  auto sealed = SealCable(f.draft, f.in, f.members[0], crypto::DefaultRng());
  nlohmann::json view = sealed->request;
  view["header_bytes"] =
      crypto::ToHex(domain::CableHeaderBytes(*domain::CableHeaderFromJson(view["header"])));
  for (auto _ : state) {
    auto opened = OpenCable(view, f.reviewers.back(), f.state);
    if (!opened.ok()) state.SkipWithError("OpenCable failed");
    benchmark::DoNotOptimize(opened);
  }
}
BENCHMARK(BM_CableOpen1MiBAsLastOf10Reviewers)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace candor::cli
