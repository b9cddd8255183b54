#include "server/http/static_files.h"

#include <cstdio>
#include <system_error>
#include <utility>
#include <vector>

#include "server/http/json.h"

namespace candor::http {
namespace {

namespace fs = std::filesystem;

Response NotFound() { return ErrorResponse(404, "not_found", "no such file"); }

bool SafeSegment(std::string_view s) {
  if (s.empty() || s.front() == '.') return false;  // "", ".", "..", ".env", ".git"
  return s.find('\\') == std::string_view::npos && s.find('\0') == std::string_view::npos;
}

// True when `path` equals `root` or lies below it (both canonical).
bool IsWithin(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (r->empty()) continue;  // a trailing separator in root
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view file_name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".wasm", "application/wasm"},
      {".txt", "text/plain; charset=utf-8"},
  };
  std::size_t dot = file_name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string_view ext = file_name.substr(dot);
    for (const auto& [e, type] : kTypes) {
      if (EqualsIgnoreCase(e, ext)) return type;
    }
  }
  return "application/octet-stream";
}

StaticFiles::StaticFiles(fs::path root) : StaticFiles(std::move(root), Options()) {}

StaticFiles::StaticFiles(fs::path root, Options options)
    : root_(std::move(root)), options_(std::move(options)) {}

Response StaticFiles::Serve(std::string_view relative_path) const {
  std::error_code ec;
  fs::path root = fs::canonical(root_, ec);
  if (ec) return NotFound();

  fs::path candidate = root;
  if (!relative_path.empty()) {
    std::string_view rest = relative_path;
    while (true) {
      std::size_t slash = rest.find('/');
      std::string_view segment = rest.substr(0, slash);
      if (!SafeSegment(segment)) return NotFound();
      candidate /= fs::path(std::string(segment));
      if (slash == std::string_view::npos) break;
      rest = rest.substr(slash + 1);
    }
  }
  fs::path resolved = fs::canonical(candidate, ec);
  if (ec) return NotFound();
  // A symbolic link inside the root may point anywhere; what counts is where it leads.
  if (!IsWithin(resolved, root)) return NotFound();
  if (fs::is_directory(resolved, ec)) {
    if (options_.index_file.empty()) return NotFound();
    resolved = fs::canonical(resolved / options_.index_file, ec);
    if (ec || !IsWithin(resolved, root)) return NotFound();
  }
  if (!fs::is_regular_file(resolved, ec) || ec) return NotFound();
  auto size = fs::file_size(resolved, ec);
  if (ec || size > options_.max_file_bytes) return NotFound();

  std::FILE* file = std::fopen(resolved.c_str(), "rb");
  if (file == nullptr) return NotFound();
  Response r;
  r.body.resize(static_cast<std::size_t>(size));
  std::size_t got = std::fread(r.body.data(), 1, r.body.size(), file);
  bool failed = std::ferror(file) != 0;
  (void)std::fclose(file);  // read-only: nothing to lose on close
  if (failed) return NotFound();
  r.body.resize(got);  // the file may have shrunk since file_size
  r.status = 200;
  r.headers.Set("Content-Type", std::string(ContentTypeFor(resolved.filename().string())));
  r.headers.Set("Cache-Control", "no-cache");
  return r;
}

Handler StaticFiles::AsHandler(std::string param) const {
  return [files = *this, param = std::move(param)](const Request& request) {
    auto path = request.PathParam(param);
    return files.Serve(path ? *path : std::string_view());
  };
}

Status StaticFiles::MountAtRoot(Router& router) const {
  CANDOR_RETURN_IF_ERROR(
      router.Anonymous("GET", "/", [files = *this](const Request&) { return files.Serve(""); }));
  // Below the root, files only: no directory serves an index.
  Options no_index = options_;
  no_index.index_file.clear();
  StaticFiles files(root_, no_index);
  CANDOR_RETURN_IF_ERROR(router.Anonymous("GET", "/{file}", files.AsHandler("file")));
  return router.Anonymous("GET", "/assets/{*path}", [files](const Request& request) {
    auto path = request.PathParam("path");
    return files.Serve("assets/" + std::string(path ? *path : std::string_view()));
  });
}

}  // namespace candor::http
