// File and terminal helpers for the command line. Not thread-safe (used from main only).
#ifndef CANDOR_CLI_IO_H_
#define CANDOR_CLI_IO_H_

#include <fmt/core.h>

#include <cstdio>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"
#include "crypto/bytes.h"
#include "crypto/keys.h"

namespace candor::cli {

// Reads a whole file. Errors name the path and say what went wrong.
Result<crypto::Bytes> ReadFileBytes(const std::string& path);
Result<std::string> ReadFileText(const std::string& path);

// Writes `data` to `path` atomically (temporary file, fsync, rename) with the given mode.
// Refuses to replace an existing file unless `overwrite` is true.
Status WriteFileAtomic(const std::string& path, crypto::ByteSpan data, bool overwrite,
                       unsigned mode = 0644);

// Where a passphrase comes from: the file (first line) if given, then the environment
// variable, then the terminal (echo off). `confirm` asks twice on the terminal.
struct PassphraseSource {
  std::string file;                       // empty: not given
  std::string env = "CANDOR_PASSPHRASE";  // empty: not consulted
};
// A passphrase or password typed by a person: kept in one buffer, never copied by this type,
// and wiped (sodium_memzero, which the compiler may not drop) when destroyed or moved from
// (security review L6). Move-only.
class Passphrase {
 public:
  Passphrase() = default;
  // Takes `text`'s buffer; `text` is left empty.
  explicit Passphrase(std::string&& text);
  ~Passphrase() { Wipe(); }
  Passphrase(Passphrase&& other) noexcept;
  Passphrase& operator=(Passphrase&& other) noexcept;
  Passphrase(const Passphrase&) = delete;
  Passphrase& operator=(const Passphrase&) = delete;

  const std::string& str() const { return text_; }
  std::string_view view() const { return text_; }
  bool empty() const { return text_.empty(); }

 private:
  void Wipe() noexcept;
  std::string text_;
};

// Overwrites every byte `text` holds (up to its capacity) and empties it (crypto::WipeString).
void WipeString(std::string& text) noexcept;

Result<Passphrase> ReadPassphrase(const PassphraseSource& source, std::string_view what,
                                  bool confirm);

// Reads the key file at `path` and opens it with the passphrase from `passphrase` (asked for
// as "Passphrase of your key file"). Errors name the path.
Result<crypto::MemberKeys> OpenKeyFileAt(const std::string& path,
                                         const PassphraseSource& passphrase);

// `text` safe to print on a terminal: control characters (C0, DEL, C1) shown as \xNN or \uNNNN,
// so text from a server or a file (a letter's title, an error message) cannot move the cursor,
// change colours or rewrite what was printed before it. With `keep_newlines`, '\n' and '\t'
// pass (for our own multi-line messages).
std::string TerminalSafe(std::string_view text, bool keep_newlines = false);

// fmt::print for everything the command line shows: what it prints may quote a server, a
// letter's author or a file, so it goes through TerminalSafe (newlines and tabs kept).
template <typename... Args>
void Say(std::FILE* to, fmt::format_string<Args...> format, Args&&... args) {
  const std::string text =
      TerminalSafe(fmt::format(format, std::forward<Args>(args)...), /*keep_newlines=*/true);
  (void)std::fwrite(text.data(), 1, text.size(), to);
}
template <typename... Args>
void Say(fmt::format_string<Args...> format, Args&&... args) {
  Say(stdout, format, std::forward<Args>(args)...);
}

// Prints `j` on stdout, indented, for --json. TerminalSafe would break JSON (it writes "\x7f"
// into a string), so the dump itself is made terminal-safe instead: C0 controls are escaped by
// the JSON writer, DEL and C1 controls are written as \u007f and \u0080–\u009f (valid JSON for
// the same characters), and bytes that are not UTF-8 are replaced, never thrown on.
void SayJson(const nlohmann::json& j);
std::string TerminalSafeJson(const nlohmann::json& j);

}  // namespace candor::cli

#endif  // CANDOR_CLI_IO_H_
