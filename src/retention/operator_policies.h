// Operators' own retention policies: [retention.NAME] sections of jobs.ini, run by the job
// "retention-policies" through the same engine as every built-in purge.
//
//   [retention.app-events]
//   table = app_events          ; a rowid table of the database
//   time_column = created_at    ; INTEGER unix seconds; rows with time_column < now - older_than go
//   older_than = 30d
//   where = kind <> 'billing'   ; optional: an SQL condition rows must also meet
//   batch_size = 1000           ; optional: first batch (it adapts)
//   enabled = true              ; optional
//
// Names are checked against the schema and always quoted; `where` must prepare as one expression
// over the table with balanced parentheses, no ';', no comments and no parameters, so it can only
// narrow its own policy's selection and never escape its parentheses. Checked whenever a command
// opens the database (core/startup.cpp runs it as the database check jobs/bootstrap.cpp
// registers): every problem is listed as FILE:LINE and nothing runs.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/db.h"
#include "retention/engine.h"

namespace mj {

// The engine policy of section "retention.NAME" at clock `now` (age from --older-than if given).
Policy operator_policy(const Config& config, const std::string& section, int64_t now,
                       std::optional<int64_t> older_than_override);

// Problems of every [retention.NAME] section against the schema of `schema`, all of them.
std::vector<ConfigProblem> check_operator_policies(Db& schema, const Config& config);

// The same, against the schema the database file at `path` will have after this binary's
// migrations, without changing the file: it is read through a plain connection (no WAL switch, no
// pragmas), pending migrations are applied inside a transaction that is rolled back, and a file that
// does not exist yet is checked against a new in-memory database. A file SQLite cannot use gives
// no problems here: Db::open reports it with its own exit code.
std::vector<ConfigProblem> check_operator_policies_for(const std::string& path, const Config& config, int64_t busy_timeout_ms);

// For `mailjobs config`: the same problems tick would report, found without ever writing or
// creating the file. The database is opened read-only; at the latest schema it is checked as it
// is; with migrations pending, its schema (no rows) is copied into an in-memory database, the
// pending migrations applied there, and that is checked; a file that does not exist yet is checked
// against the schema a new database gets (the one tick would create). When the file cannot be
// checked (not a database, a newer schema), *note says why and no problems are returned.
std::vector<ConfigProblem> check_operator_policies_read_only(const std::string& path, const Config& config,
                                                             int64_t busy_timeout_ms, std::string* note);

// "" if `where` is one expression that cannot leave its parentheses, else the reason.
std::string where_shape_problem(const std::string& where);

}  // namespace mj
