// The only file of candor_http that includes Boost.Beast and Asio (they compile slowly).
//
// One connection is one Session, living on one I/O thread's io_context for its whole life. Its
// life:
//   [TLS handshake] → wait for a first byte (idle_timeout) → read the header
//   (request_timeout starts) → route → check the body size → read the body → run the
//   handler → write (request_timeout) → keep-alive: wait again; otherwise close.
// Every completion handler runs inside Bind(), which catches any exception and closes the
// connection, so nothing thrown by Beast, Asio or allocation escapes to the I/O threads.
#include "server/http/server.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <future>
#include <limits>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/http/json.h"
#include "server/http/read_buffer.h"
#include "server/http/worker_pool.h"

namespace candor::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using ErrorCodeT = boost::system::error_code;

// After a response that ends the connection, unread request bytes are drained for at most
// this long before closing, so that the kernel does not answer them with a RST that could
// destroy the response (RFC 9112 §9.6, "lingering close").
constexpr std::chrono::milliseconds kMaxLinger{2000};
constexpr std::size_t kMaxLingerBytes = std::size_t{1024} * 1024;

std::string ToStd(beast::string_view s) { return std::string(s.data(), s.size()); }

// RFC 9110 token: a header name a handler may set.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// A header value must not smuggle a line break (response splitting) or NUL.
bool IsSafeValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Headers the server owns: a handler's own values would desynchronise the framing.
bool IsFramingHeader(std::string_view name) {
  return EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding") ||
         EqualsIgnoreCase(name, "Connection") || EqualsIgnoreCase(name, "Keep-Alive") ||
         EqualsIgnoreCase(name, "Upgrade");
}

bool ValidResponse(const Response& r) {
  if (r.status < 200 || r.status > 599) return false;
  for (const auto& [name, value] : r.headers.fields()) {
    if (!IsToken(name) || !IsSafeValue(value)) return false;
  }
  return true;
}

}  // namespace

// The registry handle the server keeps for each live connection (to close idle ones on
// Stop). Implemented by Session.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Posts to the session's context: close it now if it is waiting for a request.
  virtual void CloseIfIdle() = 0;
  // Posts to the session's context: close it now, whatever it is doing.
  virtual void ForceClose() = 0;
};

class Server::Impl {
 public:
  Impl(Router router, ServerOptions options)
      : router_(std::move(router)),
        options_(std::move(options)),
        threads_count_(std::max(1u, options_.threads)) {
    // One io_context per I/O thread, each run by that thread alone: a connection lives on one
    // context for its whole life, so its handlers never need a strand and no thread wakes or
    // locks against another on the hot path (the Asio "io_context per thread" design; sharing
    // one context between threads cost a third of the CPU time of a read in futex wake-ups).
    for (unsigned i = 0; i < threads_count_; ++i) {
      iocs_.push_back(std::make_unique<asio::io_context>(BOOST_ASIO_CONCURRENCY_HINT_1));
    }
    log_policy_.sink = options_.access_log;
    log_policy_.log_named_routes = options_.log_named_routes;
    log_policy_.clock = options_.clock;
    log_policy_.granularity = options_.access_log_granularity;
    security_.content_security_policy = options_.content_security_policy;
  }

  ~Impl() { Stop(); }

  Status Start();
  Status ReloadTls() {
    if (!options_.tls || !started_) {
      return Error(ErrorCode::kFailedPrecondition, "the server is not serving HTTPS");
    }
    return LoadTls();
  }
  void Stop();

  std::uint16_t port() const { return port_.load(); }
  std::size_t active_connections() const {
    std::lock_guard lock(mu_);
    return sessions_.size();
  }

  // For sessions.
  const Router& router() const { return router_; }
  const ServerOptions& options() const { return options_; }
  const AccessLogPolicy& log_policy() const { return log_policy_; }
  const SecurityHeaderOptions& security() const { return security_; }
  bool stopping() const { return stopping_.load(); }
  WorkerPool& workers() { return *workers_; }
  void Unregister(std::uint64_t id) {
    std::lock_guard lock(mu_);
    if (auto it = sessions_.find(id); it != sessions_.end()) {
      if (auto n = by_source_.find(it->second.source); n != by_source_.end() && --n->second == 0)
        by_source_.erase(n);
      sessions_.erase(it);
    }
    cv_.notify_all();
  }

