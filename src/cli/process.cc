#include "cli/process.h"

#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace candor::cli {

Result<pid_t> SpawnProgram(std::vector<std::string> argv) {
  if (argv.empty()) return InvalidArgument("no program to run");
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) != 0) {
    return Error(ErrorCode::kUnavailable, "cannot run " + argv[0] + " (is it installed?)");
  }
  return pid;
}

Status RunProgram(std::vector<std::string> argv) {
  const std::string name = argv.empty() ? "" : argv[0];
  CANDOR_ASSIGN_OR_RETURN(pid_t pid, SpawnProgram(std::move(argv)));
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error(ErrorCode::kIo, name + " failed (see its message above)");
  }
  return Status::Ok();
}

}  // namespace candor::cli
