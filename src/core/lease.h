// Job leases (BJ-02): one row per job in job_locks.
//
// - acquire() is one short BEGIN IMMEDIATE transaction: it takes the row if there is none, if the
//   holder's lease expired, or if the holder is a process on this host that no longer exists
//   (kill -9 leaves the row behind; we need not wait for the expiry to notice a dead pid).
// - The TTL follows the time budget (budget + lease_grace), not a day: a stuck run blocks its job
//   for minutes, not the 24 h a stuck Laravel mutex did.
// - heartbeat() renews while the owner works; it fails if someone else took the lease meanwhile.
// - release() deletes the row only where owner = our token (Laravel released other runs' locks).
// - While a job runs, every one of its write transactions first checks that job_locks still names
//   this run (LeaseWriteCheck, one primary-key read inside the transaction): after
//   `mailjobs unlock JOB --force` or a takeover the old run commits nothing more and stops with
//   LeaseLost ("lease lost"), instead of writing on until its next heartbeat.
// Lease times use the real wall clock, never --now.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/db.h"

namespace mj {

struct LeaseHolder {
    std::string owner, host;
    int64_t pid = 0, run_id = 0, acquired_at = 0, heartbeat_at = 0, expires_at = 0;
};

class Lease {
public:
    // Inside an open write transaction: takes the lease or returns nullopt and fills *holder.
    // slots > 1 (a queue job's [job.NAME] parallel_runs): the job has that many leases, rows JOB,
    // JOB#2, ... JOB#N, and a run takes the first free one; runs that hold different slots work
    // at once, each on the queue rows it claimed (delivery/claim.h). *holder is slot 1's holder.
    static std::optional<Lease> acquire_in_txn(Db& db, const std::string& job, int64_t ttl_seconds, LeaseHolder* holder,
                                               int slots = 1);
    // The live holder of one of `job`'s leases, if any (expired or dead-owner rows count as free).
    static std::optional<LeaseHolder> live_holder(Db& db, const std::string& job);
    // The job_locks keys of `job` that have a row: JOB and its slots JOB#2...
    static std::vector<std::string> keys_of(Db& db, const std::string& job);
    static std::string slot_key(const std::string& job, int slot);
    static std::string make_owner_token();
    // This host's name in leases and owner tokens: [general] host_id, else the node name. A lease
    // of another host is taken over only once it expired (its pid cannot be checked from here).
    static const std::string& host();
    static void set_host(const std::string& id);  // empty: keep the node name

    // Renews the lease; returns false if it was lost (taken over after expiry).
    bool heartbeat(int64_t ttl_seconds);
    // Heartbeat only if a third of the TTL passed since the last renewal.
    bool maybe_heartbeat();
    void set_run_id(int64_t run_id);  // inside the caller's transaction
    void release();                   // its own short transaction; only our own row
    void release_in_txn();

    const std::string& owner() const { return owner_; }
    const std::string& job() const { return job_; }
    // Inside an open write transaction: throws LeaseLost unless job_locks still names this owner.
    void check_in_txn() const;

private:
    Lease(Db& db, std::string job, std::string owner, int64_t ttl) : db_(&db), job_(std::move(job)), owner_(std::move(owner)), ttl_(ttl) {}
    Db* db_;
    std::string job_, owner_;
    int64_t ttl_;
    int64_t renewed_at_ = 0;
};

// A write transaction of a run that no longer holds its lease; nothing of it was committed.
class LeaseLost : public std::runtime_error {
public:
    LeaseLost() : std::runtime_error("lease lost: another process took over this job") {}
};

// Installs the lease check into db's write transactions for its lifetime (the runner wraps the job
// function in one). `lease` may be null (dry run): then it does nothing.
class LeaseWriteCheck {
public:
    LeaseWriteCheck(Db& db, const Lease* lease);
    ~LeaseWriteCheck();
    LeaseWriteCheck(const LeaseWriteCheck&) = delete;
    LeaseWriteCheck& operator=(const LeaseWriteCheck&) = delete;

private:
    Db& db_;
    bool installed_ = false;
};

int64_t wall_now();
bool process_alive(int64_t pid);

// Inside an open write transaction: removes `job`'s lease row unless its holder is live (unexpired
// and, on this host, its process alive: the rule of `mailjobs unlock` without --force and of the
// dashboard's "release a dead lease"). A live holder is left alone and copied into *live.
enum class DeadLeaseRelease { released, no_lease, live };
DeadLeaseRelease release_dead_lease_in_txn(Db& db, const std::string& job, LeaseHolder* live);

}  // namespace mj
