#include "core/startup.h"

#include <cstdio>
#include <ctime>
#include <utility>

#include "core/backup_file.h"
#include "core/error.h"
#include "core/job_catalogue.h"
#include "core/log.h"

namespace mj {
namespace {

std::vector<DatabaseCheck>& database_checks() {
    static std::vector<DatabaseCheck> checks;
    return checks;
}

}  // namespace

void refuse_problems(const std::vector<ConfigProblem>& problems, const std::string& kind) {
    if (problems.empty()) return;
    for (const auto& p : problems) std::fprintf(stderr, "%s: %s\n", p.where.c_str(), p.message.c_str());
    throw Error(kExitUsage, std::to_string(problems.size()) + " " + kind + (problems.size() == 1 ? "" : "s") + "; nothing was run");
}

Config load_config(const StartupOptions& options) {
    LoadOptions lo;
    lo.file = options.config_file;
    lo.cli_sets = options.sets;
    lo.jobs = job_defaults();
    std::vector<ConfigProblem> problems;
    Config config = Config::load(lo, &problems);
    refuse_problems(problems, "configuration problem");
    if (!config.file_found())
        std::fprintf(stderr, "mailjobs: note: no jobs.ini found; using built-in defaults (database %s)\n",
                     config.path("general", "database").c_str());
    Logger::Options lopt;
    lopt.file = config.path("general", "log_file");
    lopt.format = config.str("general", "log_format");
    const std::string& level = config.str("general", "log_level");
    lopt.level = level == "debug" ? Level::debug : level == "warn" ? Level::warn : level == "error" ? Level::error : Level::info;
    lopt.max_bytes = config.integer("general", "log_max_bytes");
    lopt.keep = static_cast<int>(config.integer("general", "log_keep"));
    // issue 12.8: --quiet quiets the terminal only; the file keeps log_level (the cron history).
    if (options.quiet) lopt.terminal_level = Level::warn;
    if (options.verbose) lopt.level = Level::debug;
    logger().configure(lopt);
    return config;
}

std::string migrate_database(Db& db, const Config& config) {
    const int version = db.schema_version();
    std::string path;
    // A new file (version 0) holds nothing to keep; a current one has nothing to apply.
    // A database server (PostgreSQL) is backed up with its own tools (README "Beyond one host").
    if (db.is_file() && version > 0 && version < Db::latest_version() && config.boolean("backup", "before_migrate")) {
        try {
            BackupSteps steps;
            steps.compress_level = static_cast<int>(config.integer("backup", "compress_level"));
            path = write_backup(db, config.path("backup", "dir"), static_cast<int64_t>(std::time(nullptr)), steps)->path;
        } catch (const std::exception& e) {
            throw Error(kExitDatabase, std::string("the backup before migrating the schema failed: ") + e.what() +
                                           "; nothing was migrated (fix it, or set [backup] before_migrate = false)");
        }
        std::fprintf(stderr, "mailjobs: backup before migrating schema version %d -> %d: %s\n", version, Db::latest_version(),
                     path.c_str());
    }
    db.migrate();
    return path;
}

void set_database_checks(std::vector<DatabaseCheck> checks) { database_checks() = std::move(checks); }

// The checks (operators' [retention.NAME] policies against the schema) run before anything is
// written, migrations included: any problem is exit 2 with all of them listed, the file untouched.
std::unique_ptr<Db> open_database(const Config& config, bool create) {
    const std::string path = config.path("general", "database");
    const int64_t busy_ms = config.duration("general", "busy_timeout") * 1000;
    for (const auto& c : database_checks()) refuse_problems(c.check(path, config, busy_ms), c.problem_kind);
    Db::OpenOptions options = Db::options(config);  // max_transaction, database_mode
    options.create = create;
    auto db = Db::open(path, busy_ms, Db::Migrate::no, options);
    try {
        migrate_database(*db, config);
    } catch (const DbError& e) {
        throw Error(kExitDatabase, "cannot migrate database '" + path + "': " + e.what());
    }
    return db;
}

}  // namespace mj
