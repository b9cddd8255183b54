// JSON for the HTTP API: the uniform error body, ErrorCode → HTTP status, strict request
// body parsing and a strict field reader.
//
// Every error the API returns has the same shape:
//   {"error": {"code": "invalid_argument", "message": "field 'slug' must be a string"}}
// `code` is stable and meant for programs; `message` is meant for people.
//
// All functions are thread-safe (they touch no shared state).
#ifndef CANDOR_SERVER_HTTP_JSON_H_
#define CANDOR_SERVER_HTTP_JSON_H_

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "server/http/message.h"

namespace candor::http {

// The API's code for an ErrorCode: "invalid_argument", "verification_failed", "not_found",
// "already_exists", "permission_denied", "unauthenticated", "failed_precondition",
// "resource_exhausted", "unavailable", "io", and "internal" for kCorrupt and kInternal
// (docs/API.md, "Errors").
std::string_view ErrorCodeSlug(ErrorCode code);

// The HTTP status for an ErrorCode:
//   kInvalidArgument 400, kUnauthenticated 401, kPermissionDenied 403, kNotFound 404,
//   kAlreadyExists 409, kFailedPrecondition 409, kVerificationFailed 422,
//   kResourceExhausted 429, kUnavailable 503, kIo / kCorrupt / kInternal 500.
int HttpStatusFor(ErrorCode code);

// A response with `body` serialised compactly and Content-Type application/json.
// Invalid UTF-8 inside strings is replaced by U+FFFD rather than failing.
Response JsonResponse(int status, const nlohmann::json& body);

// The uniform error body for `error`, with HttpStatusFor(error.code()).
// For 5xx (kIo, kCorrupt, kInternal, kUnavailable) the message is replaced by a generic one:
// internal details (file names, SQL) are for the server's log, not for the client.
Response ErrorResponse(const Error& error);
// The uniform error body with an explicit status and code, for the HTTP-level errors that
// have no ErrorCode (405 "method_not_allowed", 413 "payload_too_large", …).
Response ErrorResponse(int status, std::string_view code, std::string_view message);

struct JsonLimits {
  // Objects and arrays nested deeper than this are refused (the parser is not recursive,
  // but every consumer of the value would be).
  std::size_t max_depth = 32;
};

// Parses a request body that must be a JSON object.
// Errors (kInvalidArgument, with a message saying what is wrong): Content-Type is not
// application/json (a "charset=utf-8" parameter is allowed, no other), the body is empty,
// is not valid JSON or not valid UTF-8, is not an object, repeats a key in some object
// (RFC 8259 leaves duplicates undefined; two parsers disagreeing on them is an attack), or
// nests deeper than limits.max_depth.
Result<nlohmann::json> ParseJsonBody(const Request& request, const JsonLimits& limits = {});
// The same checks on text alone (no Content-Type check).
Result<nlohmann::json> ParseJsonObject(std::string_view text, const JsonLimits& limits = {});

}  // namespace candor::http

#endif  // CANDOR_SERVER_HTTP_JSON_H_
