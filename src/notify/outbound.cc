#include "notify/outbound.h"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

#include "notify/digest.h"

namespace candor::notify {
namespace {

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

Slist Append(Slist list, const std::string& item) {
  curl_slist* raw = curl_slist_append(list.get(), item.c_str());
  if (raw == nullptr) return list;  // out of memory: the caller's perform fails without it
  (void)list.release();
  return Slist(raw);
}

struct Upload {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* out, std::size_t size, std::size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  const std::size_t room = size * n;
  const std::size_t left = u->data->size() - u->offset;
  const std::size_t k = std::min(room, left);
  std::memcpy(out, u->data->data() + u->offset, k);
  u->offset += k;
  return k;
}

std::size_t Discard(char* /*data*/, std::size_t size, std::size_t n, void* /*user*/) {
  return size * n;
}

bool HasControlOrSpace(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c <= 0x20 || c >= 0x7f;
  });
}

// The authority of scheme://authority/…, or "" when the url has no "scheme://".
std::string_view Authority(std::string_view url, std::string_view scheme) {
  if (!url.starts_with(scheme)) return {};
  std::string_view rest = url.substr(scheme.size());
  return rest.substr(0, rest.find_first_of("/?#"));
}

Status Perform(CURL* h, char* errbuf, std::string_view what) {
  const CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    const std::string reason = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    return Error(ErrorCode::kUnavailable, std::string(what) + ": " + reason);
  }
  return Status::Ok();
}

}  // namespace

Result<SmtpConfig::Tls> ParseSmtpTls(std::string_view name) {
  if (name == "required") return SmtpConfig::Tls::kRequired;
  if (name == "opportunistic") return SmtpConfig::Tls::kOpportunistic;
  if (name == "none") return SmtpConfig::Tls::kNone;
  return InvalidArgument("the mail server's TLS is 'required', 'opportunistic' or 'none', not '" +
                         std::string(name) + "'");
}

Status ValidateSmtpConfig(const SmtpConfig& c) {
  if (HasControlOrSpace(c.url) || c.url.size() > 2000) {
    return InvalidArgument("the mail server's url has spaces or control characters");
  }
  std::string_view host = Authority(c.url, "smtp://");
  if (host.empty()) host = Authority(c.url, "smtps://");
  if (host.empty() || host.find('@') != std::string_view::npos) {
    return InvalidArgument("the mail server is smtp://host[:port] or smtps://host[:port], not '" +
                           c.url + "'");
  }
  if (auto s = ValidateMailAddress(c.from); !s.ok()) {
    return InvalidArgument("the sender address: " + s.error().message());
  }
  if (c.timeout_seconds < 1 || c.timeout_seconds > 600) {
    return InvalidArgument("the mail timeout is 1 to 600 seconds");
  }
  return Status::Ok();
}

