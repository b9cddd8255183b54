// The HTTP(S) server of `candor serve`: Boost.Beast over Asio, behind a pimpl so that only
// server.cc includes Beast.
//
//   http::Router router;
//   CANDOR_RETURN_IF_ERROR(router.Named("POST", "/api/v1/login", HandleLogin));
//   CANDOR_RETURN_IF_ERROR(router.Anonymous("POST", "/api/v1/letters/{id}/signatures", Sign));
//   http::ServerOptions options;
//   options.host = "0.0.0.0";  options.port = 8443;
//   options.tls = http::TlsFiles{"cert.pem", "key.pem"};
//   http::Server server(std::move(router), options);
//   CANDOR_RETURN_IF_ERROR(server.Start());
//   …                     // serve until told to stop
//   server.Stop();
//
// Per connection: a request must arrive completely (headers and body) within
// request_timeout of its first byte, or the connection is closed (slowloris); a keep-alive
// connection with no request for idle_timeout is closed; headers above max_header_bytes get
// 431, bodies above the route's limit 413 (decided from Content-Length before the body is
// read, or as it streams for chunked bodies), in both cases without calling the handler.
// Beyond max_connections, new connections are closed at once.
//
// Privacy: see router.h (Privacy) and access_log.h. The server never asks the socket for the
// peer address unless the request matched a named route, and logs nothing identifying about
// connections (errors are logged without addresses).
//
// Thread safety: Start, Stop and the destructor must be called from one thread (not from a
// handler). port() and active_connections() may be called from any thread.
#ifndef CANDOR_SERVER_HTTP_SERVER_H_
#define CANDOR_SERVER_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "server/http/access_log.h"
#include "server/http/exchange.h"
#include "server/http/router.h"

namespace candor::http {

// PEM files for TLS. The chain file starts with the server's certificate.
struct TlsFiles {
  std::string certificate_chain_file;
  std::string private_key_file;
};

struct ServerOptions {
  // An IP address literal ("127.0.0.1", "::", "0.0.0.0"); port 0 picks a free port.
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  unsigned threads = 2;  // I/O threads; handlers run on them

  std::optional<TlsFiles> tls;  // set: HTTPS only (TLS 1.2 and 1.3); unset: plain HTTP

  std::size_t max_header_bytes = std::size_t{16} * 1024;
  std::size_t max_body_bytes = std::size_t{1024} * 1024;  // routes may override (RouteOptions)
  std::chrono::milliseconds request_timeout{10'000};      // first byte → complete request;
                                                          // also the TLS handshake and each write
  std::chrono::milliseconds idle_timeout{60'000};         // keep-alive wait for the next request
  std::chrono::milliseconds shutdown_grace{5'000};        // Stop() waits this long for requests
  // Connections at once. When all are taken, those waiting for a request are closed to make
  // room (an attacker's idle connections cannot lock others out) and the new one is refused;
  // the next finds room. One source address may hold at most max_connections_per_source
  // (counted in memory under a salted hash of the address, never kept or logged).
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_source = 128;
  // The worker pool of offloaded routes (RouteOptions::offload): its threads, and how many
  // such requests may be waiting or running before the next one gets 503.
  unsigned worker_threads = 2;
  std::size_t worker_capacity = 32;

  // Trust X-Forwarded-Proto (set only behind a reverse proxy that overwrites it).
  bool trust_proxy = false;

  AccessLogSink* access_log = nullptr;  // not owned; must outlive the server; thread-safe
  bool log_named_routes = true;
  std::chrono::seconds access_log_granularity{3600};
  WallClock clock;  // for access-log times; null: system_clock

  std::string content_security_policy = std::string(kDefaultContentSecurityPolicy);
};

class Server {
 public:
  // Takes the route table; nothing is bound until Start.
  Server(Router router, ServerOptions options);
  // Stops the server if it is running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the TLS files, binds and listens, and starts the I/O threads. Once per Server.
  // Errors: kInvalidArgument (bad options: host not an IP address, zero threads or
  // timeouts), kIo (TLS files unreadable or not matching, address in use),
  // kFailedPrecondition (already started).
  [[nodiscard]] Status Start();

  // Reads the TLS files again (a renewed certificate) without a restart: connections made from
  // then on use them, those open keep theirs. When the files do not load (unreadable, or a key
  // that does not match), the error says so and the certificate in use stays. Thread-safe.
  // Error: kFailedPrecondition without TLS or before Start; as Start's for the files.
  [[nodiscard]] Status ReloadTls();

  // The bound port (the real one when ServerOptions::port was 0); 0 before Start.
  std::uint16_t port() const;

  // Stops accepting, closes idle connections, lets requests in progress finish for up to
  // shutdown_grace, then closes the rest and joins the threads. Idempotent.
  void Stop();

  // Open connections right now (for tests and metrics).
  std::size_t active_connections() const;

  class Impl;  // opaque; public only so that server.cc's connection classes can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace candor::http

#endif  // CANDOR_SERVER_HTTP_SERVER_H_
