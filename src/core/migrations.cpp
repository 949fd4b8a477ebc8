// The schema, as ordered migrations. share/schema.md documents every table and index below for the
// web application that writes the same file and for the operator; change both together.
//
// Rules (DESIGN.md "Database"):
//   - Append-only: a released entry is never edited; a change is a new entry with the next version.
//   - No PRAGMA, no BEGIN/COMMIT here: the runner sets auto_vacuum=INCREMENTAL before migration 1 and
//     wraps each entry in its own transaction together with the user_version update.
//   - Log-like tables use `id INTEGER PRIMARY KEY` (rowid order = insertion order, so a purge removes
//     a contiguous range); a public id is a separate `uuid TEXT UNIQUE` column whose default starts
//     with the insert time in hex, so its index is purged contiguously too. AUTOINCREMENT where an id
//     is stored elsewhere (dedupe keys, job_attempts, header_snapshots, account_deletions, the audit
//     archive) and must never be reused after the newest rows are deleted.
//   - Timestamps are INTEGER unix seconds UTC named *_at. Time columns that a job selects on carry
//     CHECK(typeof(x) = 'integer' AND x BETWEEN 0 AND 99999999999): an ISO text date or a millisecond
//     value would otherwise sort outside every cutoff and the row would never expire, silently.
//   - Booleans are INTEGER 0/1 with a CHECK; status enums have a CHECK.
//   - Every foreign-key child column has an index (SQLite scans the child table on a parent delete
//     otherwise). Child rows of a user are ON DELETE CASCADE; logs that must outlive their parent use
//     ON DELETE SET NULL or no foreign key (documented per table in share/schema.md).
//   - Only SQL that SQLite 3.8.3 (2014) can read: no STRICT tables, no generated columns, no JSON
//     functions in constraints, no unixepoch(); the application's SQLite library may be old.
#include "core/migrations.h"

#include <string>

