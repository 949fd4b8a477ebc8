#include "jobs/account_export.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <set>

#include "core/digest.h"
#include "core/files.h"
#include "core/lease.h"
#include "core/log.h"
#include "core/user_data.h"
#include "delivery/claim.h"
#include "delivery/outbox.h"
#include "jobs/export_archive.h"

namespace mj {
namespace {

const QueueSpec kQueue{"exports", "requested", "running", "requested_at"};
const char* const kPartialPrefix = ".partial-";

struct Settings {
    std::string dir, base_url, spool_dir;
    int64_t expires, max_downloads, max_disk, min_interval, max_attempts, claim_ttl, batch;
};

Settings settings_of(JobContext& ctx) {
    Settings s;
    s.dir = ctx.config.path("export", "dir");
    s.base_url = ctx.config.str("export", "base_url");
    s.expires = ctx.config.duration("export", "expires");
    s.max_downloads = ctx.config.integer("export", "max_downloads");
    s.max_disk = ctx.config.bytes("export", "max_disk");
    s.min_interval = ctx.cfg_duration("min_interval");
    s.max_attempts = ctx.cfg_int("max_attempts");
    s.claim_ttl = ctx.cfg_duration("claim_ttl");
    s.batch = std::max<int64_t>(1, ctx.cfg_int("batch_size"));
    // Held mail files come from the one spool folder of forward-retry unless overflow-hold's is set.
    s.spool_dir = ctx.config.path("job.forward-retry", "spool_dir");
    return s;
}

std::string readable_time(int64_t t) { return format_utc(t, "%d %B %Y, %H:%M UTC"); }

bool is_partial_name(const std::string& n) { return is_export_partial_name(n); }
bool is_archive_name(const std::string& n) { return is_export_archive_name(n); }

}  // namespace

bool is_export_partial_name(const std::string& n) { return n.rfind(kPartialPrefix, 0) == 0 && n.size() > 4 && n.substr(n.size() - 4) == ".zip"; }

// "<uuid>-a<attempt>.zip": the names this job gives finished archives.
bool is_export_archive_name(const std::string& n) {
    if (n.size() < 8 || n.substr(n.size() - 4) != ".zip") return false;
    auto dash = n.rfind("-a");
    if (dash == std::string::npos || dash == 0) return false;
    for (size_t i = dash + 2; i < n.size() - 4; ++i)
        if (n[i] < '0' || n[i] > '9') return false;
    for (size_t i = 0; i < dash; ++i)
        if (!std::isalnum(static_cast<unsigned char>(n[i])) && n[i] != '-') return false;
    return dash + 2 < n.size() - 4;
}

namespace {

std::vector<std::string> folder_names(const std::string& dir) {
    std::vector<std::string> out;
    DIR* d = opendir(dir.c_str());
    if (!d) return out;
    while (dirent* e = readdir(d)) out.push_back(e->d_name);
    closedir(d);
    return out;
}

// The folder, 0700 when this job creates it (and its parents).
void ensure_folder(JobContext& ctx, const std::string& dir) {
    struct stat st {};
    if (stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) throw std::runtime_error("[export] dir " + dir + " is not a folder");
        if (st.st_mode & 007) ctx.warn("export_dir_mode", {{"dir", dir}, {"mode", st.st_mode & 0777}, {"effect", "other users may list the archives; chmod 700"}});
        return;
    }
    make_private_dirs(dir, "[export] dir");
}

// Size in bytes, 0 when the file is gone.
int64_t size_of(const std::string& path) { return std::max<int64_t>(0, file_size(path)); }

int64_t disk_used(Db& db) { return db.scalar("SELECT coalesce(sum(size_bytes), 0) FROM exports WHERE status = 'ready'"); }

// Why an archive was abandoned: a stop (budget, signal, lease) or a lost claim is not the request's
// fault; an error is.
struct Abandoned : std::runtime_error {
    Abandoned(const std::string& why, bool claim_lost) : std::runtime_error(why), claim_lost(claim_lost) {}
    bool claim_lost;
};

struct Run {
    JobContext& ctx;
    Settings s;
    std::string owner;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::set<int64_t> tried;  // requests this run attempted

    int64_t now() const {
        return ctx.now + std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started).count();
    }

