-- Fills a freshly migrated mailjobs database with @rows rows spread over every table a job works
-- on, for the memory benchmark (bench/memory.bench.sh). Run by the sqlite3 shell after
-- `.parameter set @rows N` and `.parameter set @now T`. Plain recursive CTEs, one INSERT per
-- table, journal off: 10M rows take a few minutes. Deterministic (no random()).
--
-- Times increase with id (rows appended in time order, as the application does) and end at @now;
-- each table spans about twice its job's default age, so about half of every table is due for
-- its purge. Keys (uuid, token_hash) are monotonic strings so their unique indexes fill in order.
-- Share of @rows per table: delivery_log 25 %, message_logs 20 %, header_snapshots 10 %,
-- audit_logs 10 %, sessions 10 %, notifications 6 %, messages 5 %, job_runs, job_attempts,
-- magic_links, bandwidth_usage 2.5 % each, spam_quarantine 1.5 %, failed_emails 1 %,
-- notification_outbox 1 %, overflow_hold 0.5 %; plus 1000 users, 10000 aliases and destinations.
-- The queues have up to 1000 items due at @now (5 % of a small table; maildir transport, webhook
-- URLs that webhook-retry refuses without a connection), as many due later, the rest final.
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TEMP TABLE p AS SELECT CAST(@rows AS INTEGER) AS r, CAST(@now AS INTEGER) AS now;

WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000)
INSERT INTO users(id, uuid, email, created_at, quota_bytes)
SELECT i, printf('u%031x', i), 'user' || i || '@example.com', (SELECT now FROM p) - 800 * 86400 + i, 1 << 30 FROM c;

WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10000)
INSERT INTO aliases(id, uuid, user_id, address, active, expires_at, created_at)
SELECT i, printf('a%031x', i), 1 + i % 1000, 'alias' || i || '@alias.example.net', 1,
       CASE WHEN i % 5 = 0 THEN (SELECT now FROM p) - (i % 97) * 3600 END, (SELECT now FROM p) - 400 * 86400 + i FROM c;

WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10000)
INSERT INTO destinations(id, uuid, user_id, email, verified_at, verification_token_hash, verification_expires_at, created_at)
SELECT i, printf('d%031x', i), 1 + i % 1000, 'dest' || i || '@example.org',
       CASE WHEN i % 4 <> 0 THEN (SELECT now FROM p) - 100 * 86400 END,
       CASE WHEN i % 4 = 0 THEN printf('v%031x', i) END,
       CASE WHEN i % 4 = 0 THEN (SELECT now FROM p) - (i % 60) * 86400 + 86400 END,
       (SELECT now FROM p) - (i % 90) * 86400 FROM c;

WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300)
INSERT INTO webhooks(id, uuid, user_id, url, secret, created_at)
SELECT i, printf('w%031x', i), 1 + i % 1000, 'https://hooks.example.com/' || i, 'secret' || i, (SELECT now FROM p) - 300 * 86400 FROM c;

-- delivery_log: 180 d; 3 % permanently failed; the last d (1000) due now at a loopback URL
-- (refused before any connection: private address), the d before them failed and due in an hour.
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r / 4 FROM p)),
     t(i, ts, n, d) AS (SELECT i, (SELECT now FROM p) - 180 * 86400 + i * (180 * 86400) / (SELECT r / 4 FROM p), (SELECT r / 4 FROM p),
                           (SELECT min(1000, r / 4 / 20) FROM p) FROM c)
INSERT INTO delivery_log(id, uuid, user_id, webhook_id, message_id, webhook_url, payload_hash, payload, status, attempts,
                         last_status_code, next_retry_at, created_at, updated_at, delivered_at)
SELECT i, printf('%08x%024x', ts, i), 1 + i % 1000, 1 + i % 300, '<m' || i || '@mx.example.com>',
       CASE WHEN i > n - d THEN 'http://127.0.0.1:9/hook' ELSE 'https://hooks.example.com/' || (1 + i % 300) END,
       printf('%064x', i), '{"event":"message.delivered","delivery":' || i || ',"alias":"alias' || (i % 10000) || '@alias.example.net"}',
       CASE WHEN i > n - d THEN 'pending' WHEN i > n - 2 * d THEN 'failed' WHEN i % 33 = 0 THEN 'permanently_failed' ELSE 'delivered' END,
       CASE WHEN i > n - d THEN 0 ELSE 1 END, CASE WHEN i > n - d THEN NULL ELSE 200 END,
       CASE WHEN i > n - d THEN (SELECT now FROM p) - 60 WHEN i > n - 2 * d THEN (SELECT now FROM p) + 3600 END,
       ts, ts, CASE WHEN i <= n - 2 * d AND i % 33 <> 0 THEN ts END FROM t;

-- message_logs: 180 d (90 d cutoff); header_snapshots: one per second log, same time
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r / 5 FROM p)),
     t(i, ts) AS (SELECT i, (SELECT now FROM p) - 180 * 86400 + i * (180 * 86400) / (SELECT r / 5 FROM p) FROM c)
