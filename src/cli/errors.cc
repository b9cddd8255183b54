#include <fmt/core.h>

#include <cstdio>

#include "cli/commands.h"

namespace candor::cli {

int ReportError(const Error& error) {
  fmt::print(stderr, "candor: {}\n", error.message());
  return error.code() == ErrorCode::kVerificationFailed ? 1 : 2;
}

}  // namespace candor::cli
