#include "domain/web_release.h"

#include <algorithm>

#include "crypto/transcript.h"

namespace candor::domain {
namespace {

Status CheckPath(std::string_view path) {
  const auto bad = [&](std::string_view why) {
    return InvalidArgument("the web file path '" + std::string(path.substr(0, 80)) + "' " +
                           std::string(why));
  };
  if (path.size() < 2 || path.size() > kMaxWebPath || path.front() != '/') {
    return bad("must be '/' followed by 1 to " + std::to_string(kMaxWebPath - 1) + " characters");
  }
  for (char c : path) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '/';
    if (!ok) return bad("may use only A-Z, a-z, 0-9, '.', '_', '-' and '/'");
  }
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view segment = path.substr(start, end - start);
    if (segment.empty()) return bad("has an empty segment");
    if (segment.front() == '.') return bad("has a segment that starts with '.'");
    start = end + 1;
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> WebManifest(std::vector<WebFile> files) {
  if (files.empty()) return InvalidArgument("a web release has at least one file");
  if (files.size() > kMaxWebFiles) {
    return InvalidArgument("a web release has at most " + std::to_string(kMaxWebFiles) + " files");
  }
  std::sort(files.begin(), files.end(),
            [](const WebFile& a, const WebFile& b) { return a.path < b.path; });
  std::string out;
  for (std::size_t i = 0; i < files.size(); ++i) {
    CANDOR_RETURN_IF_ERROR(CheckPath(files[i].path));
    if (i > 0 && files[i].path == files[i - 1].path) {
      return InvalidArgument("the web file path '" + files[i].path + "' appears twice");
    }
    out += crypto::ToHex(files[i].sha256) + "  " + files[i].path + "\n";
  }
  return out;
}

Result<std::vector<WebFile>> ParseWebManifest(std::string_view manifest) {
  std::vector<WebFile> files;
  std::size_t pos = 0;
  while (pos < manifest.size()) {
    const std::size_t nl = manifest.find('\n', pos);
    const std::string where = "line " + std::to_string(files.size() + 1) + " of the web manifest";
    if (nl == std::string_view::npos)
      return InvalidArgument(where + " does not end with a newline");
    const std::string_view line = manifest.substr(pos, nl - pos);
    if (line.size() < 67 || line.substr(64, 2) != "  ") {
      return InvalidArgument(where + " is not '<64 hex>  <path>'");
    }
    const std::string_view hex = line.substr(0, 64);
    if (!std::all_of(hex.begin(), hex.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
      return InvalidArgument(where + ": the hash must be 64 lowercase hex digits");
    }
    auto digest = crypto::FixedFromHex<crypto::Digest32>(hex, "hash");
    if (!digest.ok()) return digest.error().WithContext(where);
    files.push_back(WebFile{std::string(line.substr(66)), *digest});
    if (files.size() > kMaxWebFiles) {
      return InvalidArgument("a web release has at most " + std::to_string(kMaxWebFiles) +
                             " files");
    }
    pos = nl + 1;
  }
  CANDOR_ASSIGN_OR_RETURN(std::string again, WebManifest(files));
  if (again != manifest)
    return InvalidArgument("the web manifest is not sorted by path, or repeats a path");
  return files;
}

crypto::Digest32 WebReleaseId(std::string_view manifest) {
  return crypto::Sha256(crypto::AsBytes(manifest));
}

}  // namespace candor::domain
