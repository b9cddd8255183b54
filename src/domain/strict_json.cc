#include "domain/strict_json.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace candor::domain {
namespace {

using nlohmann::json;

// A SAX pass that builds nothing: it only enforces depth, duplicate keys and syntax, and
// keeps the parser's message. nlohmann's SAX driver is iterative, so even a hostile nesting
// depth costs no stack.
class StrictChecker final : public json::json_sax_t {
 public:
  explicit StrictChecker(std::size_t max_depth) : max_depth_(max_depth) {}

  const std::optional<std::string>& error() const { return error_; }

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return Open(true); }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(false); }
  bool end_array() override { return Close(); }
  bool key(string_t& k) override {
    if (keys_.empty()) return true;  // cannot happen: keys only occur inside objects
    if (!keys_.back().insert(k).second) {
      error_ = "the key '" + k.substr(0, 64) + "' appears twice in one object";
      return false;
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    // what() is "[json.exception.parse_error.101] parse error at line 1, …"; keep the part
    // after the bracketed id.
    std::string_view what = ex.what();
    std::size_t close = what.find("] ");
    if (close != std::string_view::npos) what.remove_prefix(close + 2);
    error_ = "not valid JSON: " + std::string(what.substr(0, 300));
    return false;
  }

 private:
  bool Open(bool is_object) {
    if (++depth_ > max_depth_) {
      error_ = "it nests objects and arrays deeper than " + std::to_string(max_depth_);
      return false;
    }
    if (is_object) keys_.emplace_back();
    is_object_.push_back(is_object);
    return true;
  }
  bool Close() {
    --depth_;
    if (!is_object_.empty()) {
      if (is_object_.back()) keys_.pop_back();
      is_object_.pop_back();
    }
    return true;
  }

  std::size_t max_depth_;
  std::size_t depth_ = 0;
  std::vector<bool> is_object_;
  std::vector<std::set<std::string>> keys_;
  std::optional<std::string> error_;
};

}  // namespace

Result<json> ParseStrictJson(std::string_view text, std::size_t max_depth) {
  if (text.starts_with("\xEF\xBB\xBF")) {
    return InvalidArgument(
        "not valid JSON: it starts with a byte-order mark (JSON here is UTF-8 without one)");
  }
  StrictChecker checker(max_depth);
  const bool ok = json::sax_parse(text, &checker, json::input_format_t::json, /*strict=*/true);
  if (!ok || checker.error()) return InvalidArgument(checker.error().value_or("not valid JSON"));
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return InvalidArgument("not valid JSON");
  return value;
}

json ParseStrictJsonOrDiscarded(std::string_view text, std::size_t max_depth) {
  auto parsed = ParseStrictJson(text, max_depth);
  return parsed.ok() ? std::move(*parsed) : json(json::value_t::discarded);
}

// --- FieldReader ---

namespace {

// Each Convert returns an empty string on success, else what the value must be.
std::string Convert(const json& v, std::string& out) {
  if (!v.is_string()) return "a string";
  out = v.get_ref<const std::string&>();
  return {};
}
std::string Convert(const json& v, bool& out) {
  if (!v.is_boolean()) return "true or false";
  out = v.get<bool>();
  return {};
}
std::string Convert(const json& v, std::int64_t& out) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return "a whole number no larger than 9223372036854775807";
    }
    out = static_cast<std::int64_t>(u);
    return {};
  }
  if (!v.is_number_integer()) return "a whole number";
  out = v.get<std::int64_t>();
  return {};
}
std::string Convert(const json& v, std::uint64_t& out) {
  if (!v.is_number_unsigned()) return "a whole number ≥ 0";
  out = v.get<std::uint64_t>();
  return {};
}
std::string Convert(const json& v, double& out) {
  if (!v.is_number()) return "a number";
  const double d = v.get<double>();
  if (!std::isfinite(d)) return "a finite number";
  out = d;
  return {};
}
std::string Convert(const json& v, std::vector<std::string>& out) {
  if (!v.is_array()) return "a list of strings";
  std::vector<std::string> values;
  values.reserve(v.size());
  for (const auto& e : v) {
    if (!e.is_string()) return "a list of strings";
    values.push_back(e.get<std::string>());
  }
  out = std::move(values);
  return {};
}
std::string Convert(const json& v, json& out) {
  out = v;
  return {};
}

}  // namespace

FieldReader::FieldReader(const json& object, std::string what,
                         std::initializer_list<std::string_view> fields)
    : object_(object), what_(std::move(what)) {
  known_.reserve(fields.size());
  for (auto f : fields) known_.emplace_back(f);
}

Status FieldReader::Shape() const {
  if (!object_.is_object()) return InvalidArgument(what_ + " must be a JSON object");
  for (const auto& [key, value] : object_.get_ref<const json::object_t&>()) {
    if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
      return InvalidArgument("unknown field '" + key + "' in " + what_);
    }
  }
  return Status::Ok();
}

Status FieldReader::Finish() const {
  CANDOR_RETURN_IF_ERROR(Shape());
  if (error_) return *error_;
  return Status::Ok();
}

Error FieldReader::TypeError(std::string_view name, std::string_view expected) {
  Error e = InvalidArgument(Quote(name) + " in " + what_ + " must be " + std::string(expected));
  if (!error_) error_ = e;
  return e;
}

