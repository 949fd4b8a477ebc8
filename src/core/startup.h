// The start-up every command and the CGI share: load the configuration (exit 2 on any problem,
// all listed), set up the log, open the database (exit 3). cli/common.cpp turns the command-line
// flags into StartupOptions; the CGI (api/cgi.cpp) builds them from its environment.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/db.h"

namespace mj {

struct StartupOptions {
    std::string config_file;        // --config; "" = $MAILJOBS_CONFIG, then ./jobs.ini
    std::vector<std::string> sets;  // "section.key=value" overrides in order (LoadOptions::cli_sets)
    bool quiet = false;             // --quiet: the terminal shows warnings and errors only
    bool verbose = false;           // --verbose: log debug details
};

// Loads every configuration layer with the catalogue's jobs (core/job_catalogue.h) and configures
// the log; prints all problems as "FILE:LINE: message" and throws Error(kExitUsage) if there are any.
Config load_config(const StartupOptions& options);

// A check of the configuration against the database file, run before the file is opened and
// migrated (retention/'s [retention.NAME] policies, registered at start-up by jobs/bootstrap.cpp):
// it returns the problems it found, and open_database refuses to go on if there are any.
struct DatabaseCheck {
    std::string problem_kind;  // "retention policy problem": how the refusal counts them
    std::function<std::vector<ConfigProblem>(const std::string& path, const Config& config, int64_t busy_timeout_ms)> check;
};
// Replaces the checks (start-up, once).
void set_database_checks(std::vector<DatabaseCheck> checks);

// Runs the database checks (any problem: exit 2, all listed, the file untouched), then opens and
// migrates the database (migrate_database: a backup first when an older schema is upgraded). create = false (the CGI): a missing file is Error(kExitDatabase) and
// nothing is created, so a mistyped `database` path answers 503 instead of serving an empty database.
std::unique_ptr<Db> open_database(const Config& config, bool create = true);

// Applies the pending migrations of an open database. When the file already holds a schema older
// than this binary's and [backup] before_migrate is on, a backup (core/backup_file.h) is written
// into [backup] dir first and its path said on stderr; a failed backup is Error(kExitDatabase) and
// nothing is migrated. Returns the backup's path, or "" when none was needed.
std::string migrate_database(Db& db, const Config& config);

// Prints each problem as "WHERE: message" on stderr and throws Error(kExitUsage, "N <kind>s;
// nothing was run") if there is any; returns if there is none.
void refuse_problems(const std::vector<ConfigProblem>& problems, const std::string& kind);

}  // namespace mj
