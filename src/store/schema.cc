#include "store/schema.h"

#include <array>
#include <utility>

namespace candor::store {
namespace {

// Placeholders in the DDL below, and what each engine writes for them:
//   {ID}     the surrogate key: SQLite's rowid alias / a PostgreSQL identity column
//            (both hand out the new id through INSERT … RETURNING id)
//   {INT}    a 64-bit integer (SQLite INTEGER is 64-bit)
//   {TEXT}   UTF-8 text compared byte by byte, as SQLite's default BINARY collation does,
//            so that ORDER BY and uniqueness agree on both engines
//   {BLOB}   bytes
//   {STRICT} SQLite STRICT tables: a value of the wrong type is refused, as PostgreSQL does
// Booleans are {INT} columns holding 0 or 1 on both engines (one code path for reading them).
//   {STRICT_NO_ROWID}  STRICT and WITHOUT ROWID on SQLite: the table is stored in primary-key
//            order with no hidden insertion counter (used where insertion order must not
//            survive, e.g. anonymous co-signatures); nothing on PostgreSQL
struct Words {
  std::string_view id, integer, text, blob, strict, strict_no_rowid;
};
constexpr Words kSqliteWords{"INTEGER PRIMARY KEY",   "INTEGER", "TEXT", "BLOB", " STRICT",
                             " STRICT, WITHOUT ROWID"};
constexpr Words kPostgresWords{"BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
                               "BIGINT",
                               "TEXT COLLATE \"C\"",
                               "BYTEA",
                               "",
                               ""};

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

// Migration 1: every table of the storage interface, with the constraints that enforce its
// rules in the database itself (not only in code): unique slugs, unique usernames per
// organization, dense roster versions per organization, one add per ring key per
// organization, one log entry per index, one hash per tree node, one head per tree size.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE organizations (
  id {ID},
  slug {TEXT} NOT NULL UNIQUE,
  name {TEXT} NOT NULL,
  policy_json {TEXT} NOT NULL,
  demo {INT} NOT NULL CHECK (demo IN (0, 1))
){STRICT};

CREATE TABLE holidays (
  organization_id {INT} NOT NULL REFERENCES organizations (id),
  day {TEXT} NOT NULL,
  name {TEXT} NOT NULL
){STRICT};
CREATE INDEX holidays_by_organization ON holidays (organization_id, day);

CREATE TABLE accounts (
  id {ID},
  organization_id {INT} NOT NULL REFERENCES organizations (id),
  username {TEXT} NOT NULL,
  password_hash {TEXT} NOT NULL,
  roles {INT} NOT NULL CHECK (roles >= 0 AND roles <= 4294967295),
  totp_secret {BLOB},
  reviewer_box_public {BLOB},
  disabled {INT} NOT NULL CHECK (disabled IN (0, 1)),
  UNIQUE (organization_id, username)
){STRICT};

CREATE TABLE sessions (
  token_hash {BLOB} PRIMARY KEY CHECK (length(token_hash) = 32),
  account_id {INT} NOT NULL REFERENCES accounts (id),
  csrf_token {TEXT} NOT NULL,
  created_at_ms {INT} NOT NULL,
  expires_at_ms {INT} NOT NULL,
  second_factor_pending {INT} NOT NULL CHECK (second_factor_pending IN (0, 1))
){STRICT};
CREATE INDEX sessions_by_expiry ON sessions (expires_at_ms);
CREATE INDEX sessions_by_account ON sessions (account_id);

CREATE TABLE login_throttle (
  throttle_key {TEXT} PRIMARY KEY,
  failures {INT} NOT NULL,
  locked_until_ms {INT} NOT NULL
){STRICT};

CREATE TABLE invitations (
  code_hash {BLOB} PRIMARY KEY CHECK (length(code_hash) = 32),
  organization_id {INT} NOT NULL REFERENCES organizations (id),
  issued_by {INT} NOT NULL REFERENCES accounts (id),
  expires_at_ms {INT} NOT NULL,
  redeemed {INT} NOT NULL CHECK (redeemed IN (0, 1))
){STRICT};
CREATE INDEX invitations_open ON invitations (organization_id, redeemed, expires_at_ms);
CREATE INDEX invitations_by_issuer ON invitations (issued_by);

CREATE TABLE roster_events (
  organization_id {INT} NOT NULL REFERENCES organizations (id),
  version {INT} NOT NULL CHECK (version >= 1),
  action {INT} NOT NULL CHECK (action IN (1, 2)),
  ring_public {BLOB} NOT NULL CHECK (length(ring_public) = 32),
  box_public {BLOB} NOT NULL CHECK (length(box_public) IN (0, 32)),
  log_index {INT} NOT NULL CHECK (log_index >= 0),
  PRIMARY KEY (organization_id, version)
){STRICT};
-- A ring key joins an organization at most once, ever: removal does not make it enrollable
-- again (a new device makes a new key).
CREATE UNIQUE INDEX roster_adds_unique ON roster_events (organization_id, ring_public)
  WHERE action = 1;

CREATE TABLE log_entries (
  log_index {INT} PRIMARY KEY CHECK (log_index >= 0),
  entry {BLOB} NOT NULL,
  leaf_hash {BLOB} NOT NULL CHECK (length(leaf_hash) = 32)
){STRICT};

CREATE TABLE log_nodes (
  node_level {INT} NOT NULL CHECK (node_level >= 0 AND node_level < 64),
  node_index {INT} NOT NULL CHECK (node_index >= 0),
  hash {BLOB} NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (node_level, node_index)
){STRICT};

CREATE TABLE tree_heads (
  tree_size {INT} PRIMARY KEY CHECK (tree_size >= 0),
  root {BLOB} NOT NULL CHECK (length(root) = 32),
  timestamp_ms {INT} NOT NULL,
  signature {BLOB} NOT NULL CHECK (length(signature) = 64)
){STRICT};

CREATE TABLE settings (
  name {TEXT} PRIMARY KEY,
  value {TEXT} NOT NULL
){STRICT};
)sql";