INSERT INTO message_logs(id, user_id, alias_id, message_id, mail_from, rcpt_to, direction, outcome, bytes, created_at)
SELECT i, 1 + i % 1000, 1 + i % 10000, '<m' || i || '@mx.example.com>', 'sender' || (i % 5000) || '@example.com',
       'dest' || (i % 10000) || '@example.org', 'inbound',
       CASE i % 20 WHEN 0 THEN 'bounced' WHEN 1 THEN 'rejected' WHEN 2 THEN 'quarantined' ELSE 'delivered' END,
       1000 + i % 50000, ts FROM t;

WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r / 10 FROM p))
INSERT INTO header_snapshots(id, message_log_id, user_id, encrypted, created_at)
SELECT i, 2 * i, 1 + (2 * i) % 1000, zeroblob(96), (SELECT created_at FROM message_logs WHERE id = 2 * i) FROM c;

-- audit_logs: 730 d (365 d cutoff), 2 % critical
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r / 10 FROM p))
INSERT INTO audit_logs(id, user_id, actor, action, target, critical, details, ip, created_at)
SELECT i, 1 + i % 1000, 'user:u' || (i % 1000), CASE i % 4 WHEN 0 THEN 'alias.created' WHEN 1 THEN 'login' WHEN 2 THEN 'alias.updated' ELSE 'destination.added' END,
       'alias:a' || (i % 10000), CASE WHEN i % 50 = 0 THEN 1 ELSE 0 END, '{"n":' || i || '}', '192.0.2.' || (i % 250),
       (SELECT now FROM p) - 730 * 86400 + i * (730 * 86400) / (SELECT r / 10 FROM p) FROM c;

-- sessions: created over 60 d, 30 d absolute expiry, last seen within a day of creation
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r / 10 FROM p)),
     t(i, ts) AS (SELECT i, (SELECT now FROM p) - 60 * 86400 + i * (60 * 86400) / (SELECT r / 10 FROM p) FROM c)
INSERT INTO sessions(id, user_id, token_hash, created_at, last_seen_at, expires_at, user_agent, ip)
SELECT i, 1 + i % 1000, printf('%064x', i), ts, ts + i % 86400, ts + 30 * 86400, 'Mozilla/5.0', '198.51.100.' || (i % 250) FROM t;

-- notifications: 100 users over the 1000 cap; 80 % read; 5 % soft-deleted 60 d ago
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 6 / 100 FROM p)),
     t(i, ts) AS (SELECT i, (SELECT now FROM p) - 180 * 86400 + i * (180 * 86400) / (SELECT r * 6 / 100 FROM p) FROM c)
INSERT INTO notifications(id, user_id, type, title, body, status, created_at, read_at, deleted_at)
SELECT i, 1 + i % 100, 'usage_threshold', 'Notice ' || i, 'You have used some of your quota.',
       CASE WHEN i % 5 = 0 THEN 'unread' ELSE 'read' END, ts, CASE WHEN i % 5 <> 0 THEN ts + 3600 END,
       CASE WHEN i % 20 = 1 AND ts < (SELECT now FROM p) - 60 * 86400 THEN ts + 86400 END FROM t;

-- messages: 10 d, expiring 2 d after creation
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r / 20 FROM p)),
     t(i, ts) AS (SELECT i, (SELECT now FROM p) - 10 * 86400 + i * (10 * 86400) / (SELECT r / 20 FROM p) FROM c)
INSERT INTO messages(id, user_id, conversation_id, role, content, created_at, expires_at)
SELECT i, 1 + i % 1000, i / 20, CASE WHEN i % 2 = 0 THEN 'user' ELSE 'assistant' END, 'chat message number ' || i, ts, ts + 2 * 86400 FROM t;

-- job history: 180 d (90 d cutoff)
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r / 40 FROM p)),
     t(i, ts) AS (SELECT i, (SELECT now FROM p) - 180 * 86400 + i * (180 * 86400) / (SELECT r / 40 FROM p) FROM c)
INSERT INTO job_runs(id, job, trigger, started_at, finished_at, outcome, exit_reason, counts, clock_at, duration_ms)
SELECT i, CASE i % 3 WHEN 0 THEN 'webhook-retry' WHEN 1 THEN 'notification-delivery' ELSE 'forward-retry' END, 'cron',
       ts, ts + 1, 'done', 'done', '{}', ts, 12 FROM t;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r / 40 FROM p)),
     t(i, ts) AS (SELECT i, (SELECT now FROM p) - 180 * 86400 + i * (180 * 86400) / (SELECT r / 40 FROM p) FROM c)
INSERT INTO job_attempts(id, run_id, job, item_table, item_id, attempt, status_code, duration_ms, created_at)
SELECT i, i, 'webhook-retry', 'delivery_log', i, 1, 200, 40, ts FROM t;

-- magic links: 30 d, valid 15 min
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r / 40 FROM p)),
     t(i, ts) AS (SELECT i, (SELECT now FROM p) - 30 * 86400 + i * (30 * 86400) / (SELECT r / 40 FROM p) FROM c)
