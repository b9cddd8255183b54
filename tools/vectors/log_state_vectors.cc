// tests/vectors/log_state.json: the log state (docs/PROTOCOL.md, "Log state").
//
// One JSON object:
//   leaves    the sorted state leaves of a small log: {kind: "letter", letter_id, last_batch,
//             bytes} or {kind: "organization", slug, roster_version, reviewer_version,
//             epoch_version, bytes}
//   root      their RFC 9162 Merkle tree hash
//   entry     the `log-state` log entry committing to them at index `size`: {size, leaves,
//             root, bytes}
//   proofs    every leaf's {position, leaf, proof[]} against `root`, and invalid ones
//             (one thing changed, named by `description`, valid false)
//   invalid_leaves  {description, bytes}: leaf bytes every decoder must refuse
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/transcript.h"
#include "domain/log_entry.h"
#include "domain/log_state.h"
#include "vectors/registry.h"

namespace candor::vectors {
namespace {

using nlohmann::json;

json HexList(const std::vector<tlog::Hash>& hashes) {
  json out = json::array();
  for (const auto& h : hashes) out.push_back(crypto::ToHex(h));
  return out;
}

json MakeLogStateVectors() {
  domain::LogState state;
  for (std::uint8_t i = 1; i <= 3; ++i) {
    domain::LetterId id{};
    for (std::size_t k = 0; k < id.size(); ++k) id.bytes[k] = static_cast<std::uint8_t>(i * 17 + k);
    state.SetLetter(id, i == 2 ? 0 : i * 3u);
  }
  state.SetOrganization(domain::OrgStateLeaf{"state", 41, 3, 40});
  state.SetOrganization(domain::OrgStateLeaf{"treasury", 7, 0, 0});
  const auto leaves = state.Leaves();

  json out;
  out["description"] =
      "candor log state: leaves tr(\"candor/v1/log-state-leaf\", …) sorted by their bytes, their "
      "RFC 9162 root, "
      "the log-state entry and inclusion proofs of each leaf";
  json list = json::array();
  for (const auto& bytes : leaves) {
    auto leaf = domain::DecodeStateLeaf(bytes);
    json j;
    if (const auto* l = std::get_if<domain::LetterStateLeaf>(&*leaf)) {
      j = json{{"kind", "letter"},
               {"letter_id", crypto::ToHex(l->letter)},
               {"last_batch", l->last_batch}};
    } else {
      const auto& o = std::get<domain::OrgStateLeaf>(*leaf);
      j = json{{"kind", "organization"},
               {"slug", o.slug},
               {"roster_version", o.roster_version},
               {"reviewer_version", o.reviewer_version},
               {"epoch_version", o.epoch_version}};
    }
    j["bytes"] = crypto::ToHex(bytes);
    list.push_back(j);
  }
  out["leaves"] = list;
  const domain::LogStateEvent entry = state.Commit(1234);
  out["root"] = crypto::ToHex(entry.root);
  out["entry"] = json{{"size", entry.size},
                      {"leaves", entry.leaves},
                      {"root", crypto::ToHex(entry.root)},
                      {"bytes", crypto::ToHex(domain::EncodeLogEntry(entry))}};
  json proofs = json::array();
  for (const auto& bytes : leaves) {
    auto leaf = domain::DecodeStateLeaf(bytes);
    auto p =
        std::holds_alternative<domain::LetterStateLeaf>(*leaf)
            ? domain::ProveLetterLeaf(leaves, std::get<domain::LetterStateLeaf>(*leaf).letter)
            : domain::ProveOrganizationLeaf(leaves, std::get<domain::OrgStateLeaf>(*leaf).slug);
    proofs.push_back(json{{"description", "leaf " + std::to_string(p->position)},
                          {"position", p->position},
                          {"leaf", crypto::ToHex(p->leaf)},
                          {"proof", HexList(p->proof)},
                          {"valid", true}});
  }
  {
    auto p = *domain::ProveOrganizationLeaf(leaves, "state");
    auto bad = p;
    bad.leaf[bad.leaf.size() - 9] ^= 1;  // the reviewer version
    proofs.push_back(json{{"description", "a version changed in the leaf"},
                          {"position", bad.position},
                          {"leaf", crypto::ToHex(bad.leaf)},
                          {"proof", HexList(bad.proof)},
                          {"valid", false}});
    bad = p;
    bad.position ^= 1;
    proofs.push_back(json{{"description", "another position"},
                          {"position", bad.position},
                          {"leaf", crypto::ToHex(bad.leaf)},
                          {"proof", HexList(bad.proof)},
                          {"valid", false}});
    bad = p;
    bad.proof.pop_back();
    proofs.push_back(json{{"description", "a proof hash left out"},
                          {"position", bad.position},
                          {"leaf", crypto::ToHex(bad.leaf)},
                          {"proof", HexList(bad.proof)},
                          {"valid", false}});
  }
  out["proofs"] = proofs;

  const auto u64 = [](std::uint64_t n) { return crypto::U64Le(n); };
  const auto as = [](std::string_view s) { return crypto::AsBytes(s); };
  const std::array<std::uint8_t, 31> short_id{};
  const std::array<std::uint8_t, 32> id{};
  const std::array<std::uint8_t, 7> short_n{};
  json invalid = json::array();
  const auto add = [&invalid](const std::string& description, const crypto::Bytes& bytes) {
    invalid.push_back(json{{"description", description}, {"bytes", crypto::ToHex(bytes)}});
  };
  add("another label", crypto::Tr("candor/v1/log-state-leaf2", {as("letter"), id, u64(1)}));
  add("unknown kind", crypto::Tr(domain::kLogStateLeafLabel, {as("cable"), id, u64(1)}));
  add("letter id of 31 bytes",
      crypto::Tr(domain::kLogStateLeafLabel, {as("letter"), short_id, u64(1)}));
  add("number of 7 bytes", crypto::Tr(domain::kLogStateLeafLabel, {as("letter"), id, short_n}));
  add("one field too many",
      crypto::Tr(domain::kLogStateLeafLabel, {as("letter"), id, u64(1), u64(1)}));
  add("organization without its epoch",
      crypto::Tr(domain::kLogStateLeafLabel, {as("organization"), as("state"), u64(1), u64(1)}));
  add("invalid slug", crypto::Tr(domain::kLogStateLeafLabel,
                                 {as("organization"), as("State"), u64(1), u64(1), u64(1)}));
  crypto::Bytes trailing = crypto::Tr(domain::kLogStateLeafLabel, {as("letter"), id, u64(1)});
  trailing.push_back(0);
  add("a byte after the last field", trailing);
  out["invalid_leaves"] = invalid;
  return out;
}

}  // namespace

CANDOR_REGISTER_VECTORS("log_state.json", MakeLogStateVectors);

}  // namespace candor::vectors
