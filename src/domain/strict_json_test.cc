#include "domain/strict_json.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace candor::domain {
namespace {

std::string Refusal(std::string_view text, std::size_t depth = kMaxJsonDepth) {
  auto r = ParseStrictJson(text, depth);
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  return r.error().message();
}

TEST(StrictJson, ReadsOneValueAndRefusesWhatTheFormatsForbid) {
  auto ok = ParseStrictJson(" {\"a\":[1,{\"b\":\"c\"}],\"d\":null}\n");
  ASSERT_TRUE(ok.ok()) << ok.error().message();
  EXPECT_EQ((*ok)["a"][1]["b"], "c");
  EXPECT_TRUE(ParseStrictJson("17").ok());  // any value; its decoder says what it must be

  // A byte-order mark: nlohmann alone skips it (the browser's reader refuses it too).
  EXPECT_NE(Refusal("\xEF\xBB\xBF{\"a\":1}").find("byte-order mark"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse("\xEF\xBB\xBF{\"a\":1}", nullptr, false).is_object());
  // A key twice, at any depth: nlohmann alone keeps the last.
  EXPECT_EQ(Refusal(R"({"a":1,"b":2,"a":3})"), "the key 'a' appears twice in one object");
  EXPECT_NE(Refusal(R"({"x":[{"k":1,"k":1}]})").find("'k' appears twice"), std::string::npos);
  EXPECT_TRUE(ParseStrictJson(R"({"k":{"k":1},"j":{"k":2}})").ok());  // one key per object is fine
  // Syntax, trailing text, depth.
  EXPECT_EQ(Refusal("{\"a\":1} x").rfind("not valid JSON", 0), 0u);
  EXPECT_EQ(Refusal("").rfind("not valid JSON", 0), 0u);
  EXPECT_EQ(Refusal("{\"a\":01}").rfind("not valid JSON", 0), 0u);
  EXPECT_EQ(Refusal("\"\xff\"").rfind("not valid JSON", 0), 0u);  // not UTF-8
  EXPECT_NE(Refusal("[[[[1]]]]", 3).find("deeper than 3"), std::string::npos);
  EXPECT_TRUE(ParseStrictJson("[[[1]]]", 3).ok());
  EXPECT_NE(Refusal(std::string(100000, '[')).find("deeper than"),
            std::string::npos);  // no stack used
  EXPECT_TRUE(ParseStrictJsonOrDiscarded(R"({"a":1,"a":1})").is_discarded());
  EXPECT_EQ(ParseStrictJsonOrDiscarded(R"({"a":1})")["a"], 1);
}

using nlohmann::json;

std::string Message(const Status& s) { return s.ok() ? "ok" : s.error().message(); }

TEST(FieldReader, ReadsEveryTypeInTheAccumulatingStyle) {
  json body = json::parse(R"({"slug":"acme","version":7,"big":18446744073709551615,
      "ok":true,"ratio":0.5,"tags":["a","b"],"nested":{"k":1},"note":null})");
  FieldReader r(body, "the request");
  std::string slug;
  std::int64_t version = 0;
  std::uint64_t big = 0;
  bool ok = false;
  double ratio = 0;
  std::vector<std::string> tags;
  json nested;
  std::optional<std::string> note = "preset";
  std::optional<std::int64_t> absent = 5;
  r.Required("slug", slug);
  r.Required("version", version);
  r.Required("big", big);
  r.Required("ok", ok);
  r.Required("ratio", ratio);
  r.Required("tags", tags);
  r.Required("nested", nested);
  r.Optional("note", note);  // null reads as absent
  r.Optional("absent", absent);
  ASSERT_EQ(Message(r.Finish()), "ok");
  EXPECT_EQ(slug, "acme");
  EXPECT_EQ(version, 7);
  EXPECT_EQ(big, 18446744073709551615ULL);
  EXPECT_TRUE(ok);
  EXPECT_EQ(ratio, 0.5);
  EXPECT_EQ(tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(nested["k"], 1);
  EXPECT_FALSE(note.has_value());
  EXPECT_FALSE(absent.has_value());
}

TEST(FieldReader, NamesTheFieldAndTheObjectInEveryRefusal) {
  struct Case {
    const char* body;
    const char* expected;
  };
  const Case cases[] = {
      {R"({"n": "7"})", "'n' in the request must be a whole number"},
      {R"({"n": 7.0})", "'n' in the request must be a whole number"},
      {R"({"n": 9223372036854775808})",
       "'n' in the request must be a whole number no larger than 9223372036854775807"},
      {R"({"n": null})", "'n' in the request must be a whole number"},
      {R"({})", "the request lacks the field 'n'"},
      {R"([1])", "the request must be a JSON object"},
  };
  for (const auto& c : cases) {
    json body = json::parse(c.body);
    FieldReader r(body, "the request");
    std::int64_t n = 0;
    r.Required("n", n);
    EXPECT_EQ(Message(r.Finish()), c.expected) << c.body;
    EXPECT_EQ(r.Finish().error().code(), ErrorCode::kInvalidArgument);
  }
  // The first read that failed is reported, in the order the decoder read.
  json body = json::parse(R"({"u": -1, "s": 1, "b": "true", "t": ["a", 1]})");
  FieldReader r(body, "the request");
  std::uint64_t u = 0;
  std::string s;
  std::optional<bool> b;
  std::optional<std::vector<std::string>> t;
  r.Required("u", u);
  r.Required("s", s);
  r.Optional("b", b);
  r.Optional("t", t);
  EXPECT_EQ(Message(r.Finish()), "'u' in the request must be a whole number ≥ 0");
}

TEST(FieldReader, ReportsTheShapeBeforeAnyFieldAndNamesUnknownFields) {
  // An unknown field outranks a missing or mistyped one, so that a renamed field is called
  // what it is ("unknown field 'sulg'"), in both styles and in the browser's mirror.
  json body = json::parse(R"({"sulg":"b","extra":1,"n":"x"})");
  FieldReader acc(body, "the request");
  std::string slug;
  std::int64_t n = 0;
  acc.Required("slug", slug);
  acc.Required("n", n);
  EXPECT_EQ(Message(acc.Finish()), "unknown field 'extra' in the request");  // key order

  FieldReader declared(body, "the tree head", {"slug", "n"});
  EXPECT_EQ(Message(declared.Shape()), "unknown field 'extra' in the tree head");
  FieldReader wide(body, "the tree head", {"slug", "n", "sulg", "extra"});
  EXPECT_EQ(Message(wide.Shape()), "ok");
  EXPECT_EQ(wide.String("slug").error().message(), "the tree head lacks the field 'slug'");
  EXPECT_EQ(wide.Int("n").error().message(), "'n' in the tree head must be a whole number");
  // Finish repeats the first error a Result-style read met.
  EXPECT_EQ(Message(wide.Finish()), "the tree head lacks the field 'slug'");
}

TEST(FieldReader, ReadsHexOnlyInItsCanonicalForm) {
  const std::string lower(64, 'a');
  std::string upper(64, 'a');
  upper[10] = 'A';
  json j{{"root", lower}, {"data", "00ff"}};
  FieldReader r(j, "the tree head", {"root", "data", "absent"});
  ASSERT_EQ(Message(r.Shape()), "ok");
  EXPECT_TRUE(r.Fixed<crypto::Digest32>("root").ok());
  EXPECT_EQ(r.Hex("data")->size(), 2u);
  EXPECT_FALSE(r.OptionalFixed<crypto::Digest32>("absent")->has_value());

  json bad{{"root", upper}, {"short", "abcd"}, {"odd", "abc"}};
  FieldReader b(bad, "the tree head");
  auto up = b.Fixed<crypto::Digest32>("root");
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.error().message().rfind("the tree head: 'root'", 0), 0u) << up.error().message();
  EXPECT_EQ(b.Fixed<crypto::Digest32>("short").error().message(),
            "the tree head: 'short' must be 64 hex characters, got 4");
  EXPECT_EQ(b.Hex("odd").error().message().rfind("the tree head: 'odd'", 0), 0u);
  EXPECT_EQ(Message(b.Finish()), up.error().message());
}

TEST(FieldReader, ValueGivesNullToTheCallerButRequiredValuesRefuseIt) {
  json j{{"extended", nullptr}};
  FieldReader r(j, "policy", {"extended"});
  auto v = r.Value("extended");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE((*v)->is_null());
  EXPECT_EQ(r.Find("extended"), nullptr);
  json any;
  FieldReader acc(j, "policy");
  acc.Required("extended", any);
  EXPECT_EQ(Message(acc.Finish()), "'extended' in policy must be a value, not null");
}

}  // namespace
}  // namespace candor::domain