// Migration 2: collective letters. A letter row is the frozen canonical bytes; its pinned
// rosters say which roster version of each named organization is its eligible ring.
// Co-signatures carry no time, no session and no request data — only what the log will
// publish — and are keyed by (letter, tag, action) so that a second signature by the same
// key is refused by the database itself. batch/log_index stay NULL until the batch publisher
// puts the signature into the log.
constexpr std::string_view kMigration2 = R"sql(
CREATE TABLE letters (
  id {BLOB} PRIMARY KEY CHECK (length(id) = 32),
  seq {INT} NOT NULL UNIQUE CHECK (seq >= 1),
  canonical {BLOB} NOT NULL,
  log_index {INT} NOT NULL CHECK (log_index >= 0),
  quorum_reached {INT} NOT NULL CHECK (quorum_reached IN (0, 1))
){STRICT};

CREATE TABLE letter_rosters (
  letter_id {BLOB} NOT NULL REFERENCES letters (id),
  position {INT} NOT NULL CHECK (position >= 0),
  organization_id {INT} NOT NULL REFERENCES organizations (id),
  roster_version {INT} NOT NULL CHECK (roster_version >= 1),
  PRIMARY KEY (letter_id, position),
  UNIQUE (letter_id, organization_id)
){STRICT};

CREATE TABLE cosignatures (
  letter_id {BLOB} NOT NULL REFERENCES letters (id),
  tag {BLOB} NOT NULL CHECK (length(tag) = 32),
  action {INT} NOT NULL CHECK (action IN (1, 2)),
  organization_id {INT} NOT NULL REFERENCES organizations (id),
  ring_digest {BLOB} NOT NULL CHECK (length(ring_digest) = 32),
  signature {BLOB} NOT NULL,
  batch {INT} CHECK (batch >= 1),
  log_index {INT} CHECK (log_index >= 0),
  PRIMARY KEY (letter_id, tag, action)
){STRICT_NO_ROWID};
CREATE INDEX cosignatures_waiting ON cosignatures (letter_id, batch);

CREATE TABLE signature_batches (
  letter_id {BLOB} NOT NULL REFERENCES letters (id),
  batch {INT} NOT NULL CHECK (batch >= 1),
  log_index {INT} NOT NULL CHECK (log_index >= 0),
  published_at_ms {INT} NOT NULL,
  signatures {INT} NOT NULL CHECK (signatures >= 1),
  PRIMARY KEY (letter_id, batch)
){STRICT};

CREATE TABLE letter_drafts (
  id {ID},
  account_id {INT} NOT NULL REFERENCES accounts (id),
  letter_json {TEXT} NOT NULL,
  updated_at_ms {INT} NOT NULL
){STRICT};
CREATE INDEX letter_drafts_by_account ON letter_drafts (account_id);
)sql";

