#include "cli/onion.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "cli/io.h"
#include "cli/process.h"
#include "crypto/bytes.h"

namespace candor::cli {
namespace {
namespace fs = std::filesystem;

// A Tor left running by a server that did not stop cleanly (killed, crashed) still holds the
// data directory and forwards to the old port: it is stopped first, found by the PID file our
// torrc makes it write and recognized by its command line.
void StopLeftover(const std::string& dir) {
  auto pid_text = ReadFileText(dir + "/tor.pid");
  if (!pid_text.ok()) return;
  const long pid = std::strtol(pid_text->c_str(), nullptr, 10);
  if (pid <= 1) return;
  auto cmdline = ReadFileText("/proc/" + std::to_string(pid) + "/cmdline");
  if (!cmdline.ok() || cmdline->find(dir + "/torrc") == std::string::npos) return;
  ::kill(static_cast<pid_t>(pid), SIGTERM);
  for (int i = 0; i < 100 && ::kill(static_cast<pid_t>(pid), 0) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}
}  // namespace

bool IsOnionAddress(const std::string& a) {
  if (a.size() != 56 + 6 || !a.ends_with(".onion")) return false;
  for (std::size_t i = 0; i < 56; ++i) {
    const char c = a[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
  }
  return true;
}

Result<std::string> OnionService::Start(const std::string& data_dir, const std::string& host,
                                        int port, const std::string& tor_binary) {
  const std::string dir = fs::absolute(data_dir).string() + "/tor";
  std::error_code ec;
  for (const std::string& d : {dir, dir + "/state", dir + "/onion"}) {
    fs::create_directories(d, ec);
    if (ec) return Error(ErrorCode::kIo, "cannot create '" + d + "': " + ec.message());
    ::chmod(d.c_str(), 0700);  // Tor refuses a service directory others can read
  }
  // Where the server listens, as Tor reaches it: an address it listens on for every interface
  // is reached on loopback.
  const std::string target =
      (host == "0.0.0.0" || host == "::" || host.empty()) ? "127.0.0.1" : host;
  const std::string torrc =
      "# Written by candor serve --onion at each start; edits are lost.\n"
      "DataDirectory " +
      dir +
      "/state\n"
      "HiddenServiceDir " +
      dir +
      "/onion\n"
      "HiddenServicePort 80 " +
      (target.find(':') != std::string::npos ? "[" + target + "]" : target) + ":" +
      std::to_string(port) +
      "\n"
      "SocksPort 0\n"
      "PidFile " +
      dir +
      "/tor.pid\n"
      "Log notice file " +
      dir +
      "/tor.log\n"
      "RunAsDaemon 0\n";
  CANDOR_RETURN_IF_ERROR(WriteFileAtomic(dir + "/torrc", crypto::AsBytes(torrc), true, 0600));
  StopLeftover(dir);
  auto spawned = SpawnProgram({tor_binary, "-f", dir + "/torrc", "--quiet"});
  if (!spawned.ok()) {
    return Error(ErrorCode::kUnavailable,
                 "cannot run '" + tor_binary + "' for --onion (install Debian's tor package)");
  }
  pid_ = *spawned;
  const std::string hostname = dir + "/onion/hostname";
  for (int i = 0; i < 600; ++i) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      return Error(ErrorCode::kUnavailable, "tor stopped at once: see " + dir + "/tor.log");
    }
    // The address counts once this Tor has run a moment: one that found the data directory
    // locked (another Tor on it) exits at once, with the old address still on disk.
    if (i >= 5 && fs::exists(hostname, ec)) {
      auto text = ReadFileText(hostname);
      if (text.ok()) {
        std::string address = *text;
        while (!address.empty() && (address.back() == '\n' || address.back() == '\r')) {
          address.pop_back();
        }
        if (IsOnionAddress(address)) return address;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Stop();
  return Error(ErrorCode::kUnavailable,
               "tor gave no onion address within 60 seconds: see " + dir + "/tor.log");
}

void OnionService::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = 0;
}

}  // namespace candor::cli
