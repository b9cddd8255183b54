#include "notify/openpgp.h"

#include <gpgme.h>

#include <cstdlib>  // mkdtemp
#include <filesystem>
#include <memory>
#include <mutex>
#include <system_error>
#include <vector>

namespace candor::notify {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kArmorHeader = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

Status InitGpgme() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    ok = gpgme_check_version("1.14.0") != nullptr &&
         gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP) == GPG_ERR_NO_ERROR;
  });
  if (!ok) {
    return Error(ErrorCode::kUnavailable,
                 "OpenPGP is not available on this server (GPGME 1.14 and gpg are needed)");
  }
  return Status::Ok();
}

std::string Reason(gpgme_error_t err) { return gpgme_strerror(err); }

// A GnuPG home of its own, removed with everything in it when it goes.
class TempHome {
 public:
  static Result<TempHome> Make() {
    std::error_code ec;
    const fs::path base = fs::temp_directory_path(ec);
    if (ec) return Error(ErrorCode::kIo, "no temporary directory for OpenPGP");
    std::string tmpl = (base / "candor-gpg-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
      return Error(ErrorCode::kIo, "could not make a temporary directory for OpenPGP");
    }
    return TempHome(buf.data());
  }
  TempHome(TempHome&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempHome& operator=(TempHome&&) = delete;
  TempHome(const TempHome&) = delete;
  TempHome& operator=(const TempHome&) = delete;
  ~TempHome() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempHome(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

struct CtxDeleter {
  void operator()(gpgme_ctx_t c) const { gpgme_release(c); }
};
struct DataDeleter {
  void operator()(gpgme_data_t d) const { gpgme_data_release(d); }
};
struct KeyDeleter {
  void operator()(gpgme_key_t k) const { gpgme_key_unref(k); }
};
using Ctx = std::unique_ptr<std::remove_pointer_t<gpgme_ctx_t>, CtxDeleter>;
using Data = std::unique_ptr<std::remove_pointer_t<gpgme_data_t>, DataDeleter>;
using Key = std::unique_ptr<std::remove_pointer_t<gpgme_key_t>, KeyDeleter>;

// A context on `home` with `armored` imported, and the imported key.
struct Imported {
  Ctx ctx;
  Key key;
  std::string fingerprint;
};

Result<Imported> Import(const TempHome& home, std::string_view armored) {
  if (armored.size() > kMaxOpenPgpKeyBytes) {
    return InvalidArgument("an OpenPGP key has at most 64 KiB");
  }
  std::size_t start = 0;
  while (start < armored.size() && (armored[start] == ' ' || armored[start] == '\n' ||
                                    armored[start] == '\r' || armored[start] == '\t')) {
    ++start;
  }
  if (!armored.substr(start).starts_with(kArmorHeader)) {
    return InvalidArgument(
        "an OpenPGP key is an ASCII-armored public key (-----BEGIN PGP PUBLIC "
        "KEY BLOCK-----)");
  }
  CANDOR_RETURN_IF_ERROR(InitGpgme());
  gpgme_ctx_t raw = nullptr;
  if (auto err = gpgme_new(&raw); err != GPG_ERR_NO_ERROR) {
    return Error(ErrorCode::kUnavailable, "OpenPGP: " + Reason(err));
  }
  Imported out;
  out.ctx.reset(raw);
  if (auto err = gpgme_ctx_set_engine_info(out.ctx.get(), GPGME_PROTOCOL_OpenPGP, nullptr,
                                           home.path().c_str());
      err != GPG_ERR_NO_ERROR) {
    return Error(ErrorCode::kUnavailable, "OpenPGP: " + Reason(err));
  }
  gpgme_set_armor(out.ctx.get(), 1);
  gpgme_data_t key_data = nullptr;
  if (auto err = gpgme_data_new_from_mem(&key_data, armored.data(), armored.size(), 1);
      err != GPG_ERR_NO_ERROR) {
    return Error(ErrorCode::kUnavailable, "OpenPGP: " + Reason(err));
  }
  Data key_holder(key_data);
  if (auto err = gpgme_op_import(out.ctx.get(), key_data); err != GPG_ERR_NO_ERROR) {
    return InvalidArgument("the OpenPGP key could not be read: " + Reason(err));
  }
  gpgme_import_result_t r = gpgme_op_import_result(out.ctx.get());
  if (r == nullptr || r->considered != 1 || r->imported != 1 || r->imports == nullptr ||
      r->imports->fpr == nullptr) {
    return InvalidArgument("the text must hold exactly one OpenPGP public key");
  }
  if (r->secret_read != 0 || r->secret_imported != 0) {
    return InvalidArgument("that is a secret key: give Candor your public key only");
  }
  out.fingerprint = r->imports->fpr;
  gpgme_key_t key = nullptr;
  if (auto err = gpgme_get_key(out.ctx.get(), out.fingerprint.c_str(), &key, 0);
      err != GPG_ERR_NO_ERROR || key == nullptr) {
    return InvalidArgument("the OpenPGP key could not be read back");
  }
  out.key.reset(key);
  if (key->revoked != 0) return InvalidArgument("the OpenPGP key is revoked");
  if (key->expired != 0) return InvalidArgument("the OpenPGP key has expired");
  if (key->disabled != 0 || key->invalid != 0)
    return InvalidArgument("the OpenPGP key is unusable");
  if (key->can_encrypt == 0) {
    return InvalidArgument("the OpenPGP key has no subkey that can encrypt");
  }
  return out;
}

}  // namespace

Result<OpenPgpKey> CheckOpenPgpKey(std::string_view armored) {
  CANDOR_ASSIGN_OR_RETURN(TempHome home, TempHome::Make());
  CANDOR_ASSIGN_OR_RETURN(Imported imported, Import(home, armored));
  return OpenPgpKey{imported.fingerprint};
}

Result<std::string> EncryptToOpenPgpKey(std::string_view armored, std::string_view plaintext) {
  CANDOR_ASSIGN_OR_RETURN(TempHome home, TempHome::Make());
  CANDOR_ASSIGN_OR_RETURN(Imported imported, Import(home, armored));
  gpgme_data_t in = nullptr;
  if (auto err = gpgme_data_new_from_mem(&in, plaintext.data(), plaintext.size(), 0);
      err != GPG_ERR_NO_ERROR) {
    return Error(ErrorCode::kUnavailable, "OpenPGP: " + Reason(err));
  }
  Data in_holder(in);
  gpgme_data_t out = nullptr;
  if (auto err = gpgme_data_new(&out); err != GPG_ERR_NO_ERROR) {
    return Error(ErrorCode::kUnavailable, "OpenPGP: " + Reason(err));
  }
  Data out_holder(out);
  gpgme_key_t recipients[2] = {imported.key.get(), nullptr};
  const auto flags =
      static_cast<gpgme_encrypt_flags_t>(GPGME_ENCRYPT_ALWAYS_TRUST | GPGME_ENCRYPT_NO_COMPRESS);
  if (auto err = gpgme_op_encrypt(imported.ctx.get(), recipients, flags, in, out);
      err != GPG_ERR_NO_ERROR) {
    return Error(ErrorCode::kUnavailable, "OpenPGP encryption failed: " + Reason(err));
  }
  std::size_t n = 0;
  char* mem = gpgme_data_release_and_get_mem(out_holder.release(), &n);
  if (mem == nullptr) return Error(ErrorCode::kUnavailable, "OpenPGP: no ciphertext");
  std::string armored_out(mem, n);
  gpgme_free(mem);
  return armored_out;
}

}  // namespace candor::notify