 private:
  void DoAccept();
  void OnAccept(ErrorCodeT ec, tcp::socket socket);
  void RunThread(asio::io_context& ioc);
  Status LoadTls();

  Router router_;
  const ServerOptions options_;
  AccessLogPolicy log_policy_;
  SecurityHeaderOptions security_;

  std::atomic<bool> stopping_{false};
  std::atomic<std::uint16_t> port_{0};
  bool started_ = false;
  bool stopped_ = false;

  // Declared before iocs_ so that they outlive it: destroying iocs_ destroys pending handlers,
  // which destroys their sessions, which unregister here (and hold SSL objects of ctx).
  mutable std::mutex mu_;
  std::condition_variable cv_;
  struct LiveSession {
    std::weak_ptr<SessionBase> session;
    std::uint64_t source = 0;  // SourceKey of its peer address
  };
  std::unordered_map<std::uint64_t, LiveSession> sessions_;
  // Connections per source, by SourceKey: counts only, never an address.
  std::unordered_map<std::uint64_t, std::size_t> by_source_;
  // A per-process random salt, so the keys say nothing outside this process.
  const std::uint64_t source_salt_ =
      std::random_device{}() * 0x9E3779B97F4A7C15ULL ^ std::random_device{}();
  std::uint64_t SourceKey(const tcp::socket& socket) const {
    ErrorCodeT ec;
    auto endpoint = socket.remote_endpoint(ec);
    if (ec) return 0;
    return std::hash<std::string>{}(std::to_string(source_salt_) + endpoint.address().to_string());
  }
  std::uint64_t next_id_ = 0;
  // The TLS context new connections use; replaced whole by ReloadTls (a connection keeps the one
  // it started with).
  std::mutex tls_mu_;
  std::shared_ptr<ssl::context> tls_;  // guarded by tls_mu_

  const unsigned threads_count_;
  std::vector<std::unique_ptr<asio::io_context>> iocs_;  // one per I/O thread
  std::size_t next_context_ = 0;                         // round robin; the acceptor's only
  // Declared after iocs_: I/O objects must be destroyed before their context.
  std::optional<tcp::acceptor> acceptor_;
  std::optional<asio::steady_timer> accept_retry_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::optional<WorkerPool> workers_;  // offloaded routes; shut down after the I/O threads
};

namespace {

template <class Derived>
class Session : public SessionBase {
 public:
  Session(Server::Impl& impl, std::uint64_t id) : impl_(impl), id_(id) {}
  ~Session() override { impl_.Unregister(id_); }

  void CloseIfIdle() override {
    asio::post(derived().stream().get_executor(), Bind([](Derived& self) {
                 if (self.idle_) self.Abort();
               }));
  }
  void ForceClose() override {
    asio::post(derived().stream().get_executor(), Bind([](Derived& self) { self.Abort(); }));
  }

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(derived().stream()); }
  const ServerOptions& options() const { return impl_.options(); }

  // Wraps a completion handler: keeps the session alive until it runs, and turns any
  // exception into a closed connection. `fn` is called as fn(Derived&, args...).
  template <class F>
  auto Bind(F fn) {
    return [self = derived().shared_from_this(), fn = std::move(fn)](auto&&... args) mutable {
      try {
        fn(*self, std::forward<decltype(args)>(args)...);
      } catch (const std::exception&) {
        // No details: the exception could carry request data, and no address is logged.
        spdlog::error("http: unexpected exception on a connection; closed it");
        self->Abort();
      } catch (...) {
        spdlog::error("http: unexpected non-exception thrown on a connection; closed it");
        self->Abort();
      }
    };
  }

  // Closes the socket now (pending operations complete with an error and release the
  // session).
  void Abort() { lowest().close(); }

