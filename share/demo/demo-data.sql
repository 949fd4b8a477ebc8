-- Synthetic but realistic data for `make demo`: a few hundred users of an alias service with
-- six months of sessions, magic links, webhook deliveries, notifications, logs and held mail.
-- Times are relative to the moment the demo runs. Random values come from abs(random()) % n.
CREATE TEMP TABLE k AS SELECT CAST(strftime('%s','now') AS INTEGER) AS now, 86400 AS day;
CREATE TEMP TABLE seq(i INTEGER PRIMARY KEY);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000) INSERT INTO seq SELECT i FROM c;

BEGIN;
INSERT INTO users(id, email, display_name, quota_bytes, created_at)
  SELECT i, 'user' || i || '@example.net', 'User ' || i, 1073741824, (SELECT now - 400 * day FROM k) + i * 3600 FROM seq WHERE i <= 300;

INSERT INTO domains(user_id, name, status, verification_token, created_at)
  SELECT i, 'mail' || i || '.example.org', CASE WHEN i % 7 = 0 THEN 'pending' ELSE 'verified' END, hex(randomblob(8)),
         (SELECT now - 200 * day FROM k) FROM seq WHERE i <= 100;

INSERT INTO aliases(user_id, address, active, expires_at, created_at)
  SELECT 1 + i % 300, 'alias' || i || '@relay.example.com', 1,
         CASE WHEN i % 10 = 0 THEN (SELECT now FROM k) - (abs(random()) % 20) * 86400 + 3 * 86400 END,
         (SELECT now - 150 * day FROM k) FROM seq WHERE i <= 1000;

INSERT INTO destinations(user_id, email, verified_at, verification_token_hash, verification_expires_at, created_at)
  SELECT 1 + i % 300, 'inbox' || i || '@mailbox.example.net',
         CASE WHEN i % 5 = 0 THEN NULL ELSE (SELECT now - 100 * day FROM k) END,
         CASE WHEN i % 5 = 0 THEN hex(randomblob(16)) END,
         CASE WHEN i % 5 = 0 THEN (SELECT now FROM k) - (i % 60) * 86400 END,
         (SELECT now FROM k) - (i % 90) * 86400 - 86400 FROM seq WHERE i <= 600;

-- 20 sessions per user over six months; absolute timeout 30 days; about half are expired.
INSERT INTO sessions(user_id, token_hash, created_at, last_seen_at, expires_at)
  SELECT 1 + i % 300, hex(randomblob(16)), t, t + abs(random()) % (3 * 86400), t + 30 * 86400
  FROM (SELECT i, (SELECT now FROM k) - abs(random()) % (180 * 86400) AS t FROM seq WHERE i <= 6000);

-- magic links live 15 minutes; most were used
INSERT INTO magic_links(user_id, token_hash, created_at, expires_at, used_at)
  SELECT 1 + i % 300, hex(randomblob(16)), t, t + 900, CASE WHEN i % 4 THEN t + 60 END
  FROM (SELECT i, (SELECT now FROM k) - abs(random()) % (180 * 86400) AS t FROM seq WHERE i <= 1500);

INSERT INTO webhooks(user_id, domain_id, url, secret, created_at)
  SELECT i, i, 'https://hooks.example.org/u' || i, hex(randomblob(16)), (SELECT now - 200 * day FROM k) FROM seq WHERE i <= 50;

-- webhook delivery log, appended in time order over 180 days
INSERT INTO delivery_log(user_id, domain_id, webhook_id, message_id, webhook_url, payload_hash, payload, status, attempts, instance_id, created_at, updated_at, delivered_at)
  SELECT 1 + i % 50, 1 + i % 50, 1 + i % 50, '<m' || i || '@relay.example.com>', 'https://hooks.example.org/u' || (1 + i % 50),
         hex(randomblob(16)), '{"event":"message.forwarded","alias":"alias' || i || '@relay.example.com","size":' || (abs(random()) % 90000) || '}',
         'delivered', 1, 'demo', t, t, t
  FROM (SELECT i, (SELECT now FROM k) - (20000 - i) * 777 AS t FROM seq WHERE i <= 20000);

-- notifications: five heavy users over the 1000 cap, the rest light
INSERT INTO notifications(user_id, type, title, body, status, created_at, read_at)
  SELECT 1 + i % 5, 'forward', 'Message forwarded', 'A message to one of your aliases was forwarded.',
         CASE WHEN i % 6 = 0 THEN 'unread' ELSE 'read' END, (SELECT now FROM k) - (6000 - i) * 1800,
         CASE WHEN i % 6 = 0 THEN NULL ELSE (SELECT now FROM k) - (6000 - i) * 1800 + 600 END
  FROM seq WHERE i <= 6000;
INSERT INTO notifications(user_id, type, title, status, created_at)
  SELECT 6 + i % 295, 'tip', 'Did you know?', 'unread', (SELECT now FROM k) - i * 3600 FROM seq WHERE i <= 3000;

