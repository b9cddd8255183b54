// candor keygen | key show | key passwd | ring create
#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/io.h"
#include "crypto/keyfile.h"
#include "crypto/keys.h"
#include "crypto/lrs.h"
#include "crypto/rng.h"
#include "domain/cosignature.h"

namespace candor::cli {
namespace {

struct KeygenOptions {
  std::string out;
  PassphraseSource passphrase;
  bool force = false;
};

Status RunKeygen(const KeygenOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(Passphrase passphrase,
                          ReadPassphrase(o.passphrase, "New passphrase for the key file", true));
  crypto::MemberKeys keys = crypto::GenerateMemberKeys(crypto::DefaultRng());
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes file,
                          crypto::SealKeyFile(keys, passphrase.view(),
                                              crypto::KdfParams::Moderate(), crypto::DefaultRng()));
  CANDOR_RETURN_IF_ERROR(WriteFileAtomic(o.out, file, o.force, 0600));
  Say("Created your member key in {} (protected by your passphrase).\n", o.out);
  Say("ring public key:  {}\n", crypto::ToHex(keys.ring.public_key));
  Say("reply public key: {}\n", crypto::ToHex(keys.box.public_key));
  Say("Keep the file and the passphrase to yourself: nobody, not even an administrator,\n"
      "can recover them for you.\n");
  return Status::Ok();
}

Status RunKeyShow(const std::string& path, bool json) {
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes file, ReadFileBytes(path));
  CANDOR_ASSIGN_OR_RETURN(crypto::KeyFileInfo info, crypto::ParseKeyFile(file));
  if (json) {
    domain::Json j{{"ring_public_key", crypto::ToHex(info.ring_public)},
                   {"reply_public_key", crypto::ToHex(info.box_public)}};
    SayJson(j);
  } else {
    Say("ring public key:  {}\nreply public key: {}\n", crypto::ToHex(info.ring_public),
        crypto::ToHex(info.box_public));
  }
  return Status::Ok();
}

struct PasswdOptions {
  std::string path;
  PassphraseSource old_passphrase;
  PassphraseSource new_passphrase;
};

Status RunKeyPasswd(const PasswdOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(crypto::Bytes file, ReadFileBytes(o.path));
  CANDOR_ASSIGN_OR_RETURN(Passphrase old_pass,
                          ReadPassphrase(o.old_passphrase, "Current passphrase", false));
  CANDOR_ASSIGN_OR_RETURN(Passphrase new_pass,
                          ReadPassphrase(o.new_passphrase, "New passphrase", true));
  CANDOR_ASSIGN_OR_RETURN(
      crypto::Bytes updated,
      crypto::ChangeKeyFilePassphrase(file, old_pass.view(), new_pass.view(),
                                      crypto::KdfParams::Moderate(), crypto::DefaultRng()));
  CANDOR_RETURN_IF_ERROR(WriteFileAtomic(o.path, updated, /*overwrite=*/true, 0600));
  Say("Changed the passphrase of {}.\n", o.path);
  return Status::Ok();
}

struct RingCreateOptions {
  std::string out;
  std::vector<std::string> key_files;
  std::vector<std::string> members;
  bool force = false;
};

Status RunRingCreate(const RingCreateOptions& o) {
  std::vector<crypto::Point> points;
  for (const auto& path : o.key_files) {
    CANDOR_ASSIGN_OR_RETURN(crypto::Bytes file, ReadFileBytes(path));
    auto info = crypto::ParseKeyFile(file);
    if (!info.ok()) return info.error().WithContext(path);
    points.push_back(info->ring_public);
  }
  for (const auto& hex : o.members) {
    CANDOR_ASSIGN_OR_RETURN(crypto::Point p, crypto::FixedFromHex<crypto::Point>(hex, "--member"));
    points.push_back(p);
  }
  CANDOR_ASSIGN_OR_RETURN(crypto::Ring ring, crypto::Ring::Create(std::move(points)));
  std::string text = domain::RingToJson(ring).dump(2) + "\n";
  CANDOR_RETURN_IF_ERROR(WriteFileAtomic(o.out, crypto::AsBytes(text), o.force));
  Say("Wrote a ring of {} members to {} (digest {}).\n", ring.size(), o.out,
      crypto::ToHex(ring.digest()));
  return Status::Ok();
}

void AddPassphraseOption(CLI::App* cmd, PassphraseSource* source,
                         const char* name = "--passphrase-file") {
  cmd->add_option(name, source->file,
                  "Read the passphrase from the first line of this file (otherwise "
                  "$CANDOR_PASSPHRASE, otherwise you are asked)");
}

}  // namespace

void RegisterKeyCommands(CLI::App& app, int* exit_code) {
  auto keygen = std::make_shared<KeygenOptions>();
  CLI::App* cmd = app.add_subcommand(
      "keygen", "Create your member key file (a ring key for signing, a key for replies)");
  cmd->add_option("--out,-o", keygen->out, "Where to write the key file")->required();
  AddPassphraseOption(cmd, &keygen->passphrase);
  cmd->add_flag("--force", keygen->force, "Replace an existing file");
  OnRun(cmd, exit_code, [keygen] { return RunKeygen(*keygen); });

  CLI::App* key = app.add_subcommand("key", "Inspect or change a key file");
  key->require_subcommand(1);
  auto show_path = std::make_shared<std::string>();
  auto show_json = std::make_shared<bool>(false);
  CLI::App* show =
      key->add_subcommand("show", "Print the public keys in a key file (no passphrase needed)");
  show->add_option("file", *show_path, "The key file")->required();
  show->add_flag("--json", *show_json, "Print JSON");
  OnRun(show, exit_code, [show_path, show_json] { return RunKeyShow(*show_path, *show_json); });
  auto passwd = std::make_shared<PasswdOptions>();
  passwd->new_passphrase.env = "CANDOR_NEW_PASSPHRASE";
  CLI::App* pw = key->add_subcommand("passwd", "Change the passphrase of a key file");
  pw->add_option("file", passwd->path, "The key file")->required();
  AddPassphraseOption(pw, &passwd->old_passphrase);
  pw->add_option("--new-passphrase-file", passwd->new_passphrase.file,
                 "Read the new passphrase from this file (otherwise $CANDOR_NEW_PASSPHRASE, "
                 "otherwise you are asked twice)");
  OnRun(pw, exit_code, [passwd] { return RunKeyPasswd(*passwd); });

  CLI::App* ring = app.add_subcommand("ring", "Make ring files (lists of members' public keys)");
  ring->require_subcommand(1);
  auto create = std::make_shared<RingCreateOptions>();
  CLI::App* rc = ring->add_subcommand("create", "Write a ring file from key files and public keys");
  rc->add_option("--out,-o", create->out, "Where to write the ring file")->required();
  rc->add_option("--key", create->key_files, "A member key file (only its public part is read)");
  rc->add_option("--member", create->members, "A member's ring public key (hex)");
  rc->add_flag("--force", create->force, "Replace an existing file");
  OnRun(rc, exit_code, [create] { return RunRingCreate(*create); });
}

}  // namespace candor::cli
