// The one table of configuration keys. Parsing, validation, environment names, `mailjobs config`
// and the jobs.ini.sample check (tests/unit/config_keys_test.cpp) all read it; add a key here and
// nowhere else. Durations are always positive ("0" is rejected), so "off" is spelled with a boolean.
// The two numbers at the end of some rows are that key's range (KeyDef::min/max, checked at load);
// other rows get their type's default range.
#include "core/config.h"

namespace mj {

const std::vector<KeyDef>& config_keys() {
    using T = KeyType;
    static const std::vector<KeyDef> table = {
        // [general]
        {"general", "database", T::path, "var/mailjobs.db", "SQLite file shared with the web application (relative to jobs.ini)"},
        {"general", "log_file", T::path, "var/mailjobs.log", "JSON Lines log file (relative to jobs.ini); \"-\" = stderr"},
        {"general", "log_format", T::choice, "auto", "auto (readable on a terminal, JSON otherwise), json or text", "auto|json|text"},
        {"general", "log_level", T::choice, "info", "least important level written", "debug|info|warn|error"},
        {"general", "log_max_bytes", T::integer, "10485760", "rotate the log file before it grows past this many bytes (0 = never)", nullptr, 0, 1099511627776},
        {"general", "log_keep", T::integer, "5", "rotated log files kept: log_file.1 (newest) .. log_file.N; 0 = none", nullptr, 0, 100},
        {"general", "time_budget", T::duration, "120s", "wall-clock budget of one tick or run; jobs stop between batches when it is spent", nullptr, 1, 86400},
        {"general", "timezone", T::timezone, "UTC", "clock of cron expressions and macros in schedules (UTC or an IANA name); intervals do not use it"},
        {"general", "busy_timeout", T::duration, "5s", "how long a write waits for the application's lock before giving up", nullptr, 1, 3600},
        {"general", "lease_grace", T::duration, "60s", "a job lease expires this long after the budget if its owner stops renewing it", nullptr, 1, 86400},
        {"general", "mode", T::choice, "cron", "cron: `tick` runs due jobs; worker: `tick` does nothing, `mailjobs worker` runs them", "cron|worker"},
        {"general", "cron_interval", T::duration, "5m", "how often your crontab starts `mailjobs tick` (issue 16): `mailjobs doctor` fails when the last tick is older than 3 times this", nullptr, 60, 86400},
        {"general", "host_id", T::string, "", "this host's name in job leases and history (several `mailjobs worker` hosts on one PostgreSQL database); empty = the node name"},
        {"general", "worker_interval", T::duration, "60s", "how often `mailjobs worker` looks for due jobs", nullptr, 1, 86400},
        {"general", "max_transaction", T::millis, "1s", "hard upper bound of every write transaction (e.g. 200ms, 1s): one that runs longer is stopped and rolled back, its batch made smaller"},
        {"general", "database_mode", T::mode, "0600", "file mode of a database mailjobs creates (and its -wal/-shm), e.g. 0660 when the web server runs as another user in the group; an existing file is never changed"},

        // [job.NAME]: every job
        {"job.*", "enabled", T::boolean, "true", "run this job when it is due"},
        {"job.*", "schedule", T::schedule, "", "when the job is due: 'every 6h', a 5-field cron expression, @hourly, @daily, 'off'"},
        {"job.*", "parallel_runs", T::integer, "1", "runs of this job that may work at once, each on the queue rows it claimed (forward-retry, notification-delivery, webhook-retry; e.g. `mailjobs worker` on several hosts); other jobs run one at a time", nullptr, 1, 64},
        {"job.*", "batch_size", T::integer, "1000", "rows per batch (one short write transaction per batch)", nullptr, 1, 1000000},

        // [job.account-deletion] (BJ-18, issue 14)
        {"job.account-deletion", "grace", T::duration, "3d", "purge an account this long after users.deleted_at (the application can undo until then); 0 = at the next run", nullptr, 0, 36500LL * 86400},
        {"job.account-deletion", "tombstone_secret_file", T::path, "", "file holding the secret of alias tombstones (HMAC-SHA256 of each deleted alias address); empty = no tombstones"},
        {"job.account-deletion", "tombstone_key_id", T::string, "1", "key id stored beside each tombstone; give a new secret a new id"},
        {"job.account-deletion", "spool_dir", T::path, "", "folder of relative spool_path values of the user's held mail; empty = [job.forward-retry] spool_dir"},

        // [job.account-export] (BJ-17, issue 14) and the [export] archives it writes
        {"job.account-export", "min_interval", T::duration, "24h", "at most one export per user in this time (counted from the last that became ready); a request sooner is refused", nullptr, 0, 36500LL * 86400},
        {"job.account-export", "max_attempts", T::integer, "3", "an export whose build failed (or whose run died) this many times is 'failed' with the error", nullptr, 1, 100},
        {"job.account-export", "claim_ttl", T::duration, "10m", "a running export whose claim is this old (renewed every batch) belongs to a dead run and is taken over", nullptr, 10, 86400},
        {"export", "dir", T::path, "var/exports", "folder of the archives, outside public_html (0700, files 0600); the CGI streams them from here"},
        {"export", "base_url", T::url, "", "download link = base_url + token, e.g. https://example.com/cgi-bin/mailjobs.cgi/exports/ (required to build exports)"},
        {"export", "expires", T::duration, "72h", "a ready archive is deleted and its link answers 410 this long after it became ready", nullptr, 60, 36500LL * 86400},
        {"export", "max_downloads", T::integer, "5", "downloads one link allows; then 410", nullptr, 1, 1000000},
        {"export", "max_disk", T::size, "1G", "disk all ready archives together may use (e.g. 500M, 2G); a new export waits while they fill it, and one that would pass it is abandoned", nullptr, 1024, int64_t(1) << 50},

        // [job.dns-recheck] (BJ-20, issue 15)
        {"job.dns-recheck", "servers", T::list, "", "DNS servers as IP or IP:port ([::1]:53 for IPv6), comma-separated; empty = /etc/resolv.conf"},
        {"job.dns-recheck", "timeout", T::millis, "3s", "wait for the first try of a query, e.g. 500ms or 3s (c-ares doubles it for each round of servers)"},
        {"job.dns-recheck", "tries", T::integer, "2", "tries per query (each to the next server) before it is unknown", nullptr, 1, 10},
        {"job.dns-recheck", "max_in_flight", T::integer, "64", "DNS queries outstanding at once", nullptr, 1, 1000},
        {"job.dns-recheck", "require", T::list, "txt,mx", "records that make a domain verified: txt (verification token), mx, spf, dkim, dmarc"},
        {"job.dns-recheck", "optional", T::list, "", "records also checked and shown, never changing a status (same names as require)"},
        {"job.dns-recheck", "mx_hosts", T::list, "", "the service's mail hosts; the domain's most preferred MX must be one (needed when mx is checked)"},
        {"job.dns-recheck", "spf_include", T::string, "", "host the domain's SPF record must include (include:HOST), needed when spf is checked"},
        {"job.dns-recheck", "dkim_selector", T::string, "mailjobs", "DKIM selector: SELECTOR._domainkey.DOMAIN is checked"},
        {"job.dns-recheck", "dkim_target", T::string, "", "CNAME target expected at the DKIM name; empty = any DKIM key (TXT with p=) passes"},
        {"job.dns-recheck", "pending_interval", T::duration, "15m", "check a pending domain this often while it is younger than pending_fast_for"},
        {"job.dns-recheck", "pending_fast_for", T::duration, "1d", "then back off: every age/4, at most check_interval"},
        {"job.dns-recheck", "check_interval", T::duration, "1d", "check verified and failed domains this often"},
        {"job.dns-recheck", "give_up_after", T::duration, "7d", "a pending domain whose check fails this long after it was added becomes failed (one notice)"},
        {"job.dns-recheck", "fail_checks", T::integer, "3", "a verified domain becomes failed after this many failed checks in a row...", nullptr, 1, 1000},
        {"job.dns-recheck", "fail_span", T::duration, "48h", "...spanning at least this long (unknown results never count)"},
        {"job.dns-recheck", "batch_size", T::integer, "50", "domains resolved together, then written in one short transaction (200 held the lock 59 ms)", nullptr, 1, 100000},
        // [job.session-cleanup] (BJ-19)
        {"job.session-cleanup", "older_than", T::duration, "1d", "delete sessions this long after their absolute expiry"},
        {"job.session-cleanup", "idle_timeout", T::duration, "30d", "delete sessions not seen for this long"},
        // [job.magic-link-expiry] (BJ-13)
        {"job.magic-link-expiry", "older_than", T::duration, "1d", "delete magic links this long after they expired (the app can still say 'expired' meanwhile)"},
        // --- retention keys A (issue 4) ---
        // [job.delivery-log-cleanup] (seed 000, BJ-16)
        {"job.delivery-log-cleanup", "older_than", T::duration, "90d", "delete webhook deliveries (delivered or permanently failed) older than this; BJ-16 said 30d"},
        // [job.failed-email-expiry] (BJ-06)
        {"job.failed-email-expiry", "older_than", T::duration, "7d", "delete failed forwards this long after first_failed_at, once final (delivered or failed)"},
        {"job.failed-email-expiry", "spool_dir", T::path, "", "folder of relative failed_emails.spool_path values; empty = [job.forward-retry] spool_dir"},
        // [job.spam-quarantine-expiry] (BJ-05)
        {"job.spam-quarantine-expiry", "older_than", T::duration, "30d", "delete quarantined spam this long after quarantined_at (no warning)"},
        {"job.spam-quarantine-expiry", "spool_dir", T::path, "var/spool", "folder of relative spam_quarantine.spool_path values; files go after their row"},
        // [job.notification-cleanup] (seed 004)
        {"job.notification-cleanup", "max_per_user", T::integer, "1000", "users with more live (not soft-deleted) notifications than this are capped", nullptr, 1, 1000000000},
        {"job.notification-cleanup", "keep_newest", T::integer, "100", "a capped user's newest notifications always stay, read or not"},
        {"job.notification-cleanup", "hard_delete_after", T::duration, "30d", "soft-deleted notifications are deleted for good this long after deleted_at"},
        // [job.job-history-cleanup]
        {"job.job-history-cleanup", "older_than", T::duration, "90d", "delete job_runs, job_attempts, operator_alerts, send_quota, dns_checks older than this (the newest run of each job stays)"},
        // [backup]: the backup job, `mailjobs backup`, and the backup `migrate` makes first (issue 17)
        {"backup", "dir", T::path, "var/backups", "folder of the backups, outside public_html (created 0700, files 0600)"},
        {"backup", "keep_daily", T::integer, "7", "the newest backup of each of this many most recent days with one is kept", nullptr, 1, 3650},
        {"backup", "keep_weekly", T::integer, "4", "and the newest of each of this many most recent ISO weeks with one (0: none)", nullptr, 0, 520},
        {"backup", "compress_level", T::integer, "6", "gzip level of the backup files: 1 fastest, 9 smallest", nullptr, 1, 9},
        {"backup", "pages_per_step", T::integer, "1024", "database pages copied between two looks at the time budget", nullptr, 1, 1000000},
        {"backup", "upload_url", T::url, "", "WebDAV folder each new backup is PUT into and verified (e.g. a Web Disk: https://example.com:2078/backups/); empty = local only"},
        {"backup", "upload_username", T::string, "", "WebDAV user (basic auth)"},
        {"backup", "upload_password", T::string, "", "WebDAV password (prefer upload_password_file)"},
        {"backup", "upload_password_file", T::path, "", "file whose first line is the WebDAV password (chmod 600)"},
        {"backup", "upload_timeout", T::duration, "30m", "longest the upload of one backup may take", nullptr, 1, 86400},
        {"backup", "before_migrate", T::boolean, "true", "`mailjobs migrate` writes a backup into dir before it applies a migration"},
        {"backup", "max_disk", T::size, "0", "disk the backups in dir may use together (e.g. 2G): beyond it the oldest go first, never the newest; 0 = no cap (keep_daily/keep_weekly only)", nullptr, 0, int64_t(1) << 50},
        // [job.disk-sweep] (issue 17): files that no row references, left by a kill -9
        {"job.disk-sweep", "min_age", T::duration, "24h", "only files whose modification time is at least this old are swept (the application may write a spool file before its row)", nullptr, 3600, 36500LL * 86400},
        // [job.vacuum]
        {"job.vacuum", "pages_per_step", T::integer, "256", "free pages returned to the file system per short transaction (fewer when a step takes over ~20 ms)", nullptr, 1, 1000000},
        // [retention.NAME]: operators' own policies, run by the job retention-policies
        {"retention.*", "table", T::string, "", "table to purge (required); checked against the database"},
        {"retention.*", "time_column", T::string, "", "INTEGER unix-seconds column of that table (required)"},
        {"retention.*", "older_than", T::duration, "", "rows whose time_column is older than this go (required)"},
        {"retention.*", "where", T::string, "", "optional SQL condition the rows must also meet, e.g. status = 'sent'"},
        {"retention.*", "batch_size", T::integer, "1000", "rows of the first batch; later batches adapt to ~20 ms", nullptr, 1, 1000000},
        {"retention.*", "enabled", T::boolean, "true", "false = keep the policy but do not run it"},
        {"retention.*", "allow_protected_table", T::boolean, "false", "let this policy purge a table of mailjobs' own schema (users, audit_logs, job_runs, ...), bypassing its job's rules"},
        // --- retention keys B (issue 4) ---
        // [job.overflow-hold-expiry] (BJ-04)
        {"job.overflow-hold-expiry", "older_than", T::duration, "30d", "purge held mail this long after held_at (and never before its warning is warn_before old)"},
        {"job.overflow-hold-expiry", "warn_before", T::duration, "1d", "queue the one purge warning this long before the purge; the purge waits until the warning has been SENT this long"},
        {"job.overflow-hold-expiry", "unsent_alert_after", T::duration, "2d", "alert the operator once when held mail past older_than is kept this long beyond warn_before because its warning is still unsent"},
        {"job.overflow-hold-expiry", "sender_name", T::string, "", "display name of the warnings' sender; empty = [mail] personas' overflow_hold name (\"Overflow Hold\"), never Porter"},
        {"job.overflow-hold-expiry", "spool_dir", T::path, "var/spool", "folder that relative overflow_hold.spool_path values are in; files go after their row"},
        // [job.message-log-cleanup] (BJ-07)
        {"job.message-log-cleanup", "older_than", T::duration, "90d", "fold message logs into message_stats_daily and delete them this long after created_at"},
        // [job.header-snapshot-cleanup] (BJ-08)
        {"job.header-snapshot-cleanup", "older_than", T::duration, "90d", "delete header snapshots this long after created_at; keep <= message-log-cleanup's"},
        // [job.audit-log-cleanup] (BJ-09)
        {"job.audit-log-cleanup", "older_than", T::duration, "365d", "delete audit log rows this long after created_at"},
        {"job.audit-log-cleanup", "critical_older_than", T::duration, "2555d", "keep critical = 1 rows this long (7 y; never less than older_than)"},
        {"job.audit-log-cleanup", "archive", T::boolean, "false", "write rows to gzip JSON Lines day files in archive_dir before deleting them"},
        {"job.audit-log-cleanup", "archive_dir", T::path, "var/audit-archive", "archive folder (mode 0700; files 0600; format in share/schema.md)"},
        {"job.audit-log-cleanup", "archive_max_disk", T::size, "0", "disk the archive's day files may use together (e.g. 500M): beyond it the oldest go first, never the day file being written nor, with upload_url, one not yet uploaded; 0 = no cap", nullptr, 0, int64_t(1) << 50},
        // issue 15: the archive's day files uploaded to a WebDAV folder (cPanel Web Disk), verified, before the day's rows go
        {"job.audit-log-cleanup", "upload_url", T::url, "", "WebDAV folder each complete day file is PUT into (e.g. https://example.com:2078/audit-archive/); empty = local archive only; needs archive = true"},
        {"job.audit-log-cleanup", "upload_username", T::string, "", "WebDAV user (basic auth), e.g. the Web Disk account archive@example.com"},
        {"job.audit-log-cleanup", "upload_password", T::string, "", "WebDAV password (prefer upload_password_file)"},
        {"job.audit-log-cleanup", "upload_password_file", T::path, "", "file whose first line is the WebDAV password (chmod 600)"},
        {"job.audit-log-cleanup", "upload_timeout", T::duration, "5m", "longest one WebDAV request may take (the PUT of a whole day file included)", nullptr, 1, 3600},
        // [job.destination-verification-expiry] (BJ-14)
        {"job.destination-verification-expiry", "remove_unverified", T::boolean, "false", "also delete destinations still unverified unverified_grace after they were added"},
        {"job.destination-verification-expiry", "unverified_grace", T::duration, "30d", "how long an unverified destination may stay (remove_unverified = true)"},
        {"job.destination-verification-expiry", "notice_before", T::duration, "3d", "queue the removal notice this long before; never remove sooner after it"},
        // --- usage keys (issue 15); their relations are checked at load (config_relations.cpp) ---
        // [job.bandwidth-rollup] (BJ-10)
        {"job.bandwidth-rollup", "batch_size", T::integer, "250", "(user, day) windows of the first transaction (with their weeks); later ones adapt to ~12 ms of lock, as purges do", nullptr, 1, 1000000},
        {"job.bandwidth-rollup", "lateness", T::duration, "2d", "every run also recomputes each user's days of this last stretch (rows the application wrote late or corrected)", nullptr, 3600, 366LL * 86400},
        {"job.bandwidth-rollup", "raw_retention", T::duration, "35d", "delete bandwidth_usage rows this long after recorded_at, once rolled up (whole UTC days); must be longer than lateness"},
        {"job.bandwidth-rollup", "day_retention", T::duration, "400d", "delete daily rollups this long after their day; at least raw_retention + 7d"},
        {"job.bandwidth-rollup", "week_retention", T::duration, "730d", "delete weekly rollups this long after their week's Monday"},
        // [job.usage-threshold-check] (BJ-11)
        {"job.usage-threshold-check", "thresholds", T::list, "60,70,80,100", "percentages of users.quota_bytes recorded once per cycle and quota (integers 1..1000)"},
        {"job.usage-threshold-check", "mail_thresholds", T::list, "80,100", "of those, the ones that also e-mail the user (one notice per run naming the highest); empty = none"},
        {"job.usage-threshold-check", "pace_warning", T::boolean, "true", "also record a pace event when usage / elapsed part of the cycle projects past 100 %"},
        {"job.usage-threshold-check", "pace_after", T::integer, "25", "no pace event before this percentage of the cycle has passed", nullptr, 1, 100},
        {"job.usage-threshold-check", "pace_mail", T::boolean, "true", "e-mail the user about a pace event (pace_warning = true)"},
        // --- cleanup API keys (issue 4) ---
        {"api", "token", T::string, "", "bearer token of the CGI API (16+ characters); unset (and no token_file) = API off"},
        {"api", "token_file", T::path, "", "file whose first line is the token, outside public_html (relative to jobs.ini); wins over token"},
        {"api", "time_budget", T::duration, "25s", "time budget of POST /cleanup/execute; keep it below the web server's CGI timeout", nullptr, 1, 86400},
        // --- the web dashboard (issue 16; README "Dashboard") ---
        {"dashboard", "enabled", T::boolean, "true", "serve the HTML dashboard at the CGI script's own URL (needs the [api] token: it is the sign-in password)"},
        {"dashboard", "read_only", T::boolean, "false", "refuse the dashboard's actions (make a job due now, release a dead lease); pages stay readable"},
        {"dashboard", "session_secret_file", T::path, "", "file holding the secret that signs session cookies (relative to jobs.ini); empty = DATABASE.dashboard-secret (PostgreSQL: mailjobs.dashboard-secret beside jobs.ini), created 0600 on first use"},
        {"dashboard", "session_lifetime", T::duration, "12h", "how long a browser stays signed in (the cookie's Max-Age)", nullptr, 60, 2592000},
        {"dashboard", "sign_in_limit", T::integer, "10", "failed sign-ins accepted per 15 minutes (all browsers together); past it the form answers 429", nullptr, 1, 10000},
        // --- delivery keys (issue 5) ---
        {"general", "ca_bundle", T::path, "", "CA certificates for TLS (SMTP STARTTLS/smtps, HTTPS); empty = auto-detect the cPanel (AlmaLinux/CentOS) or Debian bundle"},
        {"mail", "transport", T::choice, "sendmail", "how mail leaves: sendmail (cPanel), smtp, smtps (implicit TLS) or maildir (files, for trying things out)", "sendmail|smtp|smtps|maildir"},
        {"mail", "sendmail_command", T::string, "/usr/sbin/sendmail -t -i", "sendmail program and arguments, split on spaces, run without a shell"},
        {"mail", "smtp_host", T::string, "", "SMTP server for transport = smtp or smtps"},
        {"mail", "smtp_port", T::integer, "0", "SMTP port; 0 = 587 for smtp, 465 for smtps", nullptr, 0, 65535},
        {"mail", "smtp_username", T::string, "", "SMTP AUTH user name; empty = no AUTH"},
        {"mail", "smtp_password", T::string, "", "SMTP AUTH password (prefer smtp_password_file)"},
        {"mail", "smtp_password_file", T::path, "", "file whose first line is the SMTP AUTH password (chmod 600)"},
        {"mail", "smtp_starttls", T::choice, "required", "STARTTLS for transport = smtp: required, opportunistic or off", "required|opportunistic|off"},
        {"mail", "smtp_reuse_connection", T::boolean, "true", "keep one SMTP connection open for a whole batch (false: one connection per message)"},
        {"mail", "connect_timeout", T::duration, "10s", "how long to wait for the SMTP server to accept the connection", nullptr, 1, 3600},
        {"mail", "timeout", T::duration, "60s", "longest time one message may take: bounds every SMTP reply wait (a sendmail still running is killed); a send starts only while this fits in the time budget", nullptr, 1, 3600},
        {"mail", "maildir_path", T::path, "var/maildir", "folder for transport = maildir (tmp/, new/, cur/ are created)"},
        {"mail", "max_message_bytes", T::integer, "26214400", "larger messages fail permanently, unsent (25 MiB)", nullptr, 1, 4294967296},
        {"mail", "from_address", T::string, "", "sender address of notices (envelope and From:); required once a notice is queued"},
        {"mail", "porter_name", T::string, "Porter", "display name of the default persona (porter)"},
        {"mail", "porter_address", T::string, "", "From: address of porter notices; empty = from_address"},
        {"mail", "personas", T::list, "overflow_hold=Overflow Hold", "other personas: NAME=Display Name or NAME=Display Name <address>, comma-separated"},
        {"job.forward-retry", "retry_schedule", T::durations, "1h,6h,24h,48h", "retries after the first failure; after the last one the forward fails for good"},
        {"job.forward-retry", "claim_ttl", T::duration, "10m", "a claimed message returns to the queue this long after a run that died holding it", nullptr, 60, 604800},
        {"job.forward-retry", "batch_size", T::integer, "50", "messages claimed per batch (one connection per batch)", nullptr, 1, 1000000},
        {"job.forward-retry", "spool_dir", T::path, "var/spool", "folder that relative failed_emails.spool_path values are in"},
        {"job.notification-delivery", "hourly_cap", T::integer, "100", "notices sent per clock hour at most, across runs (cPanel limits e-mails per domain per hour)", nullptr, 1, 1000000},
        {"job.notification-delivery", "digest", T::boolean, "false", "fold the queued notices of one user into one e-mail (as many as fit in [mail] max_message_bytes)"},
        {"job.notification-delivery", "retry_schedule", T::durations, "5m,30m,2h,6h", "waits after each transient failure; after the last one the notice fails for good"},
        {"job.notification-delivery", "claim_ttl", T::duration, "10m", "a claimed notice returns to the queue this long after a run that died holding it", nullptr, 60, 604800},
        {"job.notification-delivery", "batch_size", T::integer, "50", "notices claimed per batch (one connection per batch)", nullptr, 1, 1000000},
        // --- monitoring keys (issue 5) ---
        {"http", "connect_timeout", T::duration, "5s", "how long an HTTP request (webhook, alert, ping) waits for the connection", nullptr, 1, 3600},
        {"http", "timeout", T::duration, "15s", "longest time one webhook POST may take; a slower receiver is a transient failure", nullptr, 1, 3600},
        {"http", "allow_private_addresses", T::boolean, "false", "let user webhooks reach loopback, private and link-local addresses (off: such a URL fails permanently)"},
        {"job.webhook-retry", "retry_schedule", T::durations, "1m,5m,30m,2h", "waits after each failed attempt; after the last one the delivery is permanently_failed"},
        {"job.webhook-retry", "batch_size", T::integer, "100", "due deliveries read per batch (each is claimed on its own before its POST)", nullptr, 1, 1000000},
        {"job.*", "ping_url", T::url, "", "healthchecks.io-style ping URL: <url>/start, <url> on success, <url>/<exit status> on failure; empty = no pings"},
        {"alerts", "failure_threshold", T::integer, "3", "alert the operator after this many consecutive failed runs of a job (once, and once on recovery); 0 = never", nullptr, 0, 1000000},
        {"alerts", "email", T::string, "", "operator address for alerts (sent through [mail] from persona 'operator'); empty = no alert e-mail"},
        {"alerts", "webhook_url", T::url, "", "URL that receives alerts as a JSON POST (Slack-compatible 'text' field); empty = no alert webhook"},
        {"alerts", "webhook_secret", T::string, "", "HMAC-SHA256 key for the alert webhook's X-Mailjobs-Signature; empty = unsigned"},
        {"alerts", "timeout", T::duration, "10s", "longest time the alert webhook POST may take (alert e-mail uses [mail] timeout); a failed alert never fails the job", nullptr, 1, 3600},
        {"alerts", "ping_timeout", T::duration, "5s", "longest time one monitoring ping may take; a failed ping never fails the job", nullptr, 1, 3600},
    };
    return table;
}

}  // namespace mj
