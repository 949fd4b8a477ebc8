# mailjobs copy-to (PostgreSQL backend only): a SQLite database with history, queues, a
# self-reference (digested notices point at their digest, copied after them) and raw message bytes
# goes into the test's empty PostgreSQL database; every row arrives once, verified; ids continue
# after the copy's; a copy killed midway resumes with nothing twice; a row PostgreSQL refuses
# (text that is not UTF-8, a NUL byte in text, two addresses equal under citext's case folding but
# not under SQLite's ASCII NOCASE) stops it with the table and row named, exit 3, and the rerun
# after the fix finishes; a target that holds rows of its own is refused.
. "$(dirname "$0")/lib.sh"
[ "${MJ_TEST_BACKEND:-}" = postgresql ] || fail "run with MJ_TEST_BACKEND=postgresql (tests/cli/run-all.sh)"
src=var/src.db
mj --database $src migrate >/dev/null
sqlite3 $src "
  WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 40)
  INSERT INTO users(id, email, created_at) SELECT i, 'user' || i || '@example.com', $NOW FROM c;
  WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 60000)
  INSERT INTO job_runs(job, trigger, started_at, finished_at, outcome, counts)
    SELECT 'session-cleanup', 'cron', $NOW - i, $NOW - i + 1, 'done', '{\"rows\":' || i || '}' FROM c;
  INSERT INTO notification_outbox(id, user_id, to_address, kind, subject, body, dedupe_key, status, digest_id)
    VALUES (1, 1, 'user1@example.com', 'k', 's', 'b', 'd1', 'digested', 3),
           (2, 1, 'user1@example.com', 'k', 's', 'b', 'd2', 'digested', 3),
           (3, 1, 'user1@example.com', 'digest', 's', 'b', 'd3', 'queued', NULL);
  INSERT INTO failed_emails(id, user_id, mail_from, rcpt_to, raw_message, size_bytes, first_failed_at, next_attempt_at)
    VALUES (1, 2, 'a@b', 'c@d', x'00ff0a41', 4, $NOW, $NOW);
  INSERT INTO users(id, email, created_at) VALUES (41, CAST(x'62ff40782e6f7267' AS TEXT), $NOW);
  DELETE FROM users WHERE id = 41;  -- AUTOINCREMENT remembers 41: the next user is 42, on PostgreSQL too
  CREATE TABLE app_events(id INTEGER PRIMARY KEY, what TEXT);"
url="$DATABASE"

# Killed midway: SIGKILL while the 60,000 job_runs go in 50 a transaction.
"$MJ" --database $src copy-to "$url" --batch 50 >/dev/null 2>&1 &  # the binary itself: a function would fork a subshell
pid=$!
for _ in $(seq 1 200); do
  n=$(sql "SELECT count(*) FROM job_runs" 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 1000 ] && break
  sleep 0.05
done
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
sleep 0.5  # the server finishes (or rolls back) what the killed client had sent
# One statement, one snapshot: the rows and the progress that says how far they go.
read -r part progress < <(sql "SELECT (SELECT count(*) FROM job_runs), (SELECT rows FROM copy_progress WHERE table_name = 'job_runs')" | tr '|' ' ')
[ "$part" -gt 0 ] && [ "$part" -lt 60000 ] || fail "the kill did not land midway (job_runs: $part)"
assert_eq "$progress" "$part" "progress committed with the rows"

expect_exit 0 mj --database $src copy-to "$url"
assert_contains "$OUT" "job_runs"
assert_contains "$(grep '^job_runs' <<<"$OUT")" "60000 rows  verified"
assert_contains "$(grep '^job_runs' <<<"$OUT")" "(resumed)"
assert_contains "$OUT" "app_events                   not in mailjobs' schema"
assert_contains "$OUT" "copy-to: 60044 rows in"
assert_eq "$(sql "SELECT count(*), count(DISTINCT id), sum(started_at) FROM job_runs")" \
          "$(sqlite3 $src "SELECT count(*), count(DISTINCT id), sum(started_at) FROM job_runs")" "job_runs once each"
