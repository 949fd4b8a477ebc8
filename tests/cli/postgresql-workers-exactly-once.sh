# Several hosts on one PostgreSQL database (issue 19): four `mailjobs worker` processes, each with
# its own [general] host_id, share 5,000 queued notices (SMTP) and 5,000 webhook deliveries (HTTP)
# through their claims ([job.*] parallel_runs = 4); one worker is killed with SIGKILL midway. Then:
# - every notice and every delivery reached its receiver, and exactly once, except at most the one
#   message the killed worker had in flight in each queue (the at-least-once window: sent, not yet
#   recorded);
# - the killed worker's claimed rows were not taken by the others before their claims expired,
#   and a run at a clock past the expiry sends them;
# - the work was shared: each live worker's host sent some of it (by the owner tokens of the
#   recorded attempts);
# - a scheduled job (session-cleanup, @daily) ran once for its due time across the four hosts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/mail_helpers.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
[ "${MJ_TEST_BACKEND:-}" = postgresql ] || fail "run with MJ_TEST_BACKEND=postgresql (tests/cli/run-all.sh)"
N=5000
start_smtp
smtp_control '{"delay": 0.005}'  # 5 ms a message: a notice batch holds its claims a while
start_http_server
mail_ini_smtp
cat >> jobs.ini <<INI
[general]
worker_interval = 1s
time_budget = 20s
[http]
allow_private_addresses = true
[job.notification-delivery]
hourly_cap = 1000000
parallel_runs = 4
batch_size = 25
[job.webhook-retry]
parallel_runs = 4
batch_size = 25
INI
init_db
# Only the two queue jobs and one scheduled job: the rest of the catalogue is not what is tested.
for j in $(mj list 2>/dev/null | awk 'NR > 1 {print $1}'); do
  case $j in notification-delivery|webhook-retry|session-cleanup) ;; *) printf '[job.%s]\nenabled = false\n' "$j" >> jobs.ini ;; esac
done
now=$(date +%s)
add_users 20
sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $N)
     INSERT INTO notification_outbox(user_id, to_address, persona, kind, subject, body, dedupe_key, status, next_attempt_at, created_at)
     SELECT 1 + i % 20, 'user' || (1 + i % 20) || '@example.com', 'porter', 'test_notice', 'Notice ' || i, 'Body ' || i,
            'n:' || i, 'queued', $now - 60, $now - 60 FROM c;
     INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, '$HTTP_URL/w', 'k');
     WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $N)
     INSERT INTO delivery_log(user_id, webhook_id, webhook_url, payload_hash, payload, status, attempts, next_retry_at, created_at)
     SELECT 1, 1, '$HTTP_URL/w', 'h', '{\"n\":' || i || '}', 'pending', 0, $now - 5, $now - 5 FROM c;"

pids=()
for h in a b c d; do
  "$MJ" --set general.host_id=host-$h worker >"worker-$h.out" 2>"worker-$h.err" &  # the binary itself, so kill -9 hits it
  pids+=($!)
done
# Kill one worker with SIGKILL once the four are well into both queues, choosing the one that
# holds the most claims at that moment (a notice batch holds its claims while it sends them).
for _ in $(seq 1 600); do
  [ "$(smtp_received)" -ge 800 ] && [ "$(http_count /w)" -ge 800 ] && break
  for i in 0 1 2 3; do kill -0 "${pids[$i]}" 2>/dev/null || fail "worker $i ended early: $(tail -n 3 worker-*.err)"; done
  sleep 0.1
done
victim=
for _ in $(seq 1 300); do
  victim=$(sql "SELECT h FROM (SELECT split_part(claimed_by, ':', 1) AS h FROM notification_outbox WHERE claimed_by IS NOT NULL
                UNION ALL SELECT split_part(claimed_by, ':', 1) FROM delivery_log WHERE claimed_by IS NOT NULL) AS c
                GROUP BY h ORDER BY count(*) DESC LIMIT 1")
  [ -n "$victim" ] && break
  sleep 0.01
