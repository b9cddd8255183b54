// candor log root | prove-inclusion | prove-consistency | verify-inclusion | verify-consistency
//
// Entries come from a file with one entry per line (text, or hex with --hex); proofs are
// JSON documents (docs/PROTOCOL.md, "Log proofs").
#include <fmt/core.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/io.h"
#include "domain/cosignature.h"
#include "domain/strict_json.h"
#include "log/memory_tree.h"
#include "log/proof.h"
#include "log/rfc9162.h"
#include "log/verify.h"
#include "server/app/wire_log.h"

namespace candor::cli {
namespace {

using domain::Json;

struct EntriesOptions {
  std::string entries;
  bool hex = false;
};

Result<tlog::MemoryTree> LoadTree(const EntriesOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(o.entries));
  tlog::MemoryTree tree;
  std::size_t start = 0, line_no = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    ++line_no;
    if (o.hex) {
      auto bytes = crypto::FromHex(line);
      if (!bytes.ok())
        return bytes.error().WithContext(fmt::format("{} line {}", o.entries, line_no));
      tree.Append(*bytes);
    } else {
      tree.Append(crypto::AsBytes(line));
    }
    start = end + 1;
  }
  return tree;
}

Result<Json> LoadJson(const std::string& path) {
  CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
  Json j = domain::ParseStrictJsonOrDiscarded(text);
  if (j.is_discarded() || !j.is_object())
    return InvalidArgument("'" + path + "' is not a JSON object");
  return j;
}

Status RunRoot(const EntriesOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(tlog::MemoryTree tree, LoadTree(o));
  Json j{{"tree_size", tree.size()}, {"root", crypto::ToHex(tree.Root())}};
  SayJson(j);
  return Status::Ok();
}

Status RunProveInclusion(const EntriesOptions& o, std::uint64_t index,
                         std::optional<std::uint64_t> size) {
  CANDOR_ASSIGN_OR_RETURN(tlog::MemoryTree tree, LoadTree(o));
  std::uint64_t n = size.value_or(tree.size());
  CANDOR_ASSIGN_OR_RETURN(auto proof, tlog::InclusionProof(tree, index, n));
  CANDOR_ASSIGN_OR_RETURN(auto root, tlog::RootAt(tree, n));
  CANDOR_ASSIGN_OR_RETURN(auto leaf, tree.ReadNode(tlog::NodeId{0, index}));
  SayJson(app::api::InclusionProofToJson({index, n, leaf, root, proof}));
  return Status::Ok();
}

Status RunProveConsistency(const EntriesOptions& o, std::uint64_t old_size,
                           std::optional<std::uint64_t> new_size) {
  CANDOR_ASSIGN_OR_RETURN(tlog::MemoryTree tree, LoadTree(o));
  std::uint64_t n = new_size.value_or(tree.size());
  CANDOR_ASSIGN_OR_RETURN(auto proof, tlog::ConsistencyProof(tree, old_size, n));
  CANDOR_ASSIGN_OR_RETURN(auto old_root, tlog::RootAt(tree, old_size));
  CANDOR_ASSIGN_OR_RETURN(auto new_root, tlog::RootAt(tree, n));
  SayJson(app::api::ConsistencyProofToJson({old_size, n, old_root, new_root, proof}));
  return Status::Ok();
}

Status RunVerifyInclusion(const std::string& path, const std::optional<std::string>& entry) {
  CANDOR_ASSIGN_OR_RETURN(Json j, LoadJson(path));
  CANDOR_ASSIGN_OR_RETURN(auto p, app::api::InclusionProofFromJson(j));
  const auto& [index, size, leaf, root, proof] = p;
  if (entry && tlog::HashLeaf(crypto::AsBytes(*entry)) != leaf) {
    return VerificationFailed("the proof is not about this entry (its leaf hash differs)");
  }
  CANDOR_RETURN_IF_ERROR(tlog::VerifyInclusion(index, size, leaf, proof, root));
  Say("OK: entry {} is included in the tree of size {} with root {}\n", index, size,
      crypto::ToHex(root));
  return Status::Ok();
}

Status RunVerifyConsistency(const std::string& path) {
  CANDOR_ASSIGN_OR_RETURN(Json j, LoadJson(path));
  CANDOR_ASSIGN_OR_RETURN(auto p, app::api::ConsistencyProofFromJson(j));
  const auto& [old_size, new_size, old_root, new_root, proof] = p;
  CANDOR_RETURN_IF_ERROR(tlog::VerifyConsistency(old_size, new_size, old_root, new_root, proof));
  Say("OK: the tree of size {} extends the tree of size {} without rewriting it\n", new_size,
      old_size);
  return Status::Ok();
}

void AddEntries(CLI::App* cmd, EntriesOptions* o) {
  cmd->add_option("--entries", o->entries, "File with one log entry per line")->required();
  cmd->add_flag("--hex", o->hex, "Entries are hex-encoded bytes rather than text lines");
}

}  // namespace

void RegisterLogCommands(CLI::App& app, int* exit_code) {
  CLI::App* log = app.add_subcommand(
      "log", "Merkle log proofs (RFC 9162): tree roots, inclusion and consistency");
  log->require_subcommand(1);

  auto root = std::make_shared<EntriesOptions>();
  CLI::App* r = log->add_subcommand("root", "Print the size and root hash of a log of entries");
  AddEntries(r, root.get());
  OnRun(r, exit_code, [root] { return RunRoot(*root); });

  auto inc = std::make_shared<EntriesOptions>();
  auto inc_index = std::make_shared<std::uint64_t>(0);
  auto inc_size = std::make_shared<std::optional<std::uint64_t>>();
  CLI::App* pi = log->add_subcommand("prove-inclusion", "Prove that an entry is in the log");
  AddEntries(pi, inc.get());
  pi->add_option("--index", *inc_index, "Index of the entry (from 0)")->required();
  pi->add_option("--size", *inc_size, "Size of the tree to prove against (default: all entries)");
  OnRun(pi, exit_code,
        [inc, inc_index, inc_size] { return RunProveInclusion(*inc, *inc_index, *inc_size); });

  auto con = std::make_shared<EntriesOptions>();
  auto con_old = std::make_shared<std::uint64_t>(0);
  auto con_new = std::make_shared<std::optional<std::uint64_t>>();
  CLI::App* pc =
      log->add_subcommand("prove-consistency", "Prove that a larger tree extends a smaller one");
  AddEntries(pc, con.get());
  pc->add_option("--old", *con_old, "Size of the older tree")->required();
  pc->add_option("--new", *con_new, "Size of the newer tree (default: all entries)");
  OnRun(pc, exit_code,
        [con, con_old, con_new] { return RunProveConsistency(*con, *con_old, *con_new); });

  auto vi_path = std::make_shared<std::string>();
  auto vi_entry = std::make_shared<std::optional<std::string>>();
  CLI::App* vi = log->add_subcommand("verify-inclusion", "Check an inclusion proof (JSON)");
  vi->add_option("proof", *vi_path, "The proof file")->required();
  vi->add_option("--entry", *vi_entry, "Also check that the proof is about this entry (text)");
  OnRun(vi, exit_code, [vi_path, vi_entry] { return RunVerifyInclusion(*vi_path, *vi_entry); });

  auto vc_path = std::make_shared<std::string>();
  CLI::App* vc = log->add_subcommand("verify-consistency", "Check a consistency proof (JSON)");
  vc->add_option("proof", *vc_path, "The proof file")->required();
  OnRun(vc, exit_code, [vc_path] { return RunVerifyConsistency(*vc_path); });
}

}  // namespace candor::cli
