// Tests only: a reviewer's OpenPGP key made by the real gpg in a GnuPG home of the test's own,
// and decryption with it, as the reviewer's mail client would.
#ifndef CANDOR_NOTIFY_OPENPGP_TESTING_H_
#define CANDOR_NOTIFY_OPENPGP_TESTING_H_

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

namespace candor::notify::testing {

// Runs `cmd` in a shell; returns (exit status, stdout).
inline std::pair<int, std::string> Shell(const std::string& cmd) {
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, ""};
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = ::pclose(p);
  return {WEXITSTATUS(status), out};
}

// A key pair in `home` (a new directory): returns the armored public key, or "" on failure.
inline std::string MakeOpenPgpKey(const std::string& home, const std::string& uid) {
  const std::string gpg = "gpg --batch --quiet --homedir '" + home + "' ";
  if (Shell("mkdir -p '" + home + "' && chmod 700 '" + home + "'").first != 0) return "";
  if (Shell(gpg + "--pinentry-mode loopback --passphrase '' --quick-gen-key '" + uid +
            "' future-default default never 2>/dev/null")
          .first != 0) {
    return "";
  }
  auto [rc, key] = Shell(gpg + "--armor --export 2>/dev/null");
  return rc == 0 ? key : "";
}

// Decrypts an armored message with the key in `home`; returns (exit status, plaintext).
inline std::pair<int, std::string> DecryptWith(const std::string& home,
                                               const std::string& armored) {
  const std::string file = home + "/message.asc";
  {
    std::ofstream f(file, std::ios::binary);
    f << armored;
  }
  return Shell("gpg --batch --quiet --homedir '" + home +
               "' --pinentry-mode loopback --passphrase '' --decrypt '" + file + "' 2>/dev/null");
}

// Stops the gpg-agent a test's home started.
inline void StopAgent(const std::string& home) {
  Shell("gpgconf --homedir '" + home + "' --kill all 2>/dev/null");
}

}  // namespace candor::notify::testing

#endif  // CANDOR_NOTIFY_OPENPGP_TESTING_H_
