// candor-env-v1 seal/open and key-file unlock.
//   build/bench/candor_bench --benchmark_filter='Envelope|KeyFile'
//
// Seal costs one XChaCha20-Poly1305 pass plus two X25519 operations per recipient (the
// ephemeral public key and the shared secret); open, as the last of n recipients, tries
// every wrap (one X25519 each) before one decryption pass. Key-file unlock is dominated by
// Argon2id with the MODERATE settings (256 MiB, 3 passes), by design.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "crypto/envelope.h"
#include "crypto/keyfile.h"

namespace candor::crypto {
namespace {

struct Fixture {
  std::vector<BoxKeyPair> keys;
  std::vector<BoxPublicKey> publics;
  explicit Fixture(std::size_t n) {
    SeededRng rng(3);
    for (std::size_t i = 0; i < n; ++i) {
      keys.push_back(GenerateBoxKeyPair(rng));
      publics.push_back(keys.back().public_key);
    }
  }
};

// Args: plaintext bytes, recipients.
void BM_EnvelopeSeal(benchmark::State& state) {
  Fixture f(static_cast<std::size_t>(state.range(1)));
  Bytes plain(static_cast<std::size_t>(state.range(0)), 0x42);
  Bytes header(64, 0x01);
  for (auto _ : state) {
    auto env = SealEnvelope(header, plain, f.publics, DefaultRng());
    if (!env.ok()) state.SkipWithError("SealEnvelope failed");
    benchmark::DoNotOptimize(env);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_EnvelopeSeal)
    ->Args({1024, 1})
    ->Args({1024, 10})
    ->Args({1 << 20, 1})
    ->Args({1 << 20, 10})
    ->Unit(benchmark::kMillisecond);

// Opens as the last recipient (the worst case: every wrap is tried).
void BM_EnvelopeOpen(benchmark::State& state) {
  Fixture f(static_cast<std::size_t>(state.range(1)));
  Bytes plain(static_cast<std::size_t>(state.range(0)), 0x42);
  Bytes header(64, 0x01);
  Envelope env = *SealEnvelope(header, plain, f.publics, DefaultRng());
  for (auto _ : state) {
    auto out = OpenEnvelope(header, env, f.keys.back());
    if (!out.ok()) state.SkipWithError("OpenEnvelope refused a recipient");
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_EnvelopeOpen)
    ->Args({1024, 1})
    ->Args({1024, 10})
    ->Args({1 << 20, 1})
    ->Args({1 << 20, 10})
    ->Unit(benchmark::kMillisecond);

// Unlocking a key file with the pinned Argon2id settings (MODERATE: 256 MiB, 3 passes).
void BM_KeyFileOpenModerate(benchmark::State& state) {
  SeededRng rng(4);
  MemberKeys keys = GenerateMemberKeys(rng);
  Bytes file = *SealKeyFile(keys, "passphrase", KdfParams::Moderate(), rng);
  for (auto _ : state) {
    auto opened = OpenKeyFile(file, "passphrase");
    if (!opened.ok()) state.SkipWithError("OpenKeyFile failed");
    benchmark::DoNotOptimize(opened);
  }
}
BENCHMARK(BM_KeyFileOpenModerate)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace candor::crypto