INSERT INTO magic_links(id, user_id, token_hash, created_at, expires_at)
SELECT i, 1 + i % 1000, printf('m%063x', i), ts, ts + 900 FROM t;

-- bandwidth_usage: 180 d, purged by the [retention.bandwidth] policy of the benchmark's jobs.ini
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r / 40 FROM p))
INSERT INTO bandwidth_usage(id, user_id, bytes, emails, recorded_at)
SELECT i, 1 + i % 1000, 1000 + i % 90000, 1, (SELECT now FROM p) - 180 * 86400 + i * (180 * 86400) / (SELECT r / 40 FROM p) FROM c;

-- spam quarantine: 60 d (30 d cutoff)
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 15 / 1000 FROM p))
INSERT INTO spam_quarantine(id, uuid, user_id, alias_id, message_id, mail_from, rcpt_to, subject, raw_message, size_bytes, score, quarantined_at)
SELECT i, printf('s%031x', i), 1 + i % 1000, 1 + i % 10000, '<s' || i || '@spam.example>', 'spam@spam.example', 'alias' || (i % 10000) || '@alias.example.net',
       'Win ' || i, CAST('Subject: Win ' || i || char(10) || char(10) || 'spam' AS BLOB), 30, 9.5,
       (SELECT now FROM p) - 60 * 86400 + i * (60 * 86400) / (SELECT r * 15 / 1000 FROM p) FROM c;

-- failed_emails: 30 d; final ones (delivered / failed) are purged after 7 d; the last d (500)
-- pending and due now, the d before them pending and due in an hour
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r / 100 FROM p)),
     t(i, ts, n, d) AS (SELECT i, (SELECT now FROM p) - 30 * 86400 + i * (30 * 86400) / (SELECT r / 100 FROM p), (SELECT r / 100 FROM p),
                           (SELECT min(500, r / 100 / 20) FROM p) FROM c)
INSERT INTO failed_emails(id, uuid, user_id, alias_id, message_id, mail_from, rcpt_to, raw_message, size_bytes, first_failed_at,
                          attempts, next_attempt_at, last_error, status, delivered_at, failed_at)
SELECT i, printf('f%031x', i), 1 + i % 1000, 1 + i % 10000, '<f' || i || '@sender.example.com>', 'sender@sender.example.com',
       'dest' || (i % 10000) || '@example.org',
       CAST('From: sender@sender.example.com' || char(10) || 'Subject: forward ' || i || char(10) || char(10) || 'body ' || i AS BLOB), 64, ts,
       CASE WHEN i > n - 2 * d THEN 0 ELSE 1 END,
       CASE WHEN i > n - d THEN (SELECT now FROM p) - 60 WHEN i > n - 2 * d THEN (SELECT now FROM p) + 3600 END, 'first failure',
       CASE WHEN i > n - 2 * d THEN 'pending' WHEN i % 3 = 0 THEN 'failed' ELSE 'delivered' END,
       CASE WHEN i <= n - 2 * d AND i % 3 <> 0 THEN ts + 3600 END, CASE WHEN i <= n - 2 * d AND i % 3 = 0 THEN ts + 86400 END FROM t;

-- notification_outbox: 60 d, sent; the last d (500) queued and due now
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r / 100 FROM p)),
     t(i, ts, n, d) AS (SELECT i, (SELECT now FROM p) - 60 * 86400 + i * (60 * 86400) / (SELECT r / 100 FROM p), (SELECT r / 100 FROM p),
                           (SELECT min(500, r / 100 / 20) FROM p) FROM c)
INSERT INTO notification_outbox(id, user_id, to_address, persona, kind, subject, body, dedupe_key, status, attempts, next_attempt_at, created_at, sent_at)
SELECT i, 1 + i % 1000, 'user' || (1 + i % 1000) || '@example.com', 'porter', 'bench', 'Notice ' || i, 'Body of notice ' || i,
       'bench:' || i, CASE WHEN i > n - d THEN 'queued' ELSE 'sent' END, CASE WHEN i > n - d THEN 0 ELSE 1 END,
       CASE WHEN i > n - d THEN (SELECT now FROM p) - 60 ELSE ts END, ts, CASE WHEN i <= n - d THEN ts + 60 END FROM t;

-- overflow_hold: 40 d (warning 1 d before the 30 d purge)
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r / 200 FROM p))
INSERT INTO overflow_hold(id, uuid, user_id, alias_id, message_id, mail_from, rcpt_to, subject, raw_message, size_bytes, reason, held_at)
SELECT i, printf('o%031x', i), 1 + i % 1000, 1 + i % 10000, '<o' || i || '@sender.example.com>', 'sender@sender.example.com',
       'alias' || (i % 10000) || '@alias.example.net', 'Held ' || i,
       CAST('Subject: Held ' || i || char(10) || char(10) || 'held' AS BLOB), 30, 'quota',
       (SELECT now FROM p) - 40 * 86400 + i * (40 * 86400) / (SELECT r / 200 FROM p) FROM c;

COMMIT;
PRAGMA journal_mode = WAL;
