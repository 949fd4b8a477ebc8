// The job registry: the one table of jobs (like ninja's Tool table). `mailjobs list` prints it.
// register_jobs() hands it to the catalogue in core/ (core/job_catalogue.h), where the runner,
// the tick, status and the commands look jobs up without knowing jobs/.
// Priority: higher runs first in a tick (BJ-28): deliveries and retries, then notices, then
// expiries that users see, then log purges, then housekeeping.
#include "jobs/registry.h"

#include "core/job_catalogue.h"
#include "jobs/account_deletion.h"
#include "jobs/account_export.h"       // account lifecycle (issue 14)
#include "jobs/address_expiry_jobs.h"    // retention jobs B
#include "jobs/audit_log_cleanup.h"      // retention jobs B
#include "jobs/bandwidth_rollup.h"       // usage (issue 15)
#include "jobs/auth_jobs.h"
#include "jobs/backup.h"                 // backups (issue 17)
#include "jobs/delivery_log_cleanup.h"   // retention jobs A
#include "jobs/disk_sweep.h"             // the disk (issue 17)
#include "jobs/dns_recheck.h"            // usage and domains (issue 15)
#include "jobs/forward_retry.h"          // delivery jobs (issue 5)
#include "jobs/held_mail_expiry.h"       // retention jobs A
#include "jobs/job_history_cleanup.h"    // retention jobs A
#include "jobs/message_cleanup.h"        // retention jobs A
#include "jobs/message_log_jobs.h"       // retention jobs B
#include "jobs/notification_cleanup.h"   // retention jobs A
#include "jobs/notification_delivery.h"  // delivery jobs (issue 5)
#include "jobs/overflow_hold_expiry.h"   // retention jobs B
#include "jobs/retention_policies.h"     // retention jobs A
#include "jobs/usage_threshold_check.h"  // usage (issue 15)
#include "jobs/vacuum.h"                 // retention jobs A
#include "jobs/webhook_retry.h"          // monitoring jobs (issue 5)

namespace mj {

void register_jobs() {
    set_job_catalogue({
        // name, summary, default schedule, priority, conflicts, function
        {"session-cleanup", "purge sessions past their absolute or idle timeout (BJ-19)", "@daily", 20, {}, session_cleanup},
        {"magic-link-expiry", "purge expired magic-link tokens (BJ-13)", "@daily", 20, {}, magic_link_expiry},
        // --- retention jobs A (issue 4) ---
        {"failed-email-expiry", "purge failed forwards 7 d after the first failure, final ones only (BJ-06)", "@daily", 30, {"forward-retry"}, failed_email_expiry},
        {"spam-quarantine-expiry", "purge quarantined spam after 30 d, no warning (BJ-05)", "@daily", 30, {}, spam_quarantine_expiry},
        {"message-cleanup", "delete chat messages past expires_at (seed 002)", "0 2 * * *", 30, {}, message_cleanup},
        {"notification-cleanup", "over 1000 per user: soft-delete oldest read, keep newest 100; hard-delete after 30 d (seed 004)", "@daily", 25, {}, notification_cleanup},
        {"delivery-log-cleanup", "purge finished webhook deliveries after 90 d (seed 000, BJ-16)", "every 24h", 15, {}, delivery_log_cleanup},
        {"retention-policies", "run the operator's [retention.NAME] policies from jobs.ini", "@daily", 8, {}, retention_policies},
        {"job-history-cleanup", "purge job history, attempts, alerts older than 90 d; keep each job's newest run", "@daily", 6, {}, job_history_cleanup, "housekeeping"},
        {"backup", "a verified, compressed copy of the database in [backup] dir; old copies kept 7 daily, 4 weekly", "@daily", 4, {}, backup, "housekeeping"},
        {"disk-sweep", "remove spool, export and backup part files no row references, once min_age (24h) old", "@daily", 3, {}, disk_sweep, "housekeeping"},
        {"vacuum", "return free pages to the disk in short steps (incremental vacuum)", "@daily", 2, {}, vacuum, "housekeeping"},
        // --- retention jobs B (issue 4) ---
        {"alias-expiry", "deactivate aliases past expires_at, one audit row each (BJ-12)", "@hourly", 40, {}, alias_expiry, "account"},  // deactivates, purges nothing: not in `cleanup`
        {"overflow-hold-expiry", "warn once 1 d before, then purge held mail after 30 d (BJ-04)", "@hourly", 40, {}, overflow_hold_expiry},
        {"destination-verification-expiry", "clear expired verification tokens; optionally remove unverified destinations (BJ-14)", "@daily", 30, {}, destination_verification_expiry},
        {"message-log-cleanup", "fold message logs into daily stats, then purge them after 90 d (BJ-07)", "@daily", 15, {}, message_log_cleanup},
        {"header-snapshot-cleanup", "purge header snapshots by age and orphans (BJ-08)", "@daily", 14, {}, header_snapshot_cleanup},
        {"audit-log-cleanup", "purge audit logs after 365 d, critical after 7 y; optional archive (BJ-09)", "@daily", 10, {}, audit_log_cleanup},
        // --- account lifecycle (issue 14) ---
        {"account-export", "build the zip archive of an account's data the user asked for, mail the link once, expire it after 72 h (BJ-17)", "every 5m", 36, {}, account_export, "account"},
        {"account-deletion", "purge soft-deleted accounts after the grace, table by table in short batches, users last (BJ-18)", "@hourly", 35, {}, account_deletion, "account"},
        // --- usage and domains (issue 15) ---
        {"dns-recheck", "recheck custom domains' DNS (TXT token, MX, ...): pending every 15m the first day, then backing off; verified and failed daily; notice on status change (BJ-20)", "every 15m", 50, {}, dns_recheck, "account"},
        // --- usage (issue 15) ---
        {"usage-threshold-check", "record quota crossings (60/70/80/100 %) and pace warnings once per cycle; mail the configured ones (BJ-11)", "@hourly", 38, {}, usage_threshold_check, "account"},
        {"bandwidth-rollup", "recompute daily and weekly usage rollups from new and late rows; purge rolled-up raw rows and old rollups (BJ-10)", "@daily", 16, {}, bandwidth_rollup, "account"},
        // --- delivery jobs (issue 5) ---
        {"forward-retry", "resend failed forwards 1h, 6h, 24h, 48h after the failure; then notify the user once (BJ-03)", "every 15m", 90, {}, forward_retry, "delivery", nullptr, true},
        {"notification-delivery", "send the notification outbox in batches under the hourly cap (BJ-21)", "every tick", 80, {}, notification_delivery, "delivery",
         notification_delivery_follow_up, true},  // rule 5 of core/due.h: sends what the jobs after it queued
        // --- monitoring jobs (issue 5) ---
        {"webhook-retry", "post due webhook deliveries, signed; retry 1m, 5m, 30m, 2h, then permanently failed (BJ-15)", "every tick", 85, {}, webhook_retry, "delivery", nullptr, true},
    });
}

}  // namespace mj
