-- Fills a freshly migrated mailjobs database with one large account to delete, for the deletion
-- benchmark (bench/account_deletion.bench.sh). Run by the sqlite3 shell after
-- `.parameter set @rows N` and `.parameter set @now T`. Plain recursive CTEs, one INSERT per
-- table, journal off: 1M rows take a few seconds. Deterministic (no random()).
--
-- User 2 is the account: soft-deleted 10 days before @now (grace over), about @rows rows across
-- the tables of core/user_data.cpp's list. Shares of @rows: message_logs 30 %, header_snapshots
-- 20 % (one per log row of the first two thirds), delivery_log 15 %, audit_logs 8 %
-- (anonymised, not deleted), job_attempts 5 % (of the user's deliveries), notifications 5 %,
-- notification_outbox 3 %, bandwidth_usage 3 %, aliases 2.5 % and alias_destinations 2.5 %,
-- messages 2 %, sessions, failed_emails and message_stats_daily 1 % each, spam_quarantine and
-- overflow_hold 0.5 % each; plus 10 domains with 10 DNS checks each, 10 webhooks, 100
-- destinations, 100 magic links.
-- Users 1 and 3..50 stay: user 1 owns domain 1 and webhook 1, which bench/app_writer.cpp's
-- inserts point at; the others hold 10 % of @rows message logs and 5 % delivery_log rows, which
-- the deletion must leave alone (the benchmark checks that they are all still there).
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TEMP TABLE p AS SELECT CAST(@rows AS INTEGER) AS r, CAST(@now AS INTEGER) AS now, 365 * 86400 AS span;

WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 50)
INSERT INTO users(id, uuid, email, status, created_at, deleted_at)
SELECT i, printf('u%031x', i), 'user' || i || '@example.com', CASE WHEN i = 2 THEN 'deleted' ELSE 'active' END,
       (SELECT now FROM p) - 800 * 86400, CASE WHEN i = 2 THEN (SELECT now FROM p) - 10 * 86400 END FROM c;

-- domain 1 (user 1) for the writer; domains 2..11 of user 2
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 11)
INSERT INTO domains(id, uuid, user_id, name, status, verification_token, created_at)
SELECT i, printf('m%031x', i), CASE WHEN i = 1 THEN 1 ELSE 2 END, 'd' || i || '.example', 'verified', 'tok' || i,
       (SELECT now FROM p) - 700 * 86400 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100)
INSERT INTO dns_checks(domain_id, result, checked_at) SELECT 2 + i % 10, 'pass', (SELECT now FROM p) - i * 86400 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 11)
INSERT INTO webhooks(id, uuid, user_id, domain_id, url, secret, created_at)
SELECT i, printf('w%031x', i), CASE WHEN i = 1 THEN 1 ELSE 2 END, i, 'https://hooks' || i || '.example.org/in', 'secret' || i,
       (SELECT now FROM p) - 600 * 86400 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100)
INSERT INTO destinations(id, uuid, user_id, email, verified_at, created_at)
SELECT i, printf('d%031x', i), 2, 'dest' || i || '@example.org', (SELECT now FROM p) - 500 * 86400, (SELECT now FROM p) - 500 * 86400 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 100)
INSERT INTO magic_links(user_id, token_hash, created_at, expires_at)
SELECT 2, printf('ml%030x', i), (SELECT now FROM p) - 20 * 86400, (SELECT now FROM p) - 20 * 86400 + 900 FROM c;

-- aliases (2.5 %) and one destination link each (2.5 %)
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 25 / 1000 FROM p))
INSERT INTO aliases(id, uuid, user_id, domain_id, address, created_at)
SELECT i, printf('a%031x', i), 2, CASE WHEN i % 2 = 0 THEN 2 + i % 10 END, 'alias' || i || '@d' || (2 + i % 10) || '.example',
       (SELECT now FROM p) - 400 * 86400 + i FROM c;
