// Sending what the notifier composes: mail through an SMTP server and webhooks over HTTP(S),
// both with libcurl (a standard client: STARTTLS, SMTP AUTH, certificate checks), and the
// webhooks' signature.
//
// Neither follows redirects, and each call has its own timeouts, so that a slow or hostile
// peer holds the notifier's thread for at most `timeout_seconds`. Thread-safe.
#ifndef CANDOR_NOTIFY_OUTBOUND_H_
#define CANDOR_NOTIFY_OUTBOUND_H_

#include <cstdint>
#include <string>

#include "base/result.h"
#include "crypto/bytes.h"

namespace candor::notify {

struct SmtpConfig {
  // smtp://host[:port] (STARTTLS as `tls` says) or smtps://host[:port] (TLS from the start).
  std::string url;
  std::string from;                // the envelope and header sender
  std::string username, password;  // SMTP AUTH, when username is set
  enum class Tls { kRequired, kOpportunistic, kNone } tls = Tls::kRequired;
  long timeout_seconds = 30;
};

// Error (kInvalidArgument) unless the url is smtp:// or smtps:// with a host, `from` is an
// address (ValidateMailAddress) and the timeout is 1 … 600 s.
[[nodiscard]] Status ValidateSmtpConfig(const SmtpConfig& config);

// "required", "opportunistic", "none".
Result<SmtpConfig::Tls> ParseSmtpTls(std::string_view name);

// Sends `message` (RFC 5322, CRLF lines) to `to`. Error (kUnavailable) with the mail server's
// or the network's reason when it was not accepted.
[[nodiscard]] Status SendMail(const SmtpConfig& config, const std::string& to,
                              const std::string& message);

// Error (kInvalidArgument) unless `url` is https://host…, or http:// to this machine
// (localhost, 127.0.0.1, [::1]: a receiver beside the server), at most 2,000 bytes, with no
// spaces, control characters or user information.
[[nodiscard]] Status ValidateWebhookUrl(std::string_view url);

// The webhook signature header's value: "t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
// "<t>." || body)>" (docs/API.md, "Notifications").
std::string WebhookSignature(crypto::ByteSpan secret, std::int64_t unix_seconds,
                             std::string_view body);
// HMAC-SHA256 (libsodium's crypto_auth_hmacsha256, any key length).
crypto::Digest32 HmacSha256(crypto::ByteSpan key, crypto::ByteSpan message);

// POSTs `body` (application/json) with the Candor-Signature header. Error (kUnavailable) when
// it cannot be delivered or the answer is not 2xx.
[[nodiscard]] Status PostWebhook(const std::string& url, const std::string& body,
                                 const std::string& signature, long timeout_seconds = 10);

}  // namespace candor::notify

#endif  // CANDOR_NOTIFY_OUTBOUND_H_
