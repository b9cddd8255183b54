// A small blocking HTTP(S) client for the command line (enroll, audit, roster fetch).
// The command line never runs code the server sends; it only exchanges JSON.
#ifndef CANDOR_CLI_HTTP_CLIENT_H_
#define CANDOR_CLI_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace candor::cli {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpReply {
  int status = 0;
  std::string body;
  HeaderList headers;
  // The first value of header `name` (case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

// A server base URL: http://host[:port] or https://host[:port] (no path).
struct ServerUrl {
  bool tls = false;
  std::string host;
  std::string port;
  static Result<ServerUrl> Parse(const std::string& url);
  std::string ToString() const;
};

// Replies with a larger body are refused (a server cannot make the command line swallow
// unbounded memory); a caller that expects more, like a letter bundle, passes its own limit.
inline constexpr std::size_t kDefaultMaxReplyBytes = std::size_t{64} << 20;

// How long one request may take: to resolve and connect, for each read or write to make
// progress, and in all (issue 12: a server that never answers must not hang the command line).
struct HttpDeadlines {
  std::chrono::milliseconds connect{15'000};
  std::chrono::milliseconds io{60'000};
  std::chrono::milliseconds total{180'000};
};
// The deadlines every later request uses (the defaults above until set). Not thread-safe: the
// command line sets them once, tests around a call.
void SetHttpDeadlines(const HttpDeadlines& deadlines);
HttpDeadlines GetHttpDeadlines();

// A SOCKS5 proxy every request goes through (issue 16: reaching Candor over Tor, so that the
// employer's network sees a connection to Tor, not to Candor). socks5h only: the proxy resolves
// the server's name (an .onion name can only be resolved there, and a local DNS lookup would
// tell the network which server this is). Each process offers the proxy a fresh random user
// name and password, which Tor's IsolateSOCKSAuth (on by default) turns into a circuit of the
// command's own, so two commands are not linked by their circuit.
struct SocksProxy {
  std::string host;
  std::string port;
};
// Parses socks5h://host:port ([v6]:port too). Error (kInvalidArgument) for anything else,
// saying why socks5:// (local name lookups) is not offered.
Result<SocksProxy> ParseProxyUrl(const std::string& url);
// The proxy every later request uses (none until set). Not thread-safe, like SetHttpDeadlines.
void SetHttpProxy(std::optional<SocksProxy> proxy);

// Sends one request and returns the reply. Network failures, and a server that does not answer
// within the deadlines, are kUnavailable errors that say what could not be reached. HTTPS
// verifies the certificate against the system's trust store (or `ca_file` when given) and the
// host name. Not thread-safe.
Result<HttpReply> HttpRequest(const ServerUrl& server, const std::string& method,
                              const std::string& target, const std::string& body = "",
                              const std::string& ca_file = "", const HeaderList& headers = {},
                              std::size_t max_reply_bytes = kDefaultMaxReplyBytes);

// GET/POST returning parsed JSON; a non-2xx reply becomes an Error carrying the server's
// message (from {"error":{"message"}}) and a matching code.
Result<nlohmann::json> GetJson(const ServerUrl& server, const std::string& target,
                               const std::string& ca_file = "",
                               std::size_t max_reply_bytes = kDefaultMaxReplyBytes);
Result<nlohmann::json> PostJson(const ServerUrl& server, const std::string& target,
                                const nlohmann::json& body, const std::string& ca_file = "");

// The error for a reply that is not what the API documents: "the server sent <what>".
inline Error BadReply(const std::string& what) {
  return Error(ErrorCode::kCorrupt, "the server sent " + what);
}

}  // namespace candor::cli

#endif  // CANDOR_CLI_HTTP_CLIENT_H_