namespace mj {
namespace {

// ---------------------------------------------------------------------------------------------
// Job bookkeeping: written only by mailjobs; the application may read it (status pages).
// ---------------------------------------------------------------------------------------------
const char* const kJobTables = R"sql(
CREATE TABLE job_runs (
    id          INTEGER PRIMARY KEY,
    job         TEXT    NOT NULL,
    trigger     TEXT    NOT NULL CHECK(trigger IN ('cron','manual','worker','api')),
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    outcome     TEXT    NOT NULL DEFAULT 'running'
                CHECK(outcome IN ('running','done','more','skipped','failed','interrupted')),
    exit_reason TEXT    CHECK(exit_reason IS NULL OR exit_reason IN
                ('done','budget reached','signal','lock held','conflict','error','disabled')),
    dry_run     INTEGER NOT NULL DEFAULT 0,
    examined    INTEGER NOT NULL DEFAULT 0,
    changed     INTEGER NOT NULL DEFAULT 0,
    counts      TEXT    NOT NULL DEFAULT '{}',   -- JSON object: table or counter name -> integer
    error       TEXT,
    owner       TEXT,
    clock_at    INTEGER,                         -- the job's clock (differs from started_at under --now)
    duration_ms INTEGER,
    max_txn_ms  INTEGER
);
CREATE INDEX job_runs_job_id     ON job_runs(job, id);
CREATE INDEX job_runs_started_at ON job_runs(started_at);

CREATE TABLE job_locks (
    job          TEXT    PRIMARY KEY,
    owner        TEXT    NOT NULL,
    host         TEXT    NOT NULL,
    pid          INTEGER NOT NULL,
    run_id       INTEGER,
    acquired_at  INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE job_state (
    job                  TEXT    PRIMARY KEY,
    next_due_at          INTEGER,
    last_run_id          INTEGER,
    last_outcome         TEXT,
    last_started_at      INTEGER,
    last_finished_at     INTEGER,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    alert_state          TEXT    NOT NULL DEFAULT 'ok' CHECK(alert_state IN ('ok','alerted')),
    cursor               TEXT    NOT NULL DEFAULT '{}'
);

-- One row per delivery attempt of webhook-retry (item_table 'delivery_log'), forward-retry
-- ('failed_emails') and notification-delivery ('notification_outbox'). No foreign keys: attempts
-- outlive their item and their run, and job-history-cleanup purges them by created_at.
CREATE TABLE job_attempts (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER,                    -- job_runs.id (not enforced)
    job           TEXT    NOT NULL,
    item_table    TEXT    NOT NULL,
    item_id       INTEGER NOT NULL,
    attempt       INTEGER NOT NULL,           -- 1 = first attempt made by a job
    status_code   INTEGER,                    -- HTTP status or SMTP reply code; NULL = no answer
    error         TEXT,
    duration_ms   INTEGER,
    next_retry_at INTEGER,                    -- NULL when will_retry = 0
    will_retry    INTEGER NOT NULL DEFAULT 0 CHECK(will_retry IN (0,1)),
    created_at    INTEGER NOT NULL
);
CREATE INDEX job_attempts_item       ON job_attempts(item_table, item_id, attempt);
CREATE INDEX job_attempts_run_id     ON job_attempts(run_id);
CREATE INDEX job_attempts_created_at ON job_attempts(created_at);

-- Hourly cap of notification-delivery, persisted across runs: one row per hour window.
CREATE TABLE send_quota (
    window_start INTEGER PRIMARY KEY,         -- unix seconds, a multiple of 3600
    sent         INTEGER NOT NULL
);

-- Operator alerts (BJ-26): one row per alert sent or attempted, for `mailjobs status` and audits.
-- job_state.alert_state is what makes an alert go once; this table is the record.
CREATE TABLE operator_alerts (
    id                   INTEGER PRIMARY KEY,
    job                  TEXT    NOT NULL,
    kind                 TEXT    NOT NULL CHECK(kind IN ('failing','recovered')),
    run_id               INTEGER,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    channel              TEXT    NOT NULL CHECK(channel IN ('email','webhook')),
    status               TEXT    NOT NULL CHECK(status IN ('sent','failed')),
    error                TEXT,
    created_at           INTEGER NOT NULL
);
CREATE INDEX operator_alerts_job_id     ON operator_alerts(job, id);
CREATE INDEX operator_alerts_created_at ON operator_alerts(created_at);
)sql";

// ---------------------------------------------------------------------------------------------
// Accounts and addresses: written by the application; jobs expire, verify and delete.
// ---------------------------------------------------------------------------------------------
const char* const kAccountTables = R"sql(
CREATE TABLE users (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                   TEXT    NOT NULL UNIQUE
                           DEFAULT (lower(printf('%08x', CAST(strftime('%s','now') AS INTEGER)) || hex(randomblob(12)))),
    email                  TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name           TEXT,
    status                 TEXT    NOT NULL DEFAULT 'active'
                           CHECK(status IN ('active','suspended','deleted')),
    plan                   TEXT    NOT NULL DEFAULT 'free',
    quota_bytes            INTEGER CHECK(quota_bytes IS NULL OR quota_bytes >= 0),  -- per cycle; NULL = no quota
    billing_anchor_day     INTEGER NOT NULL DEFAULT 1 CHECK(billing_anchor_day BETWEEN 1 AND 31),
    billing_cycle_start_at INTEGER,           -- current cycle start if the billing system knows it
    created_at             INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
    updated_at             INTEGER,
    deleted_at             INTEGER            -- account deletion requested (soft delete)
                           CHECK(deleted_at IS NULL OR
                                 (typeof(deleted_at) = 'integer' AND deleted_at BETWEEN 0 AND 99999999999))
);
CREATE INDEX users_deleted_at ON users(deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE domains (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid               TEXT    NOT NULL UNIQUE
                       DEFAULT (lower(printf('%08x', CAST(strftime('%s','now') AS INTEGER)) || hex(randomblob(12)))),
    user_id            INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name               TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    status             TEXT    NOT NULL DEFAULT 'pending' CHECK(status IN ('pending','verified','failed')),
    verification_token TEXT    NOT NULL,     -- value the user publishes in a TXT record
    verified_at        INTEGER,
    last_checked_at    INTEGER,
    next_check_at      INTEGER                -- NULL = never recheck; set to now to recheck at once
                       CHECK(next_check_at IS NULL OR
                             (typeof(next_check_at) = 'integer' AND next_check_at BETWEEN 0 AND 99999999999)),
    check_failures     INTEGER NOT NULL DEFAULT 0,
    last_error         TEXT,
    notified_status    TEXT CHECK(notified_status IS NULL OR notified_status IN ('pending','verified','failed')),
    created_at         INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
    updated_at         INTEGER
);
CREATE INDEX domains_user_id       ON domains(user_id);
CREATE INDEX domains_next_check_at ON domains(next_check_at);

-- History of dns-recheck results (one row per check).
CREATE TABLE dns_checks (
    id         INTEGER PRIMARY KEY,
    domain_id  INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    run_id     INTEGER,                       -- job_runs.id (not enforced)
    result     TEXT    NOT NULL CHECK(result IN ('verified','missing','mismatch','error')),
    detail     TEXT,                          -- what was found (TXT values, resolver error)
    checked_at INTEGER NOT NULL
);
CREATE INDEX dns_checks_domain_id  ON dns_checks(domain_id, id);
CREATE INDEX dns_checks_checked_at ON dns_checks(checked_at);

CREATE TABLE aliases (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid           TEXT    NOT NULL UNIQUE
                   DEFAULT (lower(printf('%08x', CAST(strftime('%s','now') AS INTEGER)) || hex(randomblob(12)))),
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    domain_id      INTEGER REFERENCES domains(id) ON DELETE CASCADE,   -- NULL = a service domain
    address        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    description    TEXT,
    active         INTEGER NOT NULL DEFAULT 1 CHECK(active IN (0,1)),
    expires_at     INTEGER
                   CHECK(expires_at IS NULL OR
                         (typeof(expires_at) = 'integer' AND expires_at BETWEEN 0 AND 99999999999)),
    deactivated_at INTEGER,
    deactivated_by TEXT,                      -- 'user', 'admin', 'job:alias-expiry'
    created_at     INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
    updated_at     INTEGER
);
CREATE INDEX aliases_user_id    ON aliases(user_id);
CREATE INDEX aliases_domain_id  ON aliases(domain_id);
CREATE INDEX aliases_expiry     ON aliases(active, expires_at);

CREATE TABLE destinations (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                    TEXT    NOT NULL UNIQUE
                            DEFAULT (lower(printf('%08x', CAST(strftime('%s','now') AS INTEGER)) || hex(randomblob(12)))),
    user_id                 INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email                   TEXT    NOT NULL COLLATE NOCASE,
    verified_at             INTEGER,
    verification_token_hash TEXT    UNIQUE,
    verification_expires_at INTEGER
                            CHECK(verification_expires_at IS NULL OR
                                  (typeof(verification_expires_at) = 'integer' AND
                                   verification_expires_at BETWEEN 0 AND 99999999999)),
    verification_notice_at  INTEGER,          -- removal notice queued (BJ-14 grace)
    created_at              INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))
                            CHECK(typeof(created_at) = 'integer' AND created_at BETWEEN 0 AND 99999999999),
    updated_at              INTEGER,
    UNIQUE (user_id, email)
);
CREATE INDEX destinations_token_expiry ON destinations(verification_expires_at);
CREATE INDEX destinations_unverified   ON destinations(verified_at, created_at);

CREATE TABLE alias_destinations (
    alias_id       INTEGER NOT NULL REFERENCES aliases(id) ON DELETE CASCADE,
    destination_id INTEGER NOT NULL REFERENCES destinations(id) ON DELETE CASCADE,
    PRIMARY KEY (alias_id, destination_id)
) WITHOUT ROWID;
CREATE INDEX alias_destinations_destination_id ON alias_destinations(destination_id);
)sql";

