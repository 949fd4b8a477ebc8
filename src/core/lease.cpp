#include "core/lease.h"

#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <ctime>
#include <fstream>
#include <random>

namespace mj {

int64_t wall_now() { return static_cast<int64_t>(std::time(nullptr)); }

bool process_alive(int64_t pid) {
    if (pid <= 0) return false;
    return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

namespace {
std::string& host_name() {
    static std::string name = [] {
        struct utsname u {};
        return uname(&u) == 0 ? std::string(u.nodename) : std::string("unknown");
    }();
    return name;
}
}  // namespace

const std::string& Lease::host() { return host_name(); }
void Lease::set_host(const std::string& id) {
    if (!id.empty()) host_name() = id;
}

std::string Lease::slot_key(const std::string& job, int slot) {
    return slot <= 1 ? job : job + "#" + std::to_string(slot);
}

std::string Lease::make_owner_token() {
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x%08x", rd(), rd());
    return host() + ":" + std::to_string(getpid()) + ":" + buf;
}

namespace {

std::optional<LeaseHolder> read_holder(Db& db, const std::string& job) {
    Statement q(db,
                "SELECT owner, host, pid, coalesce(run_id,0), acquired_at, heartbeat_at, expires_at "
                "FROM job_locks WHERE job = ?");
    q.bind(1, job);
    if (!q.step()) return std::nullopt;
    LeaseHolder h;
    h.owner = q.column(0).as_text();
    h.host = q.column(1).as_text();
    h.pid = q.column(2).as_int64();
    h.run_id = q.column(3).as_int64();
    h.acquired_at = q.column(4).as_int64();
    h.heartbeat_at = q.column(5).as_int64();
    h.expires_at = q.column(6).as_int64();
    return h;
}

bool holder_is_live(const LeaseHolder& h) {
    if (h.expires_at <= wall_now()) return false;
    if (h.host == Lease::host() && !process_alive(h.pid)) return false;  // killed on this host
    return true;
}

}  // namespace

std::vector<std::string> Lease::keys_of(Db& db, const std::string& job) {
    // The job's own row first, then its slots ("JOB#2"...): job names are lowercase words and
    // dashes, so '#' never starts another job's name.
    Statement q(db, "SELECT job FROM job_locks WHERE job = ?1 OR substr(job, 1, length(?1) + 1) = ?1 || '#' ORDER BY length(job), job");
    q.bind(1, job);
    std::vector<std::string> keys;
    while (q.step()) keys.push_back(q.column(0).as_text());
    return keys;
}

std::optional<LeaseHolder> Lease::live_holder(Db& db, const std::string& job) {
    for (const auto& key : keys_of(db, job)) {
        auto h = read_holder(db, key);
        if (h && holder_is_live(*h)) return h;
    }
    return std::nullopt;
}

DeadLeaseRelease release_dead_lease_in_txn(Db& db, const std::string& job, LeaseHolder* live) {
    DeadLeaseRelease result = DeadLeaseRelease::no_lease;
    for (const auto& key : Lease::keys_of(db, job)) {
        auto h = read_holder(db, key);
        if (!h) continue;
        if (holder_is_live(*h)) {
            if (live) *live = *h;
            result = DeadLeaseRelease::live;
            continue;
        }
        Statement q(db, "DELETE FROM job_locks WHERE job = ? AND owner = ?");  // the row we judged, not a newer one
        q.bind(1, key);
        q.bind(2, h->owner);
        if (q.exec() && result == DeadLeaseRelease::no_lease) result = DeadLeaseRelease::released;
    }
    return result;
}

std::optional<Lease> Lease::acquire_in_txn(Db& db, const std::string& job, int64_t ttl, LeaseHolder* holder, int slots) {
    // The first slot that is free or whose holder is dead; each slot is a lease of its own.
    std::string key;
    for (int slot = 1; slot <= std::max(1, slots) && key.empty(); ++slot) {
        auto existing = read_holder(db, slot_key(job, slot));
        if (existing && holder_is_live(*existing)) {
            if (holder && slot == 1) *holder = *existing;
            continue;
        }
        key = slot_key(job, slot);
    }
    if (key.empty()) return std::nullopt;
    Lease lease(db, key, make_owner_token(), ttl);
    int64_t now = wall_now();
    Statement up(db,
                 "INSERT INTO job_locks(job, owner, host, pid, run_id, acquired_at, heartbeat_at, expires_at) "
                 "VALUES(?, ?, ?, ?, NULL, ?, ?, ?) "
                 "ON CONFLICT(job) DO UPDATE SET owner=excluded.owner, host=excluded.host, pid=excluded.pid, "
                 "run_id=NULL, acquired_at=excluded.acquired_at, heartbeat_at=excluded.heartbeat_at, "
                 "expires_at=excluded.expires_at");
    up.bind(1, key);
    up.bind(2, lease.owner_);
    up.bind(3, host());
    up.bind(4, static_cast<int64_t>(getpid()));
    up.bind(5, now);
    up.bind(6, now);
    up.bind(7, now + ttl);
    up.exec();
    lease.renewed_at_ = now;
    return lease;
}

void Lease::check_in_txn() const {
    // Not `expires_at > now`: an expired lease that nobody took over is still ours (the heartbeat
    // renews it); only a row that names someone else, or no row, means it is lost.
    Statement q(*db_, "SELECT 1 FROM job_locks WHERE job = ? AND owner = ?");
    q.bind(1, job_);
    q.bind(2, owner_);
    if (!q.step()) throw LeaseLost();
}

LeaseWriteCheck::LeaseWriteCheck(Db& db, const Lease* lease) : db_(db) {
    if (!lease) return;
    // A copy: the check outlives no Lease, but must not depend on where the caller keeps it.
    auto held = std::make_shared<Lease>(*lease);
    db_.set_write_check([held] { held->check_in_txn(); });
    installed_ = true;
}

LeaseWriteCheck::~LeaseWriteCheck() {
    if (installed_) db_.set_write_check(nullptr);
}

bool Lease::heartbeat(int64_t ttl) {
    ttl_ = ttl;
    bool kept = false;
    // Its UPDATE is the ownership check (0 rows = lost): should_stop() then says "lease lost".
    db_->write([&] {
        int64_t now = wall_now();
        Statement q(*db_, "UPDATE job_locks SET heartbeat_at = ?, expires_at = ? WHERE job = ? AND owner = ?");
        q.bind(1, now);
        q.bind(2, now + ttl_);
        q.bind(3, job_);
        q.bind(4, owner_);
        kept = q.exec() == 1;
        renewed_at_ = now;
    }, Db::Checks::bound_only);
    return kept;
}

bool Lease::maybe_heartbeat() {
    if (wall_now() - renewed_at_ < ttl_ / 3) return true;
    return heartbeat(ttl_);
}

void Lease::set_run_id(int64_t run_id) {
    Statement q(*db_, "UPDATE job_locks SET run_id = ? WHERE job = ? AND owner = ?");
    q.bind(1, run_id);
    q.bind(2, job_);
    q.bind(3, owner_);
    q.exec();
}

void Lease::release_in_txn() {
    Statement q(*db_, "DELETE FROM job_locks WHERE job = ? AND owner = ?");
    q.bind(1, job_);
    q.bind(2, owner_);
    q.exec();
}

void Lease::release() {
    db_->write([&] { release_in_txn(); }, Db::Checks::bound_only);  // deletes only our own row anyway
}

}  // namespace mj
