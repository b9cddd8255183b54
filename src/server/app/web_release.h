// The web front end a server serves, as a web release manifest (domain/web_release.h).
#ifndef CANDOR_SERVER_APP_WEB_RELEASE_H_
#define CANDOR_SERVER_APP_WEB_RELEASE_H_

#include <string>

#include "base/result.h"

namespace candor::app {

// The manifest of the files http::StaticFiles::MountAtRoot serves from `dir`: those beside
// index.html and everything under assets/, hidden files and directories left out. Reads every
// file. Errors: kIo for a directory or file that cannot be read; kInvalidArgument for a file
// name the manifest cannot hold.
Result<std::string> WebDirectoryManifest(const std::string& dir);

}  // namespace candor::app

#endif  // CANDOR_SERVER_APP_WEB_RELEASE_H_