// ---------------------------------------------------------------------------------------------
// Mail the service holds: failed forwards, overflow hold, spam quarantine.
// ---------------------------------------------------------------------------------------------
const char* const kHeldMailTables = R"sql(
CREATE TABLE failed_emails (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                   TEXT    NOT NULL UNIQUE
                           DEFAULT (lower(printf('%08x', CAST(strftime('%s','now') AS INTEGER)) || hex(randomblob(12)))),
    user_id                INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    alias_id               INTEGER REFERENCES aliases(id) ON DELETE SET NULL,
    message_id             TEXT,             -- Message-ID header, for logs
    mail_from              TEXT    NOT NULL,  -- envelope sender ('' for bounces)
    rcpt_to                TEXT    NOT NULL,  -- the destination the forward failed to
    raw_message            BLOB,
    spool_path             TEXT,
    size_bytes             INTEGER NOT NULL CHECK(size_bytes >= 0),
    first_failed_at        INTEGER NOT NULL
                           CHECK(typeof(first_failed_at) = 'integer' AND first_failed_at BETWEEN 0 AND 99999999999),
    attempts               INTEGER NOT NULL DEFAULT 0,   -- retries made by forward-retry
    next_attempt_at        INTEGER
                           CHECK(next_attempt_at IS NULL OR
                                 (typeof(next_attempt_at) = 'integer' AND next_attempt_at BETWEEN 0 AND 99999999999)),
    last_attempt_at        INTEGER,
    last_error             TEXT,
    last_status_code       INTEGER,           -- SMTP reply code of the last attempt
    status                 TEXT    NOT NULL DEFAULT 'pending'
                           CHECK(status IN ('pending','sending','delivered','failed')),
    claimed_by             TEXT,
    claim_expires_at       INTEGER,
    delivered_at           INTEGER,
    failed_at              INTEGER,           -- final failure (permanent or attempts exhausted)
    final_notice_queued_at INTEGER,
    created_at             INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
    CHECK(raw_message IS NOT NULL OR spool_path IS NOT NULL),
    CHECK(status <> 'pending' OR next_attempt_at IS NOT NULL)
);
CREATE INDEX failed_emails_due             ON failed_emails(status, next_attempt_at);
CREATE INDEX failed_emails_first_failed_at ON failed_emails(first_failed_at);
CREATE INDEX failed_emails_user_id         ON failed_emails(user_id);
CREATE INDEX failed_emails_alias_id        ON failed_emails(alias_id);

CREATE TABLE overflow_hold (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid              TEXT    NOT NULL UNIQUE
                      DEFAULT (lower(printf('%08x', CAST(strftime('%s','now') AS INTEGER)) || hex(randomblob(12)))),
    user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    alias_id          INTEGER REFERENCES aliases(id) ON DELETE SET NULL,
    message_id        TEXT,
    mail_from         TEXT    NOT NULL,
    rcpt_to           TEXT    NOT NULL,
    subject           TEXT,
    raw_message       BLOB,
    spool_path        TEXT,
    size_bytes        INTEGER NOT NULL CHECK(size_bytes >= 0),
    reason            TEXT,                   -- why it is held ('quota', 'rate', ...)
    held_at           INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))
                      CHECK(typeof(held_at) = 'integer' AND held_at BETWEEN 0 AND 99999999999),
    warning_queued_at INTEGER,                -- purge warning put into notification_outbox
    CHECK(raw_message IS NOT NULL OR spool_path IS NOT NULL)
);
CREATE INDEX overflow_hold_held_at  ON overflow_hold(held_at);
CREATE INDEX overflow_hold_user_id  ON overflow_hold(user_id);
CREATE INDEX overflow_hold_alias_id ON overflow_hold(alias_id);

