# Drop-in (issue 11 "The machinery"): the static binary in an empty chroot holding only itself,
# jobs.ini and the database folder (no /etc, /usr, /dev, /tmp, no shell). Every command works;
# what needs the host fails with one clear line naming what is missing and loses nothing:
# sendmail (transport = sendmail), /etc/resolv.conf (a host name), the CA bundle (https),
# /usr/share/zoneinfo (a timezone other than UTC). chroot needs root: skipped, said clearly, if not.
HERE=$(cd "$(dirname "$0")" && pwd)
# backend: sqlite-only: the binary and a SQLite file in an empty chroot (its last part reaches the run's PostgreSQL from there)
. "$HERE/lib.sh"
. "$HERE/../servers/http_helpers.sh"
if [ "$(id -u)" -ne 0 ] || ! command -v chroot >/dev/null; then
  echo "SKIP [$TEST_NAME]: needs root and chroot(8) (CI runs as root)"; exit 0
fi
if ! file -L "$MJ" | grep -q 'statically linked'; then
  echo "SKIP [$TEST_NAME]: $MJ is not a static binary (sanitizer build?); the drop-in needs the release build"; exit 0
fi
ROOT=$WORK/root
mkdir -p "$ROOT/app/var"
cp "$MJ" "$ROOT/app/mailjobs"
cat > "$ROOT/app/jobs.ini" <<'INI'
[general]
database = var/mailjobs.db
log_file = var/mailjobs.log
INI
# The command inside the chroot; options after the command (chroot starts in /).
mjc() { chroot "$ROOT" /app/mailjobs "$@" --config /app/jobs.ini; }
sqlr() { sqlite3 -batch -noheader "$ROOT/app/var/mailjobs.db" "$@"; }
inside=$(find "$ROOT" -mindepth 1 | sed "s|^$ROOT||" | sort | tr '\n' ' ')
assert_eq "$inside" "/app /app/jobs.ini /app/mailjobs /app/var " "what the chroot holds"

# --- the commands that need nothing from the host
expect_exit 0 mjc migrate
assert_contains "$OUT" "migration" "migrate"
assert_eq "$(stat -c %a "$ROOT/app/var/mailjobs.db")" 600 "database mode"
sqlr "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 50)
      INSERT INTO users(id, email, created_at) SELECT i, 'user' || i || '@example.com', $NOW - 400*86400 FROM c;
      WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 300)
      INSERT INTO sessions(user_id, token_hash, created_at, last_seen_at, expires_at)
      SELECT 1 + (i % 50), hex(randomblob(16)), $NOW - 90*86400,
             CASE WHEN i <= 200 THEN $NOW - 60*86400 ELSE $NOW - 3600 END,
             CASE WHEN i <= 200 THEN $NOW - 40*86400 ELSE $NOW + 86400 END FROM c;"
expect_exit 0 mjc run session-cleanup --now $NOW
assert_eq "$(sqlr "SELECT count(*) FROM sessions")" 100 "sessions left by the purge"
expect_exit 0 mjc run session-cleanup --now $NOW --dry-run
expect_exit 0 mjc tick --quiet --now $NOW
expect_exit 0 mjc list
assert_contains "$OUT" "forward-retry" "list"
expect_exit 0 mjc list --json
expect_exit 0 mjc status
assert_contains "$OUT" "session-cleanup" "status"
expect_exit 0 mjc status --json
expect_exit 0 mjc status --prom /app/var/mailjobs.prom
grep -q '^mailjobs_' "$ROOT/app/var/mailjobs.prom" || fail "prom file written in the chroot"
expect_exit 0 mjc history --limit 50
assert_contains "$OUT" "session-cleanup" "history"
expect_exit 0 mjc history --attempts
expect_exit 0 mjc config
assert_contains "$OUT" "/app/jobs.ini" "config names its file"
expect_exit 0 mjc config --json
expect_exit 0 mjc vacuum
assert_contains "$OUT" "freed" "vacuum"
expect_exit 0 mjc cleanup stats
assert_contains "$OUT" "sessions" "cleanup stats"
expect_exit 0 mjc cleanup preview --json
expect_exit 0 mjc unlock session-cleanup
expect_exit 0 mjc worker --once
expect_exit 0 mjc --help

# --- sendmail (the default transport) is not there: named, the forward kept for its retry
sqlr "INSERT INTO failed_emails(user_id, message_id, mail_from, rcpt_to, raw_message, size_bytes, first_failed_at,
                                attempts, next_attempt_at, last_error, status)
      VALUES(1, '<m1@x>', 's@example.com', 'd@example.org', CAST('Subject: x' || char(10) || char(10) || 'body' AS BLOB),
             20, $NOW - 3600, 0, $NOW - 60, 'original failure', 'pending');"
expect_exit 1 mjc run forward-retry --now $NOW
assert_contains "$ERR" "mailjobs: error: forward-retry: mail transport unavailable: /usr/sbin/sendmail" "sendmail error line"
assert_contains "$ERR" "No such file or directory" "sendmail error says why"
assert_eq "$(sqlr "SELECT status, claimed_by IS NULL, raw_message IS NOT NULL FROM failed_emails")" "pending|1|1" "forward kept"

