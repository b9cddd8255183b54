#include "server/http/json.h"

#include <algorithm>
#include <cmath>
#include <limits>

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

// Each Convert returns an empty string on success, else what the value should have been.
std::string Convert(const json& v, std::string& out) {
  if (!v.is_string()) return "a string";
  out = v.get_ref<const std::string&>();
  return {};
}
std::string Convert(const json& v, bool& out) {
  if (!v.is_boolean()) return "a boolean";
  out = v.get<bool>();
  return {};
}
std::string Convert(const json& v, std::int64_t& out) {
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    out = v.get<std::int64_t>();
    return {};
  }
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return "an integer no larger than 9223372036854775807";
    }
    out = static_cast<std::int64_t>(u);
    return {};
  }
  return "an integer";
}
std::string Convert(const json& v, std::uint64_t& out) {
  if (v.is_number_unsigned()) {
    out = v.get<std::uint64_t>();
    return {};
  }
  if (v.is_number_integer()) return "a non-negative integer";  // a negative int64
  return "a non-negative integer";
}
std::string Convert(const json& v, double& out) {
  if (!v.is_number()) return "a number";
  out = v.get<double>();
  if (!std::isfinite(out)) return "a finite number";
  return {};
}
std::string Convert(const json& v, std::vector<std::string>& out) {
  if (!v.is_array()) return "an array of strings";
  std::vector<std::string> values;
  values.reserve(v.size());
  for (const auto& e : v) {
    if (!e.is_string()) return "an array of strings";
    values.push_back(e.get<std::string>());
  }
  out = std::move(values);
  return {};
}
std::string Convert(const json& v, json& out) {
  out = v;
  return {};
}

std::string Quoted(std::string_view name) { return "'" + std::string(name) + "'"; }

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
      return 409;
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

FieldReader::FieldReader(const json& object) : object_(object) {
  if (!object_.is_object()) {
    error_ = "expected a JSON object, got " + std::string(TypeName(object_));
  }
}

void FieldReader::Fail(std::string message) {
  if (!error_) error_ = std::move(message);
}

const json* FieldReader::Lookup(std::string_view name, bool required) {
  known_.emplace_back(name);
  if (!object_.is_object()) return nullptr;
  // The std::map underneath, rather than json iterators (whose operator-> GCC cannot prove
  // non-null under -Wnull-dereference).
  const auto& fields = object_.get_ref<const json::object_t&>();
  auto it = fields.find(std::string(name));
  if (it == fields.end() || it->second.is_null()) {
    if (required) {
      Fail(it == fields.end() ? "missing required field " + Quoted(name)
                              : "field " + Quoted(name) + " must not be null");
    }
    return nullptr;
  }
  return &it->second;
}

template <typename T>
void FieldReader::ReadRequired(std::string_view name, T& out) {
  const json* v = Lookup(name, /*required=*/true);
  if (v == nullptr) return;
  std::string expected = Convert(*v, out);
  if (!expected.empty()) {
    Fail("field " + Quoted(name) + " must be " + expected + ", got " + std::string(TypeName(*v)));
  }
}

template <typename T>
void FieldReader::ReadOptional(std::string_view name, std::optional<T>& out) {
  out.reset();
  const json* v = Lookup(name, /*required=*/false);
  if (v == nullptr) return;
  T value{};
  std::string expected = Convert(*v, value);
  if (!expected.empty()) {
    Fail("field " + Quoted(name) + " must be " + expected + ", got " + std::string(TypeName(*v)));
    return;
  }
  out = std::move(value);
}

void FieldReader::Required(std::string_view name, std::string& out) { ReadRequired(name, out); }
void FieldReader::Required(std::string_view name, bool& out) { ReadRequired(name, out); }
void FieldReader::Required(std::string_view name, std::int64_t& out) { ReadRequired(name, out); }
void FieldReader::Required(std::string_view name, std::uint64_t& out) { ReadRequired(name, out); }
void FieldReader::Required(std::string_view name, double& out) { ReadRequired(name, out); }
void FieldReader::Required(std::string_view name, std::vector<std::string>& out) {
  ReadRequired(name, out);
}
void FieldReader::Required(std::string_view name, json& out) { ReadRequired(name, out); }

void FieldReader::Optional(std::string_view name, std::optional<std::string>& out) {
  ReadOptional(name, out);
}
void FieldReader::Optional(std::string_view name, std::optional<bool>& out) {
  ReadOptional(name, out);
}
void FieldReader::Optional(std::string_view name, std::optional<std::int64_t>& out) {
  ReadOptional(name, out);
}
void FieldReader::Optional(std::string_view name, std::optional<std::uint64_t>& out) {
  ReadOptional(name, out);
}
void FieldReader::Optional(std::string_view name, std::optional<double>& out) {
  ReadOptional(name, out);
}
void FieldReader::Optional(std::string_view name, std::optional<std::vector<std::string>>& out) {
  ReadOptional(name, out);
}
void FieldReader::Optional(std::string_view name, std::optional<json>& out) {
  ReadOptional(name, out);
}

Status FieldReader::Finish() const {
  if (error_) return InvalidArgument(*error_);
  std::string unknown;
  std::size_t count = 0;
  for (const auto& [key, value] : object_.items()) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    if (count < 10) {
      if (!unknown.empty()) unknown += ", ";
      unknown += Quoted(key.substr(0, 64));
    }
    ++count;
  }
  if (count == 0) return Status::Ok();
  if (count > 10) unknown += ", … (" + std::to_string(count) + " in all)";
  return InvalidArgument("unknown field(s): " + unknown);
}

}  // namespace candor::http
