// Other programs the command line runs (tor for --onion; pg_dump and pg_restore for backups):
// started without a shell, so no argument is ever parsed by one.
#ifndef CANDOR_CLI_PROCESS_H_
#define CANDOR_CLI_PROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"

namespace candor::cli {

// Starts argv[0] (looked up in $PATH) with argv and this process's environment. Error
// (kUnavailable) naming the program when it cannot be started.
Result<pid_t> SpawnProgram(std::vector<std::string> argv);

// Starts it and waits; error (kIo) with its name unless it exits 0.
Status RunProgram(std::vector<std::string> argv);

}  // namespace candor::cli

#endif  // CANDOR_CLI_PROCESS_H_