const json* FieldReader::Present(std::string_view name) {
  if (std::find(known_.begin(), known_.end(), name) == known_.end()) known_.emplace_back(name);
  if (!object_.is_object()) return nullptr;
  // The std::map underneath, rather than json iterators (whose operator-> GCC cannot prove
  // non-null under -Wnull-dereference).
  const auto& fields = object_.get_ref<const json::object_t&>();
  auto it = fields.find(std::string(name));
  return it == fields.end() ? nullptr : &it->second;
}

const json* FieldReader::Find(std::string_view name) {
  const json* v = Present(name);
  return v == nullptr || v->is_null() ? nullptr : v;
}

Result<const json*> FieldReader::Value(std::string_view name) {
  if (const json* v = Present(name)) return v;
  if (!object_.is_object()) {
    return Record<const json*>(InvalidArgument(what_ + " must be a JSON object"));
  }
  return Record<const json*>(InvalidArgument(what_ + " lacks the field " + Quote(name)));
}

template <typename T>
Result<T> FieldReader::Read(std::string_view name) {
  CANDOR_ASSIGN_OR_RETURN(const json* v, Value(name));
  T out{};
  std::string expected = Convert(*v, out);
  if (!expected.empty()) return TypeError(name, expected);
  return out;
}

template <typename T>
Result<std::optional<T>> FieldReader::ReadOptional(std::string_view name) {
  const json* v = Find(name);
  if (v == nullptr) return std::optional<T>();
  T out{};
  std::string expected = Convert(*v, out);
  if (!expected.empty()) return TypeError(name, expected);
  return std::optional<T>(std::move(out));
}

Result<std::string> FieldReader::String(std::string_view name) { return Read<std::string>(name); }
Result<bool> FieldReader::Bool(std::string_view name) { return Read<bool>(name); }
Result<std::int64_t> FieldReader::Int(std::string_view name) { return Read<std::int64_t>(name); }
Result<std::uint64_t> FieldReader::Unsigned(std::string_view name) {
  return Read<std::uint64_t>(name);
}
Result<std::vector<std::string>> FieldReader::Strings(std::string_view name) {
  return Read<std::vector<std::string>>(name);
}
Result<crypto::Bytes> FieldReader::Hex(std::string_view name) {
  CANDOR_ASSIGN_OR_RETURN(std::string s, String(name));
  auto bytes = crypto::FromHex(s);
  if (!bytes.ok())
    return Record<crypto::Bytes>(bytes.error().WithContext(what_ + ": " + Quote(name)));
  return bytes;
}
Result<std::optional<std::string>> FieldReader::OptionalString(std::string_view name) {
  return ReadOptional<std::string>(name);
}
Result<std::optional<bool>> FieldReader::OptionalBool(std::string_view name) {
  return ReadOptional<bool>(name);
}
Result<std::optional<std::int64_t>> FieldReader::OptionalInt(std::string_view name) {
  return ReadOptional<std::int64_t>(name);
}
Result<std::optional<std::uint64_t>> FieldReader::OptionalUnsigned(std::string_view name) {
  return ReadOptional<std::uint64_t>(name);
}

void FieldReader::Required(std::string_view name, std::string& out) {
  if (auto r = String(name); r.ok()) out = std::move(*r);
}
void FieldReader::Required(std::string_view name, bool& out) {
  if (auto r = Bool(name); r.ok()) out = *r;
}
void FieldReader::Required(std::string_view name, std::int64_t& out) {
  if (auto r = Int(name); r.ok()) out = *r;
}
void FieldReader::Required(std::string_view name, std::uint64_t& out) {
  if (auto r = Unsigned(name); r.ok()) out = *r;
}
void FieldReader::Required(std::string_view name, double& out) {
  if (auto r = Read<double>(name); r.ok()) out = *r;
}
void FieldReader::Required(std::string_view name, std::vector<std::string>& out) {
  if (auto r = Strings(name); r.ok()) out = std::move(*r);
}
void FieldReader::Required(std::string_view name, json& out) {
  auto r = Value(name);
  if (!r.ok()) return;
  if ((*r)->is_null()) {
    TypeError(name, "a value, not null");
    return;
  }
  out = **r;
}

template <typename T>
void FieldReader::IntoOptional(std::string_view name, std::optional<T>& out) {
  auto r = ReadOptional<T>(name);
  if (r.ok()) out = std::move(*r);
}
void FieldReader::Optional(std::string_view name, std::optional<std::string>& out) {
  IntoOptional(name, out);
}
void FieldReader::Optional(std::string_view name, std::optional<bool>& out) {
  IntoOptional(name, out);
}
void FieldReader::Optional(std::string_view name, std::optional<std::int64_t>& out) {
  IntoOptional(name, out);
}
void FieldReader::Optional(std::string_view name, std::optional<std::uint64_t>& out) {
  IntoOptional(name, out);
}
void FieldReader::Optional(std::string_view name, std::optional<double>& out) {
  IntoOptional(name, out);
}
void FieldReader::Optional(std::string_view name, std::optional<std::vector<std::string>>& out) {
  IntoOptional(name, out);
}
void FieldReader::Optional(std::string_view name, std::optional<json>& out) {
  IntoOptional(name, out);
}

}  // namespace candor::domain