CREATE TABLE spam_quarantine (
    id             INTEGER PRIMARY KEY,
    uuid           TEXT    NOT NULL UNIQUE
                   DEFAULT (lower(printf('%08x', CAST(strftime('%s','now') AS INTEGER)) || hex(randomblob(12)))),
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    alias_id       INTEGER REFERENCES aliases(id) ON DELETE SET NULL,
    message_id     TEXT,
    mail_from      TEXT    NOT NULL,
    rcpt_to        TEXT    NOT NULL,
    subject        TEXT,
    raw_message    BLOB,
    spool_path     TEXT,
    size_bytes     INTEGER NOT NULL CHECK(size_bytes >= 0),
    score          REAL,
    quarantined_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))
                   CHECK(typeof(quarantined_at) = 'integer' AND quarantined_at BETWEEN 0 AND 99999999999),
    CHECK(raw_message IS NOT NULL OR spool_path IS NOT NULL)
);
CREATE INDEX spam_quarantine_quarantined_at ON spam_quarantine(quarantined_at);
CREATE INDEX spam_quarantine_user_id        ON spam_quarantine(user_id);
CREATE INDEX spam_quarantine_alias_id       ON spam_quarantine(alias_id);
)sql";

// ---------------------------------------------------------------------------------------------
// Logs, statistics and usage.
// ---------------------------------------------------------------------------------------------
const char* const kLogTables = R"sql(
CREATE TABLE message_logs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    alias_id   INTEGER REFERENCES aliases(id) ON DELETE SET NULL,
    message_id TEXT,
    mail_from  TEXT,
    rcpt_to    TEXT,
    direction  TEXT    NOT NULL DEFAULT 'inbound' CHECK(direction IN ('inbound','outbound')),
    outcome    TEXT    NOT NULL
               CHECK(outcome IN ('delivered','bounced','rejected','failed','held','quarantined')),
    bytes      INTEGER NOT NULL DEFAULT 0 CHECK(bytes >= 0),
    created_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))
               CHECK(typeof(created_at) = 'integer' AND created_at BETWEEN 0 AND 99999999999)
);
CREATE INDEX message_logs_created_at ON message_logs(created_at);
CREATE INDEX message_logs_user       ON message_logs(user_id, created_at);
CREATE INDEX message_logs_alias_id   ON message_logs(alias_id);

-- Per-user per-day aggregate that message-log-cleanup folds detail rows into before deleting them.
CREATE TABLE message_stats_daily (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day     INTEGER NOT NULL CHECK(typeof(day) = 'integer' AND day % 86400 = 0),  -- UTC day start
    outcome TEXT    NOT NULL
            CHECK(outcome IN ('delivered','bounced','rejected','failed','held','quarantined')),
    count   INTEGER NOT NULL DEFAULT 0,
    bytes   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day, outcome)
) WITHOUT ROWID;
CREATE INDEX message_stats_daily_day ON message_stats_daily(day);

CREATE TABLE header_snapshots (
    id             INTEGER PRIMARY KEY,
    message_log_id INTEGER,                   -- message_logs.id; no FK (see share/schema.md)
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    encrypted      BLOB    NOT NULL,
    created_at     INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))
                   CHECK(typeof(created_at) = 'integer' AND created_at BETWEEN 0 AND 99999999999)
);
CREATE INDEX header_snapshots_created_at     ON header_snapshots(created_at);
CREATE INDEX header_snapshots_message_log_id ON header_snapshots(message_log_id);
CREATE INDEX header_snapshots_user_id        ON header_snapshots(user_id);

CREATE TABLE audit_logs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- archive readers dedupe by id: never reused
    user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,  -- the trail outlives the account
    actor      TEXT    NOT NULL,              -- 'user:<uuid>', 'admin:<name>', 'job:<job name>'
    action     TEXT    NOT NULL,              -- 'alias.expired', 'account.deleted', ...
    target     TEXT,                          -- 'alias:<uuid>', 'user:<uuid>', ...
    critical   INTEGER NOT NULL DEFAULT 0 CHECK(critical IN (0,1)),
    details    TEXT    NOT NULL DEFAULT '{}', -- JSON object
    ip         TEXT,
    created_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))
               CHECK(typeof(created_at) = 'integer' AND created_at BETWEEN 0 AND 99999999999)
);
CREATE INDEX audit_logs_created_at ON audit_logs(created_at);
CREATE INDEX audit_logs_retention  ON audit_logs(critical, created_at);
CREATE INDEX audit_logs_user_id    ON audit_logs(user_id);

-- Raw usage: one row per forwarded message, or one per user per period if the application batches.
CREATE TABLE bandwidth_usage (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    bytes       INTEGER NOT NULL CHECK(bytes >= 0),
    emails      INTEGER NOT NULL DEFAULT 1 CHECK(emails >= 0),
    recorded_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))
                CHECK(typeof(recorded_at) = 'integer' AND recorded_at BETWEEN 0 AND 99999999999)
);
CREATE INDEX bandwidth_usage_recorded_at ON bandwidth_usage(recorded_at);
CREATE INDEX bandwidth_usage_user        ON bandwidth_usage(user_id, recorded_at);

CREATE TABLE bandwidth_rollups (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    period       TEXT    NOT NULL CHECK(period IN ('day','week')),
    period_start INTEGER NOT NULL            -- UTC day start; weeks start on Monday 00:00 UTC
                 CHECK(typeof(period_start) = 'integer' AND period_start % 86400 = 0 AND
                       (period = 'day' OR (period_start / 86400 + 3) % 7 = 0)),
    bytes_used   INTEGER NOT NULL DEFAULT 0,
    email_count  INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, period, period_start)
) WITHOUT ROWID;
CREATE INDEX bandwidth_rollups_period ON bandwidth_rollups(period, period_start);

