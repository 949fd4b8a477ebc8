# Helpers of the account-deletion tests (tests/cli/account-deletion-*.sh).

# add_account U N: user U (id U, uuid uuid-U, user U@example.com) with rows in every table of
# core/user_data.cpp's list: N rows in the big tables (message_logs, audit_logs, job_attempts of
# each queue, failed_emails with spool files in var/spool), one or two in the others. Queue rows
# are waiting (pending / queued). Ids are U*100000 + i so users never collide.
add_account() {
  local u=$1 n=$2 b=$(( $1 * 100000 ))
  mkdir -p var/spool
  sql "INSERT INTO users(id, uuid, email, created_at) VALUES($u, 'uuid-$u', 'user$u@example.com', $NOW - 400*86400);
    INSERT INTO domains(id, user_id, name, verification_token) VALUES($b, $u, 'd$u.example', 'tok$u');
    INSERT INTO dns_checks(domain_id, result, checked_at) VALUES($b, 'pass', $NOW - 60);
    INSERT INTO aliases(id, user_id, domain_id, address) VALUES($b, $u, $b, 'a$u@d$u.example'), ($b + 1, $u, NULL, 'b$u@alias.example');
    INSERT INTO destinations(id, user_id, email) VALUES($b, $u, 'dest$u@example.org');
    INSERT INTO alias_destinations(alias_id, destination_id) VALUES($b, $b), ($b + 1, $b);
    INSERT INTO webhooks(id, user_id, url, secret) VALUES($b, $u, 'https://hook$u.example/x', 'sec$u');
    INSERT INTO overflow_hold(user_id, mail_from, rcpt_to, size_bytes, spool_path) VALUES($u, 's@x.example', 'a$u@d$u.example', 10, 'oh-$u.eml');
    INSERT INTO spam_quarantine(user_id, mail_from, rcpt_to, size_bytes, spool_path) VALUES($u, 's@x.example', 'a$u@d$u.example', 10, 'sq-$u.eml');
    INSERT INTO message_stats_daily(user_id, day, outcome, count) VALUES($u, $(( NOW / 86400 * 86400 )), 'delivered', 3);
    INSERT INTO bandwidth_usage(user_id, bytes) VALUES($u, 100);
    INSERT INTO bandwidth_rollups(user_id, period, period_start, updated_at) VALUES($u, 'day', $(( NOW / 86400 * 86400 )), $NOW);
    INSERT INTO usage_threshold_events(user_id, cycle_start, threshold, used_bytes, quota_bytes, created_at) VALUES($u, $NOW - 86400, 80, 80, 100, $NOW);
    INSERT INTO magic_links(user_id, token_hash, expires_at) VALUES($u, 'ml$u', $NOW + 600);
    INSERT INTO sessions(user_id, token_hash, expires_at) VALUES($u, 'se$u', $NOW + 600);
    INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at) VALUES($b, $u, $b, 'https://hook$u.example/x', 'h', '{}', 'pending', $NOW - 10);
    INSERT INTO notifications(user_id, type, title) VALUES($u, 't', 'hello');
    INSERT INTO messages(user_id, content, expires_at) VALUES($u, 'hi', $NOW + 86400);
    INSERT INTO notification_outbox(id, user_id, to_address, kind, subject, body, dedupe_key, next_attempt_at) VALUES($b, $u, 'user$u@example.com', 'k', 's', 'b', 'k$u', $NOW - 10);
    INSERT INTO exports(user_id, status) VALUES($u, 'requested');
    INSERT INTO account_deletions(user_id, user_uuid, requested_at, started_at, status) VALUES($u, 'old-uuid-$u', 1, 1, 'done');
    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $n)
    INSERT INTO failed_emails(id, user_id, mail_from, rcpt_to, size_bytes, first_failed_at, status, next_attempt_at, spool_path)
      SELECT $b + i, $u, 's@x.example', 'a$u@d$u.example', 10, $NOW - 3600, 'pending', $NOW - 10, 'fe-$u-' || i || '.eml' FROM c;
    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $n)
    INSERT INTO message_logs(id, user_id, outcome) SELECT $b + i, $u, 'delivered' FROM c;
    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $n)
    INSERT INTO header_snapshots(user_id, message_log_id, encrypted) SELECT $u, $b + i, x'00' FROM c;
    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $n)
    INSERT INTO audit_logs(user_id, actor, action) SELECT $u, 'user:uuid-$u', 'alias.created' FROM c;
    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $n)
    INSERT INTO job_attempts(job, item_table, item_id, attempt, created_at) SELECT 'forward-retry', 'failed_emails', $b + 1 + (i % $n), i, $NOW FROM c
      UNION ALL SELECT 'webhook-retry', 'delivery_log', $b, i, $NOW FROM c
      UNION ALL SELECT 'notification-delivery', 'notification_outbox', $b, i, $NOW FROM c;"
  local i
  for ((i = 1; i <= n; i++)); do echo x > "var/spool/fe-$u-$i.eml"; done
  echo x > "var/spool/oh-$u.eml"; echo x > "var/spool/sq-$u.eml"
}

# The tables of the list (job_attempts split by queue), as "table=rows" lines of user U's rows.
ACCOUNT_TABLES="header_snapshots dns_checks alias_destinations failed_emails overflow_hold spam_quarantine message_logs
  message_stats_daily bandwidth_usage bandwidth_rollups usage_threshold_events magic_links sessions delivery_log webhooks
  notifications messages notification_outbox exports aliases destinations domains users"
rows_of() {
  local u=$1 b=$(( $1 * 100000 )) t
  for t in $ACCOUNT_TABLES; do
    case $t in
      users) echo "users=$(sql "SELECT count(*) FROM users WHERE id = $u")" ;;
      dns_checks) echo "dns_checks=$(sql "SELECT count(*) FROM dns_checks WHERE domain_id = $b")" ;;
      alias_destinations) echo "alias_destinations=$(sql "SELECT count(*) FROM alias_destinations WHERE destination_id = $b")" ;;
      *) echo "$t=$(sql "SELECT count(*) FROM $t WHERE user_id = $u")" ;;
    esac
  done
  echo "job_attempts=$(sql "SELECT count(*) FROM job_attempts WHERE item_id BETWEEN $b AND $b + 99999")"
  echo "audit_logs_of_user=$(sql "SELECT count(*) FROM audit_logs WHERE user_id = $u")"
  echo "spool_files=$(ls var/spool | grep -c -- "^[a-z]*-$u[-.]" || true)"
}

# A summary of everything (all users), to compare end states.
db_state() {
  local t
  for t in $ACCOUNT_TABLES job_attempts audit_logs account_deletions; do echo "$t=$(sql "SELECT count(*) FROM $t")"; done
  sql "SELECT user_uuid, status, counts, at_table FROM account_deletions WHERE user_uuid NOT LIKE 'old-%' ORDER BY user_uuid"
  sql "SELECT count(*), group_concat(user_id IS NULL) FROM audit_logs WHERE action = 'account.deleted'"
  sql "SELECT to_address, kind, user_id IS NULL FROM notification_outbox WHERE kind = 'account_deleted' ORDER BY to_address"
  ls var/spool | sort | md5sum
}
