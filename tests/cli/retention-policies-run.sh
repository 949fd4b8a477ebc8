# Operators' own policies ([retention.NAME] in jobs.ini) run as the job retention-policies through
# the same engine: exactly the rows older than older_than that meet `where` go, a row exactly at the
# cutoff stays, a disabled policy does nothing, dry-run counts the same rows, a rerun deletes 0,
# --older-than overrides every policy's age, counts per table in history, `config` shows the keys.
. "$(dirname "$0")/lib.sh"
init_db
add_users 1
sql "CREATE TABLE app_events(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, created_at INTEGER NOT NULL);
     CREATE INDEX app_events_created_at ON app_events(created_at);
     CREATE TABLE app_pageviews(id INTEGER PRIMARY KEY, path TEXT, seen_at INTEGER);
     CREATE INDEX app_pageviews_seen_at ON app_pageviews(seen_at);"
cut=$((NOW - 30*86400))
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 1000)
     INSERT INTO app_events(kind, created_at) SELECT CASE WHEN i % 10 = 0 THEN 'billing' ELSE 'login' END, $cut - i FROM c;
     INSERT INTO app_events(kind, created_at) VALUES ('login', $cut), ('login', $cut + 1);
     WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 500)
     INSERT INTO app_pageviews(path, seen_at) SELECT '/p' || i, $NOW - i * 3600 FROM c;"
# notification_outbox is a mailjobs table; schema.md suggests an operator policy for sent notices
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 40)
     INSERT INTO notification_outbox(user_id, to_address, kind, subject, body, dedupe_key, status, created_at, next_attempt_at)
     SELECT 1, 'u@example.org', 'k', 's', 'b', 'key' || i, CASE WHEN i % 2 = 1 THEN 'sent' ELSE 'queued' END, $NOW - 100*86400, $NOW FROM c"
cat >> jobs.ini <<'INI'
[retention.events]
table = app_events
time_column = created_at
older_than = 30d
where = kind <> 'billing'
batch_size = 50

[retention.pageviews]
table = app_pageviews
time_column = seen_at
older_than = 7d
enabled = false

[retention.outbox]
table = notification_outbox
time_column = created_at
older_than = 60d
where = status IN ('sent', 'failed', 'digested', 'cancelled')
INI
expect_exit 0 mj config --json
assert_eq "$(/usr/bin/python3 -c "
import json, sys
c = json.load(sys.stdin)
def find(o, sec, key):
    if isinstance(o, dict):
        if sec in o and isinstance(o[sec], dict) and key in o[sec]: return o[sec][key]
        for v in o.values():
            r = find(v, sec, key)
            if r is not None: return r
    if isinstance(o, list):
        for v in o:
            r = find(v, sec, key)
            if r is not None: return r
print(json.dumps(find(c, 'retention.events', 'where'), sort_keys=True))" <<<"$OUT")" '{"origin": "jobs.ini:8", "value": "kind <> '"'"'billing'"'"'"}' "config shows the policy's where with its origin"

expect_exit 0 mj run retention-policies --dry-run --now $NOW --json
assert_eq "$(/usr/bin/python3 -c "import json,sys; print(json.dumps(json.load(sys.stdin)[0]['counts'], sort_keys=True))" <<<"$OUT")" \
  '{"app_events": 900, "notification_outbox": 20}' "dry-run counts"
assert_eq "$(sql "SELECT count(*) FROM app_events")" 1002 "dry-run deletes nothing"

expect_exit 0 mj run retention-policies --now $NOW
assert_eq "$(sql "SELECT changed || '|' || counts FROM job_runs ORDER BY id DESC LIMIT 1")" \
  '920|{"app_events":900,"notification_outbox":20}' "history of the real run"
assert_eq "$(sql "SELECT group_concat(k, ' ') FROM (SELECT kind || ':' || count(*) AS k FROM app_events GROUP BY kind ORDER BY kind) AS q0")" \
  "billing:100 login:2" "billing rows kept by where; the row at the cutoff and the newer one stay"
assert_eq "$(sql "SELECT count(*) FROM app_events WHERE created_at = $cut")" 1 "row exactly at the cutoff"
assert_eq "$(sql "SELECT count(*) FROM app_pageviews")" 500 "disabled policy does nothing"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status = 'queued'")" 20 "queued notices kept"

expect_exit 0 mj run retention-policies --now $NOW
assert_eq "$(sql "SELECT changed FROM job_runs ORDER BY id DESC LIMIT 1")" 0 "rerun deletes 0"
expect_exit 0 mj run retention-policies --now $NOW --older-than 1s
assert_eq "$(sql "SELECT counts FROM job_runs ORDER BY id DESC LIMIT 1")" '{"app_events":2}' "--older-than 1s: the login rows at and after the old cutoff"
# enabling the policy by environment
MAILJOBS_RETENTION_PAGEVIEWS_ENABLED=true expect_exit 0 mj run retention-policies --now $NOW
assert_eq "$(sql "SELECT count(*) FROM app_pageviews")" "$((7*24))" "pageviews of the last 7 d (one exactly 7 d old stays)"
