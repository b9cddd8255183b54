// Rosters at scale (issue 12 item 1), on SQLite in a temporary directory, through app::Service:
//
//   BM_Enroll/n          one enrollment (invitation check, roster tip, log append, signed head,
//                        commit) into a roster of n members — what POST /enroll costs
//   BM_ReplayRoster/n    the replay every enrollment used to run first (internal::LoadRoster):
//                        the baseline the first figure replaces
//   BM_GetRoster/n       GET /roster's work at n members: the members of the latest version
//                        from the store, and their ring digest
//
//   build/bench/candor_bench --benchmark_filter='Roster|Enroll'
//   CANDOR_ROSTER_SIZES=100000 build/bench/candor_bench --benchmark_filter='Roster|Enroll'  (slow
//   to set up)
//
// Each size is set up once (enrollments through the same service) and shared by the three.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "crypto/keys.h"
#include "crypto/rng.h"
#include "server/app/clock.h"
#include "server/app/service.h"
#include "server/app/service_internal.h"
#include "store/store.h"

namespace {

using namespace candor;

constexpr const char* kPassword = "a long benchmark password";

// One organization with n members, enrolled through the service.
class RosterWorld {
 public:
  explicit RosterWorld(std::size_t n)
      : dir_(std::filesystem::temp_directory_path() /
             ("candor-roster-bench-" + std::to_string(n) + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = std::move(*store::OpenStore("sqlite:" + (dir_ / "candor.db").string()));
    crypto::SeededRng key_rng(1);
    app::ServiceConfig cfg;
    cfg.password_cost = crypto::PasswordCost::kInteractive;
    service_ = std::make_unique<app::Service>(*store_, clock_, rng_,
                                              crypto::GenerateSignKeyPair(key_rng), cfg);
    (void)service_->CreateOrganization("agency", "Agency", std::nullopt, false);
    (void)service_->staff().CreateAccount("agency", "officer", kPassword,
                                          store::kRoleEnrollmentOfficer);
    officer_ = service_->staff().Login("agency", "officer", kPassword, std::nullopt)->principal;
    for (std::size_t i = 0; i < n; ++i) {
      if (auto r = EnrollOne(); !r.ok()) {
        std::fprintf(stderr, "set-up enrollment %zu failed: %s\n", i, r.error().message().c_str());
        std::abort();
      }
    }
  }
  ~RosterWorld() {
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Result<app::EnrollResult> EnrollOne() {
    auto invitation = service_->staff().IssueInvitation(officer_, "agency", std::nullopt);
    if (!invitation.ok()) return invitation.error();
    const crypto::MemberKeys keys = crypto::GenerateMemberKeys(member_rng_);
    return service_->Enroll("agency", invitation->first, keys.ring.public_key, keys.box.public_key);
  }

  app::Service& service() { return *service_; }
  store::Store& store() { return *store_; }

 private:
  std::filesystem::path dir_;
  app::ManualClock clock_{1'790'000'000'000};
  crypto::SeededRng rng_{2};
  crypto::SeededRng member_rng_{3};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<app::Service> service_;
  app::Principal officer_;
};

RosterWorld& World(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<RosterWorld>> worlds;
  auto& w = worlds[n];
  if (!w) w = std::make_unique<RosterWorld>(n);
  return *w;
}

void BM_Enroll(benchmark::State& state) {
  RosterWorld& w = World(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto r = w.EnrollOne();
    if (!r.ok()) state.SkipWithError(r.error().message().c_str());
    benchmark::DoNotOptimize(r);
  }
  state.counters["enrollments/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_ReplayRoster(benchmark::State& state) {
  RosterWorld& w = World(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto tx = w.store().Begin(store::TxMode::kRead);
    auto roster = app::internal::LoadRoster(**tx, 1);
    if (!roster.ok()) state.SkipWithError(roster.error().message().c_str());
    benchmark::DoNotOptimize(roster);
  }
}

void BM_GetRoster(benchmark::State& state) {
  RosterWorld& w = World(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto view = w.service().GetRoster("agency", std::nullopt);
    if (!view.ok()) state.SkipWithError(view.error().message().c_str());
    benchmark::DoNotOptimize(view);
  }
}

void Sizes(benchmark::internal::Benchmark* b) {
  // CANDOR_ROSTER_SIZES="1000,10000,100000" for other sizes (set-up enrolls each one).
  const char* env = std::getenv("CANDOR_ROSTER_SIZES");
  std::string sizes = env != nullptr ? env : "1000,10000";
  std::size_t at = 0;
  while (at < sizes.size()) {
    const std::size_t comma = sizes.find(',', at);
    b->Arg(std::stoll(sizes.substr(at, comma - at)));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  b->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_Enroll)->Apply(Sizes)->Iterations(200);
BENCHMARK(BM_ReplayRoster)->Apply(Sizes);
BENCHMARK(BM_GetRoster)->Apply(Sizes);

}  // namespace