    // Referenced file names (ready rows), for the sweep.
    std::set<std::string> ready_paths() {
        std::set<std::string> out;
        Statement q(ctx.db, "SELECT path FROM exports WHERE status = 'ready' AND path IS NOT NULL");
        while (q.step()) out.insert(q.column(0).as_text());
        return out;
    }

    // 1. Files a killed run left. Dry-run counts them.
    void sweep() {
        const auto ready = ready_paths();
        int64_t swept = 0;
        for (const auto& n : folder_names(s.dir)) {
            const bool partial = is_partial_name(n), orphan = is_archive_name(n) && !ready.count(n);
            if (!partial && !orphan) continue;
            if (ctx.dry_run || unlink((s.dir + "/" + n).c_str()) == 0) ++swept;
            else if (errno != ENOENT) ctx.warn("export_unlink_failed", {{"file", n}, {"error", std::strerror(errno)}});
        }
        ctx.counts.add("export_temp_files_swept", swept);
    }

    // 2. Ready archives past their time or their download limit.
    void expire() {
        const std::string due = "SELECT id, path FROM exports WHERE status = 'ready' AND (expires_at <= ?1 OR downloads >= ?2) "
                                "ORDER BY id LIMIT ?3";
        if (ctx.dry_run) {
            Statement q(ctx.db, due);
            q.bind(1, ctx.now);
            q.bind(2, s.max_downloads);
            q.bind(3, static_cast<int64_t>(1) << 40);
            while (q.step()) {
                ctx.counts.add("exports_expired", 1);
                ctx.counts.examined += 1;
                if (!q.column(1).is_null() && access((s.dir + "/" + q.column(1).as_text()).c_str(), F_OK) == 0)
                    ctx.counts.add("export_files_removed", 1);
            }
            return;
        }
        for (;;) {
            std::vector<std::string> files;
            int64_t n = 0;
            ctx.db.write([&] {
                files.clear();
                n = 0;
                Statement q(ctx.db, due);
                q.bind(1, ctx.now);
                q.bind(2, s.max_downloads);
                q.bind(3, s.batch);
                std::vector<int64_t> ids;
                while (q.step()) {
                    ids.push_back(q.column(0).as_int64());
                    if (!q.column(1).is_null()) files.push_back(q.column(1).as_text());
                }
                q.reset();
                // token_hash stays: the link answers 410 (gone), not 404 (never was).
                Statement u(ctx.db, "UPDATE exports SET status = 'expired', path = NULL WHERE id = ? AND status = 'ready'");
                for (int64_t id : ids) {
                    u.bind(1, id);
                    n += u.exec();
                    u.reset();
                }
            });
            ctx.counts.add("exports_expired", n);
            ctx.counts.changed += n;
            for (const auto& f : files) {
                if (f.find('/') != std::string::npos || !is_archive_name(f)) continue;  // only our own names, inside the folder
                if (unlink((s.dir + "/" + f).c_str()) == 0) ctx.counts.add("export_files_removed", 1);
                else if (errno != ENOENT) ctx.warn("export_unlink_failed", {{"file", f}, {"error", std::strerror(errno)}});
            }
            if (n < s.batch || ctx.should_stop()) return;
        }
    }

    struct Claimed {
        ExportRequest req;
        int64_t attempt = 0;
        std::string email;
    };

    // Inside the claim transaction: what happens to request `id` before it is built. Returns
    // false when it ended here (refused or given up).
    bool admit(int64_t id, int64_t user_id, int64_t attempts, const std::string& last_error) {
        if (attempts >= s.max_attempts) {
            const std::string error = "gave up after " + std::to_string(attempts) + " attempts" + (last_error.empty() ? "" : ": " + last_error);
            Statement u(ctx.db, "UPDATE exports SET status = 'failed', error = ?, claimed_by = NULL, claim_expires_at = NULL, "
                                "completed_at = ? WHERE id = ?");
            u.bind(1, error);
            u.bind(2, ctx.now);
            u.bind(3, id);
            u.exec();
            ctx.counts.add("exports_failed", 1);
            ctx.warn("export_failed", {{"export_id", id}, {"error", error}});
            return false;
        }
        Statement last(ctx.db, "SELECT max(completed_at) FROM exports WHERE user_id = ? AND id <> ? AND status IN ('ready','expired')");
        last.bind(1, user_id);
        last.bind(2, id);
        if (last.step() && !last.column(0).is_null() && last.column(0).as_int64() > ctx.now - s.min_interval) {
            const int64_t at = last.column(0).as_int64();
            last.reset();
            const std::string error = "one export per " + std::to_string(s.min_interval / 3600) + " h: the last was ready at " +
                                      readable_time(at) + "; ask again after " + readable_time(at + s.min_interval);
            Statement u(ctx.db, "UPDATE exports SET status = 'failed', error = ?, completed_at = ? WHERE id = ?");
            u.bind(1, error);
            u.bind(2, ctx.now);
            u.bind(3, id);
            u.exec();
            ctx.counts.add("exports_refused", 1);
            return false;
        }
        return true;
    }