  // Waits (idle_timeout) for the first byte of the next request.
  void WaitForRequest() {
    if (impl_.stopping()) return Abort();
    if (buffer_.size() > 0) return ReadHeader();  // pipelined: already here
    idle_ = true;
    // A new connection gets request_timeout for its first byte, not the keep-alive wait: one
    // that never sends anything is gone in seconds.
    lowest().expires_after(served_ ? options().idle_timeout
                                   : std::min(options().idle_timeout, options().request_timeout));
    derived().stream().async_read_some(buffer_.prepare(4096),
                                       Bind([](Derived& self, ErrorCodeT ec, std::size_t n) {
                                         self.idle_ = false;
                                         if (ec) return self.Abort();  // timeout, close, or Stop
                                         self.buffer_.commit(n);
                                         self.ReadHeader();
                                       }));
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(options().max_header_bytes, UINT32_MAX)));
    // No body limit yet: it depends on the route, and Beast would otherwise refuse a large
    // Content-Length while still reading the header. The real limit is set in OnHeader,
    // before any body byte is parsed. (Not boost::none: Beast 1.74 compares the length with
    // the optional, and any value compares greater than none.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    // From the first byte on, the whole request must arrive within request_timeout; the
    // deadline is not extended by progress, so trickling bytes does not help.
    lowest().expires_after(options().request_timeout);
    bhttp::async_read_header(
        derived().stream(), buffer_, *parser_,
        Bind([](Derived& self, ErrorCodeT ec, std::size_t) { self.OnHeader(ec); }));
  }

  void OnHeader(ErrorCodeT ec) {
    if (ec == bhttp::error::header_limit) {
      return RespondAndClose(
          ErrorResponse(431, "header_too_large", "the request header is too large"));
    }
    if (ec) return OnReadError(ec);
    auto& req = parser_->get();
    auto target = ParseTarget(std::string_view(req.target().data(), req.target().size()));
    if (!target.ok()) return RespondAndClose(ErrorResponse(target.error()));
    target_ = std::move(*target);
    head_ = req.method() == bhttp::verb::head;
    match_ = impl_.router().Match(
        std::string_view(req.method_string().data(), req.method_string().size()), target_.path);

    std::size_t limit = options().max_body_bytes;
    if (match_.found() && match_.route->options().max_body_bytes) {
      limit = *match_.route->options().max_body_bytes;
    }
    // Only the chunked coding is understood. With any other Transfer-Encoding Beast would
    // treat the body as absent and parse it as the next request: refuse (RFC 9112 §6.3).
    if (req.count(bhttp::field::transfer_encoding) > 0 && !parser_->chunked()) {
      return RespondAndClose(
          ErrorResponse(400, "bad_request", "only Transfer-Encoding: chunked is supported"));
    }
    auto length = parser_->content_length();
    if (length && *length > limit) return RejectTooLarge(limit);
    parser_->body_limit(static_cast<std::uint64_t>(limit));

    if (parser_->is_done()) return OnBody({});
    auto expect = req[bhttp::field::expect];
    if (!expect.empty()) {
      if (!EqualsIgnoreCase(std::string_view(expect.data(), expect.size()), "100-continue")) {
        return RespondAndClose(
            ErrorResponse(417, "expectation_failed", "only Expect: 100-continue is supported"));
      }
      continue_.emplace(bhttp::status::continue_, req.version());
      return bhttp::async_write(derived().stream(), *continue_,
                                Bind([](Derived& self, ErrorCodeT wec, std::size_t) {
                                  if (wec) return self.Abort();
                                  self.ReadBody();
                                }));
    }
    ReadBody();
  }

  void ReadBody() {
    bhttp::async_read(derived().stream(), buffer_, *parser_,
                      Bind([](Derived& self, ErrorCodeT ec, std::size_t) { self.OnBody(ec); }));
  }

  void OnBody(ErrorCodeT ec) {
    if (ec == bhttp::error::body_limit) {
      std::size_t limit = options().max_body_bytes;
      if (match_.found() && match_.route->options().max_body_bytes) {
        limit = *match_.route->options().max_body_bytes;
      }
      return RejectTooLarge(limit);
    }
    if (ec) return OnReadError(ec);

    auto& req = parser_->get();
    Request request;
    request.method = ToStd(req.method_string());
    request.path = target_.path;
    request.query = std::move(target_.query);
    for (const auto& field : req) {
      request.headers.Add(ToStd(field.name_string()), ToStd(field.value()));
    }
    request.body = std::move(req.body());
    WipeSpentBytes(buffer_);  // the raw bytes are parsed: only the pipelined ones are kept
    request.is_tls = Derived::kTls;
    ApplyForwardedProto(request, options().trust_proxy);
    if (match_.found()) {
      request.path_params = match_.params;
      if (match_.route->privacy() == Privacy::kAnonymous) {
        RedactForAnonymous(request);
      } else {
        // Only now, and only for named routes, is the peer address looked up at all.
        ErrorCodeT ep_ec;
        auto endpoint = lowest().socket().remote_endpoint(ep_ec);
        if (!ep_ec) request.peer_address = endpoint.address().to_string();
      }
    }
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    if (match_.found() && match_.route->options().offload) {
      if (auto quick = RunInlineAnswer(match_, request)) {
        WipeRequestBody(request);
        return Finish(std::move(*quick), version, keep_alive);
      }
      // A CPU-heavy handler runs on the worker pool; this thread is free meanwhile, and the
      // answer is written back on it. A full pool is answered at once.
      // The answer is posted only once the job's place in the pool is free again (TrySubmit's
      // `after`), so the client's next heavy request finds room.
      auto answer = std::make_shared<Response>();
      auto job = [self = derived().shared_from_this(), request = std::move(request),
                  answer]() mutable {
        *answer = RunRoute(self->match_, request);
        WipeRequestBody(request);
      };
      auto after = [self = derived().shared_from_this(), answer, version, keep_alive]() {
        asio::post(self->stream().get_executor(),
                   self->Bind([answer, version, keep_alive](Derived& s) {
                     s.Finish(std::move(*answer), version, keep_alive);
                   }));
      };
      if (!impl_.workers().TrySubmit(std::move(job), std::move(after))) {
        Response busy =
            ErrorResponse(503, "unavailable",
                          "the server is busy checking other requests; try again in a few seconds");
        busy.headers.Add("Retry-After", "5");
        Finish(std::move(busy), version, keep_alive);
      }
      return;
    }
    Response response = RunRoute(match_, request);
    WipeRequestBody(request);
    Finish(std::move(response), version, keep_alive);
  }

  void Finish(Response response, unsigned version, bool keep_alive) {
    RecordAccess(impl_.log_policy(), match_, response.status);
    Write(std::move(response), version, keep_alive && !impl_.stopping());
  }

  // A read failed: answer malformed requests with 400, and just close on timeouts, resets
  // and clients that went away.
  void OnReadError(ErrorCodeT ec) {
    if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return RespondAndClose(ErrorResponse(400, "bad_request", "malformed HTTP request"));
    }
    Abort();
  }

  void RejectTooLarge(std::size_t limit) {
    Response r = ErrorResponse(
        413, "payload_too_large",
        "the request body is larger than the limit of " + std::to_string(limit) + " bytes");
    RecordAccess(impl_.log_policy(), match_, r.status);
    RespondAndClose(std::move(r));
  }

  void RespondAndClose(Response response) {
    unsigned version = 11;
    if (parser_ && parser_->is_header_done()) version = parser_->get().version();
    Write(std::move(response), version, /*keep_alive=*/false);
  }

  void Write(Response response, unsigned version, bool keep_alive) {
    const bool public_route = match_.found() && match_.route->privacy() == Privacy::kAnonymous;
    AddSecurityHeaders(response, target_.path, impl_.security(), public_route);
    // Served over TLS: tell browsers to use nothing else for a year (behind a TLS-terminating
    // proxy, the proxy sets this header; the README says so).
    if constexpr (Derived::kTls)
      response.headers.Set("Strict-Transport-Security", "max-age=31536000");
    if (!ValidResponse(response)) {
      // Only server-made responses reach here unrouted, and they are always valid.
      if (match_.found() && match_.route->privacy() == Privacy::kNamed) {
        spdlog::error(
            "http: handler for {} {} returned an invalid status or header; "
            "answered 500",
            match_.route->method(), match_.route->pattern());
      }
      response = ErrorResponse(500, "internal", "internal error");
      AddSecurityHeaders(response, target_.path, impl_.security());
    }
    response_.emplace();
    auto& res = *response_;
    res.version(version);
    res.result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : response.headers.fields()) {
      if (IsFramingHeader(name)) continue;
      res.insert(beast::string_view(name.data(), name.size()),
                 beast::string_view(value.data(), value.size()));
    }
    if (response.shared_body) {
      shared_body_ = std::move(response.shared_body);
    } else {
      owned_body_ = std::move(response.body);
    }
    const std::string& body = shared_body_ ? *shared_body_ : owned_body_;
    res.body() = beast::span<char const>(body.data(), body.size());
    res.keep_alive(keep_alive);
    res.prepare_payload();
    if (head_) {
      // The headers of the GET answer, its Content-Length included, and no body.
      res.body() = beast::span<char const>();
      res.content_length(body.size());
    }
    close_after_write_ = !keep_alive;
    serializer_.emplace(res);
    WriteSome();
  }

  // Writes the response a piece at a time. The deadline (request_timeout) is per piece, not
  // for the whole answer: a reader that keeps taking bytes gets a 165 MB roster however long
  // it takes, and one that stops is cut request_timeout later.
  void WriteSome() {
    lowest().expires_after(options().request_timeout);
    bhttp::async_write_some(derived().stream(), *serializer_,
                            Bind([](Derived& self, ErrorCodeT ec, std::size_t) {
                              if (!ec && !self.serializer_->is_done()) return self.WriteSome();
                              self.serializer_.reset();
                              self.response_.reset();
                              self.served_ = true;
                              self.shared_body_.reset();
                              self.owned_body_ = std::string();
                              if (ec) return self.Abort();
                              if (self.close_after_write_) return self.derived().GracefulClose();
                              self.parser_.reset();
                              self.head_ = false;
                              self.target_ = Target();
                              self.match_ = RouteMatch();
                              self.WaitForRequest();
                            }));
  }

  Server::Impl& impl_;
  const std::uint64_t id_;
  ReadBuffer buffer_;  // wipes what it frees; WipeSpentBytes after each request
  // Header fields over the same wiping allocator: a cookie or an Authorization value does not
  // outlive its request in freed memory.
  std::optional<bhttp::request_parser<bhttp::string_body, crypto::WipingAllocator<char>>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  // The response being written: its body is a span over owned_body_ or shared_body_, which
  // outlive the write.
  std::optional<bhttp::response<bhttp::span_body<char const>>> response_;
  std::optional<bhttp::response_serializer<bhttp::span_body<char const>>>
      serializer_;  // of response_
  std::string owned_body_;
  std::shared_ptr<const std::string> shared_body_;
  Target target_;
  RouteMatch match_;
  bool idle_ = false;
  bool served_ = false;  // a response was written on this connection
  bool head_ = false;    // the request being answered is a HEAD
  bool close_after_write_ = false;
};