INSERT INTO alias_destinations(alias_id, destination_id) SELECT id, 1 + id % 100 FROM aliases WHERE user_id = 2;

-- message_logs: 30 % of the account, then 10 % of @rows for users 3..50
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 300 / 1000 FROM p))
INSERT INTO message_logs(id, user_id, alias_id, message_id, mail_from, rcpt_to, outcome, bytes, created_at)
SELECT i, 2, 1 + i % max(1, (SELECT r * 25 / 1000 FROM p)), '<m' || i || '@mx.example.com>', 'sender' || (i % 977) || '@example.net',
       'alias' || (1 + i % 1000) || '@d2.example', CASE WHEN i % 20 = 0 THEN 'bounced' ELSE 'delivered' END, 2000 + i % 30000,
       (SELECT now - span FROM p) + i * (SELECT span FROM p) / (SELECT r * 300 / 1000 FROM p) FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 100 / 1000 FROM p))
INSERT INTO message_logs(user_id, message_id, mail_from, rcpt_to, outcome, bytes, created_at)
SELECT 3 + i % 48, '<o' || i || '@mx.example.com>', 'sender@example.net', 'someone@example.org', 'delivered', 3000,
       (SELECT now - span FROM p) + i * (SELECT span FROM p) / (SELECT r * 100 / 1000 FROM p) FROM c;
-- header_snapshots (20 %): one per log row of the account, the first ones
INSERT INTO header_snapshots(message_log_id, user_id, encrypted, created_at)
SELECT id, 2, zeroblob(200), created_at FROM message_logs WHERE user_id = 2 ORDER BY id LIMIT (SELECT r * 200 / 1000 FROM p);

-- delivery_log: 15 % of the account (delivered, a few failed and waiting), 5 % of @rows for user 1
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 150 / 1000 FROM p))
INSERT INTO delivery_log(uuid, user_id, domain_id, webhook_id, message_id, webhook_url, payload_hash, payload, status, attempts,
                         last_status_code, next_retry_at, created_at, delivered_at)
SELECT printf('l%031x', i), 2, 2 + i % 10, 2 + i % 10, '<m' || i || '@mx.example.com>', 'https://hooks' || (2 + i % 10) || '.example.org/in',
       printf('%064x', i), '{"event":"message.forwarded","id":' || i || '}',
       CASE WHEN i % 100 = 0 THEN 'failed' ELSE 'delivered' END, 1, CASE WHEN i % 100 = 0 THEN 503 ELSE 200 END,
       CASE WHEN i % 100 = 0 THEN (SELECT now FROM p) + 3600 END,
       (SELECT now - span FROM p) + i * (SELECT span FROM p) / (SELECT r * 150 / 1000 FROM p),
       CASE WHEN i % 100 <> 0 THEN (SELECT now - span FROM p) + i * (SELECT span FROM p) / (SELECT r * 150 / 1000 FROM p) END FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 50 / 1000 FROM p))
INSERT INTO delivery_log(uuid, user_id, domain_id, webhook_id, webhook_url, payload_hash, payload, status, attempts, next_retry_at, created_at)
SELECT printf('k%031x', i), 1, 1, 1, 'https://hooks1.example.org/in', printf('%064x', i), '{"event":"message.forwarded"}', 'delivered', 1, NULL,
       (SELECT now - span FROM p) + i * (SELECT span FROM p) / (SELECT r * 50 / 1000 FROM p) FROM c;
-- job_attempts (5 %): attempts of the account's deliveries
INSERT INTO job_attempts(job, item_table, item_id, attempt, status_code, error, duration_ms, created_at)
SELECT 'webhook-retry', 'delivery_log', id, 1, 503, 'HTTP 503 from https://hooks.example.org/in', 120, created_at
FROM delivery_log WHERE user_id = 2 ORDER BY id LIMIT (SELECT r * 50 / 1000 FROM p);

