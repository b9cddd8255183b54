// Tests for the JSON helpers: error bodies and statuses, strict body parsing (the field
// reader is tested in domain/strict_json_test.cc).
#include "server/http/json.h"

#include <gtest/gtest.h>

namespace candor::http {
namespace {

using nlohmann::json;

Request JsonRequest(std::string body, std::string content_type = "application/json") {
  Request r;
  r.method = "POST";
  r.path = "/api/v1/x";
  if (!content_type.empty()) r.headers.Add("Content-Type", content_type);
  r.body = std::move(body);
  return r;
}

std::string ErrorMessage(const Result<json>& r) { return r.ok() ? "" : r.error().message(); }

TEST(JsonErrors, StatusMapping) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kVerificationFailed), 422);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kIo), 500);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kCorrupt), 500);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInternal), 500);
}

TEST(JsonErrors, UniformBody) {
  Response r = ErrorResponse(InvalidArgument("field 'slug' must be a string"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(r.body,
            R"({"error":{"code":"invalid_argument","message":"field 'slug' must be a string"}})");
  Response conflict = ErrorResponse(Error(ErrorCode::kAlreadyExists, "signed twice"));
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(json::parse(conflict.body)["error"]["code"], "already_exists");
}

TEST(JsonErrors, ServerErrorsHideDetails) {
  Response r = ErrorResponse(Error(ErrorCode::kIo, "cannot open /var/lib/candor/db: EACCES"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("/var/lib"), std::string::npos);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "io");
  Response c = ErrorResponse(Error(ErrorCode::kCorrupt, "row 7 of table letters"));
  EXPECT_EQ(c.status, 500);
  EXPECT_EQ(c.body, R"({"error":{"code":"internal","message":"internal error"}})");
  Response u = ErrorResponse(Error(ErrorCode::kUnavailable, "postgres at 10.0.0.5 down"));
  EXPECT_EQ(u.status, 503);
  EXPECT_EQ(u.body.find("10.0.0.5"), std::string::npos);
}

TEST(JsonErrors, InvalidUtf8InMessagesDoesNotThrow) {
  Response r = ErrorResponse(400, "invalid_argument", "bad \xFF byte");
  EXPECT_TRUE(json::accept(r.body));
}

TEST(ParseJsonBody, AcceptsAnObject) {
  auto r = ParseJsonBody(JsonRequest(R"({"a": 1, "b": [true, null], "c": {"d": "e"}})"));
  ASSERT_TRUE(r.ok()) << ErrorMessage(r);
  EXPECT_EQ((*r)["a"], 1);
  EXPECT_TRUE(ParseJsonBody(JsonRequest("{}", "application/json; charset=utf-8")).ok());
  EXPECT_TRUE(ParseJsonBody(JsonRequest("{}", "Application/JSON;charset=UTF-8")).ok());
  EXPECT_TRUE(ParseJsonBody(JsonRequest(" \n{ }\n ")).ok());
}

TEST(ParseJsonBody, WrongContentType) {
  for (std::string ct : {"", "text/plain", "application/x-www-form-urlencoded", "application/jsonp",
                         "application/json; charset=latin1", "multipart/form-data; boundary=x"}) {
    auto r = ParseJsonBody(JsonRequest("{}", ct));
    ASSERT_FALSE(r.ok()) << ct;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message().find("Content-Type"), std::string::npos) << ct;
  }
}

TEST(ParseJsonBody, MalformedJson) {
  for (std::string body :
       {"", "   ", "{", "{\"a\":}", "{'a': 1}", "{\"a\": 1,}", "{\"a\": 01}", "{\"a\": NaN}",
        "{} {}", "{\"a\": 1} x", "// c\n{}", "{\"a\": \"\x01\"}"}) {
    auto r = ParseJsonBody(JsonRequest(body));
    EXPECT_FALSE(r.ok()) << body;
  }
  auto r = ParseJsonBody(JsonRequest("{\"a\": tru}"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message().find("[json.exception"), std::string::npos);
  EXPECT_NE(r.error().message().find("not valid JSON"), std::string::npos);
}

TEST(ParseJsonBody, InvalidUtf8) {
  EXPECT_FALSE(ParseJsonBody(JsonRequest("{\"a\": \"\xC3\"}")).ok());
  EXPECT_FALSE(ParseJsonBody(JsonRequest("{\"a\": \"\xED\xA0\x80\"}")).ok());  // surrogate
  EXPECT_FALSE(ParseJsonBody(JsonRequest("{\"\xFF\": 1}")).ok());
  EXPECT_TRUE(ParseJsonBody(JsonRequest("{\"a\": \"\xC3\xA9\"}")).ok());
}

TEST(ParseJsonBody, NotAnObject) {
  for (std::string body : {"[]", "[1,2]", "1", "\"s\"", "null", "true"}) {
    auto r = ParseJsonBody(JsonRequest(body));
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_NE(r.error().message().find("must be a JSON object"), std::string::npos) << body;
  }
}

TEST(ParseJsonBody, DepthLimit) {
  auto nested = [](int depth) {
    std::string s = "{\"a\":";
    for (int i = 1; i < depth; ++i) s += "[";
    s += "1";
    for (int i = 1; i < depth; ++i) s += "]";
    return s + "}";
  };
  EXPECT_TRUE(ParseJsonBody(JsonRequest(nested(32))).ok());
  auto deep = ParseJsonBody(JsonRequest(nested(33)));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.error().message().find("deeper than 32"), std::string::npos);
  // Hostile depth is refused without recursion.
  std::string bomb = "{\"a\":" + std::string(200000, '[');
  EXPECT_FALSE(ParseJsonBody(JsonRequest(bomb)).ok());
  EXPECT_FALSE(ParseJsonObject(nested(5), {.max_depth = 4}).ok());
}

TEST(ParseJsonBody, DuplicateKeys) {
  auto r = ParseJsonBody(JsonRequest(R"({"a": 1, "a": 2})"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("'a' appears twice"), std::string::npos);
  EXPECT_FALSE(ParseJsonBody(JsonRequest(R"({"x": {"b": 1, "b": 1}})")).ok());
  // The same key in sibling objects is fine.
  EXPECT_TRUE(
      ParseJsonBody(JsonRequest(R"({"x": {"b": 1}, "y": {"b": 1}, "z": [{"b":1},{"b":2}]})")).ok());
}

}  // namespace
}  // namespace candor::http
