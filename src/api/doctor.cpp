#include "api/doctor.h"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <algorithm>

#include <cstdio>
#include <memory>

#include "api/backup_space.h"  // issue 17
#include "core/db.h"
#include "core/due.h"
#include "core/fs_type.h"
#include "core/index_steps.h"
#include "core/process_limits.h"
#include "delivery/dns_check.h"
#include "delivery/transport_check.h"
#include "retention/operator_policies.h"

namespace mj {
namespace {

using S = CheckResult::Status;

std::string bytes_text(int64_t b) {
    char buf[32];
    if (b >= (1LL << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", b / 1073741824.0);
    else if (b >= (1LL << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", b / 1048576.0);
    else std::snprintf(buf, sizeof buf, "%lld KiB", static_cast<long long>(b / 1024));
    return buf;
}

std::string age_text(int64_t s) {
    if (s < 120) return std::to_string(s) + "s";
    if (s < 7200) return std::to_string(s / 60) + "m";
    if (s < 172800) return std::to_string(s / 3600) + "h";
    return std::to_string(s / 86400) + "d";
}

std::string folder_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

CheckResult config_check(const Config& config) {
    std::string note;
    auto problems = check_operator_policies_read_only(config.path("general", "database"), config,
                                                      config.duration("general", "busy_timeout") * 1000, &note);
    if (!problems.empty()) {
        std::string first = problems[0].where + ": " + problems[0].message;
        return {"config", S::fail,
                std::to_string(problems.size()) + " retention policy problem(s), first: " + first,
                "fix the [retention.NAME] sections (`mailjobs config` lists every problem)"};
    }
    const size_t policies = config.retention_sections().size();
    if (!config.file_found())
        return {"config", S::warn, "no jobs.ini found: built-in defaults apply",
                "copy jobs.ini.sample to jobs.ini next to the binary (or pass --config FILE)"};
    return {"config", S::ok,
            config.file() + " valid" + (policies ? ", " + std::to_string(policies) + " retention policies checked" : ""), ""};
}

// Free space on the database's file system against what mailjobs may need at once there: the WAL
// of a large purge (~130 MB, README "Disk space") plus one vacuum step, and, when auto_vacuum is
// NONE, the whole file for the one-time conversion (a VACUUM copies it).
CheckResult disk_check(const std::string& folder, int64_t db_bytes, int64_t step_bytes, bool needs_conversion) {
    struct statvfs vs {};
    if (statvfs(folder.c_str(), &vs) != 0)
        return {"disk.free", S::warn, "cannot read the free space of " + folder, ""};
    const int64_t free_bytes = static_cast<int64_t>(vs.f_bavail) * static_cast<int64_t>(vs.f_frsize);
    const int64_t wal = 130LL << 20;
    const int64_t need = wal + step_bytes;
    std::string detail = bytes_text(free_bytes) + " free in " + folder + " (database " + bytes_text(db_bytes) + ")";
    if (free_bytes < need)
        return {"disk.free", S::fail, detail + "; a large purge's WAL and a vacuum step need about " + bytes_text(need),
                "free disk space or raise the quota; run `mailjobs vacuum` to return purged pages"};
    if (needs_conversion && free_bytes < db_bytes + need)
        return {"disk.free", S::warn, detail + "; converting auto_vacuum (VACUUM) needs about " + bytes_text(db_bytes + need),
                "free space before converting the file"};
    return {"disk.free", S::ok, detail, ""};
}

void database_checks(const Config& config, const DoctorOptions& o, std::vector<CheckResult>* out) {
    const std::string path = config.path("general", "database");
    const std::string folder = folder_of(path);
    // PostgreSQL (a URL): no file, folder, WAL, auto_vacuum or free disk of ours to check; the
    // server answers for them (README "Beyond one host").
    const bool server = Db::is_server(path);
    if (!server) {
    // The file system first: it matters even before the file exists.
    std::string err;
    auto fs = fs_kind_of(folder, &err);
    if (!fs)
        out->push_back({"database.filesystem", S::fail, "cannot read the file system of " + folder + ": " + err,
                        "create the folder: mkdir -p " + folder});
    else if (!fs->local)
        out->push_back({"database.filesystem", S::fail,
                        folder + " is on " + fs->name + ", not a local file system: SQLite's WAL needs shared memory on one host",
                        "put [general] database on a local disk of the host that runs the application and mailjobs"});
    else
        out->push_back({"database.filesystem", S::ok, folder + " is on " + fs->name + " (local)", ""});

    const std::string problem = Db::file_problem(path);
    if (!problem.empty()) {
        out->push_back({"database.file", S::fail, problem, "fix as the message says; the file is left unchanged"});
        return;
    }
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
        out->push_back({"database.file", S::fail, "database '" + path + "' does not exist yet",
                        "set [general] database to your application's SQLite file, or run `mailjobs migrate` to create it"});
        return;
    }
    out->push_back({"database.file", S::ok, path + " readable and writable", ""});
    }

    std::unique_ptr<Db> db;
    try {
        db = Db::open_plain(path, config.duration("general", "busy_timeout") * 1000, Db::Access::read_only);
        if (server) {
            Statement v(*db, "SHOW server_version");
            const std::string version = v.step() ? v.column(0).as_text() : "?";
            out->push_back({"database.server", S::ok, "PostgreSQL " + version + " answers; backups: pg_dump, free space: autovacuum", ""});
        }
        int version = db->schema_version();
        const int latest = Db::latest_version();
        if (version > latest)
            out->push_back({"database.schema", S::fail,
                            "schema version " + std::to_string(version) + " is newer than this mailjobs knows (" +
                                std::to_string(latest) + ")",
                            "install the newer mailjobs binary that wrote it"});
        else if (version < latest)
            out->push_back({"database.schema", S::fail,
                            "schema version " + std::to_string(version) + ", this mailjobs needs " + std::to_string(latest) +
                                " (" + std::to_string(latest - version) + " migration(s) pending)",
                            "run `mailjobs migrate` (tick also does it on its first run)"});
        else
            out->push_back({"database.schema", S::ok, "schema version " + std::to_string(version), ""});
        if (version == latest) {
            std::string pending;
            for (const auto& st : index_step_states(*db))
                if (!st.done) pending += (pending.empty() ? "" : ", ") + std::string(st.step->index) + " (~" + std::to_string(st.rows) + " rows)";
            if (pending.empty())
                out->push_back({"database.indexes", S::ok, "queue indexes up to date", ""});
            else
                out->push_back({"database.indexes", S::warn, "index rebuilds pending (core/index_steps.h): " + pending,
                                "run `mailjobs migrate` at a quiet time: each rebuild holds the write lock while it reads the whole table"});
        }

        if (!server) {
        if (db->wal_mode())
            out->push_back({"database.wal", S::ok, "journal_mode = wal", ""});
        else
            out->push_back({"database.wal", S::fail,
                            "journal_mode is not WAL: every write blocks the application's readers",
                            "with the application stopped: sqlite3 " + path + " 'PRAGMA journal_mode=WAL;' (mailjobs sets it on each run; "
                            "make the application stop switching it back)"});

        const auto av = db->auto_vacuum();
        if (av == Db::AutoVacuum::none)
            out->push_back({"database.auto_vacuum", S::fail,
                            "auto_vacuum = NONE: purged space never returns to the disk quota",
                            "with the application stopped, once: sqlite3 " + path +
                                " 'PRAGMA auto_vacuum=INCREMENTAL; VACUUM;' (needs free space equal to the file size)"});
        else
            out->push_back({"database.auto_vacuum", S::ok,
                            av == Db::AutoVacuum::incremental ? "auto_vacuum = INCREMENTAL" : "auto_vacuum = FULL", ""});

        const int64_t page = db->page_size();
        const int64_t db_bytes = page * db->page_count();
        out->push_back(disk_check(folder, db_bytes, page * config.integer("job.vacuum", "pages_per_step"),
                                  av == Db::AutoVacuum::none));
        out->push_back(backup_space_check(config, db_bytes));  // issue 17
        }

        // Cron alive: each tick and worker pass records its start (core/due.h).
        const bool worker = config.str("general", "mode") == "worker";
        const TickHealth tick = version >= 1 ? tick_health(*db, config, o.now) : TickHealth{};  // the dashboard's rule too
        const int64_t interval = config.duration("general", worker ? "worker_interval" : "cron_interval");
        const int64_t last = tick.last_at;
        const std::string what = worker ? "worker pass" : "tick";
        const std::string key = worker ? "worker_interval" : "cron_interval";
        if (last == 0)
            out->push_back({"cron.alive", S::fail, "no " + what + " recorded yet",
                            worker ? "start `mailjobs worker` (systemd)"
                                   : "add the cron line: */5 * * * * cd $HOME/mailjobs && ./mailjobs tick --quiet"});
        else if (tick.stale)
            out->push_back({"cron.alive", S::fail,
                            "last " + what + " " + age_text(o.now - last) + " ago, [general] " + key + " = " + age_text(interval),
                            worker ? "is `mailjobs worker` running? (systemctl status)"
                                   : "check the crontab entry and cron's mail; set [general] cron_interval to the cron line's interval"});
        else
            out->push_back({"cron.alive", S::ok, "last " + what + " " + age_text(std::max<int64_t>(0, o.now - last)) + " ago", ""});
    } catch (const std::exception& e) {
        out->push_back({"database.schema", S::fail, std::string("cannot read the database: ") + e.what(),
                        "check that the file is the application's SQLite database"});
    }
}

void limit_checks(const Config& config, std::vector<CheckResult>* out) {
    const ProcessLimits l = read_process_limits();
    // What one tick needs at most: the memory benchmark's peak RSS stays far below this; virtual
    // memory counts too under RLIMIT_AS (the purge's checkpoint thread reserves a stack and a
    // malloc arena), so the address-space floor is higher.
    const int64_t min_rss = 128LL << 20, min_as = 256LL << 20;
    std::vector<std::string> seen;
    if (l.address_space && *l.address_space < min_as)
        out->push_back({"limits.memory", S::fail,
                        "address space limit (ulimit -v) is " + bytes_text(*l.address_space) + ", below the " +
                            bytes_text(min_as) + " a tick may reserve",
                        "raise it (ulimit -v, or the host's process memory limit) to at least " + bytes_text(min_as)});
    else if (l.data && *l.data < min_rss)
        out->push_back({"limits.memory", S::fail, "data segment limit (ulimit -d) is " + bytes_text(*l.data),
                        "raise it to at least " + bytes_text(min_rss)});
    else if (l.cgroup_memory && *l.cgroup_memory < min_rss)
        out->push_back({"limits.memory", S::fail,
                        "cgroup " + l.cgroup + " memory.max is " + bytes_text(*l.cgroup_memory),
                        "ask the host for at least " + bytes_text(min_rss) + " per process (CloudLinux LVE: PMEM)"});
    else {
        std::string d = "address space " + (l.address_space ? bytes_text(*l.address_space) : std::string("unlimited"));
        d += ", cgroup memory " + (l.cgroup_memory ? bytes_text(*l.cgroup_memory) : std::string("unlimited"));
        out->push_back({"limits.memory", S::ok, d, ""});
    }
    const int64_t budget = config.duration("general", "time_budget");
    std::string cpus = l.cgroup_cpus ? std::to_string(*l.cgroup_cpus).substr(0, 4) + " CPU" : "no CPU quota";
    if (l.cpu_seconds && *l.cpu_seconds < budget)
        out->push_back({"limits.time", S::fail,
                        "CPU time limit (ulimit -t) is " + std::to_string(*l.cpu_seconds) + "s, below [general] time_budget = " +
                            std::to_string(budget) + "s: SIGXCPU would stop a long run",
                        "lower [general] time_budget below " + std::to_string(*l.cpu_seconds) + "s, or raise the limit"});
    else if (l.file_size && *l.file_size < (1LL << 30))
        out->push_back({"limits.time", S::fail, "file size limit (ulimit -f) is " + bytes_text(*l.file_size),
                        "raise it: the database, its WAL and exports may grow past it"});
    else if (l.open_files && *l.open_files < 64)
        out->push_back({"limits.time", S::fail, "open files limit (ulimit -n) is " + std::to_string(*l.open_files),
                        "raise it to at least 64"});
    else
        out->push_back({"limits.time", S::ok,
                        "time_budget " + std::to_string(budget) + "s, CPU limit " +
                            (l.cpu_seconds ? std::to_string(*l.cpu_seconds) + "s" : std::string("unlimited")) + ", " + cpus,
                        ""});
}

}  // namespace

std::vector<CheckResult> run_doctor(const Config& config, const DoctorOptions& o) {
    std::vector<CheckResult> out;
    out.push_back(config_check(config));
    database_checks(config, o, &out);
    out.push_back(check_mail_transport(config, o.deep));
    out.push_back(check_ca_bundle(config));
    out.push_back(check_dns_servers(config));
    limit_checks(config, &out);
    return out;
}

bool all_ok(const std::vector<CheckResult>& checks) {
    for (const auto& c : checks)
        if (c.status != CheckResult::Status::ok) return false;
    return true;
}

}  // namespace mj