class PlainSession final : public Session<PlainSession>,
                           public std::enable_shared_from_this<PlainSession> {
 public:
  static constexpr bool kTls = false;

  PlainSession(Server::Impl& impl, std::uint64_t id, tcp::socket socket)
      : Session(impl, id), stream_(std::move(socket)) {}

  beast::tcp_stream& stream() { return stream_; }

  void Run() {
    asio::dispatch(stream_.get_executor(), Bind([](PlainSession& self) { self.WaitForRequest(); }));
  }

  // Half-closes, then drains what the client still sends (lingering close).
  void GracefulClose() {
    ErrorCodeT ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Abort();
    stream_.expires_after(
        std::min<std::chrono::milliseconds>(options().request_timeout, kMaxLinger));
    Drain();
  }

 private:
  friend class Session<PlainSession>;

  void Drain() {
    stream_.async_read_some(asio::buffer(drain_),
                            Bind([](PlainSession& self, ErrorCodeT ec, std::size_t n) {
                              self.drained_ += n;
                              if (ec || self.drained_ > kMaxLingerBytes) return self.Abort();
                              self.Drain();
                            }));
  }

  beast::tcp_stream stream_;
  std::array<char, 4096> drain_{};
  std::size_t drained_ = 0;
};

class TlsSession final : public Session<TlsSession>,
                         public std::enable_shared_from_this<TlsSession> {
 public:
  static constexpr bool kTls = true;

  TlsSession(Server::Impl& impl, std::uint64_t id, tcp::socket socket,
             std::shared_ptr<ssl::context> ctx)
      : Session(impl, id), ctx_(std::move(ctx)), stream_(std::move(socket), *ctx_) {}

  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }

  void Run() {
    asio::dispatch(stream_.get_executor(), Bind([](TlsSession& self) {
                     // The handshake counts against the request deadline too.
                     self.lowest().expires_after(self.options().request_timeout);
                     self.stream_.async_handshake(ssl::stream_base::server,
                                                  self.Bind([](TlsSession& s, ErrorCodeT ec) {
                                                    if (ec) return s.Abort();
                                                    s.WaitForRequest();
                                                  }));
                   }));
  }

  // Sends close_notify (bounded by a short deadline), then closes.
  void GracefulClose() {
    lowest().expires_after(
        std::min<std::chrono::milliseconds>(options().request_timeout, kMaxLinger));
    stream_.async_shutdown(Bind([](TlsSession& self, ErrorCodeT) { self.Abort(); }));
  }

 private:
  friend class Session<TlsSession>;
  std::shared_ptr<ssl::context> ctx_;  // kept for the connection's life (before stream_)
  beast::ssl_stream<beast::tcp_stream> stream_;
};

}  // namespace

