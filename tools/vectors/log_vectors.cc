// tests/vectors/log.json: candor-log-v1 (CRYPTO.md "Transparency log").
//
// One JSON object:
//   entries      hex entries of a 13-leaf tree (deterministic bytes, entry 0 empty)
//   leaf_hashes  SHA-256(0x00 || entry)
//   roots        {tree_size, root} for every size 0 … 13
//   inclusion    {index, tree_size, leaf_hash, root, proof[], valid, description}
//   consistency  {old_size, new_size, old_root, new_root, proof[], valid, description}
//   tree_heads   {log_public_key, tree_size, root, timestamp_ms, signature, valid, description}
//   cosignatures {log_public_key, tree_size, root, witness, timestamp, message, signature, valid,
//                 description}: witness cosignatures (docs/PROTOCOL.md, "Witnesses"); `message`
//                 is the exact text signed (for valid ones; invalid ones change one input)
// Field names follow docs/PROTOCOL.md. Invalid elements are valid ones with one thing
// changed, named by `description`; every verifier must reject them.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/ed25519.h"
#include "crypto/rng.h"
#include "log/cosignature.h"
#include "log/memory_tree.h"
#include "log/rfc9162.h"
#include "log/tree_head.h"
#include "vectors/registry.h"

namespace candor::vectors {
namespace {

using nlohmann::json;
using tlog::Hash;

constexpr std::uint64_t kLeaves = 13;

json HexList(const std::vector<Hash>& hashes) {
  json out = json::array();
  for (const Hash& h : hashes) out.push_back(crypto::ToHex(h));
  return out;
}

Hash Flip(Hash h, std::size_t byte = 0, std::uint8_t mask = 0x01) {
  h.bytes[byte] ^= mask;
  return h;
}

json Inclusion(std::uint64_t index, std::uint64_t size, const Hash& leaf_hash, const Hash& root,
               const std::vector<Hash>& proof, bool valid, const std::string& description) {
  return json{{"index", index},
              {"tree_size", size},
              {"leaf_hash", crypto::ToHex(leaf_hash)},
              {"root", crypto::ToHex(root)},
              {"proof", HexList(proof)},
              {"valid", valid},
              {"description", description}};
}

json Consistency(std::uint64_t size1, std::uint64_t size2, const Hash& root1, const Hash& root2,
                 const std::vector<Hash>& proof, bool valid, const std::string& description) {
  return json{{"old_size", size1},
              {"new_size", size2},
              {"old_root", crypto::ToHex(root1)},
              {"new_root", crypto::ToHex(root2)},
              {"proof", HexList(proof)},
              {"valid", valid},
              {"description", description}};
}

json TreeHeadJson(const crypto::SignPublicKey& key, const tlog::SignedTreeHead& sth, bool valid,
                  const std::string& description) {
  return json{{"log_public_key", crypto::ToHex(key)},
              {"tree_size", sth.head.size},
              {"root", crypto::ToHex(sth.head.root)},
              {"timestamp_ms", sth.head.timestamp_ms},
              {"signature", crypto::ToHex(sth.signature)},
              {"valid", valid},
              {"description", description}};
}

json MakeLogVectors() {
  // Entries: deterministic bytes of varying length (0, 3, 6, … 36), entry 0 empty.
  crypto::SeededRng entry_rng(9162);
  std::vector<crypto::Bytes> entries;
  tlog::MemoryTree tree;
  for (std::uint64_t i = 0; i < kLeaves; ++i) {
    crypto::Bytes entry(static_cast<std::size_t>(3 * i));
    // (Fill is skipped for the empty entry: SeededRng::Fill hands libsodium a null pointer
    // for an empty span, which UBSan rejects.)
    if (!entry.empty()) entry_rng.Fill(entry);
    tree.Append(entry);
    entries.push_back(std::move(entry));
  }
  auto root_at = [&tree](std::uint64_t size) { return *tree.RootAt(size); };
  auto leaf = [&tree](std::uint64_t index) { return *tree.LeafHash(index); };

  json out;
  out["description"] =
      "candor-log-v1: RFC 9162 section 2.1 Merkle tree (SHA-256, 0x00 leaf / 0x01 node prefixes), "
      "inclusion and consistency proofs, and Ed25519 signed tree heads over "
      "tr(\"candor/v1/sth\", u64le(tree_size), root, u64le(timestamp_ms))";
  json entries_json = json::array();
  json leaves_json = json::array();
  for (std::uint64_t i = 0; i < kLeaves; ++i) {
    entries_json.push_back(crypto::ToHex(entries[i]));
    leaves_json.push_back(crypto::ToHex(leaf(i)));
  }
  out["entries"] = entries_json;
  out["leaf_hashes"] = leaves_json;
  json roots = json::array();
  for (std::uint64_t size = 0; size <= kLeaves; ++size) {
    roots.push_back(json{{"tree_size", size}, {"root", crypto::ToHex(root_at(size))}});
  }
  out["roots"] = roots;

  // Inclusion: every leaf of the full tree and of size 7, and a spread of other sizes.
  json inclusion = json::array();
  auto valid_inclusion = [&](std::uint64_t index, std::uint64_t size) {
    inclusion.push_back(
        Inclusion(index, size, leaf(index), root_at(size), *tree.InclusionProof(index, size), true,
                  "leaf " + std::to_string(index) + " of a tree of " + std::to_string(size)));
  };
  for (std::uint64_t index = 0; index < kLeaves; ++index) valid_inclusion(index, kLeaves);
  for (std::uint64_t index = 0; index < 7; ++index) valid_inclusion(index, 7);
  valid_inclusion(0, 1);
  valid_inclusion(1, 2);
  valid_inclusion(2, 3);
  valid_inclusion(3, 4);
  valid_inclusion(4, 5);
  valid_inclusion(5, 8);
  valid_inclusion(8, 12);
  {
    // Tampered versions of leaf 5 in the 13-leaf tree (a proof of 4 elements).
    const std::uint64_t i = 5, n = kLeaves;
    const Hash l = leaf(i), r = root_at(n);
    const std::vector<Hash> p = *tree.InclusionProof(i, n);
    for (std::size_t k = 0; k < p.size(); ++k) {
      std::vector<Hash> bad = p;
      bad[k] = Flip(bad[k], k, 0x08);
      inclusion.push_back(Inclusion(i, n, l, r, bad, false,
                                    "proof[" + std::to_string(k) + "] has one bit flipped"));
    }
    inclusion.push_back(
        Inclusion(i, n, l, r, {p.begin(), p.end() - 1}, false, "last proof element removed"));
    std::vector<Hash> longer = p;
    longer.push_back(r);
    inclusion.push_back(Inclusion(i, n, l, r, longer, false, "root appended to the proof"));
    std::vector<Hash> swapped = p;
    std::swap(swapped[0], swapped[1]);
    inclusion.push_back(Inclusion(i, n, l, r, swapped, false, "proof[0] and proof[1] swapped"));
    inclusion.push_back(Inclusion(i + 1, n, l, r, p, false, "wrong index (index + 1)"));
    inclusion.push_back(Inclusion(i - 1, n, l, r, p, false, "wrong index (index - 1)"));
    // (RFC 9162 binds the size through the root only: sizes 9 … 16 give leaf 5 a path of the
    // same shape, so a verifier accepts this proof with them. Only other shapes are listed.)
    inclusion.push_back(Inclusion(i, n / 2, l, r, p, false, "wrong tree size (size / 2)"));
    inclusion.push_back(Inclusion(i, 2 * n, l, r, p, false, "wrong tree size (size * 2)"));
    inclusion.push_back(Inclusion(i, n, leaf(i + 1), r, p, false, "another leaf's hash"));
    inclusion.push_back(Inclusion(i, n, l, root_at(n - 1), p, false, "root of another size"));
    inclusion.push_back(
        Inclusion(i, n, l, Flip(r, 31, 0x80), p, false, "root with one bit flipped"));
    inclusion.push_back(Inclusion(n, n, l, r, p, false, "index equal to the tree size"));
    inclusion.push_back(Inclusion(0, 0, tlog::EmptyRoot(), tlog::EmptyRoot(), {}, false,
                                  "the empty tree has no leaves"));
    inclusion.push_back(Inclusion(0, 1, leaf(0), root_at(1), {root_at(1)}, false,
                                  "one-leaf tree needs an empty proof"));
  }
  {
    // The last leaf of 13: the path skips levels on the right border.
    const std::uint64_t i = 12, n = kLeaves;
    const std::vector<Hash> p = *tree.InclusionProof(i, n);
    inclusion.push_back(Inclusion(i, n, leaf(i), root_at(n), {p.begin() + 1, p.end()}, false,
                                  "first proof element removed"));
    inclusion.push_back(
        Inclusion(i, n + 1, leaf(i), root_at(n), p, false, "wrong tree size (size + 1)"));
  }
  out["inclusion"] = inclusion;

  // Consistency: from every size into 13, and a spread of other pairs.
  json consistency = json::array();
  auto valid_consistency = [&](std::uint64_t size1, std::uint64_t size2) {
    consistency.push_back(Consistency(
        size1, size2, root_at(size1), root_at(size2), *tree.ConsistencyProof(size1, size2), true,
        "tree of " + std::to_string(size1) + " extended to " + std::to_string(size2)));
  };
  for (std::uint64_t size1 = 0; size1 <= kLeaves; ++size1) valid_consistency(size1, kLeaves);
  valid_consistency(0, 0);
  valid_consistency(1, 1);
  valid_consistency(1, 2);
  valid_consistency(2, 5);
  valid_consistency(3, 7);
  valid_consistency(4, 8);
  valid_consistency(6, 8);
  valid_consistency(7, 12);
  {
    const std::uint64_t m = 7, n = kLeaves;
    const Hash r1 = root_at(m), r2 = root_at(n);
    const std::vector<Hash> p = *tree.ConsistencyProof(m, n);
    for (std::size_t k = 0; k < p.size(); ++k) {
      std::vector<Hash> bad = p;
      bad[k] = Flip(bad[k], k, 0x10);
      consistency.push_back(Consistency(m, n, r1, r2, bad, false,
                                        "proof[" + std::to_string(k) + "] has one bit flipped"));
    }
    consistency.push_back(
        Consistency(m, n, r1, r2, {p.begin(), p.end() - 1}, false, "last proof element removed"));
    std::vector<Hash> longer = p;
    longer.push_back(r2);
    consistency.push_back(Consistency(m, n, r1, r2, longer, false, "new root appended"));
    consistency.push_back(Consistency(m, n, r1, r2, {}, false, "empty proof"));
    consistency.push_back(Consistency(m - 1, n, r1, r2, p, false, "wrong old size (size - 1)"));
    consistency.push_back(Consistency(m + 1, n, r1, r2, p, false, "wrong old size (size + 1)"));
    // (As for inclusion, new sizes 9 … 16 share the proof's shape; 8 does not.)
    consistency.push_back(Consistency(m, 8, r1, r2, p, false, "wrong new size (8)"));
    consistency.push_back(Consistency(m, 2 * n, r1, r2, p, false, "wrong new size (size * 2)"));
    consistency.push_back(Consistency(m, n, r2, r1, p, false, "roots swapped"));
    consistency.push_back(
        Consistency(m, n, Flip(r1), r2, p, false, "old root with one bit flipped"));
    consistency.push_back(
        Consistency(m, n, r1, Flip(r2), p, false, "new root with one bit flipped"));
    consistency.push_back(Consistency(n, m, r2, r1, p, false, "old size above new size"));
    // size1 a power of two: the old root is not in the proof.
    const std::vector<Hash> p8 = *tree.ConsistencyProof(8, n);
    consistency.push_back(Consistency(8, n, root_at(7), r2, p8, false,
                                      "old root of the wrong size (power-of-two old size)"));
    std::vector<Hash> p8_seeded = {root_at(8)};
    p8_seeded.insert(p8_seeded.end(), p8.begin(), p8.end());
    consistency.push_back(Consistency(8, n, root_at(8), r2, p8_seeded, false,
                                      "old root included although the old size is a power of two"));
    // Equal sizes and the empty tree.
    consistency.push_back(
        Consistency(n, n, r2, r2, {r2}, false, "equal sizes need an empty proof"));
    consistency.push_back(Consistency(n, n, r1, r2, {}, false, "equal sizes with different roots"));
    consistency.push_back(Consistency(0, n, tlog::EmptyRoot(), r2, {r2}, false,
                                      "from the empty tree the proof must be empty"));
    consistency.push_back(
        Consistency(0, n, r1, r2, {}, false, "a size-0 tree head must have the empty tree's root"));
  }
  out["consistency"] = consistency;

  // Signed tree heads under one deterministic log key.
  crypto::SeededRng key_rng(6962);
  const crypto::SignKeyPair log_key = crypto::GenerateSignKeyPair(key_rng);
  const crypto::SignKeyPair other_key = crypto::GenerateSignKeyPair(key_rng);
  json heads = json::array();
  for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{7}, kLeaves}) {
    const tlog::TreeHead head{size, root_at(size), 1790000000000 + 1000 * size};
    heads.push_back(TreeHeadJson(log_key.public_key, tlog::SignTreeHead(head, log_key.secret_key),
                                 true, "tree head of size " + std::to_string(size)));
  }
  {
    const tlog::TreeHead head{kLeaves, root_at(kLeaves), 1790000013000};
    const tlog::SignedTreeHead sth = tlog::SignTreeHead(head, log_key.secret_key);
    tlog::SignedTreeHead bad = sth;
    bad.head.size += 1;
    heads.push_back(TreeHeadJson(log_key.public_key, bad, false, "tree size changed"));
    bad = sth;
    bad.head.root = root_at(7);
    heads.push_back(TreeHeadJson(log_key.public_key, bad, false, "root changed"));
    bad = sth;
    bad.head.timestamp_ms += 1;
    heads.push_back(TreeHeadJson(log_key.public_key, bad, false, "timestamp changed"));
    bad = sth;
    bad.signature.bytes[0] ^= 0x01;
    heads.push_back(TreeHeadJson(log_key.public_key, bad, false, "signature R bit flipped"));
    bad = sth;
    bad.signature.bytes[63] ^= 0x02;
    heads.push_back(TreeHeadJson(log_key.public_key, bad, false, "signature S bit flipped"));
    heads.push_back(TreeHeadJson(other_key.public_key, sth, false, "another log's key"));
    bad = sth;
    std::swap(bad.head.size, bad.head.timestamp_ms);
    heads.push_back(TreeHeadJson(log_key.public_key, bad, false, "size and timestamp swapped"));
  }
  out["tree_heads"] = heads;

