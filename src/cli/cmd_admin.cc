// candor admin backup | admin restore (issue 16, item 2): a consistent online backup of a
// server's store with its log key, and a restore that refuses a backup whose log is not
// consistent with a tree head the operator trusts.
//
// Backup directory (docs/OPERATIONS.md, "Backups"), mode 0700:
//   backup.json   {"format": "candor-backup-v1", "engine", "schema_version", "tree_size",
//                  "root", "log_public_key"}
//   candor.db     SQLite: the online backup API's snapshot of one moment, or
//   candor.pgdump PostgreSQL: pg_dump --format=custom
//   log-key.bin   the log's Ed25519 key (mode 0600): without it the log cannot go on.
// A backup holds the log key and the store's hashes and sealed secrets: keep it as carefully as
// the data directory itself.
#include <fmt/core.h>
#include <libpq-fe.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/commands.h"
#include "cli/io.h"
#include "cli/process.h"
#include "crypto/ed25519.h"
#include "domain/strict_json.h"
#include "log/verify.h"
#include "server/app/clock.h"
#include "server/app/log_service.h"
#include "server/app/log_writer.h"
#include "store/schema.h"
#include "store/sql.h"
#include "store/store.h"

namespace candor::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kFormat = "candor-backup-v1";

struct StoreTarget {
  bool sqlite = true;
  std::string path;  // SQLite
  std::string url;   // as given (or sqlite:DATA_DIR/candor.db)
};

Result<StoreTarget> TargetOf(const std::string& data_dir, const std::string& url) {
  StoreTarget t;
  t.url = url.empty() ? "sqlite:" + data_dir + "/candor.db" : url;
  if (t.url.starts_with("sqlite:")) {
    t.path = t.url.substr(7);
    if (t.path.empty()) return InvalidArgument("--store sqlite: names no file");
  } else if (t.url.starts_with("postgres://") || t.url.starts_with("postgresql://")) {
    t.sqlite = false;
  } else {
    return InvalidArgument("--store is sqlite:PATH or postgresql://…");
  }
  return t;
}

// The store's latest signed tree head, checked against the log key.
Result<tlog::SignedTreeHead> LatestHead(store::Store& store, const crypto::SignPublicKey& key) {
  CANDOR_RETURN_IF_ERROR(app::CheckLogKey(store, key));
  app::SystemClock clock;
  app::LogService log(store, key, {}, clock);
  CANDOR_ASSIGN_OR_RETURN(auto sth, log.LatestTreeHead());
  if (!sth) return Error(ErrorCode::kFailedPrecondition, "the store holds no signed log yet");
  CANDOR_RETURN_IF_ERROR(tlog::VerifySignedTreeHead(*sth, key));
  return *sth;
}

// The store's schema version, read without migrating anything: a backup must never change
// the store it copies (a newer `candor` run before the server is restarted would otherwise
// migrate the live store under the older server). Error when it is not this build's version.
Status CheckSchemaMatches(const StoreTarget& t) {
  std::unique_ptr<store::SqlConnection> conn;
  if (t.sqlite) {
    std::error_code ec;
    if (!fs::exists(t.path, ec))
      return Error(ErrorCode::kNotFound, "there is no store at '" + t.path + "'");
    CANDOR_ASSIGN_OR_RETURN(conn, store::OpenSqliteConnection(t.path));
  } else {
    CANDOR_ASSIGN_OR_RETURN(conn, store::OpenPostgresConnection(t.url));
  }
  auto version = store::ReadSchemaVersion(*conn);
  if (!version.ok())
    return Error(ErrorCode::kNotFound, "no Candor store there: " + version.error().message());
  if (*version != store::LatestSchemaVersion()) {
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("the store is at schema {} and this candor at {}: back it up with the "
                             "candor that serves it (before an upgrade, the old one)",
                             *version, store::LatestSchemaVersion()));
  }
  return Status::Ok();
}

// How pg_dump and pg_restore reach the store, from its URL in one reading: the connection
// without its password (their arguments, which any local user can read), the password (for
// PGPASSWORD), and the first schema of its search_path (options=-c search_path=NAME), which
// pg_dump then dumps alone, as the store lives in it.
struct PgToolTarget {
  std::string conninfo, password;
  std::optional<std::string> schema;
};