Status Server::Impl::LoadTls() {
  auto tls = std::make_shared<ssl::context>(ssl::context::tls_server);
  ErrorCodeT ec;
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use,
                   ec);
  if (ec) return Error(ErrorCode::kInternal, "TLS: cannot set options: " + ec.message());
  SSL_CTX* ctx = tls->native_handle();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
    return Error(ErrorCode::kInternal, "TLS: cannot require TLS 1.2");
  }
  // TLS 1.2: forward-secret AEAD suites only (Mozilla "intermediate"). TLS 1.3 suites are
  // all acceptable and keep OpenSSL's defaults.
  if (SSL_CTX_set_cipher_list(ctx,
                              "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                              "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                              "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") != 1) {
    return Error(ErrorCode::kInternal, "TLS: cannot set the cipher list");
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  tls->use_certificate_chain_file(options_.tls->certificate_chain_file, ec);
  if (ec) {
    return Error(ErrorCode::kIo, "TLS: cannot load the certificate chain " +
                                     options_.tls->certificate_chain_file + ": " + ec.message());
  }
  tls->use_private_key_file(options_.tls->private_key_file, ssl::context::pem, ec);
  if (ec) {
    return Error(ErrorCode::kIo, "TLS: cannot load the private key " +
                                     options_.tls->private_key_file + ": " + ec.message());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return Error(ErrorCode::kIo, "TLS: the private key does not match the certificate");
  }
  std::lock_guard lock(tls_mu_);
  tls_ = std::move(tls);
  return Status::Ok();
}