done
[ -n "$victim" ] || fail "no worker held a claim"
i=$(( $(printf '%d' "'${victim#host-}") - $(printf '%d' "'a") ))
kill -9 "${pids[$i]}"
wait "${pids[$i]}" 2>/dev/null || true
# The others finish both queues, except what the killed worker holds: its claims expire in minutes.
left() { sql "SELECT (SELECT count(*) FROM notification_outbox WHERE status <> 'sent' AND coalesce(claimed_by, '') NOT LIKE '$victim:%')
                   + (SELECT count(*) FROM delivery_log WHERE status <> 'delivered' AND coalesce(claimed_by, '') NOT LIKE '$victim:%')"; }
for _ in $(seq 1 1200); do [ "$(left)" -eq 0 ] && break; sleep 0.1; done
assert_eq "$(left)" 0 "rows not sent by the three live workers ($victim's claims aside)"
live=()
for h in 0 1 2 3; do [ "$h" -eq "$i" ] || live+=("${pids[$h]}"); done
kill -TERM "${live[@]}"
for p in "${live[@]}"; do wait "$p" 2>/dev/null || true; done

held_n=$(sql "SELECT count(*) FROM notification_outbox WHERE claimed_by LIKE '$victim:%'")
held_w=$(sql "SELECT count(*) FROM delivery_log WHERE claimed_by LIKE '$victim:%'")
echo "$victim held $held_n notices, $held_w deliveries when killed"
assert_ge "$((held_n + held_w))" 1 "$victim was killed holding claims (midway)"
# Past the claims' expiry (claim_ttl 10m; the webhook claim: [http] timeout + 60 s): taken over.
expect_exit 0 mj run notification-delivery --now $((now + 3600))
expect_exit 0 mj run webhook-retry --now $((now + 3600))
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status <> 'sent'")" 0 "every notice sent"
assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE status <> 'delivered'")" 0 "every delivery delivered"

# At the receivers: every one, once; a duplicate only among the killed worker's in-flight rows, one a queue.
read -r n_distinct n_total n_dup < <(smtp_field 'm["data"].split("Subject: ")[1].split("\n")[0].strip()' |
  sort | uniq -c | awk '{t += $1; d += ($1 > 1) ? $1 - 1 : 0} END {print NR, t, d}')
assert_eq "$n_distinct" "$N" "distinct notices received"
assert_le "$n_dup" 1 "notices received twice (the killed worker's one in-flight send at most)"
read -r w_distinct w_total w_dup < <(http_py '"\n".join(r["body"] for r in reqs if r["path"] == "/w")' |
  sort | uniq -c | awk '{t += $1; d += ($1 > 1) ? $1 - 1 : 0} END {print NR, t, d}')
assert_eq "$w_distinct" "$N" "distinct deliveries received"
assert_le "$w_dup" 1 "deliveries received twice (the killed worker's one in-flight POST at most)"

# Shared: each of the three live hosts ran runs that sent (history names each run's host).
for h in a b c d; do
  [ "host-$h" = "$victim" ] && continue
  sent=$(sql "SELECT count(*) FROM job_attempts a JOIN job_runs r ON r.id = a.run_id WHERE r.owner LIKE 'host-$h:%'")
  assert_ge "$sent" 100 "attempts recorded by host-$h's runs"
done
# Runs of one queue job overlapped (several slots held at once), not taken in turns.
overlap=$(sql "SELECT count(*) FROM job_runs x JOIN job_runs y ON x.job = y.job AND x.id < y.id AND x.owner <> y.owner
               AND y.started_at < x.finished_at AND x.started_at < y.finished_at
               WHERE x.job = 'webhook-retry' AND x.outcome <> 'skipped' AND y.outcome <> 'skipped'")
assert_ge "$overlap" 1 "overlapping webhook-retry runs of different hosts"
# One run of session-cleanup for its one due time, whichever host took it.
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE job = 'session-cleanup' AND outcome <> 'skipped'")" 1 "session-cleanup runs"
