#include "cli/process.h"

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <string_view>

extern char** environ;

namespace candor::cli {

Result<pid_t> SpawnProgram(std::vector<std::string> argv, const EnvironmentAdditions& env) {
  if (argv.empty()) return InvalidArgument("no program to run");
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view var(*e);
    // An addition with an empty value sets nothing: the inherited variable stays (a store URL
    // without a password leaves $PGPASSWORD, or ~/.pgpass, to do its work).
    const bool replaced = std::any_of(env.begin(), env.end(), [&](const auto& kv) {
      return !kv.second.empty() && var.starts_with(kv.first + "=");
    });
    if (!replaced) vars.emplace_back(var);
  }
  for (const auto& [name, value] : env) {
    if (value.empty()) continue;
    std::string var = name;
    var += '=';
    var += value;
    vars.push_back(std::move(var));
  }
  std::vector<char*> envp;
  envp.reserve(vars.size() + 1);
  for (auto& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), envp.data()) != 0) {
    return Error(ErrorCode::kUnavailable, "cannot run " + argv[0] + " (is it installed?)");
  }
  return pid;
}

Status RunProgram(std::vector<std::string> argv, const EnvironmentAdditions& env) {
  const std::string name = argv.empty() ? "" : argv[0];
  CANDOR_ASSIGN_OR_RETURN(pid_t pid, SpawnProgram(std::move(argv), env));
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error(ErrorCode::kIo, name + " failed (see its message above)");
  }
  return Status::Ok();
}

}  // namespace candor::cli