-- audit_logs (8 %): anonymised by the deletion, not deleted
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 80 / 1000 FROM p))
INSERT INTO audit_logs(user_id, actor, action, target, details, created_at)
SELECT 2, 'user:' || printf('u%031x', 2), CASE WHEN i % 3 = 0 THEN 'alias.created' ELSE 'login' END, 'alias:' || printf('a%031x', i),
       '{}', (SELECT now - span FROM p) + i * (SELECT span FROM p) / (SELECT r * 80 / 1000 FROM p) FROM c;

WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 50 / 1000 FROM p))
INSERT INTO notifications(user_id, type, title, body, status, created_at)
SELECT 2, 'usage_threshold', 'You used 80 % of your quota', 'Body ' || i, 'read', (SELECT now FROM p) - 300 * 86400 + i FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 30 / 1000 FROM p))
INSERT INTO notification_outbox(user_id, to_address, kind, subject, body, dedupe_key, status, attempts, next_attempt_at, created_at, sent_at)
SELECT 2, 'user2@example.com', 'forward_failed', 'A forward failed', 'Body ' || i, 'bench:' || i, 'sent', 1,
       (SELECT now FROM p) - 300 * 86400 + i, (SELECT now FROM p) - 300 * 86400 + i, (SELECT now FROM p) - 300 * 86400 + i FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 30 / 1000 FROM p))
INSERT INTO bandwidth_usage(user_id, bytes, emails, recorded_at) SELECT 2, 2000 + i % 9000, 1, (SELECT now FROM p) - 300 * 86400 + i * 10 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 20 / 1000 FROM p))
INSERT INTO messages(user_id, conversation_id, content, created_at, expires_at)
SELECT 2, i / 10, 'message ' || i, (SELECT now FROM p) - 20 * 86400, (SELECT now FROM p) + 86400 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 10 / 1000 FROM p))
INSERT INTO sessions(user_id, token_hash, created_at, last_seen_at, expires_at)
SELECT 2, printf('s%031x', i), (SELECT now FROM p) - 30 * 86400, (SELECT now FROM p) - 11 * 86400, (SELECT now FROM p) + 86400 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 10 / 1000 FROM p))
INSERT INTO failed_emails(uuid, user_id, alias_id, mail_from, rcpt_to, raw_message, size_bytes, first_failed_at, attempts, status, delivered_at)
SELECT printf('f%031x', i), 2, 1 + i % max(1, (SELECT r * 25 / 1000 FROM p)), 'sender@example.net', 'dest1@example.org',
       zeroblob(500), 500, (SELECT now FROM p) - 200 * 86400 + i, 1, 'delivered', (SELECT now FROM p) - 200 * 86400 + i + 3600 FROM c;
-- message_stats_daily (1 %): one row per (day, outcome) of the account
WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < (SELECT r * 10 / 1000 FROM p))
INSERT INTO message_stats_daily(user_id, day, outcome, count, bytes)
SELECT 2, ((SELECT now FROM p) / 86400 - i / 2) * 86400, CASE WHEN i % 2 = 0 THEN 'delivered' ELSE 'bounced' END, 10, 20000 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 5 / 1000 FROM p))
INSERT INTO spam_quarantine(uuid, user_id, mail_from, rcpt_to, raw_message, size_bytes, score, quarantined_at)
SELECT printf('q%031x', i), 2, 'spam@example.net', 'alias1@d2.example', zeroblob(300), 300, 9.5, (SELECT now FROM p) - 20 * 86400 + i FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < (SELECT r * 5 / 1000 FROM p))
INSERT INTO overflow_hold(uuid, user_id, mail_from, rcpt_to, raw_message, size_bytes, reason, held_at)
SELECT printf('h%031x', i), 2, 'x@example.net', 'alias1@d2.example', zeroblob(300), 300, 'quota', (SELECT now FROM p) - 20 * 86400 + i FROM c;
COMMIT;
PRAGMA journal_mode = WAL;