CREATE TABLE usage_threshold_events (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    cycle_start INTEGER NOT NULL,            -- start of the billing cycle the event belongs to
    threshold   INTEGER NOT NULL CHECK(threshold BETWEEN 1 AND 1000),  -- percent of quota
    used_bytes  INTEGER NOT NULL,
    quota_bytes INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (user_id, cycle_start, threshold)
);
CREATE INDEX usage_threshold_events_created_at ON usage_threshold_events(created_at);
)sql";

// ---------------------------------------------------------------------------------------------
// Sign-in tokens.
// ---------------------------------------------------------------------------------------------
const char* const kAuthTables = R"sql(
CREATE TABLE magic_links (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
    expires_at INTEGER NOT NULL
               CHECK(typeof(expires_at) = 'integer' AND expires_at BETWEEN 0 AND 99999999999),
    used_at    INTEGER,
    ip         TEXT
);
CREATE INDEX magic_links_expires_at ON magic_links(expires_at);
CREATE INDEX magic_links_user_id    ON magic_links(user_id);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
    last_seen_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))
                 CHECK(typeof(last_seen_at) = 'integer' AND last_seen_at BETWEEN 0 AND 99999999999),
    expires_at   INTEGER NOT NULL             -- absolute timeout
                 CHECK(typeof(expires_at) = 'integer' AND expires_at BETWEEN 0 AND 99999999999),
    user_agent   TEXT,
    ip           TEXT
);
CREATE INDEX sessions_expires_at   ON sessions(expires_at);
CREATE INDEX sessions_last_seen_at ON sessions(last_seen_at);
CREATE INDEX sessions_user_id      ON sessions(user_id);
)sql";

// ---------------------------------------------------------------------------------------------
// Webhooks and their delivery log (seed 000).
// ---------------------------------------------------------------------------------------------
const char* const kWebhookTables = R"sql(
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT    NOT NULL UNIQUE
               DEFAULT (lower(printf('%08x', CAST(strftime('%s','now') AS INTEGER)) || hex(randomblob(12)))),
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    domain_id  INTEGER REFERENCES domains(id) ON DELETE CASCADE,  -- NULL = all the user's mail
    url        TEXT    NOT NULL,              -- checked by webhook-retry (http or https only)
    secret     TEXT    NOT NULL,              -- HMAC-SHA256 key for the signature header
    active     INTEGER NOT NULL DEFAULT 1 CHECK(active IN (0,1)),
    created_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
    updated_at INTEGER
);
CREATE INDEX webhooks_user_id   ON webhooks(user_id);
CREATE INDEX webhooks_domain_id ON webhooks(domain_id);

CREATE TABLE delivery_log (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid             TEXT    NOT NULL UNIQUE
                     DEFAULT (lower(printf('%08x', CAST(strftime('%s','now') AS INTEGER)) || hex(randomblob(12)))),
    user_id          INTEGER REFERENCES users(id) ON DELETE CASCADE,
    domain_id        INTEGER REFERENCES domains(id) ON DELETE SET NULL,
    webhook_id       INTEGER REFERENCES webhooks(id) ON DELETE SET NULL,
    message_id       TEXT,
    webhook_url      TEXT    NOT NULL,        -- copied at enqueue time
    payload_hash     TEXT    NOT NULL,
    payload          TEXT    NOT NULL,        -- JSON body as sent
    status           TEXT    NOT NULL DEFAULT 'pending'
                     CHECK(status IN ('pending','delivering','delivered','failed','permanently_failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    instance_id      TEXT,
    last_error       TEXT,
    last_status_code INTEGER,
    next_retry_at    INTEGER DEFAULT (CAST(strftime('%s','now') AS INTEGER))   -- due time; NULL when final
                     CHECK(next_retry_at IS NULL OR
                           (typeof(next_retry_at) = 'integer' AND next_retry_at BETWEEN 0 AND 99999999999)),
    claimed_by       TEXT,
    claim_expires_at INTEGER,
    created_at       INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))
                     CHECK(typeof(created_at) = 'integer' AND created_at BETWEEN 0 AND 99999999999),
    updated_at       INTEGER,
    delivered_at     INTEGER,
    CHECK(status NOT IN ('pending','failed') OR next_retry_at IS NOT NULL)
);
CREATE INDEX delivery_log_created_at ON delivery_log(created_at);
CREATE INDEX delivery_log_due        ON delivery_log(status, next_retry_at);
CREATE INDEX delivery_log_user_id    ON delivery_log(user_id);
CREATE INDEX delivery_log_domain_id  ON delivery_log(domain_id);
CREATE INDEX delivery_log_webhook_id ON delivery_log(webhook_id);
)sql";

