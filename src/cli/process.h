// Other programs the command line runs (tor for --onion; pg_dump and pg_restore for backups):
// started without a shell, so no argument is ever parsed by one.
#ifndef CANDOR_CLI_PROCESS_H_
#define CANDOR_CLI_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace candor::cli {

// (name, value) pairs added to (or replacing in) this process's environment for the program;
// one with an empty value changes nothing.
using EnvironmentAdditions = std::vector<std::pair<std::string, std::string>>;

// Starts argv[0] (looked up in $PATH) with argv and this process's environment plus `env`.
// Error (kUnavailable) naming the program when it cannot be started.
Result<pid_t> SpawnProgram(std::vector<std::string> argv, const EnvironmentAdditions& env = {});

// Starts it and waits; error (kIo) with its name unless it exits 0.
Status RunProgram(std::vector<std::string> argv, const EnvironmentAdditions& env = {});

}  // namespace candor::cli

#endif  // CANDOR_CLI_PROCESS_H_