// Migration 3: dissent cables. No table has an arrival time for anything an anonymous author
// did: cables carry their received day only; cables and quota tags are stored without a rowid
// (in key order, and the keys are random), so their physical order says nothing either.
constexpr std::string_view kMigration3 = R"sql(
CREATE TABLE cables (
  id {BLOB} PRIMARY KEY CHECK (length(id) = 32),
  organization_id {INT} NOT NULL REFERENCES organizations (id),
  named {INT} NOT NULL CHECK (named IN (0, 1)),
  header {BLOB} NOT NULL,
  envelope {BLOB},
  signature {BLOB},
  quota_window {INT} NOT NULL CHECK (quota_window >= 0),
  quota_slot {INT} NOT NULL CHECK (quota_slot >= 0),
  quota_signature {BLOB},
  author_signature {BLOB},
  submission_digest {BLOB} NOT NULL CHECK (length(submission_digest) = 32),
  access_hash {BLOB} NOT NULL CHECK (length(access_hash) = 32),
  received_day {INT} NOT NULL,
  published {INT} NOT NULL CHECK (published IN (0, 1)),
  acknowledged_day {INT},
  extended {INT} NOT NULL CHECK (extended IN (0, 1)),
  closed_day {INT},
  purged {INT} NOT NULL CHECK (purged IN (0, 1))
){STRICT_NO_ROWID};
CREATE INDEX cables_by_organization ON cables (organization_id, received_day);

CREATE TABLE cable_events (
  cable_id {BLOB} NOT NULL REFERENCES cables (id),
  seq {INT} NOT NULL CHECK (seq >= 1),
  action {TEXT} NOT NULL,
  digest {BLOB} NOT NULL CHECK (length(digest) = 32),
  day {INT} NOT NULL,
  account_id {INT} REFERENCES accounts (id),
  at_ms {INT},
  recipients {BLOB},
  envelope {BLOB},
  log_index {INT} CHECK (log_index >= 0),
  PRIMARY KEY (cable_id, seq)
){STRICT_NO_ROWID};

CREATE TABLE cable_quota_tags (
  organization_id {INT} NOT NULL REFERENCES organizations (id),
  quota_window {INT} NOT NULL,
  slot {INT} NOT NULL CHECK (slot >= 0),
  tag {BLOB} NOT NULL CHECK (length(tag) = 32),
  PRIMARY KEY (organization_id, quota_window, slot, tag)
){STRICT_NO_ROWID};

CREATE TABLE notifications (
  id {ID},
  organization_id {INT} NOT NULL REFERENCES organizations (id),
  cable_id {BLOB} NOT NULL REFERENCES cables (id),
  kind {TEXT} NOT NULL,
  deadline_day {INT} NOT NULL,
  days_before {INT} NOT NULL CHECK (days_before >= 0),
  created_at_ms {INT} NOT NULL,
  delivered {INT} NOT NULL CHECK (delivered IN (0, 1)),
  UNIQUE (cable_id, kind, deadline_day, days_before)
){STRICT};
CREATE INDEX notifications_by_organization ON notifications (organization_id, id);
)sql";

// Migration 4: a cable keeps the organization's settings it was received under, so that a
// later change of deadline policy cannot move its deadlines (NULL: received before this
// migration; the organization's current settings apply).
constexpr std::string_view kMigration4 = R"sql(
ALTER TABLE cables ADD COLUMN settings_json {TEXT};
)sql";

// Migration 5: login throttle rows expire (security review M5): failures count within a window
// that starts at the first of them, and a row past its window and lock is deleted.
constexpr std::string_view kMigration5 = R"sql(
ALTER TABLE login_throttle ADD COLUMN window_start_ms {INT} NOT NULL DEFAULT 0;
CREATE INDEX login_throttle_expiry ON login_throttle (window_start_ms);
)sql";

// Migration 6: which log entries describe an organization's state beyond its roster — its
// reviewers and its roster epochs (issue 11) — so that the server can serve them, with proofs,
// to clients that seal cables and sign within rings from the log alone. `version` is set for
// a "roster-epoch" entry. Entries logged before this migration are indexed at start-up.
// Witnesses (docs/PROTOCOL.md, "Witnesses"): the tree sizes the server marked checkpoints, and
// the witnesses' cosignatures of them (one per witness and checkpoint).
constexpr std::string_view kMigration6 = R"sql(
CREATE TABLE organization_log (
  log_index {INT} PRIMARY KEY CHECK (log_index >= 0),
  organization_id {INT} NOT NULL REFERENCES organizations(id),
  kind {TEXT} NOT NULL,
  version {INT} CHECK (version >= 1)
){STRICT};
CREATE INDEX organization_log_by_org ON organization_log (organization_id, kind, log_index);
CREATE TABLE checkpoints (
  tree_size {INT} PRIMARY KEY CHECK (tree_size >= 1)
){STRICT};
CREATE TABLE witness_cosignatures (
  tree_size {INT} NOT NULL REFERENCES checkpoints(tree_size),
  witness {BLOB} NOT NULL CHECK (length(witness) = 32),
  timestamp_s {INT} NOT NULL CHECK (timestamp_s >= 0),
  signature {BLOB} NOT NULL CHECK (length(signature) = 64),
  PRIMARY KEY (tree_size, witness)
){STRICT};
)sql";