// ---------------------------------------------------------------------------------------------
// In-app notifications and chat messages; the e-mail outbox; exports; account deletions.
// ---------------------------------------------------------------------------------------------
const char* const kUserFacingTables = R"sql(
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type       TEXT    NOT NULL,              -- 'usage_threshold', 'dns_status', 'export_ready', ...
    title      TEXT    NOT NULL,
    body       TEXT,
    link       TEXT,
    status     TEXT    NOT NULL DEFAULT 'unread' CHECK(status IN ('unread','read')),
    created_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))
               CHECK(typeof(created_at) = 'integer' AND created_at BETWEEN 0 AND 99999999999),
    read_at    INTEGER,
    deleted_at INTEGER                        -- soft delete (seed 004); hard-deleted after a grace
               CHECK(deleted_at IS NULL OR
                     (typeof(deleted_at) = 'integer' AND deleted_at BETWEEN 0 AND 99999999999))
);
CREATE INDEX notifications_user       ON notifications(user_id, status, created_at);
-- notification-cleanup: live rows per user (the count) and each user's newest N (the boundary).
CREATE INDEX notifications_live       ON notifications(user_id, created_at) WHERE deleted_at IS NULL;
CREATE INDEX notifications_deleted_at ON notifications(deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    conversation_id INTEGER,                  -- application-defined grouping
    role            TEXT    NOT NULL DEFAULT 'user',   -- 'user', 'assistant', 'support', ...
    content         TEXT    NOT NULL,
    created_at      INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER)),
    expires_at      INTEGER NOT NULL          -- created_at + 2 days by default (seed 002)
                    CHECK(typeof(expires_at) = 'integer' AND expires_at BETWEEN 0 AND 99999999999)
);
CREATE INDEX messages_expires_at   ON messages(expires_at);
CREATE INDEX messages_user_id      ON messages(user_id);
CREATE INDEX messages_conversation ON messages(conversation_id, id);

CREATE TABLE notification_outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER REFERENCES users(id) ON DELETE CASCADE,  -- NULL = not to a user (operator)
    to_address       TEXT    NOT NULL,
    persona          TEXT    NOT NULL DEFAULT 'porter',  -- sender identity, see [mail] in jobs.ini
    from_name        TEXT,                    -- overrides the persona's display name
    kind             TEXT    NOT NULL,        -- 'forward_failed', 'overflow_hold_warning', ...
    subject          TEXT    NOT NULL,
    body             TEXT    NOT NULL,        -- text/plain
    body_html        TEXT,
    dedupe_key       TEXT    NOT NULL UNIQUE, -- a notice with the same key is queued once
    status           TEXT    NOT NULL DEFAULT 'queued'
                     CHECK(status IN ('queued','sending','sent','failed','digested','cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))  -- not before
                     CHECK(typeof(next_attempt_at) = 'integer' AND next_attempt_at BETWEEN 0 AND 99999999999),
    last_error       TEXT,
    claimed_by       TEXT,
    claim_expires_at INTEGER,
    digest_id        INTEGER REFERENCES notification_outbox(id) ON DELETE SET NULL,
    created_at       INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))
                     CHECK(typeof(created_at) = 'integer' AND created_at BETWEEN 0 AND 99999999999),
    sent_at          INTEGER
);
CREATE INDEX notification_outbox_due        ON notification_outbox(status, next_attempt_at);
CREATE INDEX notification_outbox_user       ON notification_outbox(user_id, status);
CREATE INDEX notification_outbox_digest_id  ON notification_outbox(digest_id);
CREATE INDEX notification_outbox_created_at ON notification_outbox(created_at);

CREATE TABLE exports (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid             TEXT    NOT NULL UNIQUE
                     DEFAULT (lower(printf('%08x', CAST(strftime('%s','now') AS INTEGER)) || hex(randomblob(12)))),
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status           TEXT    NOT NULL DEFAULT 'requested'
                     CHECK(status IN ('requested','running','ready','expired','failed')),
    format           TEXT    NOT NULL DEFAULT 'json+csv' CHECK(format IN ('json','csv','json+csv')),
    path             TEXT,                    -- archive file, relative to the export folder
    size_bytes       INTEGER,
    token_hash       TEXT    UNIQUE,          -- hash of the download link's token
    progress         TEXT    NOT NULL DEFAULT '{}',  -- JSON: tables done, rows written
    claimed_by       TEXT,
    claim_expires_at INTEGER,
    error            TEXT,
    requested_at     INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))
                     CHECK(typeof(requested_at) = 'integer' AND requested_at BETWEEN 0 AND 99999999999),
    started_at       INTEGER,
    completed_at     INTEGER,
    expires_at       INTEGER
                     CHECK(expires_at IS NULL OR
                           (typeof(expires_at) = 'integer' AND expires_at BETWEEN 0 AND 99999999999)),
    notified_at      INTEGER                  -- export-ready notice queued
);
CREATE INDEX exports_queue      ON exports(status, requested_at);
CREATE INDEX exports_expires_at ON exports(expires_at);
CREATE INDEX exports_user_id    ON exports(user_id);

