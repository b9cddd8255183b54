// candor — the Candor command line.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "cli/commands.h"
#include "cli/http_client.h"

namespace {

// $CANDOR_HTTP_TIMEOUT: give up on a server after this many whole seconds (1 to 86400) in all,
// instead of the default 180 (a cron job auditing a log may want less). Anything else is a
// usage error, not a silent default.
bool ApplyHttpTimeout() {
  const char* env = std::getenv("CANDOR_HTTP_TIMEOUT");
  if (env == nullptr || *env == '\0') return true;
  const std::string_view text(env);
  unsigned seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || text[0] == '0' || seconds > 86'400) {
    (void)std::fprintf(
        stderr, "candor: CANDOR_HTTP_TIMEOUT must be a whole number of seconds from 1 to 86400\n");
    return false;
  }
  candor::cli::HttpDeadlines d = candor::cli::GetHttpDeadlines();
  const std::chrono::milliseconds total{std::chrono::seconds(seconds)};
  d.total = total;
  d.io = std::min(d.io, total);
  d.connect = std::min(d.connect, total);
  candor::cli::SetHttpDeadlines(d);
  return true;
}

// Every command returns its errors as values; an exception reaching here is a bug (a throwing
// library call on input that was not checked), and still ends as a plain error with exit
// status 2, never an abort (issue 13, item 2).
int Run(int argc, char** argv) {
  CLI::App app{
      "Candor: protected dissent. Keys stay on this device; everything the server publishes "
      "can be checked here.",
      "candor"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "candor 0.1.0");
  if (!ApplyHttpTimeout()) return 2;
  // Every command that talks to a server goes through the proxy when one is given (before or
  // after the command's name, or as $CANDOR_PROXY): Tor's is socks5h://127.0.0.1:9050.
  std::string proxy;
  app.add_option("--proxy", proxy,
                 "Reach the server through this SOCKS5 proxy, e.g. Tor's socks5h://127.0.0.1:9050 "
                 "(also $CANDOR_PROXY)")
      ->envname("CANDOR_PROXY");
  app.fallthrough();
  app.parse_complete_callback([&proxy] {
    if (proxy.empty()) return;
    auto parsed = candor::cli::ParseProxyUrl(proxy);
    if (!parsed.ok()) throw CLI::ValidationError("--proxy", parsed.error().message());
    candor::cli::SetHttpProxy(*parsed);
  });
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

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "candor: internal error: %s\n", e.what());
  } catch (...) {
    (void)std::fprintf(stderr, "candor: internal error\n");
  }
  return 2;
}