// Migration 7: the leaves of the log state each checkpoint ends with (docs/PROTOCOL.md, "Log
// state"), packed (domain::PackStateLeaves), so that bundles and organization states at a
// checkpoint can carry proofs of their leaves. Only the newest checkpoints' are kept.
constexpr std::string_view kMigration7 = R"sql(
CREATE TABLE log_states (
  tree_size {INT} PRIMARY KEY REFERENCES checkpoints(tree_size),
  leaves {BLOB} NOT NULL
){STRICT};
)sql";

// Migration 8: rosters at scale (issue 12). Each roster event keeps the roster's size after it,
// so an enrollment needs no replay of the roster; rows written before this migration have none
// (the size is counted once from the events, then carried forward). An index by key answers
// "was this key removed" for removals and the members of a version without a replay.
constexpr std::string_view kMigration8 = R"sql(
ALTER TABLE roster_events ADD COLUMN members {INT} CHECK (members >= 0);
CREATE INDEX roster_events_by_key ON roster_events (organization_id, ring_public, version);
)sql";

// Migration 9: the publishing slots members have used (security review M6): a member may
// publish at most a few letters per window, counted by tags that identify nobody.
constexpr std::string_view kMigration9 = R"sql(
CREATE TABLE letter_publish_tags (
  organization_id {INT} NOT NULL REFERENCES organizations (id),
  quota_window {INT} NOT NULL,
  slot {INT} NOT NULL CHECK (slot >= 0),
  tag {BLOB} NOT NULL CHECK (length(tag) = 32),
  PRIMARY KEY (organization_id, quota_window, slot, tag)
){STRICT_NO_ROWID};
)sql";

// Migration 10: which ring signature a co-signature carries (issue 14): 1 = candor-lrs-v1 over
// a bucket of the roster (every row before this migration), 2 = candor-lrs-v2 over the whole
// roster. The signature's length alone cannot tell them apart (both are 832 bytes at 24 keys).
constexpr std::string_view kMigration10 = R"sql(
ALTER TABLE cosignatures ADD COLUMN scheme {INT} NOT NULL DEFAULT 1 CHECK (scheme IN (1, 2));
)sql";

// Migration 11: reviewers' notifications leave the server (issue 15, item 5): each
// organization's digest settings (its webhook's secret sealed at rest), each reviewer's mail
// address and optional OpenPGP key, and the deliveries — one row per (organization, reviewer
// or 0 for the webhook, channel, day), with its attempts and last error for administrators.
// No row names a cable.
constexpr std::string_view kMigration11 = R"sql(
CREATE TABLE notify_settings (
  organization_id {INT} PRIMARY KEY REFERENCES organizations (id),
  enabled {INT} NOT NULL CHECK (enabled IN (0, 1)),
  digest_hour {INT} NOT NULL CHECK (digest_hour >= 0 AND digest_hour <= 23),
  webhook_url {TEXT},
  webhook_secret {BLOB}
){STRICT};
CREATE TABLE notify_addresses (
  account_id {INT} PRIMARY KEY REFERENCES accounts (id),
  organization_id {INT} NOT NULL REFERENCES organizations (id),
  email {TEXT} NOT NULL,
  openpgp_key {TEXT},
  openpgp_fingerprint {TEXT}
){STRICT};
CREATE TABLE deliveries (
  id {ID},
  organization_id {INT} NOT NULL REFERENCES organizations (id),
  account_id {INT} NOT NULL CHECK (account_id >= 0),
  channel {TEXT} NOT NULL CHECK (channel IN ('email', 'webhook')),
  day {INT} NOT NULL,
  state {TEXT} NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'superseded')),
  attempts {INT} NOT NULL CHECK (attempts >= 0),
  next_attempt_ms {INT} NOT NULL,
  last_error {TEXT},
  UNIQUE (organization_id, account_id, channel, day)
){STRICT};
CREATE INDEX deliveries_by_state ON deliveries (state, next_attempt_ms);
)sql";

