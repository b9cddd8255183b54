// What a thief with the database learns about the order of anonymous writes (security review
// H3): helpers for the forensic tests of letters_test.cc and cables_test.cc.
//
// The attack they play: submit N anonymous items in a known order, let the batch publish them,
// then read the raw database the way a thief would — the SQLite file and its WAL byte by byte,
// PostgreSQL's physical row order (ctid) and inserting transaction (xmin) — and try to recover
// the arrival order. The recovered order must be uncorrelated with the true one: Kendall's tau
// near 0, where arrival order would give 1.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "store/sql.h"

namespace candor::it::forensics {

// Kendall's tau between the positions 0 … n-1 and `ranks` (a permutation): 1 for the same
// order, -1 for the reverse, about 0 for an unrelated one (standard deviation ≈ 0.11 at n = 40).
inline double KendallTau(const std::vector<std::size_t>& ranks) {
  const std::size_t n = ranks.size();
  long concordant = 0, discordant = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (ranks[i] < ranks[j])
        ++concordant;
      else if (ranks[i] > ranks[j])
        ++discordant;
    }
  }
  const double pairs = static_cast<double>(n) * static_cast<double>(n - 1) / 2;
  return pairs == 0 ? 0 : static_cast<double>(concordant - discordant) / pairs;
}

// The rank of each value in `keys` (0 for the smallest).
template <typename K>
std::vector<std::size_t> RanksOf(const std::vector<K>& keys) {
  std::vector<std::size_t> order(keys.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  std::vector<std::size_t> rank(keys.size());
  for (std::size_t r = 0; r < order.size(); ++r) rank[order[r]] = r;
  return rank;
}

inline crypto::Bytes ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return crypto::Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every offset at which `needle` occurs in `hay`.
inline std::vector<std::size_t> Offsets(const crypto::Bytes& hay, const crypto::Bytes& needle) {
  std::vector<std::size_t> out;
  auto it = hay.begin();
  while ((it = std::search(it, hay.end(), needle.begin(), needle.end())) != hay.end()) {
    out.push_back(static_cast<std::size_t>(it - hay.begin()));
    ++it;
  }
  return out;
}

// PostgreSQL: for each row of `table` (by the hex of its `key_column`), its physical position
// (ctid as (page, item)) and its inserting transaction (xmin).
struct PhysicalRow {
  std::pair<std::int64_t, std::int64_t> ctid;
  std::string xmin;
};
inline std::map<std::string, PhysicalRow> PhysicalRows(store::SqlConnection& conn,
                                                       const std::string& table,
                                                       const std::string& key_column) {
  std::map<std::string, PhysicalRow> out;
  auto rows = conn.Query(
      "SELECT encode(" + key_column + ", 'hex'), ctid::text, xmin::text FROM " + table, {});
  if (!rows.ok()) return out;
  for (const auto& row : *rows) {
    const std::string ctid = row[1].as_text();  // "(page,item)"
    const std::size_t comma = ctid.find(',');
    PhysicalRow p{{std::stoll(ctid.substr(1, comma - 1)), std::stoll(ctid.substr(comma + 1))},
                  row[2].as_text()};
    out[row[0].as_text()] = p;
  }
  return out;
}

}  // namespace candor::it::forensics