-- One row per account the account-deletion job has started or finished purging. No foreign key:
-- the row is the proof of deletion and outlives the users row it names.
CREATE TABLE account_deletions (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL,            -- former users.id
    user_uuid    TEXT    NOT NULL UNIQUE,
    requested_at INTEGER NOT NULL,            -- users.deleted_at
    started_at   INTEGER NOT NULL,
    completed_at INTEGER,
    status       TEXT    NOT NULL DEFAULT 'running' CHECK(status IN ('running','done')),
    counts       TEXT    NOT NULL DEFAULT '{}',  -- JSON: table -> rows deleted
    run_id       INTEGER                      -- job_runs.id of the run that finished it
);
CREATE INDEX account_deletions_status ON account_deletions(status, id);
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
    // Migration 1 is one SQL text made of the sections above, in this order.
    static const std::string initial = std::string(kJobTables) + kAccountTables + kHeldMailTables +
                                       kLogTables + kAuthTables + kWebhookTables + kUserFacingTables;
    static const std::vector<Migration> list = {
        {1, "initial schema", initial.c_str()},
        // Issue 12.1: a notice's Message-ID is fixed when it is first claimed, so a retry after an
        // unknown outcome (timeout after the message was handed over) carries the same one.
        {2, "notification_outbox.message_id",
         "ALTER TABLE notification_outbox ADD COLUMN message_id TEXT;"},  // "<...@domain>", NULL until first claimed
        // Issue 14 (BJ-18): account-deletion's resumable cursor, the step of core/user_data's list a
        // running deletion is at ("aliases", "job_attempts/failed_emails"); NULL once done.
        {3, "account_deletions.at_table", "ALTER TABLE account_deletions ADD COLUMN at_table TEXT;"},
        // Issue 14 (BJ-18): a deleted alias address as a keyed hash, so the application never hands
        // it to someone else; no personal data (the HMAC needs the server secret). No foreign key.
        {4, "alias_tombstones",
         "CREATE TABLE alias_tombstones ("
         " id INTEGER PRIMARY KEY,"
         " address_hmac TEXT NOT NULL,"  // lowercase hex HMAC-SHA256(secret, lowercase(address))
         " key_id TEXT NOT NULL,"        // which secret ([job.account-deletion] tombstone_key_id)
         " created_at INTEGER NOT NULL CHECK(typeof(created_at) = 'integer' AND created_at BETWEEN 0 AND 99999999999),"
         " UNIQUE (address_hmac, key_id));"},
        // Issue 14 (BJ-17): account-export's attempts (a claim taken counts one: an export that
        // kills its run every time still ends 'failed'), downloads of the ready archive (the link's
        // limit), and at most one active export per user as a constraint the application's INSERT
        // meets. Duplicates an older database holds are closed first, the oldest request stays.
        {5, "exports attempts, downloads, one active per user",
         "ALTER TABLE exports ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
         "ALTER TABLE exports ADD COLUMN downloads INTEGER NOT NULL DEFAULT 0;"
         "ALTER TABLE exports ADD COLUMN last_download_at INTEGER;"
         "UPDATE exports SET status = 'failed', claimed_by = NULL, claim_expires_at = NULL,"
         " error = 'another export of this account was already requested' WHERE status IN ('requested','running')"
         " AND id NOT IN (SELECT min(id) FROM exports WHERE status IN ('requested','running') GROUP BY user_id);"
         "CREATE UNIQUE INDEX exports_one_active ON exports(user_id) WHERE status IN ('requested','running');"},
        // Issue 15 (BJ-09): archive files uploaded to external storage and verified there, so a file
        // is not uploaded twice (a rerun after the deletes were interrupted) and the operator can see
        // what is where. One row per (job, file); a file that grew (critical rows appended years
        // later) is uploaded again and its row updated. The backups can write their files here too.
        {6, "archive_uploads",
         "CREATE TABLE archive_uploads ("
         " job TEXT NOT NULL,"                  // the job that wrote and uploaded it: 'audit-log-cleanup'
         " file TEXT NOT NULL,"                 // name in the job's local folder: 'audit-2025-01-31.jsonl.gz'
         " remote_url TEXT NOT NULL,"           // where it went (no credentials)
         " size INTEGER NOT NULL CHECK(size >= 0),"  // bytes the server confirmed (PROPFIND/HEAD)
         " uploaded_at INTEGER NOT NULL,"
         " run_id INTEGER,"                     // job_runs.id of the run that uploaded it
         " PRIMARY KEY (job, file));"},
        // Issue 15 (BJ-20): dns-recheck's results are pass/fail/unknown per check with each record's
        // verdict (migration 1's verified/missing/mismatch/error could not say "unknown" and kept
        // no record detail: a CHECK cannot change in place, so the table is rebuilt, old rows
        // mapped: verified -> pass, missing/mismatch -> fail, error -> unknown). A verified domain
        // loses its status only after fails spanning fail_span: domains.failing_since is the
        // first fail of the current streak (check_failures counts it).
        {7, "dns_checks pass/fail/unknown, domains.failing_since",
         "ALTER TABLE domains ADD COLUMN failing_since INTEGER"
         " CHECK(failing_since IS NULL OR (typeof(failing_since) = 'integer' AND failing_since BETWEEN 0 AND 99999999999));"
         "UPDATE domains SET failing_since = coalesce(last_checked_at, created_at) WHERE check_failures > 0;"
         "CREATE TABLE dns_checks_v7 ("
         " id INTEGER PRIMARY KEY,"
         " domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,"
         " run_id INTEGER,"                       // job_runs.id (not enforced)
         " result TEXT NOT NULL CHECK(result IN ('pass','fail','unknown')),"
         " status TEXT CHECK(status IS NULL OR status IN ('pending','verified','failed')),"  // the domain's after it
         " records TEXT,"                         // JSON: [{"record","result","required","detail"}]
         " detail TEXT,"
         " checked_at INTEGER NOT NULL CHECK(typeof(checked_at) = 'integer' AND checked_at BETWEEN 0 AND 99999999999));"
         "INSERT INTO dns_checks_v7(id, domain_id, run_id, result, status, records, detail, checked_at)"
         " SELECT id, domain_id, run_id, CASE result WHEN 'verified' THEN 'pass' WHEN 'error' THEN 'unknown' ELSE 'fail' END,"
         " NULL, NULL, CASE WHEN result IN ('missing','mismatch') THEN result || coalesce(': ' || detail, '') ELSE detail END,"
         " checked_at FROM dns_checks;"
         "DROP TABLE dns_checks;"
         "ALTER TABLE dns_checks_v7 RENAME TO dns_checks;"
         "CREATE INDEX dns_checks_domain_id ON dns_checks(domain_id, id);"
         "CREATE INDEX dns_checks_checked_at ON dns_checks(checked_at);"},
        // Issue 15 (BJ-10, BJ-11). bandwidth_usage is rebuilt with AUTOINCREMENT so its id is a
        // monotonic key: bandwidth-rollup's watermark is "every row with id <= N is rolled up", which
        // a reused id (the newest rows deleted, then new ones inserted) would break. SQLite has one
        // writer at a time, so an id becomes visible only after every smaller one is. Existing rows
        // keep their ids. usage_threshold_events is rebuilt with a kind ('crossed' or 'pace': the
        // projection past the quota) and the quota in its unique key: each threshold is recorded once
        // per (user, cycle, quota, kind), so a plan change within a cycle re-arms the thresholds
        // against the new quota (README "usage-threshold-check"). Existing events become 'crossed'.
        {8, "bandwidth_usage AUTOINCREMENT, usage_threshold_events kind",
         "CREATE TABLE bandwidth_usage_v6 ("
         " id INTEGER PRIMARY KEY AUTOINCREMENT,"
         " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
         " bytes INTEGER NOT NULL CHECK(bytes >= 0),"
         " emails INTEGER NOT NULL DEFAULT 1 CHECK(emails >= 0),"
         " recorded_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s','now') AS INTEGER))"
         "  CHECK(typeof(recorded_at) = 'integer' AND recorded_at BETWEEN 0 AND 99999999999));"
         "INSERT INTO bandwidth_usage_v6(id, user_id, bytes, emails, recorded_at)"
         " SELECT id, user_id, bytes, emails, recorded_at FROM bandwidth_usage ORDER BY id;"
         "DROP TABLE bandwidth_usage;"
         "ALTER TABLE bandwidth_usage_v6 RENAME TO bandwidth_usage;"
         "CREATE INDEX bandwidth_usage_recorded_at ON bandwidth_usage(recorded_at);"
         "CREATE INDEX bandwidth_usage_user ON bandwidth_usage(user_id, recorded_at);"
         "CREATE TABLE usage_threshold_events_v6 ("
         " id INTEGER PRIMARY KEY,"
         " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
         " cycle_start INTEGER NOT NULL,"
         " threshold INTEGER NOT NULL CHECK(threshold BETWEEN 1 AND 1000),"
         " used_bytes INTEGER NOT NULL,"
         " quota_bytes INTEGER NOT NULL,"
         " created_at INTEGER NOT NULL,"
         " kind TEXT NOT NULL DEFAULT 'crossed' CHECK(kind IN ('crossed','pace')),"
         " cycle_end INTEGER,"  // end of the cycle (NULL for rows from before version 6)
         " UNIQUE (user_id, cycle_start, quota_bytes, kind, threshold));"
         "INSERT INTO usage_threshold_events_v6(id, user_id, cycle_start, threshold, used_bytes, quota_bytes, created_at)"
         " SELECT id, user_id, cycle_start, threshold, used_bytes, quota_bytes, created_at FROM usage_threshold_events;"
         "DROP TABLE usage_threshold_events;"
         "ALTER TABLE usage_threshold_events_v6 RENAME TO usage_threshold_events;"
         "CREATE INDEX usage_threshold_events_created_at ON usage_threshold_events(created_at);"},
        // Issue 16 (the dashboard): queue depths sampled at each tick for the queue-depth chart
        // (core/queue_samples.h; purged by job-history-cleanup), and failed dashboard sign-ins
        // counted per window for the sign-in rate limit (api/dashboard_session.h). Neither holds a
        // token, a password or an address.
        {9, "queue_samples, dashboard_sign_in_failures",
         "CREATE TABLE queue_samples ("
         " id INTEGER PRIMARY KEY,"
         " sampled_at INTEGER NOT NULL CHECK(typeof(sampled_at) = 'integer' AND sampled_at BETWEEN 0 AND 99999999999),"
         " queue TEXT NOT NULL,"             // failed_emails | delivery_log | notification_outbox
         " pending INTEGER NOT NULL CHECK(pending >= 0),"
         " due INTEGER NOT NULL CHECK(due >= 0));"
         "CREATE INDEX queue_samples_sampled_at ON queue_samples(sampled_at);"
         "CREATE TABLE dashboard_sign_in_failures ("
         " window_start INTEGER PRIMARY KEY"  // unix seconds, a multiple of the window length
         "  CHECK(typeof(window_start) = 'integer' AND window_start BETWEEN 0 AND 99999999999),"
         " failures INTEGER NOT NULL CHECK(failures >= 0));"},
    };
    return list;
}

}  // namespace mj
