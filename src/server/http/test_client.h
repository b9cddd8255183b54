// Test-only helpers for the real-socket server tests: a deliberately small blocking HTTP/1.1
// client over POSIX sockets (optionally TLS via OpenSSL), able to misbehave on purpose
// (trickle bytes, stop half-way), and a self-signed certificate generator.
//
// Header-only so that it stays out of the candor_http library (every non-test .cc in this
// folder is part of it). Not for production use.
#ifndef CANDOR_SERVER_HTTP_TEST_CLIENT_H_
#define CANDOR_SERVER_HTTP_TEST_CLIENT_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http/message.h"

namespace candor::http::testclient {

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (EqualsIgnoreCase(n, name)) return v;
    }
    return std::nullopt;
  }
};

// "METHOD path HTTP/1.1" with Host, Content-Length when there is a body, and `extra` lines
// (each "Name: value").
inline std::string RawRequest(std::string_view method, std::string_view path,
                              const std::vector<std::string>& extra = {},
                              std::string_view body = {}) {
  std::string r = std::string(method) + " " + std::string(path) + " HTTP/1.1\r\nHost: test\r\n";
  for (const auto& line : extra) r += line + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  r += "\r\n";
  r += body;
  return r;
}

class Client {
 public:
  // Connects to 127.0.0.1:port. Reads wait at most `timeout`. Null when the connection
  // (or, with TLS, the handshake) fails.
  static std::unique_ptr<Client> Connect(
      std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    ::signal(SIGPIPE, SIG_IGN);
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return nullptr;
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return nullptr;
    }
    return std::unique_ptr<Client>(new Client(fd));
  }

  // As Connect, then a TLS handshake that verifies the server's certificate against
  // `ca_file` and the IP address 127.0.0.1. `max_version` 0 means no cap.
  static std::unique_ptr<Client> ConnectTls(std::uint16_t port, const std::string& ca_file,
                                            int max_version = 0) {
    auto c = Connect(port);
    if (!c) return nullptr;
    c->ctx_ = SSL_CTX_new(TLS_client_method());
    if (c->ctx_ == nullptr) return nullptr;
    SSL_CTX_set_verify(c->ctx_, SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_load_verify_locations(c->ctx_, ca_file.c_str(), nullptr) != 1) return nullptr;
    if (max_version != 0) SSL_CTX_set_max_proto_version(c->ctx_, max_version);
    c->ssl_ = SSL_new(c->ctx_);
    if (c->ssl_ == nullptr) return nullptr;
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl_), "127.0.0.1");
    SSL_set_fd(c->ssl_, c->fd_);
    if (SSL_connect(c->ssl_) != 1) return nullptr;
    return c;
  }

  ~Client() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends everything; false if the connection broke.
  bool Send(std::string_view data) {
    while (!data.empty()) {
      long n;
      if (ssl_ != nullptr) {
        n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
      } else {
        n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      }
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one response (the server always sends Content-Length). Nullopt when the
  // connection closed or the read timed out first. `head_only`: the answer to a HEAD, whose
  // Content-Length describes a body that is not sent.
  std::optional<ClientResponse> Read(bool head_only = false) {
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    ClientResponse r;
    std::string_view head(buf_.data(), end);
    std::size_t line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return std::nullopt;
    r.status = std::stoi(std::string(status_line.substr(9, 3)));
    std::size_t content_length = 0;
    while (line_end != std::string_view::npos) {
      head.remove_prefix(line_end + 2);
      line_end = head.find("\r\n");
      std::string_view line = head.substr(0, line_end);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string name(line.substr(0, colon));
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (EqualsIgnoreCase(name, "Content-Length")) content_length = std::stoul(std::string(value));
      r.headers.emplace_back(std::move(name), std::string(value));
    }
    buf_.erase(0, end + 4);
    if (head_only) return r;
    while (buf_.size() < content_length) {
      if (!Fill()) return std::nullopt;
    }
    r.body = buf_.substr(0, content_length);
    buf_.erase(0, content_length);
    return r;
  }

  // True when the server closes the connection (EOF or reset) within `within`; bytes that
  // arrive meanwhile are kept for Read.
  bool WaitClosed(std::chrono::milliseconds within) {
    auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
      int r = RecvSome();
      if (r == 0) return true;  // EOF or reset
      if (r == -2) continue;    // timeout slice: look again
    }
    return false;
  }

  int fd() const { return fd_; }

 private:
  explicit Client(int fd) : fd_(fd) {}

  bool Fill() { return RecvSome() > 0; }

  // > 0: bytes appended; 0: the peer closed (EOF, reset); -2: timed out.
  int RecvSome() {
    char chunk[16384];
    long n;
    if (ssl_ != nullptr) {
      n = SSL_read(ssl_, chunk, sizeof chunk);
      if (n <= 0) {
        int err = SSL_get_error(ssl_, static_cast<int>(n));
        if (err == SSL_ERROR_WANT_READ && (errno == EAGAIN || errno == EWOULDBLOCK)) return -2;
        return 0;
      }
    } else {
      n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? -2 : 0;
      if (n == 0) return 0;
    }
    buf_.append(chunk, static_cast<std::size_t>(n));
    return static_cast<int>(n);
  }

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buf_;
};

// One request on a fresh connection.
inline std::optional<ClientResponse> Fetch(std::uint16_t port, const std::string& raw) {
  auto c = Client::Connect(port);
  if (!c || !c->Send(raw)) return std::nullopt;
  return c->Read();
}

// Writes a fresh self-signed P-256 certificate for 127.0.0.1 / localhost to
// dir/cert.pem and dir/key.pem. False on any OpenSSL failure.
inline bool WriteSelfSignedCertificate(const std::filesystem::path& dir) {
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr);
  bool ok = kctx != nullptr && EVP_PKEY_keygen_init(kctx) == 1 &&
            EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx, NID_X9_62_prime256v1) == 1 &&
            EVP_PKEY_keygen(kctx, &key) == 1;
  EVP_PKEY_CTX_free(kctx);
  X509* cert = ok ? X509_new() : nullptr;
  ok = ok && cert != nullptr && X509_set_version(cert, 2) == 1 &&
       ASN1_INTEGER_set(X509_get_serialNumber(cert), 1) == 1 &&
       X509_gmtime_adj(X509_getm_notBefore(cert), -3600) != nullptr &&
       X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600) != nullptr &&
       X509_set_pubkey(cert, key) == 1;
  if (ok) {
    X509_NAME* name = X509_get_subject_name(cert);
    const unsigned char cn[] = "candor test";
    ok = X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) == 1 &&
         X509_set_issuer_name(cert, name) == 1;
  }
  auto add_ext = [&](int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) return false;
    bool added = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return added;
  };
  ok = ok && add_ext(NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost") &&
       add_ext(NID_basic_constraints, "critical,CA:TRUE") && X509_sign(cert, key, EVP_sha256()) > 0;
  if (ok) {
    std::FILE* c = std::fopen((dir / "cert.pem").c_str(), "wb");
    std::FILE* k = std::fopen((dir / "key.pem").c_str(), "wb");
    ok = c != nullptr && k != nullptr && PEM_write_X509(c, cert) == 1 &&
         PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
    if (c != nullptr) std::fclose(c);
    if (k != nullptr) std::fclose(k);
  }
  X509_free(cert);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace candor::http::testclient

#endif  // CANDOR_SERVER_HTTP_TEST_CLIENT_H_
