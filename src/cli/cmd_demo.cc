// candor demo — a short, real demonstration of anonymous co-signing (what `make run` shows
// until the server exists). Every step runs the production code with the system RNG.
#include <fmt/core.h>

#include <chrono>
#include <memory>
#include <vector>

#include "cli/commands.h"
#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/lrs2.h"
#include "crypto/rng.h"
#include "domain/cosignature.h"
#include "domain/letter.h"

namespace candor::cli {
namespace {

double MillisSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

Status RunDemo(std::size_t members) {
  if (members < 2) return InvalidArgument("the demo needs at least 2 members");
  crypto::Rng& rng = crypto::DefaultRng();
  fmt::print("Candor demo: anonymous co-signing with candor-lrs-v2\n\n");

  auto t0 = std::chrono::steady_clock::now();
  std::vector<crypto::MemberKeys> keys;
  std::vector<crypto::Point> publics;
  for (std::size_t i = 0; i < members; ++i) {
    keys.push_back(crypto::GenerateMemberKeys(rng));
    publics.push_back(keys.back().ring.public_key);
  }
  CANDOR_ASSIGN_OR_RETURN(crypto::Ring ring, crypto::Ring::Create(publics));
  // Signatures are candor-lrs-v2 over the whole roster, as `candor letter sign` makes them.
  CANDOR_ASSIGN_OR_RETURN(crypto::Lrs2Ring whole, crypto::Lrs2Ring::Create(ring));
  fmt::print(
      "1. Created {} member keys on this machine ({:.1f} ms). The roster (ring) holds only\n"
      "   their public keys; ring digest {}.\n",
      members, MillisSince(t0), crypto::ToHex(ring.digest()).substr(0, 16));

  domain::Letter letter{
      "On the policy", "We, the undersigned, ask leadership to reconsider the policy.",
      {"demo-agency"}, std::nullopt,
      std::nullopt,    std::nullopt};
  domain::Letter other = letter;
  other.title = "A second, unrelated letter";
  domain::LetterId id = domain::ComputeLetterId(letter);
  domain::LetterId other_id = domain::ComputeLetterId(other);
  fmt::print("2. Froze a letter: its id is the hash of its exact text: {}\n", crypto::ToHex(id));

  const std::size_t signer = members / 2 - 1;
  t0 = std::chrono::steady_clock::now();
  CANDOR_ASSIGN_OR_RETURN(auto sig, domain::SignLetterV2(id, domain::SignatureAction::kSign, whole,
                                                         signer, keys[signer].ring.secret, rng));
  double sign_ms = MillisSince(t0);
  t0 = std::chrono::steady_clock::now();
  CANDOR_ASSIGN_OR_RETURN(crypto::Point tag, domain::VerifyCoSignature(sig, whole));
  double verify_ms = MillisSince(t0);
  fmt::print(
      "3. Member #{} signed anonymously ({} bytes, {:.1f} ms). Anyone can verify it\n"
      "   ({:.1f} ms): it was made by one of the {} members, and nobody can tell which.\n",
      signer + 1, sig.signature.size(), sign_ms, verify_ms, members);

  CANDOR_ASSIGN_OR_RETURN(auto again,
                          domain::SignLetterV2(id, domain::SignatureAction::kSign, whole, signer,
                                               keys[signer].ring.secret, rng));
  CANDOR_ASSIGN_OR_RETURN(crypto::Point tag_again, domain::VerifyCoSignature(again, whole));
  bool duplicate = tag_again == tag;
  fmt::print(
      "4. The same member signed the same letter again: the signature is valid, but its tag\n"
      "   equals the first one's, so it is {}.\n",
      duplicate ? "detected as a duplicate and counted once" : "NOT DETECTED (bug)");

  CANDOR_ASSIGN_OR_RETURN(
      auto on_other, domain::SignLetterV2(other_id, domain::SignatureAction::kSign, whole, signer,
                                          keys[signer].ring.secret, rng));
  CANDOR_ASSIGN_OR_RETURN(crypto::Point tag_other, domain::VerifyCoSignature(on_other, whole));
  bool unlinkable = tag_other != tag;
  fmt::print(
      "5. The same member signed a different letter: the tags differ, so the two signatures\n"
      "   {}.\n",
      unlinkable ? "cannot be linked to each other" : "ARE LINKABLE (bug)");

  const std::size_t someone_else = signer + 1;
  CANDOR_ASSIGN_OR_RETURN(
      auto second, domain::SignLetterV2(id, domain::SignatureAction::kSign, whole, someone_else,
                                        keys[someone_else].ring.secret, rng));
  CANDOR_ASSIGN_OR_RETURN(crypto::Point tag_second, domain::VerifyCoSignature(second, whole));
  fmt::print("6. Another member signed the letter: a different tag, so the count is now {}.\n",
             tag_second != tag ? 2 : 1);

  domain::CoSignature forged = sig;
  forged.signature[forged.signature.size() - 32] ^= 1;  // the last response, s2
  bool rejected = !domain::VerifyCoSignature(forged, whole).ok();
  fmt::print("7. A signature with one bit changed is {}.\n",
             rejected ? "rejected" : "ACCEPTED (bug)");

  if (!duplicate || !unlinkable || !rejected || tag_second == tag) {
    return Error(ErrorCode::kInternal, "the demonstration found a problem");
  }
  fmt::print(
      "\nDone. Try it yourself: candor keygen, candor ring create, candor sign, "
      "candor verify (see README).\n");
  return Status::Ok();
}

}  // namespace

void RegisterDemoCommand(CLI::App& app, int* exit_code) {
  auto members = std::make_shared<std::size_t>(100);
  CLI::App* cmd = app.add_subcommand("demo", "Show anonymous co-signing with freshly made keys");
  cmd->add_option("--members", *members, "How many member keys to create")->default_val(100);
  OnRun(cmd, exit_code, [members] { return RunDemo(*members); });
}

}  // namespace candor::cli
