-- Fills a freshly migrated mailjobs database with @rows held-mail rows that name a spool file, for
-- the disk-sweep benchmark (bench/disk_sweep.bench.sh). Run by the sqlite3 shell after
-- `.parameter set @rows N` and `.parameter set @now T`. Shares: spam_quarantine 50 %,
-- overflow_hold 30 %, failed_emails 20 % (final: failed). spool_path = 'mail/<table initial>/<n>.eml'
-- with n = the row number within its table; the benchmark creates files for some of them and
-- orphans beside them. Deterministic.
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA foreign_keys = OFF;
INSERT INTO users(id, email, created_at) VALUES (1, 'user1@example.com', @now - 400 * 86400);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < @rows * 5 / 10)
INSERT INTO spam_quarantine(id, user_id, mail_from, rcpt_to, spool_path, size_bytes, quarantined_at)
SELECT i, 1, 'spam@example.net', 'alias@example.com', 'mail/s/' || i || '.eml', 2000, @now - 86400 - i % 86400 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < @rows * 3 / 10)
INSERT INTO overflow_hold(id, user_id, mail_from, rcpt_to, spool_path, size_bytes, held_at)
SELECT i, 1, 'sender@example.net', 'alias@example.com', 'mail/o/' || i || '.eml', 2000, @now - 86400 - i % 86400 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < @rows * 2 / 10)
INSERT INTO failed_emails(id, user_id, mail_from, rcpt_to, spool_path, size_bytes, first_failed_at, status, failed_at)
SELECT i, 1, 'sender@example.net', 'dest@example.org', 'mail/f/' || i || '.eml', 2000, @now - 86400 - i % 86400, 'failed', @now - 3600 FROM c;
