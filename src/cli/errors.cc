#include <fmt/core.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/io.h"

namespace candor::cli {

int ReportError(const Error& error) {
  // A message may quote what a server or a file said: printed so that it cannot drive the
  // terminal. An empty one still says something.
  const std::string text = TerminalSafe(error.message(), /*keep_newlines=*/true);
  fmt::print(stderr, "candor: {}\n", text.empty() ? "failed (no reason given)" : text);
  return error.code() == ErrorCode::kVerificationFailed ? 1 : 2;
}

}  // namespace candor::cli
