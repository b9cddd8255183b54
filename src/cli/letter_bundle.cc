#include "cli/letter_bundle.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "cli/io.h"

namespace candor::cli {
namespace {

constexpr std::size_t kBarWidth = 30;

// "Verifying signatures 340/1000 [##########--------------------]" on stderr, redrawn in place
// at most ten times a second, and erased when done. Draws nothing unless stderr is a terminal.
class ProgressBar {
 public:
  ProgressBar() : enabled_(::isatty(STDERR_FILENO) == 1) {}
  ~ProgressBar() {
    if (drawn_) {
      fmt::print(stderr, "\r{}\r", std::string(width_, ' '));
      (void)std::fflush(stderr);  // stderr is unbuffered; nothing to report if this fails
    }
  }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Update(std::size_t done, std::size_t total) {
    if (!enabled_ || total == 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && done != total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    const std::size_t filled = std::min(kBarWidth, done * kBarWidth / total);
    const std::string line =
        fmt::format("Verifying signatures {}/{} [{}{}]", WithThousands(done), WithThousands(total),
                    std::string(filled, '#'), std::string(kBarWidth - filled, '-'));
    width_ = std::max(width_, line.size());
    fmt::print(stderr, "\r{}", line);
    (void)std::fflush(stderr);
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::size_t width_ = 0;
  std::chrono::steady_clock::time_point last_;
};

std::string Plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return WithThousands(n) + " " + std::string(n == 1 ? one : many);
}

// "1 ring of 1,024", "3 rings of 10", "2 rings of 2,049 and 2,048", "5 rings of 2,048 to 2,049".
std::string DescribeRings(const std::vector<std::size_t>& sizes) {
  if (sizes.empty()) return "no ring";
  const auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
  std::string s = Plural(sizes.size(), "ring", "rings") + " of ";
  if (*lo == *hi) return s + WithThousands(*lo);
  if (sizes.size() == 2) return s + WithThousands(sizes[0]) + " and " + WithThousands(sizes[1]);
  return s + WithThousands(*lo) + " to " + WithThousands(*hi);
}

std::string UtcTime(std::uint64_t ms) {
  const auto seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  if (::gmtime_r(&seconds, &tm) == nullptr) return "time unknown";
  std::array<char, 32> buf{};
  if (std::strftime(buf.data(), buf.size(), "%Y-%m-%d %H:%M UTC", &tm) == 0) return "time unknown";
  return buf.data();
}

}  // namespace

std::string WithThousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

Result<nlohmann::json> FetchProofPages(const ServerUrl& server, const std::string& base,
                                       const char* id_field, const std::string& id,
                                       const std::string& ca_file, bool pin_tree_size) {
  using Json = nlohmann::json;
  const auto bad = [] {
    return Error(ErrorCode::kCorrupt, "the server's pages do not fit together");
  };
  // Page by page (docs/API.md, "Bundles in pages"), every later page pinned to the first
  // page's tree head; the pages are checked to fit, the whole by its verifier.
  CANDOR_ASSIGN_OR_RETURN(Json bundle, GetJson(server, base, ca_file, kMaxBundlePageBytes));
  if (!bundle.is_object() || !bundle.contains(id_field) || bundle[id_field] != id) {
    return VerificationFailed(std::string("the server answered for another ") + id_field +
                              " than " + id);
  }
  const auto page_of = [](const Json& j) -> const Json* {
    if (!j.contains("page") || !j["page"].is_object() || !j.contains("entries") ||
        !j["entries"].is_array()) {
      return nullptr;
    }
    const Json& p = j["page"];
    if (!p.contains("start") || !p["start"].is_number_unsigned() || !p.contains("entries") ||
        !p["entries"].is_number_unsigned() || !p.contains("next") ||
        !(p["next"].is_null() || p["next"].is_number_unsigned())) {
      return nullptr;
    }
    return &p;
  };
  const Json* first = page_of(bundle);
  if (first == nullptr || (*first)["start"] != 0 || !bundle.contains("tree_head") ||
      !bundle["tree_head"].contains("tree_size") ||
      !bundle["tree_head"]["tree_size"].is_number_unsigned()) {
    return bad();
  }
  const std::uint64_t total = (*first)["entries"];
  Json next = (*first)["next"];
  const Json tree_head = bundle["tree_head"];
  const std::string pinned =
      pin_tree_size
          ? base + "&tree_size=" + std::to_string(tree_head["tree_size"].get<std::uint64_t>())
          : base;
  std::size_t bytes = bundle.dump().size();
  bundle.erase("page");
  while (!next.is_null()) {
    const std::uint64_t start = next.get<std::uint64_t>();
    if (start != bundle["entries"].size() || start >= total) return bad();
    CANDOR_ASSIGN_OR_RETURN(Json p, GetJson(server, pinned + "&start=" + std::to_string(start),
                                            ca_file, kMaxBundlePageBytes));
    const Json* page = page_of(p);
    if (page == nullptr || (*page)["start"] != start || (*page)["entries"] != total ||
        !p.contains(id_field) || p[id_field] != id || !p.contains("tree_head") ||
        p["tree_head"] != tree_head || p["entries"].empty()) {
      return bad();
    }
    bytes += p.dump().size();
    if (bytes > kMaxBundleBytes)
      return Error(ErrorCode::kResourceExhausted, "the answer is larger than this client accepts");
    next = (*page)["next"];
    for (auto& e : p["entries"]) bundle["entries"].push_back(std::move(e));
  }
  if (bundle["entries"].size() != total) return bad();
  return bundle;
}

Result<nlohmann::json> FetchLetterBundle(const ServerUrl& server, const domain::LetterId& letter_id,
                                         const std::string& ca_file, bool with_signatures) {
  const std::string id = crypto::ToHex(letter_id);
  return FetchProofPages(
      server, "/api/v1/letters/" + id + "/bundle?signatures=" + (with_signatures ? "1" : "0"),
      "letter_id", id, ca_file, /*pin_tree_size=*/true);
}

Result<domain::BundleReport> VerifyBundle(const nlohmann::json& json, const BundleCheck& check) {
  domain::BundleOptions options;
  options.min_ring = check.min_ring;
  options.threads = check.threads;
  if (!check.log_key_hex.empty()) {
    CANDOR_ASSIGN_OR_RETURN(options.expected_log_key, crypto::FixedFromHex<crypto::SignPublicKey>(
                                                          check.log_key_hex, "--log-key"));
  }
  for (const auto& hex : check.witness_hex) {
    CANDOR_ASSIGN_OR_RETURN(auto w, crypto::FixedFromHex<crypto::SignPublicKey>(hex, "--witness"));
    if (std::find(options.witnesses.begin(), options.witnesses.end(), w) ==
        options.witnesses.end()) {
      options.witnesses.push_back(w);
    }
  }
  options.witness_threshold = check.witness_threshold;
  options.require_complete = !check.allow_incomplete;
  const std::uint64_t hours =
      check.max_age_hours.value_or(check.from_server ? kDefaultMaxAgeHours : 0);
  if (hours != 0) {
    options.max_age_ms = hours * 3'600'000;
    options.now_ms =
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
  }
  if (options.witness_threshold > options.witnesses.size()) {
    return InvalidArgument("--witness-threshold is more than the witness keys given");
  }
  CANDOR_ASSIGN_OR_RETURN(domain::LetterBundle bundle, domain::LetterBundleFromJson(json));
  if (check.letter && *check.letter != bundle.letter_id) {
    return VerificationFailed("the bundle is for letter " + crypto::ToHex(bundle.letter_id) +
                              ", not " + crypto::ToHex(*check.letter));
  }
  ProgressBar bar;
  options.progress = [&bar](std::size_t done, std::size_t total) { bar.Update(done, total); };
  return domain::VerifyLetterBundle(bundle, options);
}

void AddFreshnessOptions(CLI::App* cmd, BundleCheck& check) {
  cmd->add_flag("--allow-incomplete", check.allow_incomplete,
                "Accept a bundle that does not prove it is complete (no log state: made by an "
                "older server, or at a "
                "tree head that is not a checkpoint)");
  cmd->add_option("--max-age", check.max_age_hours,
                  "Refuse a bundle whose tree head is older than this many hours (0: any age; "
                  "default: 72 for a "
                  "bundle fetched from a server, any age for a file)");
}

std::string DescribeBundleReport(const domain::BundleReport& r) {
  std::string out =
      fmt::format("Letter {}: \"{}\"\n", crypto::ToHex(r.letter_id), TerminalSafe(r.letter.title));
  for (const auto& org : r.organizations) {
    out += fmt::format("  {}: {} (roster v{}, {})\n", org.slug,
                       Plural(org.signers, "signatory", "signatories"), org.roster_version,
                       DescribeRings(org.ring_sizes));
  }
  out += fmt::format("  Checked {} in {}",
                     Plural(r.signatures_checked, "co-signature", "co-signatures"),
                     Plural(r.batches, "batch", "batches"));
  // Which anonymity set each signature has: a v2 one hides its signer among the whole roster,
  // a v1 one among the ring (bucket) listed above.
  if (r.whole_roster_signatures != 0) {
    out += r.whole_roster_signatures == r.signatures_checked
               ? std::string(", each within the whole roster of its organization")
               : fmt::format(" ({} within the whole roster, the rest within one ring each)",
                             WithThousands(r.whole_roster_signatures));
  }
  if (r.withdrawals != 0 || r.duplicates_dropped != 0) {
    out += fmt::format(": {} withdrawn, {} dropped", WithThousands(r.withdrawals),
                       Plural(r.duplicates_dropped, "duplicate", "duplicates"));
  }
  out += ".\n";
  out += fmt::format(
      "  Total: {} from {}, as of that tree head. Every signature and log proof checks against the "
      "tree head of size "
      "{} ({}) signed by log key {}.\n",
      Plural(r.total, "signatory", "signatories"),
      Plural(r.organizations.size(), "organization", "organizations"),
      WithThousands(r.tree_head.head.size), UtcTime(r.tree_head.head.timestamp_ms),
      crypto::ToHex(r.log_key));
  if (r.witnessed > 0) {
    out += fmt::format("  That tree head is cosigned by {} you trust.\n",
                       Plural(r.witnessed, "witness", "witnesses"));
  }
  if (r.complete) {
    out +=
        "  Complete: the log's state at that tree head shows that no batch is left out and that "
        "each roster the "
        "letter pins was the latest when it was published.\n";
  } else {
    out +=
        "  NOT proven complete: this bundle holds no log state, so later batches could be left "
        "out.\n";
  }
  return out;
}

}  // namespace candor::cli
