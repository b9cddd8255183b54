#include "domain/strict_json.h"

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

}  // namespace candor::domain
