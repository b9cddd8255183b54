// Writes a synthetic letter bundle (docs/FORMATS.md, "Letter bundle") from seeded test keys,
// for timing `candor verify --bundle` on a bundle of a given size:
//
//   build/tools/make_letter_bundle --signatures 1000 --ring 1024 -o letter-1000x1024.json
//   time build/src/cli/candor verify --bundle letter-1000x1024.json --log-key <printed key>
//
// Signing costs about what verifying does (≈ 0.2 ms per ring member per signature), spread
// over --threads. Every key in the bundle is derived from --seed: test data only.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "letter_fixture.h"

int main(int argc, char** argv) {
  candor::tools::LetterFixtureSpec spec;
  std::string out;
  CLI::App app{"Write a synthetic candor-letter-bundle-v1 file (seeded test keys)",
               "make_letter_bundle"};
  app.add_option("--signatures", spec.signatures, "Co-signatures (distinct signers)")
      ->default_val(spec.signatures);
  app.add_option("--ring", spec.members, "Members of each organization's roster")
      ->default_val(spec.members)
      ->check(CLI::PositiveNumber);
  app.add_option("--organizations", spec.organizations,
                 "Organizations the letter names (0: as few as the signatures need)")
      ->default_val(spec.organizations);
  app.add_option("--withdrawals", spec.withdrawals, "How many of the signers withdraw")
      ->default_val(spec.withdrawals);
  app.add_option("--batch", spec.batch_size, "Co-signatures per signature batch")
      ->default_val(spec.batch_size)
      ->check(CLI::PositiveNumber);
  app.add_option("--max-ring", spec.max_ring, "The bucket rule's largest ring (tests only)")
      ->default_val(spec.max_ring)
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", spec.seed, "Seed of every key and signature")->default_val(spec.seed);
  std::string scheme = "v1";
  app.add_option("--scheme", scheme, "v1: signatures over buckets; v2: over whole rosters")
      ->check(CLI::IsMember({"v1", "v2"}))
      ->default_val(scheme);
  app.add_option("--threads", spec.threads, "Signing threads (0: one per core)")
      ->default_val(spec.threads);
  app.add_option("--out,-o", out, "Write the bundle here")->required();
  CLI11_PARSE(app, argc, argv);
  spec.scheme = scheme == "v2" ? candor::domain::RingScheme::kV2 : candor::domain::RingScheme::kV1;

  auto fixture = candor::tools::MakeLetterFixture(spec);
  if (!fixture.ok()) {
    fmt::print(stderr, "make_letter_bundle: {}\n", fixture.error().message());
    return 2;
  }
  const std::string text = candor::domain::LetterBundleToJson(fixture->bundle).dump() + "\n";
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    fmt::print(stderr, "make_letter_bundle: cannot write {}\n", out);
    return 2;
  }
  fmt::print("Wrote {} ({} bytes): letter {}\n", out, text.size(),
             candor::crypto::ToHex(fixture->bundle.letter_id));
  fmt::print(
      "  {} co-signatures ({} withdrawals, candor-lrs-{}) over rings of up to {} members; "
      "expect {} signatories\n",
      spec.signatures + spec.withdrawals, spec.withdrawals, scheme,
      scheme == "v2" ? spec.members : std::min(spec.members, spec.max_ring),
      fixture->expected_total);
  fmt::print("  log key {}\n", candor::crypto::ToHex(fixture->bundle.log_public_key));
  return 0;
}
