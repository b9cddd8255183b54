// candor — the Candor command line.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Candor: protected dissent. Keys stay on this device; everything the server publishes "
      "can be checked here.",
      "candor"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "candor 0.1.0");
  int exit_code = 0;
  candor::cli::RegisterKeyCommands(app, &exit_code);
  candor::cli::RegisterSignCommands(app, &exit_code);
  candor::cli::RegisterLogCommands(app, &exit_code);
  candor::cli::RegisterDemoCommand(app, &exit_code);
  candor::cli::RegisterServeCommands(app, &exit_code);
  candor::cli::RegisterClientCommands(app, &exit_code);
  candor::cli::RegisterLetterCommands(app, &exit_code);
  candor::cli::RegisterCableCommands(app, &exit_code);
  candor::cli::RegisterWitnessCommands(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 reports usage errors (and --help) by exception; exit() prints them.
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}