-- chat messages with a two-day expiry (seed 002)
INSERT INTO messages(user_id, conversation_id, role, content, created_at, expires_at)
  SELECT 1 + i % 300, 'c' || (i % 400), 'user', 'hello ' || i, t, t + 2 * 86400
  FROM (SELECT i, (SELECT now FROM k) - i * 240 AS t FROM seq WHERE i <= 3000);

INSERT INTO audit_logs(user_id, actor, action, target, critical, created_at)
  SELECT 1 + i % 300, 'user', CASE WHEN i % 50 = 0 THEN 'password.reset' ELSE 'alias.update' END, 'alias' || i,
         CASE WHEN i % 50 = 0 THEN 1 ELSE 0 END, (SELECT now FROM k) - (5000 - i) * 12000
  FROM seq WHERE i <= 5000;

INSERT INTO message_logs(user_id, alias_id, message_id, mail_from, rcpt_to, direction, outcome, bytes, created_at)
  SELECT 1 + i % 300, 1 + i % 1000, '<l' || i || '@relay.example.com>', 'sender@example.com', 'alias' || i || '@relay.example.com',
         'inbound', CASE WHEN i % 20 = 0 THEN 'bounced' ELSE 'delivered' END, abs(random()) % 200000, (SELECT now FROM k) - (20000 - i) * 777
  FROM seq WHERE i <= 20000;
INSERT INTO header_snapshots(message_log_id, user_id, encrypted, created_at)
  SELECT id, user_id, randomblob(200), created_at FROM message_logs WHERE id % 4 = 0;

INSERT INTO spam_quarantine(user_id, alias_id, message_id, mail_from, rcpt_to, subject, raw_message, size_bytes, score, quarantined_at)
  SELECT 1 + i % 300, 1 + i % 1000, '<s' || i || '@spam.example>', 'offers@spam.example', 'alias' || i || '@relay.example.com',
         'You won', 'Subject: You won' || char(10) || char(10) || 'Click here', 40, 9.5, (SELECT now FROM k) - i * 5000
  FROM seq WHERE i <= 1000;

INSERT INTO overflow_hold(user_id, alias_id, message_id, mail_from, rcpt_to, subject, raw_message, size_bytes, reason, held_at)
  SELECT 1 + i % 300, 1 + i % 1000, '<h' || i || '@example.com>', 'friend@example.com', 'alias' || i || '@relay.example.com',
         'Photos', 'Subject: Photos' || char(10) || char(10) || 'see attached', 36, 'quota', (SELECT now FROM k) - i * 14000
  FROM seq WHERE i <= 200;
COMMIT;

-- forwards that failed a little while ago and are due for a retry (forward-retry sends them to the maildir)
BEGIN;
INSERT INTO failed_emails(user_id, alias_id, message_id, mail_from, rcpt_to, raw_message, size_bytes, first_failed_at, attempts, next_attempt_at, last_error, status)
  SELECT 1 + i % 300, 1 + i % 1000, '<f' || i || '@example.com>', 'friend@example.com', 'inbox' || i || '@mailbox.example.net',
         'From: friend@example.com' || char(10) || 'To: alias' || i || '@relay.example.com' || char(10) || 'Subject: Hello ' || i || char(10) || char(10) || 'Hi!' || char(10),
         80, (SELECT now FROM k) - 2 * 3600, 1, (SELECT now FROM k) - 3600, '451 4.7.1 try again later', 'pending'
  FROM seq WHERE i <= 20;

-- Account lifecycle (issue 14): user 299 asked for the deletion of his account 10 days ago (past
-- the 3-day grace: account-deletion purges it); user 7 asked for an export of his data.
UPDATE users SET status = 'deleted', deleted_at = (SELECT now - 10 * day FROM k) WHERE id = 299;
INSERT INTO exports(user_id, requested_at) VALUES(7, (SELECT now - 60 FROM k));
COMMIT;

-- Usage (issue 15): every user's forwarded bytes over 60 days (bandwidth-rollup rolls them up),
-- billing cycles that started about 15 days ago, and five users near their 1 GiB quota this cycle:
-- user 1 at 65 %, 2 at 85 %, 3 at 105 %, 4 at 55 % (on pace to pass it), 5 at 30 %.
BEGIN;
UPDATE users SET billing_anchor_day = min(28, CAST(strftime('%d', (SELECT now - 15 * day FROM k), 'unixepoch') AS INTEGER));
INSERT INTO bandwidth_usage(user_id, bytes, emails, recorded_at)
  SELECT 1 + abs(random()) % 300, 2000 + abs(random()) % 100000, 1, (SELECT now FROM k) - abs(random()) % (60 * 86400)
  FROM seq WHERE i <= 20000;
INSERT INTO bandwidth_usage(user_id, bytes, emails, recorded_at)
  SELECT u, CAST(f * 1073741824 / 10 AS INTEGER), 100, (SELECT now FROM k) - j * 3600 * 24 + 600
  FROM (SELECT 1 AS u, 0.65 AS f UNION ALL SELECT 2, 0.85 UNION ALL SELECT 3, 1.05 UNION ALL SELECT 4, 0.55 UNION ALL SELECT 5, 0.30),
       (SELECT i AS j FROM seq WHERE i <= 10);
COMMIT;
