#include "server/app/web_release.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "crypto/transcript.h"
#include "domain/web_release.h"

namespace candor::app {

namespace fs = std::filesystem;

Result<std::string> WebDirectoryManifest(const std::string& dir) {
  std::vector<domain::WebFile> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string rel = fs::relative(it->path(), dir, ec).generic_string();
    if (ec) break;
    const bool hidden = rel.front() == '.' || rel.find("/.") != std::string::npos;
    if (hidden) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    const bool served = rel.find('/') == std::string::npos || rel.rfind("assets/", 0) == 0;
    if (!served) continue;
    std::ifstream in(it->path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof())
      return Error(ErrorCode::kIo, "cannot read '" + it->path().string() + "'");
    files.push_back({"/" + rel, crypto::Sha256(crypto::AsBytes(bytes))});
  }
  if (ec)
    return Error(ErrorCode::kIo, "cannot read the web directory '" + dir + "': " + ec.message());
  auto manifest = domain::WebManifest(std::move(files));
  if (!manifest.ok()) return manifest.error().WithContext("the web directory '" + dir + "'");
  return manifest;
}

}  // namespace candor::app
