#include "cli/io.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "crypto/keyfile.h"
#include "crypto/receipt.h"

namespace candor::cli {
namespace {

Error IoError(const std::string& what, const std::string& path) {
  return Error(ErrorCode::kIo, what + " '" + path + "': " + std::strerror(errno));
}

// Drops a line's ending (CR, LF) in place; spaces are part of a passphrase and stay.
void TrimLineEnd(std::string& s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
}

// Reads one line from the terminal with echo off. Returns false if there is no terminal.
bool ReadHiddenLine(std::string_view prompt, std::string& out) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  (void)::write(fd, prompt.data(), prompt.size());
  termios old_attr{};
  bool have_attr = ::tcgetattr(fd, &old_attr) == 0;
  if (have_attr) {
    termios quiet = old_attr;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  // One buffer, reserved up front, so that no reallocation leaves a copy of the line behind;
  // longer lines are cut (no passphrase needs 4 KiB).
  constexpr std::size_t kMaxLine = 4096;
  out.clear();
  out.reserve(kMaxLine);
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') {
    if (out.size() < kMaxLine) out.push_back(c);
  }
  c = 0;
  if (have_attr) ::tcsetattr(fd, TCSAFLUSH, &old_attr);
  (void)::write(fd, "\n", 1);
  ::close(fd);
  TrimLineEnd(out);
  return true;
}

}  // namespace

Result<crypto::Bytes> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot open", path);
  crypto::Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return IoError("cannot read", path);
  return data;
}

Result<std::string> ReadFileText(const std::string& path) {
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes data, ReadFileBytes(path));
  return std::string(data.begin(), data.end());
}

Status WriteFileAtomic(const std::string& path, crypto::ByteSpan data, bool overwrite,
                       unsigned mode) {
  struct stat st {};
  if (!overwrite && ::stat(path.c_str(), &st) == 0) {
    return Error(ErrorCode::kAlreadyExists,
                 "'" + path + "' already exists; choose another name or pass --force");
  }
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return IoError("cannot create", tmp);
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = IoError("cannot write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return e;
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    Error e = IoError("cannot flush", tmp);
    ::unlink(tmp.c_str());
    return e;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = IoError("cannot rename into", path);
    ::unlink(tmp.c_str());
    return e;
  }
  // The rename is durable only once the directory is: a crash after it could otherwise lose
  // the new name (a log key, a key file) although the call said it was written.
  const std::size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return IoError("cannot open the directory of", path);
  const bool synced = ::fsync(dfd) == 0;
  ::close(dfd);
  if (!synced) return IoError("cannot flush the directory of", path);
  return Status::Ok();
}

void WipeString(std::string& text) noexcept { crypto::WipeString(text); }

Passphrase::Passphrase(std::string&& text) : text_(std::move(text)) { WipeString(text); }
Passphrase::Passphrase(Passphrase&& other) noexcept : text_(std::move(other.text_)) {
  other.Wipe();
}
Passphrase& Passphrase::operator=(Passphrase&& other) noexcept {
  if (this != &other) {
    Wipe();
    text_ = std::move(other.text_);
    other.Wipe();
  }
  return *this;
}
void Passphrase::Wipe() noexcept { WipeString(text_); }

Result<Passphrase> ReadPassphrase(const PassphraseSource& source, std::string_view what,
                                  bool confirm) {
  if (!source.file.empty()) {
    CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(source.file));
    // The first line without its ending, in a buffer of its own; the file's text is wiped.
    std::string_view line(text);
    line = line.substr(0, line.find('\n'));
    std::string first_line;
    first_line.reserve(line.size());
    first_line.append(line);
    TrimLineEnd(first_line);
    WipeString(text);
    if (first_line.empty()) return InvalidArgument("the passphrase file is empty");
    return Passphrase(std::move(first_line));
  }
  if (!source.env.empty()) {
    if (const char* env = std::getenv(source.env.c_str()); env != nullptr && *env != '\0') {
      return Passphrase(std::string(env));  // the environment's own copy is beyond our reach
    }
  }
  std::string first;
  if (!ReadHiddenLine(std::string(what) + ": ", first)) {
    return InvalidArgument("no terminal to ask for the passphrase; use a passphrase file or set " +
                           (source.env.empty() ? std::string("one") : "$" + source.env));
  }
  Passphrase typed(std::move(first));
  if (typed.empty()) return InvalidArgument("the passphrase is empty");
  if (confirm) {
    std::string again;
    ReadHiddenLine("Type it again: ", again);
    Passphrase second(std::move(again));
    if (second.view() != typed.view())
      return InvalidArgument("the two passphrases differ; nothing was written");
  }
  return typed;
}

Result<crypto::MemberKeys> OpenKeyFileAt(const std::string& path,
                                         const PassphraseSource& passphrase) {
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes file, ReadFileBytes(path));
  CANDOR_ASSIGN_OR_RETURN(Passphrase pass,
                          ReadPassphrase(passphrase, "Passphrase of your key file", false));
  auto keys = crypto::OpenKeyFile(file, pass.view());
  if (!keys.ok()) return keys.error().WithContext(path);
  return keys;
}

std::string TerminalSafe(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool kept = keep_newlines && (c == '\n' || c == '\t');
    if (!kept && (c < 0x20 || c == 0x7f)) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xc2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      out += fmt::format("\\u{:04x}",
                         static_cast<unsigned char>(text[i + 1]));  // a C1 control (U+0080–U+009F)
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string TerminalSafeJson(const nlohmann::json& j) {
  const std::string dumped =
      j.dump(2, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(dumped.size() + 1);
  for (std::size_t i = 0; i < dumped.size(); ++i) {
    const auto c = static_cast<unsigned char>(dumped[i]);
    if (c == 0x7f) {
      out += "\\u007f";  // only inside a string: outside strings a JSON dump is ASCII punctuation
    } else if (c == 0xc2 && i + 1 < dumped.size() &&
               static_cast<unsigned char>(dumped[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(dumped[i + 1]) <= 0x9f) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned char>(dumped[i + 1]));
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '\n';
  return out;
}

void SayJson(const nlohmann::json& j) {
  const std::string text = TerminalSafeJson(j);
  (void)std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace candor::cli