PgToolTarget PgToolTargetOf(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &err);
  if (err != nullptr) PQfreemem(err);
  if (options == nullptr) return {url, "", std::nullopt};
  PgToolTarget t;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    const std::string key = o->keyword;
    if (key == "password") {
      t.password = o->val;
      continue;
    }
    if (key == "options") {
      const std::string value = o->val;
      const auto at = value.find("search_path=");
      if (at != std::string::npos) {
        std::string name = value.substr(at + 12);
        name = name.substr(0, name.find_first_of(", "));
        if (!name.empty()) t.schema = name;
      }
    }
    std::string value;
    for (const char* c = o->val; *c != '\0'; ++c) {
      if (*c == '\\' || *c == '\'') value += '\\';
      value += *c;
    }
    if (!t.conninfo.empty()) t.conninfo += ' ';
    t.conninfo += key;
    t.conninfo += "='";
    t.conninfo += value;
    t.conninfo += '\'';
  }
  PQconninfoFree(options);
  return t;
}

struct BackupOptions {
  std::string data_dir = "candor-data", store_url, out;
};

Status RunBackup(const BackupOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(StoreTarget src, TargetOf(o.data_dir, o.store_url));
  std::error_code ec;
  if (fs::exists(o.out, ec)) {
    return Error(ErrorCode::kAlreadyExists, "'" + o.out + "' exists already: name a new directory");
  }
  const std::string key_path = o.data_dir + "/log-key.bin";
  CANDOR_ASSIGN_OR_RETURN(crypto::SignKeyPair key, ReadLogKeyFile(key_path));
  CANDOR_RETURN_IF_ERROR(CheckSchemaMatches(src));
  fs::create_directories(o.out, ec);
  if (ec) return Error(ErrorCode::kIo, "cannot create '" + o.out + "': " + ec.message());
  ::chmod(o.out.c_str(), 0700);
  tlog::SignedTreeHead sth;
  int schema = 0;
  if (src.sqlite) {
    CANDOR_RETURN_IF_ERROR(store::BackupSqliteDatabase(src.path, o.out + "/candor.db"));
    // Read back from the copy: what it holds is exactly what a restore will find.
    CANDOR_ASSIGN_OR_RETURN(auto copy, store::OpenStore("sqlite:" + o.out + "/candor.db"));
    CANDOR_ASSIGN_OR_RETURN(schema, copy->SchemaVersion());
    CANDOR_ASSIGN_OR_RETURN(sth, LatestHead(*copy, key.public_key));
  } else {
    // The head before the dump: the dump holds it and perhaps more (a restore reads the
    // restored log's own head).
    CANDOR_ASSIGN_OR_RETURN(auto live, store::OpenStore(src.url));
    CANDOR_ASSIGN_OR_RETURN(schema, live->SchemaVersion());
    CANDOR_ASSIGN_OR_RETURN(sth, LatestHead(*live, key.public_key));
    const PgToolTarget pg = PgToolTargetOf(src.url);
    std::vector<std::string> dump{"pg_dump",
                                  "--format=custom",
                                  "--no-owner",
                                  "--no-privileges",
                                  "--file=" + fs::absolute(o.out).string() + "/candor.pgdump",
                                  "--dbname=" + pg.conninfo};
    if (pg.schema) dump.push_back("--schema=" + *pg.schema);
    CANDOR_RETURN_IF_ERROR(RunProgram(std::move(dump), {{"PGPASSWORD", pg.password}}));
  }
  CANDOR_RETURN_IF_ERROR(
      WriteFileAtomic(o.out + "/log-key.bin", key.secret_key.span(), false, 0600));
  const Json manifest{{"format", kFormat},
                      {"engine", src.sqlite ? "sqlite" : "postgres"},
                      {"schema_version", schema},
                      {"tree_size", sth.head.size},
                      {"root", crypto::ToHex(sth.head.root)},
                      {"log_public_key", crypto::ToHex(key.public_key)}};
  const std::string text = manifest.dump(2) + "\n";
  CANDOR_RETURN_IF_ERROR(
      WriteFileAtomic(o.out + "/backup.json", crypto::AsBytes(text), false, 0600));
  Say("Backed up to {}: a log of {} entries, root {}, with its key (keep this directory as safe "
      "as the data directory).\n",
      o.out, sth.head.size, crypto::ToHex(sth.head.root));
  return Status::Ok();
}

