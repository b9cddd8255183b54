#include "server/http/json.h"

#include "domain/strict_json.h"

namespace candor::http {
namespace {

using nlohmann::json;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view TypeName(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    case json::value_t::string:
      return "a string";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number with a fraction or exponent";
    case json::value_t::binary:
    case json::value_t::discarded:
      return "an unsupported value";
  }
  return "an unsupported value";
}

}  // namespace

std::string_view ErrorCodeSlug(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kVerificationFailed:
      return "verification_failed";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kAlreadyExists:
      return "already_exists";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kResourceExhausted:
      return "resource_exhausted";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kCorrupt:
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kVerificationFailed:
      return 422;
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kIo:
    case ErrorCode::kCorrupt:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response JsonResponse(int status, const json& body) {
  Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  // The replace handler cannot throw on invalid UTF-8 (an error message may echo input).
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  json body = {{"error", {{"code", std::string(code)}, {"message", std::string(message)}}}};
  return JsonResponse(status, body);
}

Response ErrorResponse(const Error& error) {
  int status = HttpStatusFor(error.code());
  if (status >= 500) {
    std::string_view generic = error.code() == ErrorCode::kUnavailable
                                   ? "the service is temporarily unavailable"
                                   : "internal error";
    return ErrorResponse(status, ErrorCodeSlug(error.code()), generic);
  }
  return ErrorResponse(status, ErrorCodeSlug(error.code()), error.message());
}

Result<json> ParseJsonObject(std::string_view text, const JsonLimits& limits) {
  if (Trim(text).empty()) return InvalidArgument("the body is empty; a JSON object is required");
  auto parsed = domain::ParseStrictJson(text, limits.max_depth);
  if (!parsed.ok()) return InvalidArgument("the body: " + parsed.error().message());
  json value = std::move(*parsed);
  if (!value.is_object()) {
    return InvalidArgument("the body must be a JSON object, got " + std::string(TypeName(value)));
  }
  return value;
}

Result<json> ParseJsonBody(const Request& request, const JsonLimits& limits) {
  auto content_type = request.headers.Get("Content-Type");
  if (!content_type) return InvalidArgument("Content-Type must be application/json");
  std::string_view rest = *content_type;
  std::size_t semi = rest.find(';');
  std::string_view media = Trim(rest.substr(0, semi));
  if (!EqualsIgnoreCase(media, "application/json")) {
    return InvalidArgument("Content-Type must be application/json, got '" +
                           std::string(media.substr(0, 100)) + "'");
  }
  while (semi != std::string_view::npos) {
    rest = rest.substr(semi + 1);
    semi = rest.find(';');
    std::string_view param = Trim(rest.substr(0, semi));
    if (param.empty()) continue;
    if (!EqualsIgnoreCase(param, "charset=utf-8") &&
        !EqualsIgnoreCase(param, "charset=\"utf-8\"")) {
      return InvalidArgument("Content-Type application/json allows only charset=utf-8");
    }
  }
  return ParseJsonObject(request.body, limits);
}

}  // namespace candor::http
