// Letter bundles on the command line: fetching one from a server, verifying it with a progress
// bar, and saying what it proves in plain words (`candor verify`, `candor letter export`).
// Not thread-safe (used from main only).
#ifndef CANDOR_CLI_LETTER_BUNDLE_H_
#define CANDOR_CLI_LETTER_BUNDLE_H_

#include <CLI/CLI.hpp>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cli/http_client.h"
#include "domain/bundle.h"

namespace candor::cli {

// The largest bundle the command line downloads. A co-signature over a ring of n members is
// about 64·n bytes of hex, so this is some 16,000 signatures over rings of 1,024.
inline constexpr std::size_t kMaxBundleBytes = std::size_t{1} << 30;

// The largest page of a bundle (the server cuts pages at about 8 MiB of hex).
inline constexpr std::size_t kMaxBundlePageBytes = std::size_t{64} << 20;

// GET `base` (a target with a query), page by page (docs/API.md, "Bundles in pages"), assembled
// into one answer: every page must carry `id_field` = `id` and one tree head, and the pages fit
// together without gap or overlap (kCorrupt otherwise). With `pin_tree_size`, later pages ask
// for the first page's tree size (`base` then has none of its own).
Result<nlohmann::json> FetchProofPages(const ServerUrl& server, const std::string& base,
                                       const char* id_field, const std::string& id,
                                       const std::string& ca_file, bool pin_tree_size);

// GET /api/v1/letters/{id}/bundle, page by page (docs/API.md, "Bundles in pages"), assembled
// into one bundle. Checks that the pages name `letter_id` (kVerificationFailed otherwise), share
// one tree head and fit together without gap or overlap (kCorrupt); VerifyBundle checks the rest.
Result<nlohmann::json> FetchLetterBundle(const ServerUrl& server, const domain::LetterId& letter_id,
                                         const std::string& ca_file, bool with_signatures = true);

// How the command line checks a bundle.
// A bundle fetched from a server whose tree head is older than this is refused by default
// (docs/PROTOCOL.md, "Log state": an honest server makes a checkpoint at least daily).
inline constexpr std::uint64_t kDefaultMaxAgeHours = 72;

struct BundleCheck {
  std::string log_key_hex;  // --log-key; empty: trust the key the bundle names
  std::size_t min_ring = domain::kDefaultMinRingSize;
  unsigned threads = 0;                    // 0: one per core
  std::optional<domain::LetterId> letter;  // when set, the bundle must be this letter's
  std::vector<std::string> witness_hex;    // --witness: trusted witnesses' keys (hex)
  std::size_t witness_threshold = 0;       // --witness-threshold: 0 = all of them
  bool allow_incomplete = false;           // --allow-incomplete: a bundle without a log state
  // --max-age in hours, 0: any age. Unset: kDefaultMaxAgeHours for a bundle just fetched from a
  // server (from_server), any age for a file (an archived bundle is recounted as of its head,
  // which the report states).
  std::optional<std::uint64_t> max_age_hours;
  bool from_server = false;
};

// Adds --allow-incomplete and --max-age to `cmd`.
void AddFreshnessOptions(CLI::App* cmd, BundleCheck& check);

// domain::VerifyLetterBundle with the options above, drawing a progress bar on stderr when
// stderr is a terminal. kInvalidArgument for a malformed --log-key or bundle shape (exit 2),
// kVerificationFailed when a check fails (exit 1).
Result<domain::BundleReport> VerifyBundle(const nlohmann::json& bundle, const BundleCheck& check);

// The report in plain words, one line per organization and a closing sentence.
std::string DescribeBundleReport(const domain::BundleReport& report);

// 1234567 → "1,234,567".
std::string WithThousands(std::uint64_t n);

}  // namespace candor::cli

#endif  // CANDOR_CLI_LETTER_BUNDLE_H_
