// The demo organization `candor serve --demo` creates (clearly marked as demo data), exposed so
// that its set-up can be tested in-process: EnsureDemo makes it whole, from nothing or from a
// set-up killed half-way.
#ifndef CANDOR_CLI_DEMO_SETUP_H_
#define CANDOR_CLI_DEMO_SETUP_H_

#include <string>

#include "base/result.h"
#include "server/app/service.h"

namespace candor::cli {

inline constexpr const char* kDemoSlug = "demo-agency";
inline constexpr const char* kDemoPassword = "demo-password-not-secret";
inline constexpr int kDemoMembers = 25;
inline constexpr const char* kDemoKeyPassphrase = "demo";

// Creates what is missing of the demo organization: the administrator (also its reviewer, key
// in DATA_DIR/demo-reviewer.key), kDemoMembers members with key files in DATA_DIR/demo-members/
// (passphrase kDemoKeyPassphrase), and the open demo letter, published last. A whole demo is
// left as it is.
Status EnsureDemo(app::Service& service, const std::string& data_dir);

}  // namespace candor::cli

#endif  // CANDOR_CLI_DEMO_SETUP_H_
