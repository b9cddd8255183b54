// File and terminal helpers for the command line. Not thread-safe (used from main only).
#ifndef CANDOR_CLI_IO_H_
#define CANDOR_CLI_IO_H_

#include <string>
#include <string_view>

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
  std::string file;                      // empty: not given
  std::string env = "CANDOR_PASSPHRASE";  // empty: not consulted
};
Result<std::string> ReadPassphrase(const PassphraseSource& source, std::string_view what,
                                   bool confirm);

// Reads the key file at `path` and opens it with the passphrase from `passphrase` (asked for
// as "Passphrase of your key file"). Errors name the path.
Result<crypto::MemberKeys> OpenKeyFileAt(const std::string& path, const PassphraseSource& passphrase);

}  // namespace candor::cli

#endif  // CANDOR_CLI_IO_H_