struct RestoreOptions {
  std::string from, data_dir, store_url, root;
  std::uint64_t tree_size = 0;
};

struct Manifest {
  std::string engine;
  std::int64_t schema_version = 0;
  crypto::SignPublicKey log_public_key;
};

Result<Manifest> ReadManifest(const std::string& dir) {
  CANDOR_ASSIGN_OR_RETURN(std::string text, ReadFileText(dir + "/backup.json"));
  Json j = domain::ParseStrictJsonOrDiscarded(text);
  if (j.is_discarded()) return InvalidArgument("'" + dir + "/backup.json' is not JSON");
  domain::FieldReader r(j, "the backup's manifest");
  Manifest m;
  std::string format, root, key;
  std::uint64_t size = 0;
  r.Required("format", format);
  r.Required("engine", m.engine);
  r.Required("schema_version", m.schema_version);
  r.Required("tree_size", size);
  r.Required("root", root);
  r.Required("log_public_key", key);
  CANDOR_RETURN_IF_ERROR(r.Finish());
  if (format != kFormat) return InvalidArgument("not a Candor backup (format '" + format + "')");
  if (m.engine != "sqlite" && m.engine != "postgres") {
    return InvalidArgument("the backup's engine is sqlite or postgres");
  }
  CANDOR_ASSIGN_OR_RETURN(m.log_public_key,
                          crypto::FixedFromHex<crypto::SignPublicKey>(key, "log_public_key"));
  return m;
}

// The restored log must extend the head the operator trusts: same root at that size, and at
// least that many entries (a shorter log would be signed again at sizes clients have seen — a
// fork every audit reports).
Status CheckAgainstTrusted(store::Store& store, const crypto::SignPublicKey& key,
                           std::uint64_t trusted_size, const tlog::Hash& trusted_root) {
  CANDOR_ASSIGN_OR_RETURN(tlog::SignedTreeHead sth, LatestHead(store, key));
  if (sth.head.size < trusted_size) {
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("the backup's log has {} entries, fewer than the {} of the tree head "
                             "you trust: restoring it would lose acknowledged entries and sign "
                             "those sizes again, a fork every client's audit reports. Use a newer "
                             "backup.",
                             sth.head.size, trusted_size));
  }
  app::SystemClock clock;
  app::LogService log(store, key, {}, clock);
  CANDOR_ASSIGN_OR_RETURN(auto proof, log.ConsistencyProof(trusted_size, sth.head.size));
  if (proof.new_root != sth.head.root) {
    return Error(ErrorCode::kVerificationFailed,
                 "the backup's log entries do not hash to its own signed tree head: it is damaged");
  }
  if (!tlog::VerifyConsistency(trusted_size, sth.head.size, trusted_root, sth.head.root,
                               proof.proof)
           .ok()) {
    return Error(ErrorCode::kVerificationFailed,
                 fmt::format("the backup's log is not consistent with the tree head you trust "
                             "({} entries, root {}): it is another history, refused",
                             trusted_size, crypto::ToHex(trusted_root)));
  }
  Say("The backup's log ({} entries, root {}) extends the tree head you trust ({} entries).\n",
      sth.head.size, crypto::ToHex(sth.head.root), trusted_size);
  return Status::Ok();
}