# --- smtp to a host name: no /etc/resolv.conf, said so
sqlr "UPDATE failed_emails SET next_attempt_at = $NOW - 60, attempts = 0"
expect_exit 1 mjc run forward-retry --now $NOW --set mail.transport=smtp --set mail.smtp_host=mail.example.com \
  --set mail.connect_timeout=2s --set mail.timeout=3s
assert_contains "$ERR" "mail.example.com" "smtp error names the host"
assert_contains "$ERR" "/etc/resolv.conf is missing" "smtp error names resolv.conf"
assert_eq "$(sqlr "SELECT status, claimed_by IS NULL FROM failed_emails")" "pending|1" "forward kept"

# --- https webhook: no CA bundle, said so; with [general] ca_bundle inside the chroot it goes
make_cert receiver
start_http_server --tls-cert "$WORK/receiver.pem" --tls-key "$WORK/receiver.key"
sqlr "INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, 'x', 'k');
      INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at) VALUES
        (1, 1, 1, 'https://127.0.0.1:$HTTP_PORT/hook', 'h', '{\"n\":1}', 'pending', $NOW, $NOW),
        (2, 1, 1, 'https://hooks.example.com/hook', 'h', '{\"n\":2}', 'pending', $NOW, $NOW);"
expect_exit 0 mjc run webhook-retry --now $NOW --set http.allow_private_addresses=true
assert_eq "$(http_count)" 0 "nothing posted without a CA bundle"
err1=$(sqlr "SELECT last_error FROM delivery_log WHERE id = 1")
assert_contains "$err1" "no CA bundle found" "https error names the CA bundle"
assert_contains "$err1" "/etc/ssl/certs/ca-certificates.crt" "https error lists where it looked"
assert_contains "$err1" "[general] ca_bundle" "https error says the fix"
assert_contains "$(sqlr "SELECT last_error FROM delivery_log WHERE id = 2")" "/etc/resolv.conf is missing" "webhook to a host name"
expect_exit 0 mjc history --attempts
assert_contains "$OUT" "no CA bundle found" "history --attempts shows it"
assert_eq "$(sqlr "SELECT group_concat(status) FROM delivery_log")" "failed,failed" "deliveries kept for their retry"
cp "$WORK/receiver.pem" "$ROOT/app/ca.pem"
expect_exit 0 mjc run webhook-retry --now $((NOW + 120)) --set http.allow_private_addresses=true --set general.ca_bundle=/app/ca.pem
assert_eq "$(http_count /hook)" 1 "posted once the CA bundle is there"
assert_eq "$(sqlr "SELECT status FROM delivery_log WHERE id = 1")" delivered "delivered"

# --- a timezone needs the zone database: exit 2 naming it; UTC (the default) needs nothing
expect_exit 2 mjc list --set general.timezone=Europe/Berlin
assert_contains "$ERR" "Europe/Berlin" "timezone error names the zone"
assert_contains "$ERR" "/usr/share/zoneinfo is missing" "timezone error names the zone database"

assert_eq "$(sqlr "PRAGMA integrity_check")" ok "integrity"

# --- PostgreSQL from the empty chroot (when run-all.sh started the test server): libpq must find
# nothing through NSS or getaddrinfo (no /etc/passwd, /etc/hosts, ~/.pgpass): the user, hostaddr
# and passfile come from the URL, so migrate, a purge and status work with only the passfile added.
if [ -n "${MJ_TEST_PG_PORT:-}" ]; then
  pgdb=t_chroot_$$
  pgsu() { psql -X -q -At -h "$MJ_TEST_PG_SOCKET" -p "$MJ_TEST_PG_PORT" -U "$MJ_TEST_PG_SUPERUSER" "$@"; }
  pgsu -d postgres -c "CREATE DATABASE $pgdb OWNER $MJ_TEST_PG_USER"
  trap 'pgsu -d postgres -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1; _cleanup' EXIT
  (umask 077 && cp "$MJ_TEST_PG_PASSFILE" "$ROOT/app/pgpass")
  printf '[general]\ndatabase = postgresql://%s@127.0.0.1:%s/%s?passfile=/app/pgpass\nlog_file = var/pg.log\n' \
    "$MJ_TEST_PG_USER" "$MJ_TEST_PG_PORT" "$pgdb" > "$ROOT/app/pg.ini"
  mjp() { chroot "$ROOT" /app/mailjobs "$@" --config /app/pg.ini; }
  expect_exit 0 mjp migrate
  pgsu -d "$pgdb" -c "INSERT INTO users(id, email, created_at) SELECT i, 'user' || i || '@example.com', $NOW - 400*86400 FROM generate_series(1, 10) AS i;
    INSERT INTO sessions(user_id, token_hash, created_at, last_seen_at, expires_at)
    SELECT 1 + i % 10, md5(i::text), $NOW - 90*86400, CASE WHEN i <= 20 THEN $NOW - 60*86400 ELSE $NOW - 3600 END,
           CASE WHEN i <= 20 THEN $NOW - 40*86400 ELSE $NOW + 86400 END FROM generate_series(1, 30) AS i"
  expect_exit 0 mjp run session-cleanup --now $NOW
  assert_eq "$(pgsu -d "$pgdb" -c "SELECT count(*) FROM sessions")" 10 "sessions left by the purge on PostgreSQL"
  expect_exit 0 mjp status
  assert_contains "$OUT" "session-cleanup" "status on PostgreSQL in the chroot"
fi
