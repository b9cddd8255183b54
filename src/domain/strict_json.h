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
// Each document's fields are then read by FieldReader, below: one meaning of "every field
// known" and "field required" for every decoder, on the server, in the command line and in
// the browser's mirror (web/src/crypto/json.ts), with the same words.
#ifndef CANDOR_DOMAIN_STRICT_JSON_H_
#define CANDOR_DOMAIN_STRICT_JSON_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"

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

// Reads the fields of one JSON object, strictly and with one meaning for every decoder:
//   - the object carries no field the decoder does not know: "unknown field 'k' in W";
//   - a required field is present: "W lacks the field 'f'";
//   - an optional field may be absent or null, and then reads as empty;
//   - a present field has the type asked for: "'f' in W must be a string" (a whole number,
//     true or false, …); fixed-size hex reads as W: 'f' must be 64 hex characters, …;
// where W names the object ("the tree head", "entry 3", "the request"). When several things
// are wrong, the object's shape is reported first (not an object, then the first unknown
// field in key order), then the first field read wrongly, in the order the decoder read them.
//
// The fields a decoder knows are those it lists when constructing the reader, and those it
// reads. Two styles, one meaning:
//
//   FieldReader r(j, "the tree head", {"tree_size", "root"});   // declares its fields
//   CANDOR_RETURN_IF_ERROR(r.Shape());                           // shape first
//   CANDOR_ASSIGN_OR_RETURN(std::uint64_t size, r.Unsigned("tree_size"));
//
//   FieldReader r(body, "the request");     // a handler reading many fields at once
//   r.Required("slug", slug);               // each read records the first error
//   r.Optional("version", version);
//   CANDOR_RETURN_IF_ERROR(r.Finish());     // shape, unknown fields, then that error
//
// Every type is checked before nlohmann's accessors are called (they would throw; Candor
// never throws). The reader keeps a reference to the object, which must outlive it.
class FieldReader {
 public:
  FieldReader(const nlohmann::json& object, std::string what,
              std::initializer_list<std::string_view> fields = {});

  // The shape: the value is an object with no field outside those declared and read so far.
  [[nodiscard]] Status Shape() const;
  // Shape(), then the first error any read recorded.
  [[nodiscard]] Status Finish() const;

  // Result style: a required field that is absent is an error. Value gives any value, null
  // included, for the caller to check; the typed reads refuse null as a wrong type.
  Result<const nlohmann::json*> Value(std::string_view name);
  // An optional field: null when absent or null.
  const nlohmann::json* Find(std::string_view name);
  Result<std::string> String(std::string_view name);
  Result<bool> Bool(std::string_view name);
  Result<std::int64_t> Int(std::string_view name);
  Result<std::uint64_t> Unsigned(std::string_view name);
  Result<std::vector<std::string>> Strings(std::string_view name);
  // Lowercase hex of any even length.
  Result<crypto::Bytes> Hex(std::string_view name);
  // Lowercase hex of exactly F::kSize bytes.
  template <typename F>
  Result<F> Fixed(std::string_view name) {
    CANDOR_ASSIGN_OR_RETURN(std::string s, String(name));
    return Record(crypto::FixedFromHex<F>(s, Quote(name)), /*context=*/true);
  }
  template <typename F>
  Result<std::optional<F>> OptionalFixed(std::string_view name) {
    if (Find(name) == nullptr) return std::optional<F>();
    CANDOR_ASSIGN_OR_RETURN(F v, Fixed<F>(name));
    return std::optional<F>(v);
  }
  Result<std::optional<std::string>> OptionalString(std::string_view name);
  Result<std::optional<bool>> OptionalBool(std::string_view name);
  Result<std::optional<std::int64_t>> OptionalInt(std::string_view name);
  Result<std::optional<std::uint64_t>> OptionalUnsigned(std::string_view name);

  // Accumulating style: each call reads one field into `out`, or records the first error
  // (and leaves `out` as it was; an Optional one that is absent or null is reset).
  void Required(std::string_view name, std::string& out);
  void Required(std::string_view name, bool& out);
  void Required(std::string_view name, std::int64_t& out);
  void Required(std::string_view name, std::uint64_t& out);
  void Required(std::string_view name, double& out);
  void Required(std::string_view name, std::vector<std::string>& out);
  void Required(std::string_view name, nlohmann::json& out);  // any value but null
  void Optional(std::string_view name, std::optional<std::string>& out);
  void Optional(std::string_view name, std::optional<bool>& out);
  void Optional(std::string_view name, std::optional<std::int64_t>& out);
  void Optional(std::string_view name, std::optional<std::uint64_t>& out);
  void Optional(std::string_view name, std::optional<double>& out);
  void Optional(std::string_view name, std::optional<std::vector<std::string>>& out);
  void Optional(std::string_view name, std::optional<nlohmann::json>& out);

  const std::string& what() const { return what_; }

 private:
  static std::string Quote(std::string_view name) { return "'" + std::string(name) + "'"; }
  template <typename T>
  Result<T> Record(Result<T> r, bool context = false) {
    if (r.ok()) return r;
    Error e = context ? r.error().WithContext(what_) : r.error();
    if (!error_) error_ = e;
    return e;
  }
  Error TypeError(std::string_view name, std::string_view expected);
  // The field's value, null included, or null when absent; records the name as known.
  const nlohmann::json* Present(std::string_view name);
  template <typename T>
  Result<T> Read(std::string_view name);
  template <typename T>
  Result<std::optional<T>> ReadOptional(std::string_view name);
  template <typename T>
  void IntoOptional(std::string_view name, std::optional<T>& out);

  const nlohmann::json& object_;
  std::string what_;
  std::vector<std::string> known_;
  std::optional<Error> error_;
};

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_STRICT_JSON_H_
