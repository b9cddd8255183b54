// Fuzzes the organization-state verifier (domain/org_state.h) — what every client runs on a
// server's answer before it signs within a ring or seals to a reviewer. Input: JSON text, checked
// against the log key it names. Every input must end in a state or a clean error: no crash, no
// exception, no hang; a state that verifies keeps the verifier's promises.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/org_state.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace candor;  // NOLINT(google-build-using-namespace)
  auto j =
      nlohmann::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), nullptr,
                            /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  auto proof = domain::OrgStateProofFromJson(j);
  if (!proof.ok()) return 0;
  auto state = domain::VerifyOrgState(*proof, proof->log_public_key, proof->organization);
  if (!state.ok()) return 0;
  // Reviewers by account id, each once; at most two cable versions, newest first, each an epoch.
  for (std::size_t i = 1; i < state->reviewers.size(); ++i) {
    if (state->reviewers[i - 1].account_id >= state->reviewers[i].account_id) __builtin_trap();
  }
  if (state->epoch_versions.size() > 2) __builtin_trap();
  if (state->epoch_versions.size() == 2 && state->epoch_versions[0] <= state->epoch_versions[1])
    __builtin_trap();
  for (std::uint64_t v : state->epoch_versions) {
    if (v > state->roster.version()) __builtin_trap();
    if (std::find(state->all_epochs.begin(), state->all_epochs.end(), v) == state->all_epochs.end())
      __builtin_trap();
  }
  (void)domain::OrgStateProofToJson(*proof).dump();
  return 0;
}
