// The `candor` command's subcommands. Each Register* function adds its subcommands to
// `app`; when one runs it stores the process exit code in `*exit_code`:
//   0 success, 1 something did not verify, 2 bad input or usage.
#ifndef CANDOR_CLI_COMMANDS_H_
#define CANDOR_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <exception>
#include <new>
#include <nlohmann/json.hpp>
#include <string>

#include "base/result.h"
#include "crypto/ed25519.h"

namespace candor::cli {

void RegisterKeyCommands(CLI::App& app, int* exit_code);
void RegisterSignCommands(CLI::App& app, int* exit_code);
void RegisterLogCommands(CLI::App& app, int* exit_code);
void RegisterDemoCommand(CLI::App& app, int* exit_code);
void RegisterServeCommands(CLI::App& app, int* exit_code);
// REQUIRES: RegisterKeyCommands ran first (adds `ring fetch` to its `ring` command).
void RegisterClientCommands(CLI::App& app, int* exit_code);
void RegisterLetterCommands(CLI::App& app, int* exit_code);
void RegisterCableCommands(CLI::App& app, int* exit_code);
void RegisterWitnessCommands(CLI::App& app, int* exit_code);

// Adds `export` to the `letter` command group: `candor letter export ID --server URL -o FILE`.
void RegisterLetterExportCommand(CLI::App& letter_cmd, int* exit_code);
void RegisterAdminBackupCommands(CLI::App* admin, int* exit_code);

// The log's Ed25519 key from its file (DATA_DIR/log-key.bin: the 64-byte secret key).
Result<crypto::SignKeyPair> ReadLogKeyFile(const std::string& path);

// Prints "candor: <message>" to stderr and returns the exit code for `error`.
int ReportError(const Error& error);

// Makes `cmd` run `run()` (which returns a Status) and store the resulting exit code. A JSON
// value of an unexpected type that slipped past a command's own checks (a hostile server's
// reply: a number where a string belongs) ends the command with an error, never an abort; so
// does any other exception (memory exhausted, a library's own check).
template <typename F>
void OnRun(CLI::App* cmd, int* exit_code, F run) {
  cmd->callback([run, exit_code] {
    Status s = Status::Ok();
    try {
      s = run();
    } catch (const nlohmann::json::exception& e) {
      s = Error(ErrorCode::kCorrupt,
                std::string("the server's reply (or a file) holds a value of the wrong type: ") +
                    e.what());
    } catch (const std::bad_alloc&) {
      s = Error(ErrorCode::kResourceExhausted,
                "out of memory (a reply or a file far larger than it should be?)");
    } catch (const std::exception& e) {
      s = Error(ErrorCode::kInternal, std::string("unexpected failure: ") + e.what());
    }
    *exit_code = s.ok() ? 0 : ReportError(s.error());
  });
}

}  // namespace candor::cli

#endif  // CANDOR_CLI_COMMANDS_H_