constexpr std::array<Migration, 11> kMigrations{{
    {1, "every table of the storage interface", kMigration1},
    {2, "collective letters: letters, pinned rosters, co-signatures, batches, drafts", kMigration2},
    {3, "dissent cables: cables, their events, quota tags, the notification outbox", kMigration3},
    {4, "cables keep the deadline policy they were received under", kMigration4},
    {5, "login throttle rows expire", kMigration5},
    {6,
     "an index of each organization's reviewer and roster-epoch entries; checkpoints and witness "
     "cosignatures",
     kMigration6},
    {7, "the log state leaves of the newest checkpoints", kMigration7},
    {8, "roster sizes per version and an index of roster events by key", kMigration8},
    {9, "the publishing slots members have used", kMigration9},
    {10, "the ring signature scheme of each co-signature", kMigration10},
    {11, "reviewers' notifications: digest settings, mail addresses, deliveries", kMigration11},
}};

constexpr std::string_view kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version {INT} PRIMARY KEY,
  description {TEXT} NOT NULL
){STRICT};
)sql";

// Applies the next pending migration in one write transaction. Returns the version the
// database is at afterwards and sets *done when nothing was pending.
Result<int> ApplyNext(SqlConnection& conn, bool* done) {
  CANDOR_RETURN_IF_ERROR(conn.ExecScript(RenderDdl(kCreateMigrationsTable, conn.engine())));
  CANDOR_ASSIGN_OR_RETURN(int current, ReadSchemaVersion(conn));
  if (current > LatestSchemaVersion()) {
    return Error(ErrorCode::kFailedPrecondition,
                 "the database's schema is at version " + std::to_string(current) +
                     ", newer than this build of Candor understands (" +
                     std::to_string(LatestSchemaVersion()) + "); upgrade Candor");
  }
  if (current == LatestSchemaVersion()) {
    *done = true;
    return current;
  }
  const Migration& m = kMigrations[static_cast<std::size_t>(current)];
  auto applied = conn.ExecScript(RenderDdl(m.sql, conn.engine()));
  if (!applied.ok()) {
    return applied.error().WithContext("schema migration " + std::to_string(m.version));
  }
  CANDOR_RETURN_IF_ERROR(
      conn.Exec("INSERT INTO schema_migrations (version, description) "
                "VALUES (?, ?)",
                {m.version, m.description}));
  return m.version;
}

}  // namespace

int LatestSchemaVersion() { return kMigrations.back().version; }

std::string RenderDdl(std::string_view sql, SqlEngine engine) {
  const Words& w = engine == SqlEngine::kSqlite ? kSqliteWords : kPostgresWords;
  const std::array<std::pair<std::string_view, std::string_view>, 6> replacements{{
      {"{STRICT_NO_ROWID}", w.strict_no_rowid},
      {"{ID}", w.id},
      {"{INT}", w.integer},
      {"{TEXT}", w.text},
      {"{BLOB}", w.blob},
      {"{STRICT}", w.strict},
  }};
  std::string out;
  out.reserve(sql.size() + sql.size() / 4);
  std::size_t i = 0;
  while (i < sql.size()) {
    bool replaced = false;
    if (sql[i] == '{') {
      for (const auto& [from, to] : replacements) {
        if (sql.substr(i, from.size()) == from) {
          out.append(to);
          i += from.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += sql[i++];
  }
  return out;
}

Result<int> ReadSchemaVersion(SqlConnection& conn) {
  CANDOR_ASSIGN_OR_RETURN(auto rows,
                          conn.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  if (rows.size() != 1) return Error(ErrorCode::kCorrupt, "schema_migrations: no version row");
  RowReader r(rows[0]);
  const std::int64_t v = r.Int();
  CANDOR_RETURN_IF_ERROR(r.status());
  if (v < 0 || v > 1'000'000) {
    return Error(ErrorCode::kCorrupt, "schema_migrations: implausible version");
  }
  return static_cast<int>(v);
}

Status ApplyMigrations(SqlConnection& conn) {
  // Each migration bumps the version by one, in order; the loop ends when nothing is pending
  // (the bound is only a guard against a database that never reaches the latest version).
  for (int step = 0; step <= LatestSchemaVersion() + 1; ++step) {
    CANDOR_RETURN_IF_ERROR(conn.Begin(TxMode::kWrite));
    bool done = false;
    auto version = ApplyNext(conn, &done);
    if (!version.ok() || done) {
      // Nothing changed when done; on an error the migration is undone as a whole.
      Status rolled_back = conn.Rollback();
      if (!version.ok()) return version.error().WithContext("applying schema migrations");
      CANDOR_RETURN_IF_ERROR(rolled_back);
      return Status::Ok();
    }
    auto committed = conn.Commit();
    if (!committed.ok()) {
      if (conn.InTransaction()) (void)conn.Rollback();
      return committed.error().WithContext("committing schema migration " +
                                           std::to_string(*version));
    }
  }
  return Error(ErrorCode::kInternal, "schema migrations did not converge");
}

}  // namespace candor::store