Status Server::Impl::Start() {
  if (started_) return Error(ErrorCode::kFailedPrecondition, "the server was already started");
  if (options_.threads == 0) return InvalidArgument("server threads must be at least 1");
  if (options_.request_timeout.count() <= 0 || options_.idle_timeout.count() <= 0) {
    return InvalidArgument("server timeouts must be positive");
  }
  if (options_.max_connections == 0) return InvalidArgument("max_connections must be >= 1");
  ErrorCodeT ec;
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec) {
    return InvalidArgument("server host must be an IP address, got '" + options_.host + "'");
  }
  if (options_.tls) CANDOR_RETURN_IF_ERROR(LoadTls());

  tcp::endpoint endpoint(address, options_.port);
  acceptor_.emplace(iocs_[0]->get_executor());
  std::string where = options_.host + ":" + std::to_string(options_.port);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.reset();
    return Error(ErrorCode::kIo, "cannot listen on " + where + ": " + ec.message());
  }
  port_ = acceptor_->local_endpoint(ec).port();
  accept_retry_.emplace(acceptor_->get_executor());
  started_ = true;
  workers_.emplace(std::max(1u, options_.worker_threads), options_.worker_capacity);
  for (auto& ioc : iocs_) work_.emplace_back(ioc->get_executor());
  asio::post(acceptor_->get_executor(), [this] { DoAccept(); });
  for (auto& ioc : iocs_) threads_.emplace_back([this, c = ioc.get()] { RunThread(*c); });
  return Status::Ok();
}

void Server::Impl::RunThread(asio::io_context& ioc) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      // Completion handlers catch everything themselves; this is the last line of defence.
      spdlog::error("http: exception escaped to an I/O thread: {}", e.what());
    } catch (...) {
      spdlog::error("http: non-exception escaped to an I/O thread");
    }
  }
}