  // Witness cosignatures (docs/PROTOCOL.md, "Witnesses"): the exact message and an Ed25519
  // signature by a deterministic witness key, and the same with one thing changed.
  const crypto::SignKeyPair witness = crypto::GenerateSignKeyPair(key_rng);
  json cosignatures = json::array();
  auto cosignature = [&](const tlog::TreeHead& head, const tlog::Cosignature& c,
                         const crypto::SignPublicKey& log, bool valid,
                         const std::string& description) {
    cosignatures.push_back(
        json{{"log_public_key", crypto::ToHex(log)},
             {"tree_size", head.size},
             {"root", crypto::ToHex(head.root)},
             {"witness", crypto::ToHex(c.witness)},
             {"timestamp", c.timestamp_s},
             {"message", tlog::CosignedMessage(log, head.size, head.root, c.timestamp_s)},
             {"signature", crypto::ToHex(c.signature)},
             {"valid", valid},
             {"description", description}});
  };
  for (std::uint64_t size : {std::uint64_t{1}, std::uint64_t{7}, kLeaves}) {
    const tlog::TreeHead head{size, root_at(size), 0};
    cosignature(head,
                tlog::Cosign(log_key.public_key, head, 1790000000 + size, witness.public_key,
                             witness.secret_key),
                log_key.public_key, true, "a cosignature of the tree of " + std::to_string(size));
  }
  {
    const tlog::TreeHead head{kLeaves, root_at(kLeaves), 0};
    const tlog::Cosignature c =
        tlog::Cosign(log_key.public_key, head, 1790000100, witness.public_key, witness.secret_key);
    tlog::Cosignature bad = c;
    bad.timestamp_s += 1;
    cosignature(head, bad, log_key.public_key, false, "timestamp changed");
    cosignature(tlog::TreeHead{kLeaves - 1, root_at(kLeaves), 0}, c, log_key.public_key, false,
                "tree size changed");
    cosignature(tlog::TreeHead{kLeaves, root_at(7), 0}, c, log_key.public_key, false,
                "root changed");
    cosignature(head, c, other_key.public_key, false, "another log's key (origin line)");
    bad = c;
    bad.witness = other_key.public_key;
    cosignature(head, bad, log_key.public_key, false, "another witness's key");
    bad = c;
    bad.signature.bytes[5] ^= 0x04;
    cosignature(head, bad, log_key.public_key, false, "signature bit flipped");
  }
  out["cosignatures"] = cosignatures;
  return out;
}

}  // namespace

CANDOR_REGISTER_VECTORS("log.json", MakeLogVectors);

}  // namespace candor::vectors