    // One request claimed (or none: nullopt). Ended requests (refused, given up) are counted here.
    std::optional<Claimed> claim_next(bool& more_waiting) {
        std::optional<Claimed> out;
        more_waiting = false;
        ctx.db.write([&] {
            out.reset();
            for (int64_t id : claimable(ctx.db, kQueue, now(), static_cast<int64_t>(tried.size()) + 10)) {
                if (tried.count(id)) continue;  // one attempt per request and run: the next run retries
                Statement q(ctx.db, "SELECT e.user_id, e.attempts, coalesce(e.error, ''), e.uuid, e.format, u.uuid, u.email "
                                    "FROM exports e JOIN users u ON u.id = e.user_id WHERE e.id = ?");
                q.bind(1, id);
                if (!q.step()) continue;
                const int64_t user_id = q.column(0).as_int64(), attempts = q.column(1).as_int64();
                Claimed c;
                c.req.id = id;
                c.req.user_id = user_id;
                c.req.uuid = q.column(3).as_text();
                c.req.format = q.column(4).as_text();
                c.req.user_uuid = q.column(5).as_text();
                c.email = q.column(6).as_text();
                const std::string last_error = q.column(2).as_text();
                q.reset();
                if (!admit(id, user_id, attempts, last_error)) continue;
                if (disk_used(ctx.db) >= s.max_disk) {
                    more_waiting = true;  // waits for archives to expire; not claimed, no attempt
                    return;
                }
                if (!claim_row(ctx.db, kQueue, id, owner, now(), s.claim_ttl)) continue;
                Statement u(ctx.db, "UPDATE exports SET attempts = attempts + 1, started_at = ?, progress = '{}' WHERE id = ?");
                u.bind(1, ctx.now);
                u.bind(2, id);
                u.exec();
                c.attempt = attempts + 1;
                tried.insert(id);
                out = c;
                return;
            }
        });
        return out;
    }

    // One transaction per batch: progress, and the claim renewed; a lost claim abandons.
    void after_batch(const Claimed& c, const ExportProgress& p, const std::string& temp) {
        nlohmann::json progress = {{"tables_done", p.tables_done}, {"tables", p.tables_total}, {"table", p.table},
                                   {"rows", p.rows},           {"files", p.files},         {"bytes", p.bytes_in}};
        int changed = 0;
        ctx.db.write([&] {
            Statement u(ctx.db, "UPDATE exports SET progress = ?, claim_expires_at = ? WHERE id = ? AND claimed_by = ? "
                                "AND status = 'running'");
            u.bind(1, progress.dump());
            u.bind(2, now() + s.claim_ttl);
            u.bind(3, c.req.id);
            u.bind(4, owner);
            changed = u.exec();
        });
        if (!changed) throw Abandoned("the claim was taken over by another run", true);
        if (disk_used(ctx.db) + size_of(temp) > s.max_disk)
            throw std::runtime_error("the archive passed [export] max_disk (" + std::to_string(s.max_disk) + " bytes with the ready ones)");
        if (ctx.should_stop())
            throw Abandoned("stopped (" + ctx.stop_reason() + ") after " + std::to_string(p.rows) +
                                " rows; the next run starts it again (a large account needs `mailjobs run account-export "
                                "--max-runtime 30m`)",
                            false);
    }

