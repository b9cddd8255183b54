// Web front end releases (docs/PROTOCOL.md, "Web releases"; issue 11): the files a server
// serves to browsers, as a manifest that is logged ("web-release" entries), so that anyone can
// check that the pages a server serves are a logged release (`candor audit --web URL`).
//
//   manifest = for each file, sorted by path (bytewise): "<sha256 hex>  <path>\n"
//
// the format `sha256sum` prints (and `sha256sum -c` checks, given the files), with paths as
// the server serves them ("/index.html", "/assets/index-3f9a.js"). The release id is
// SHA-256(manifest). Plain values and pure functions; thread-safe.
#ifndef CANDOR_DOMAIN_WEB_RELEASE_H_
#define CANDOR_DOMAIN_WEB_RELEASE_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "crypto/bytes.h"

namespace candor::domain {

inline constexpr std::size_t kMaxWebFiles = 1000;
inline constexpr std::size_t kMaxWebPath = 256;

struct WebFile {
  std::string path;         // "/index.html": '/' then 1 … 255 of A-Z a-z 0-9 . _ - /
  crypto::Digest32 sha256;  // of the file's bytes

  friend bool operator==(const WebFile&, const WebFile&) = default;
};

// The manifest of `files` (any order; sorted here). Error (kInvalidArgument): a path that
// breaks the rule above (no empty, "." or ".." segment, no segment starting with '.'), a
// repeated path, no file, or more than kMaxWebFiles.
Result<std::string> WebManifest(std::vector<WebFile> files);

// The strict inverse: exactly the bytes WebManifest would produce for the files it lists.
// Error (kInvalidArgument) saying which line breaks which rule.
Result<std::vector<WebFile>> ParseWebManifest(std::string_view manifest);

// SHA-256 of the manifest's bytes: the id a page shows and an organization announces.
crypto::Digest32 WebReleaseId(std::string_view manifest);

}  // namespace candor::domain

#endif  // CANDOR_DOMAIN_WEB_RELEASE_H_