Status SendMail(const SmtpConfig& c, const std::string& to, const std::string& message) {
  CANDOR_RETURN_IF_ERROR(ValidateSmtpConfig(c));
  CANDOR_RETURN_IF_ERROR(ValidateMailAddress(to));
  InitCurlOnce();
  CurlHandle h(curl_easy_init());
  if (!h) return Error(ErrorCode::kInternal, "libcurl could not start");
  char errbuf[CURL_ERROR_SIZE] = {};
  Upload upload{&message};
  Slist rcpt = Append(nullptr, "<" + to + ">");
  const std::string from = "<" + c.from + ">";
  curl_easy_setopt(h.get(), CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h.get(), CURLOPT_URL, c.url.c_str());
  curl_easy_setopt(h.get(), CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h.get(), CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h.get(), CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h.get(), CURLOPT_READFUNCTION, &ReadUpload);
  curl_easy_setopt(h.get(), CURLOPT_READDATA, &upload);
  curl_easy_setopt(h.get(), CURLOPT_CONNECTTIMEOUT, std::min(c.timeout_seconds, 10L));
  curl_easy_setopt(h.get(), CURLOPT_TIMEOUT, c.timeout_seconds);
  switch (c.tls) {
    case SmtpConfig::Tls::kRequired:
      curl_easy_setopt(h.get(), CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
      break;
    case SmtpConfig::Tls::kOpportunistic:
      curl_easy_setopt(h.get(), CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
      break;
    case SmtpConfig::Tls::kNone:
      curl_easy_setopt(h.get(), CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_NONE));
      break;
  }
  if (!c.username.empty()) {
    curl_easy_setopt(h.get(), CURLOPT_USERNAME, c.username.c_str());
    curl_easy_setopt(h.get(), CURLOPT_PASSWORD, c.password.c_str());
  }
  return Perform(h.get(), errbuf, "the mail server did not take the message");
}

Status ValidateWebhookUrl(std::string_view url) {
  if (url.size() > 2000 || HasControlOrSpace(url)) {
    return InvalidArgument("a webhook url has at most 2,000 bytes and no spaces");
  }
  std::string_view authority = Authority(url, "https://");
  const bool https = !authority.empty();
  if (!https) authority = Authority(url, "http://");
  if (authority.empty()) {
    return InvalidArgument("a webhook url is https://… (or http:// to this machine)");
  }
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument("a webhook url carries no user name or password");
  }
  if (!https) {
    std::string_view host = authority;
    if (host.starts_with("[")) {
      host = host.substr(0, host.find(']') + 1);
    } else {
      host = host.substr(0, host.find(':'));
    }
    if (host != "localhost" && host != "127.0.0.1" && host != "[::1]") {
      return InvalidArgument("a webhook to another machine must use https://");
    }
  }
  return Status::Ok();
}

crypto::Digest32 HmacSha256(crypto::ByteSpan key, crypto::ByteSpan message) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.data(), key.size());
  crypto_auth_hmacsha256_update(&st, message.data(), message.size());
  crypto::Digest32 out;
  crypto_auth_hmacsha256_final(&st, out.bytes.data());
  sodium_memzero(&st, sizeof st);
  return out;
}

std::string WebhookSignature(crypto::ByteSpan secret, std::int64_t unix_seconds,
                             std::string_view body) {
  const std::string t = std::to_string(unix_seconds);
  const std::string signed_text = t + "." + std::string(body);
  const crypto::Digest32 mac =
      HmacSha256(secret, crypto::ByteSpan(reinterpret_cast<const std::uint8_t*>(signed_text.data()),
                                          signed_text.size()));
  return "t=" + t + ",v1=" + crypto::ToHex(mac);
}

Status PostWebhook(const std::string& url, const std::string& body, const std::string& signature,
                   long timeout_seconds) {
  CANDOR_RETURN_IF_ERROR(ValidateWebhookUrl(url));
  InitCurlOnce();
  CurlHandle h(curl_easy_init());
  if (!h) return Error(ErrorCode::kInternal, "libcurl could not start");
  char errbuf[CURL_ERROR_SIZE] = {};
  Slist headers = Append(nullptr, "Content-Type: application/json");
  headers = Append(std::move(headers), "Candor-Signature: " + signature);
  headers = Append(std::move(headers), "Expect:");
  curl_easy_setopt(h.get(), CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(h.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h.get(), CURLOPT_USERAGENT, "candor");
  curl_easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, &Discard);
  curl_easy_setopt(h.get(), CURLOPT_CONNECTTIMEOUT, std::min(timeout_seconds, 10L));
  curl_easy_setopt(h.get(), CURLOPT_TIMEOUT, timeout_seconds);
  CANDOR_RETURN_IF_ERROR(Perform(h.get(), errbuf, "the webhook could not be delivered"));
  long status = 0;
  curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    return Error(ErrorCode::kUnavailable,
                 "the webhook answered HTTP " + std::to_string(status) + " (not 2xx)");
  }
  return Status::Ok();
}

}  // namespace candor::notify
