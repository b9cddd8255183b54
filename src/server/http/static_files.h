// Serving a directory of files (the web front end's build output).
//
//   StaticFiles web("/usr/share/candor/web");
//   CANDOR_RETURN_IF_ERROR(router.Anonymous("GET", "/static/{*path}", web.AsHandler("path")));
//
// Safe resolution: the requested path is split on '/', and any empty, ".", ".." or hidden
// (leading '.') segment, or one containing '\' or NUL, is refused; the resolved file's
// canonical path (symbolic links followed) must lie inside the canonical root; only regular
// files are served. Every refusal is an ordinary 404, so a probe learns nothing about what
// exists outside the root.
//
// Thread-safe: reads the file system on each request and keeps no state.
#ifndef CANDOR_SERVER_HTTP_STATIC_FILES_H_
#define CANDOR_SERVER_HTTP_STATIC_FILES_H_

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "server/http/message.h"
#include "server/http/router.h"

namespace candor::http {

// The Content-Type for a file name by its extension (html, css, js, mjs, json, map, svg,
// png, jpg, gif, webp, ico, woff, woff2, wasm, txt), else application/octet-stream.
std::string_view ContentTypeFor(std::string_view file_name);

class StaticFiles {
 public:
  struct Options {
    std::string index_file = "index.html";  // served for "" and for directories
    std::size_t max_file_bytes = std::size_t{32} * 1024 * 1024;  // larger files answer 404
  };

  // `root` need not exist yet; requests answer 404 until it does.
  explicit StaticFiles(std::filesystem::path root);
  StaticFiles(std::filesystem::path root, Options options);

  // The file at `relative_path` (decoded, '/'-separated, as a {*path} parameter gives it),
  // or a JSON 404. Sets Content-Type and Cache-Control: no-cache (revalidate, since the
  // bundle changes with each release and its hash is published).
  Response Serve(std::string_view relative_path) const;

  // A route handler serving the catch-all parameter `param`. The StaticFiles is copied
  // into the handler.
  Handler AsHandler(std::string param = "path") const;

  // Serves this directory at the root of `router` the way Vite lays out a single-page
  // application: GET / (the index file), GET /{file} (files beside it: the icon, robots.txt)
  // and GET /assets/{*path} (the hashed bundles, the worker, the WebAssembly). All anonymous:
  // loading the page says nothing about who loads it. Deeper paths are not routed, so the
  // API's unknown paths still get the router's own 404 or 405.
  // Errors: those of Router::Add (a route of the same shape already exists).
  [[nodiscard]] Status MountAtRoot(Router& router) const;

 private:
  std::filesystem::path root_;
  Options options_;
};

}  // namespace candor::http

#endif  // CANDOR_SERVER_HTTP_STATIC_FILES_H_