assert_eq "$(sql "SELECT group_concat(id || ':' || coalesce(CAST(digest_id AS TEXT), '-'), ' ') FROM (SELECT * FROM notification_outbox ORDER BY id) AS o")" \
          "1:3 2:3 3:-" "self-references"
assert_eq "$(sql "SELECT encode(raw_message, 'hex') FROM failed_emails")" "00ff0a41" "message bytes"
assert_eq "$(sql "INSERT INTO users(email) VALUES('new@example.com') RETURNING id")" "42" "the next user id after the copy's"
assert_eq "$(sql "INSERT INTO job_runs(job, trigger, started_at) VALUES('x', 'cron', 1) RETURNING id")" "60001" "the next run id"
# mailjobs reads the copy: history shows the copied runs.
expect_exit 0 mj history session-cleanup --limit 1
assert_contains "$OUT" "60000  "

# A row PostgreSQL refuses: a new database, a user whose address is not UTF-8.
sqlite3 $src "INSERT INTO users(id, email, created_at) VALUES (50, CAST(x'62ff40782e6f7267' AS TEXT), $NOW)"
pg_admin -c "CREATE DATABASE \"${PG_DB}_b\" OWNER \"$MJ_TEST_PG_USER\"" >/dev/null
url_b="postgresql://$MJ_TEST_PG_USER@127.0.0.1:$MJ_TEST_PG_PORT/${PG_DB}_b?passfile=$MJ_TEST_PG_PASSFILE"
trap 'pg_admin -c "DROP DATABASE IF EXISTS \"${PG_DB}_b\" WITH (FORCE)" >/dev/null 2>&1; _cleanup' EXIT
expect_exit 3 mj --database $src copy-to "$url_b"
assert_eq "$(wc -l <<<"$ERR")" 1 "one line"
assert_contains "$ERR" "copy-to: table users, row id=50: PostgreSQL refuses it: invalid byte sequence for encoding \"UTF8\""
sqlite3 $src "UPDATE users SET email = 'fixed@example.org' WHERE id = 50"
# A NUL byte inside text (SQLite keeps it; PostgreSQL's text cannot): named, nothing cut short.
sqlite3 $src "INSERT INTO users(id, email, created_at) VALUES (51, CAST(x'6e756c00406578616d706c652e6f7267' AS TEXT), $NOW)"
expect_exit 3 mj --database $src copy-to "$url_b"
assert_contains "$ERR" "copy-to: table users, row id=51: PostgreSQL refuses it: a text value holds a NUL byte"
sqlite3 $src "UPDATE users SET email = 'nul@example.org' WHERE id = 51"
# Two addresses that SQLite's NOCASE (ASCII only) keeps apart and citext (every letter) makes one.
sqlite3 $src "INSERT INTO users(id, email, created_at) VALUES (52, 'Émile@example.org', $NOW), (53, 'émile@example.org', $NOW)"
expect_exit 3 mj --database $src copy-to "$url_b"
assert_contains "$ERR" "copy-to: table users, row id=53: PostgreSQL refuses it: duplicate key value violates unique constraint"
sqlite3 $src "UPDATE users SET email = 'emile2@example.org' WHERE id = 53"
expect_exit 0 mj --database $src copy-to "$url_b" --quiet
assert_contains "$OUT" "copy-to: 60048 rows in"

# Into a database that holds rows of its own (not from an earlier copy-to): refused.
pg_admin -c "DROP DATABASE \"${PG_DB}_b\" WITH (FORCE)" -c "CREATE DATABASE \"${PG_DB}_b\" OWNER \"$MJ_TEST_PG_USER\"" >/dev/null
mj --database "$url_b" migrate >/dev/null
PGPASSFILE=$MJ_TEST_PG_PASSFILE psql -X -q "${url_b%%\?*}" -c "INSERT INTO users(email) VALUES('app@example.com')"
expect_exit 3 mj --database $src copy-to "$url_b"
assert_contains "$ERR" "the PostgreSQL database is not empty (table users holds 1 rows)"