Status RunRestore(const RestoreOptions& o) {
  CANDOR_ASSIGN_OR_RETURN(Manifest m, ReadManifest(o.from));
  CANDOR_ASSIGN_OR_RETURN(tlog::Hash trusted_root,
                          crypto::FixedFromHex<tlog::Hash>(o.root, "--root"));
  CANDOR_ASSIGN_OR_RETURN(crypto::SignKeyPair key, ReadLogKeyFile(o.from + "/log-key.bin"));
  if (key.public_key != m.log_public_key) {
    return Error(ErrorCode::kCorrupt, "the backup's log key is not the one its manifest names");
  }
  if (m.schema_version > store::LatestSchemaVersion()) {
    return Error(ErrorCode::kFailedPrecondition,
                 fmt::format("the backup was made by a newer Candor (schema {}; this one knows up "
                             "to {}): restore it with that version or later",
                             m.schema_version, store::LatestSchemaVersion()));
  }
  CANDOR_ASSIGN_OR_RETURN(StoreTarget dst, TargetOf(o.data_dir, o.store_url));
  if ((dst.sqlite ? "sqlite" : "postgres") != m.engine) {
    return InvalidArgument("the backup is of a " + m.engine + " store: restore it into one");
  }
  const std::string key_path = o.data_dir + "/log-key.bin";
  std::error_code ec;
  if (fs::exists(key_path, ec) || (dst.sqlite && fs::exists(dst.path, ec))) {
    return Error(ErrorCode::kAlreadyExists,
                 "'" + o.data_dir +
                     "' holds a store or a log key already: restore into a new "
                     "data directory");
  }
  fs::create_directories(o.data_dir, ec);
  if (ec) return Error(ErrorCode::kIo, "cannot create '" + o.data_dir + "': " + ec.message());
  ::chmod(o.data_dir.c_str(), 0700);
  auto discard = [&] {
    if (dst.sqlite) {
      for (const char* suffix : {"", "-wal", "-shm", "-lock"}) fs::remove(dst.path + suffix, ec);
    }
  };
  if (dst.sqlite) {
    CANDOR_RETURN_IF_ERROR(
        store::BackupSqliteDatabase(o.from + "/candor.db", dst.path, /*source_immutable=*/true));
  } else {
    const PgToolTarget pg = PgToolTargetOf(dst.url);
    CANDOR_RETURN_IF_ERROR(
        RunProgram({"pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                    "--dbname=" + pg.conninfo, fs::absolute(o.from).string() + "/candor.pgdump"},
                   {{"PGPASSWORD", pg.password}}));
  }
  Status checked = [&]() -> Status {
    // Opening runs the migrations of this version: an older backup is upgraded here.
    CANDOR_ASSIGN_OR_RETURN(auto restored, store::OpenStore(dst.url));
    return CheckAgainstTrusted(*restored, key.public_key, o.tree_size, trusted_root);
  }();
  if (!checked.ok()) {
    discard();
    if (!dst.sqlite) {
      return checked.error().WithContext(
          "restored into the PostgreSQL database, which must now be dropped");
    }
    return checked;
  }
  CANDOR_RETURN_IF_ERROR(WriteFileAtomic(key_path, key.secret_key.span(), false, 0600));
  Say("Restored into {}. Start the server on it (candor serve --data-dir {}{}), then check it "
      "with candor audit.\n",
      o.data_dir, o.data_dir, o.store_url.empty() ? "" : " --store …");
  return Status::Ok();
}

}  // namespace

void RegisterAdminBackupCommands(CLI::App* admin, int* exit_code) {
  auto b = std::make_shared<BackupOptions>();
  CLI::App* bc = admin->add_subcommand(
      "backup", "A consistent backup of the store and the log key, while the server runs");
  bc->add_option("--data-dir", b->data_dir, "The server's data directory (with its log key)")
      ->capture_default_str();
  bc->add_option("--store", b->store_url,
                 "Store URL (default: the data directory's SQLite file; postgresql://… uses "
                 "pg_dump)");
  bc->add_option("--out", b->out, "A new directory to write the backup to")->required();
  OnRun(bc, exit_code, [b] { return RunBackup(*b); });

  auto r = std::make_shared<RestoreOptions>();
  CLI::App* rc = admin->add_subcommand(
      "restore",
      "Restore a backup into a new data directory, if its log extends a tree head you trust");
  rc->add_option("--from", r->from, "The backup directory")->required();
  rc->add_option("--data-dir", r->data_dir, "A new data directory to restore into")->required();
  rc->add_option("--store", r->store_url,
                 "Store URL to restore into (default: the data directory's SQLite file; "
                 "postgresql://… an empty database, with pg_restore)");
  rc->add_option("--tree-size", r->tree_size,
                 "The size of a tree head you trust (from `candor audit`, a witness, or a client)")
      ->required();
  rc->add_option("--root", r->root, "Its root hash (64 hex digits)")->required();
  OnRun(rc, exit_code, [r] { return RunRestore(*r); });
}

}  // namespace candor::cli
