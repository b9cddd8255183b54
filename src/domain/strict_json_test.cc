#include "domain/strict_json.h"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace candor::domain