    // The attempt ended without an archive: the request goes back (or ends 'failed' at the limit).
    void give_back(const Claimed& c, const std::string& error) {
        const bool failed = c.attempt >= s.max_attempts;
        ctx.db.write([&] {
            Statement u(ctx.db, failed ? "UPDATE exports SET status = 'failed', error = ?1, claimed_by = NULL, claim_expires_at = NULL, "
                                         "completed_at = ?4 WHERE id = ?2 AND claimed_by = ?3"
                                       : "UPDATE exports SET status = 'requested', error = ?1, claimed_by = NULL, "
                                         "claim_expires_at = NULL WHERE id = ?2 AND claimed_by = ?3");
            u.bind(1, failed ? "gave up after " + std::to_string(c.attempt) + " attempts: " + error : error);
            u.bind(2, c.req.id);
            u.bind(3, owner);
            if (failed) u.bind(4, ctx.now);
            u.exec();
        }, Db::Checks::bound_only);
        ctx.counts.add(failed ? "exports_failed" : "exports_retry", 1);
    }

    void ready(const Claimed& c, const std::string& file, int64_t size, const ExportBuilt& built) {
        const std::string token = random_token(32);
        const int64_t expires_at = ctx.now + s.expires;
        const std::string link = s.base_url + token;
        int changed = 0;
        ctx.db.write([&] {
            nlohmann::json progress = {{"tables_done", "all"}, {"rows", built.rows}, {"files", built.files}, {"bytes", size}, {"done", true}};
            Statement u(ctx.db, "UPDATE exports SET status = 'ready', path = ?, size_bytes = ?, token_hash = ?, progress = ?, "
                                "completed_at = ?, expires_at = ?, claimed_by = NULL, claim_expires_at = NULL, error = NULL, "
                                "downloads = 0, notified_at = ? WHERE id = ? AND claimed_by = ? AND status = 'running'");
            u.bind(1, file);
            u.bind(2, size);
            u.bind(3, sha256_hex(token));
            u.bind(4, progress.dump());
            u.bind(5, ctx.now);
            u.bind(6, expires_at);
            u.bind(7, ctx.now);
            u.bind(8, c.req.id);
            u.bind(9, owner);
            changed = u.exec();
            if (!changed) return;
            Notice n;
            n.user_id = c.req.user_id;
            n.to_address = c.email;
            n.kind = "export_ready";
            n.subject = "Your data export is ready";
            n.body = "The export of your account's data that you asked for is ready to download:\n\n" + link +
                     "\n\nThe link works until " + readable_time(expires_at) + ", for " + std::to_string(s.max_downloads) +
                     " downloads. The file is a zip archive (" + std::to_string((size + 1023) / 1024) +
                     " KiB) with one JSON and/or CSV file per kind of data and a manifest.json that lists them.\n\n"
                     "Keep the link to yourself: anyone who has it can download your data until it expires. If you did "
                     "not ask for this export, tell us.";
            n.dedupe_key = "export_ready:" + c.req.uuid;
            queue_notice(ctx.db, n, ctx.now);
        });
        if (!changed) throw Abandoned("the claim was taken over by another run", true);
        ctx.counts.add("exports_ready", 1);
        ctx.counts.add("rows_exported", built.rows);
        ctx.counts.add("held_mail_files_exported", built.files);
        ctx.counts.add("export_bytes", size);
        ctx.counts.changed += 1;
        ctx.info("export_ready", {{"export_id", c.req.id}, {"rows", built.rows}, {"bytes", size}, {"expires_at", expires_at}});
    }

