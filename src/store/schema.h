// Internal to src/store: the versioned schema and the migrations that build it.
//
// Migrations are numbered 1, 2, 3, …; each is a DDL script written once for both engines
// with a few placeholders for the words that differ (see schema.cc). The table
// schema_migrations records which have been applied. Start-up applies the pending ones, each
// in its own write transaction — which on PostgreSQL holds the writer advisory lock, so two
// servers starting at once against one database apply each migration exactly once — and
// refuses a database whose schema is newer than this build.
#ifndef CANDOR_STORE_SCHEMA_H_
#define CANDOR_STORE_SCHEMA_H_

#include <string>
#include <string_view>

#include "base/result.h"
#include "store/sql.h"

namespace candor::store {

// The schema version this build creates and understands.
int LatestSchemaVersion();

// The DDL `sql` with its placeholders replaced by the engine's words.
std::string RenderDdl(std::string_view sql, SqlEngine engine);

// Applies every pending migration. REQUIRES: no transaction is open on `conn`.
// kFailedPrecondition when the database's schema is newer than LatestSchemaVersion().
[[nodiscard]] Status ApplyMigrations(SqlConnection& conn);

// The highest applied migration (0 before any). REQUIRES: a transaction is open on `conn`.
Result<int> ReadSchemaVersion(SqlConnection& conn);

}  // namespace candor::store

#endif  // CANDOR_STORE_SCHEMA_H_
