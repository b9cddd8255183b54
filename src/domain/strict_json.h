// The one strict JSON reader (issue 13): every document Candor reads — API bodies and replies,
// bundles, key and state files, ring and receipt files, cable contents, settings — is parsed by
// ParseStrictJson, under the rules of docs/FORMATS.md ("JSON"):
//
//   - RFC 8259 syntax, the whole text one value (nothing after it but white space);
//   - UTF-8 without a byte-order mark (RFC 8259 §8.1: a BOM MUST NOT be added; readers that
//     skip it and readers that refuse it would disagree about one file);
//   - no key twice in one object (RFC 8259 leaves a repeated key's meaning open, and two
//     readers that resolve it differently would read two different documents);
//   - objects and arrays nested at most `max_depth` deep (the check is iterative: a hostile
//     depth costs no stack).
//
// What each document's fields must be is its decoder's business (e.g. http::FieldReader).
#ifndef CANDOR_DOMAIN_STRICT_JSON_H_
#define CANDOR_DOMAIN_STRICT_JSON_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "base/result.h"

namespace candor::domain {

inline constexpr std::size_t kMaxJsonDepth = 32;

// Error (kInvalidArgument): "not valid JSON: …" for syntax, "… byte-order mark …", "the key
// 'K' appears twice in one object", or "… nests objects and arrays deeper than N".
Result<nlohmann::json> ParseStrictJson(std::string_view text,
                                       std::size_t max_depth = kMaxJsonDepth);

// ParseStrictJson for a reader that says in its own words what is wrong: a discarded value
// (is_discarded()) when the text breaks any rule above.
nlohmann::json ParseStrictJsonOrDiscarded(std::string_view text,
                                          std::size_t max_depth = kMaxJsonDepth);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_STRICT_JSON_H_