void Server::Impl::DoAccept() {
  if (stopping_) return;
  // The new connection lives on the next I/O thread's context, round robin.
  asio::io_context& next = *iocs_[next_context_++ % iocs_.size()];
  acceptor_->async_accept(next.get_executor(), [this](ErrorCodeT ec, tcp::socket socket) {
    try {
      OnAccept(ec, std::move(socket));
    } catch (const std::exception&) {
      spdlog::error("http: unexpected exception while accepting; continuing");
      DoAccept();
    }
  });
}

void Server::Impl::OnAccept(ErrorCodeT ec, tcp::socket socket) {
  if (stopping_) return;  // `socket` closes as it goes out of scope
  if (ec) {
    if (ec == asio::error::operation_aborted) return;
    // Out of file descriptors and the like: retry shortly rather than spin.
    accept_retry_->expires_after(std::chrono::milliseconds(50));
    accept_retry_->async_wait([this](ErrorCodeT wait_ec) {
      if (!wait_ec) DoAccept();
    });
    return;
  }
  std::uint64_t id;
  const std::uint64_t source = SourceKey(socket);
  {
    std::vector<std::shared_ptr<SessionBase>> idle;
    {
      std::lock_guard lock(mu_);
      // Only the acceptor adds sessions, so the counts can only shrink before the insert below.
      const bool full = sessions_.size() >= options_.max_connections;
      const bool source_full =
          by_source_.contains(source) && by_source_[source] >= options_.max_connections_per_source;
      if (full || source_full) {
        if (full) {
          // The connections waiting for a request make room for the next one.
          for (auto& [sid, live] : sessions_) {
            if (auto s = live.session.lock()) idle.push_back(std::move(s));
          }
        }
        ErrorCodeT close_ec;
        socket.close(close_ec);
      } else {
        id = next_id_++;
        ++by_source_[source];
      }
    }
    if (!socket.is_open()) {
      for (auto& s : idle) s->CloseIfIdle();
      DoAccept();
      return;
    }
  }
  std::shared_ptr<SessionBase> session;
  std::shared_ptr<ssl::context> tls;
  {
    std::lock_guard lock(tls_mu_);
    tls = tls_;
  }
  if (tls) {
    auto s = std::make_shared<TlsSession>(*this, id, std::move(socket), std::move(tls));
    session = s;
    {
      std::lock_guard lock(mu_);
      sessions_.emplace(id, LiveSession{session, source});
    }
    s->Run();
  } else {
    auto s = std::make_shared<PlainSession>(*this, id, std::move(socket));
    session = s;
    {
      std::lock_guard lock(mu_);
      sessions_.emplace(id, LiveSession{session, source});
    }
    s->Run();
  }
  DoAccept();
}

void Server::Impl::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  stopping_ = true;
  // Close the listening socket on its thread, and wait for that, so that no connection is
  // accepted into the backlog once Stop has begun.
  std::promise<void> closed;
  asio::post(acceptor_->get_executor(), [this, &closed] {
    ErrorCodeT ec;
    acceptor_->close(ec);
    try {
      accept_retry_->cancel();
    } catch (...) {
      // cancel() only throws if the timer's descriptor is broken; Stop must go on regardless.
    }
    closed.set_value();
  });
  closed.get_future().wait();

  auto for_each_session = [this](auto fn) {
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      std::lock_guard lock(mu_);
      for (auto& [id, entry] : sessions_) {
        if (auto s = entry.session.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) fn(*s);
  };
  // Sessions waiting for a request close now; busy ones close after their response
  // (they see stopping_ and answer with Connection: close).
  for_each_session([](SessionBase& s) { s.CloseIfIdle(); });
  {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, options_.shutdown_grace, [this] { return sessions_.empty(); });
  }
  for_each_session([](SessionBase& s) { s.ForceClose(); });
  {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(1), [this] { return sessions_.empty(); });
  }
  work_.clear();
  for (auto& ioc : iocs_) ioc->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  // Running jobs finish (their answers are posted to the stopped context and dropped with
  // it); queued ones are dropped unrun.
  workers_->Shutdown();
}

Server::Server(Router router, ServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(router), std::move(options))) {}

Server::~Server() = default;

Status Server::Start() { return impl_->Start(); }
Status Server::ReloadTls() { return impl_->ReloadTls(); }
std::uint16_t Server::port() const { return impl_->port(); }
void Server::Stop() { impl_->Stop(); }
std::size_t Server::active_connections() const { return impl_->active_connections(); }

}  // namespace candor::http