    // 4. One request, built and made ready (or given back).
    void build(const Claimed& c) {
        const std::string temp = s.dir + "/" + kPartialPrefix + c.req.uuid + "-" + std::to_string(getpid()) + ".zip";
        const std::string name = c.req.uuid + "-a" + std::to_string(c.attempt) + ".zip";
        const std::string final_path = s.dir + "/" + name;
        try {
            int fd = open(temp.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
            if (fd < 0) throw std::runtime_error("cannot create " + temp + ": " + std::strerror(errno));
            close(fd);
            ExportBuilt built = build_export_archive(ctx.db, c.req, temp, ctx.now, s.batch, s.spool_dir,
                                                     [&](const ExportProgress& p) { after_batch(c, p, temp); });
            fsync_file(temp);
            if (rename(temp.c_str(), final_path.c_str()) != 0)
                throw std::runtime_error("cannot rename the archive into place: " + std::string(std::strerror(errno)));
            fsync_dir(s.dir);
            try {
                ready(c, name, size_of(final_path), built);
            } catch (...) {
                unlink(final_path.c_str());  // not ready: the file must not outlive its attempt
                throw;
            }
        } catch (const Abandoned& a) {
            unlink(temp.c_str());
            if (!a.claim_lost) give_back(c, a.what());
            ctx.note = a.what();
            throw;
        } catch (const DbError&) {
            unlink(temp.c_str());
            throw;  // the database is the run's problem, not the request's: the claim expires
        } catch (const std::exception& e) {
            unlink(temp.c_str());
            ctx.warn("export_attempt_failed", {{"export_id", c.req.id}, {"attempt", c.attempt}, {"error", e.what()}});
            give_back(c, e.what());
        }
    }

    void dry_run() {
        int64_t used = disk_used(ctx.db);
        for (int64_t id : claimable(ctx.db, kQueue, ctx.now, int64_t(1) << 40)) {
            Statement q(ctx.db, "SELECT user_id, attempts FROM exports WHERE id = ?");
            q.bind(1, id);
            if (!q.step()) continue;
            const int64_t user_id = q.column(0).as_int64(), attempts = q.column(1).as_int64();
            q.reset();
            if (attempts >= s.max_attempts) {
                ctx.counts.add("exports_failed", 1);
                continue;
            }
            Statement last(ctx.db, "SELECT count(*) FROM exports WHERE user_id = ? AND id <> ? AND status IN ('ready','expired') "
                                   "AND completed_at > ?");
            last.bind(1, user_id);
            last.bind(2, id);
            last.bind(3, ctx.now - s.min_interval);
            if (last.step() && last.column(0).as_int64() > 0) {
                ctx.counts.add("exports_refused", 1);
                continue;
            }
            if (used >= s.max_disk) {
                ctx.counts.add("waiting_disk_cap", 1);
                continue;
            }
            ctx.counts.add("exports_ready", 1);
            ctx.counts.examined += 1;
            for (const auto& e : user_data_tables()) {
                if (e.fate == UserRowFate::kept) continue;
                std::string sel = user_rows_select_sql(e);
                ctx.counts.add("rows_exported", ctx.db.scalar("SELECT count(*)" + sel.substr(8), user_id));
            }
        }
    }
};

}  // namespace

Outcome account_export(JobContext& ctx) {
    Run run{ctx, settings_of(ctx), ctx.lease ? ctx.lease->owner() : Lease::make_owner_token()};
    ctx.counts.add("waiting_user_inactive", count_waiting_user_inactive(ctx.db, kQueue, ctx.now));
    const bool requests = !claimable(ctx.db, kQueue, ctx.now, 1).empty();
    if (requests && run.s.base_url.empty()) {
        ctx.note = "set [export] base_url (the download link's start, e.g. https://example.com/cgi-bin/mailjobs.cgi/exports/): "
                   "exports wait until then";
        ctx.error("export_base_url_unset", {{"effect", "requested exports wait"}});
        return Outcome::failed;
    }
    if (ctx.dry_run) {
        run.sweep();
        run.expire();
        run.dry_run();
        return Outcome::done;
    }
    ensure_folder(ctx, run.s.dir);
    run.sweep();
    run.expire();
    for (;;) {
        if (ctx.should_stop()) return Outcome::more;
        bool waiting_disk = false;
        auto c = run.claim_next(waiting_disk);
        if (!c) {
            if (waiting_disk) {
                ctx.counts.add("waiting_disk_cap", ctx.db.scalar("SELECT count(*) FROM exports WHERE status = 'requested'"));
                ctx.warn("export_disk_cap", {{"max_disk", run.s.max_disk}, {"used", disk_used(ctx.db)},
                                             {"effect", "requests wait until ready archives expire"}});
            }
            return Outcome::done;
        }
        ctx.counts.examined += 1;
        try {
            run.build(*c);
        } catch (const Abandoned& a) {
            return a.claim_lost ? Outcome::failed : Outcome::more;
        }
    }
}

}  // namespace mj
