# Overlapping forward-retry runs never send a message twice.
# 1. Four `mailjobs run forward-retry` started at once: the job lease lets one work; every message
#    reaches the server exactly once.
# 2. The claims alone: a run's lease is removed with `unlock --force` while it sends (slow
#    server), so two more runs start beside it and work the same queue. The unlocked run still
#    records the sends it had claimed, then claims nothing more and ends with "lease lost"
#    (exit 1). Every message still arrives exactly once, and more than one run delivered some.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
printf '[job.forward-retry]\nbatch_size = 5\n' >> jobs.ini
init_db
add_failed 40 $((NOW - 3600)) first
smtp_control '{"delay": 0.02}'
pids=()
for i in 1 2 3 4; do ( set +e; "$MJ" run forward-retry --now $NOW >"out.$i" 2>"err.$i"; echo $? >"rc.$i" ) & pids+=($!); done
wait "${pids[@]}"   # not a bare `wait`: the SMTP server runs in the background too
for i in 1 2 3 4; do case $(cat "rc.$i") in 0|4) ;; *) fail "run $i exited $(cat rc.$i): $(cat err.$i)" ;; esac; done
assert_eq "$(smtp_received)" 40 "messages received (part 1)"
assert_eq "$(smtp_field 'm["rcpt_tos"][0]' | sort -u | wc -l)" 40 "distinct messages (part 1)"
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE status='delivered' AND attempts=1")" 40 "delivered once each (part 1)"

add_failed 60 $((NOW - 3600)) second
smtp_control '{"delay": 0.1}'
first_run=$(sql "SELECT coalesce(max(id),0) FROM job_runs")
( set +e; "$MJ" run forward-retry --now $NOW >out.a 2>err.a; echo $? >rc.a ) & pids=($!)
for _ in $(seq 1 100); do [ "$(smtp_received)" -ge 42 ] && break; sleep 0.1; done
expect_exit 0 mj unlock forward-retry --force
for i in b c; do ( set +e; "$MJ" run forward-retry --now $NOW >"out.$i" 2>"err.$i"; echo $? >"rc.$i" ) & pids+=($!); done
wait "${pids[@]}"
for i in b c; do case $(cat "rc.$i") in 0|4) ;; *) fail "run $i exited $(cat rc.$i): $(cat err.$i)" ;; esac; done
case $(cat rc.a) in 0) ;; 1) assert_contains "$(cat err.a)" "lease lost" "run a" ;; *) fail "run a exited $(cat rc.a): $(cat err.a)" ;; esac
assert_eq "$(smtp_received)" 100 "messages received (part 2)"
assert_eq "$(smtp_field 'm["rcpt_tos"][0]' | sort | uniq -d | wc -l)" 0 "no message twice"
assert_eq "$(sql "SELECT count(*) FROM failed_emails WHERE status='delivered' AND attempts=1 AND claimed_by IS NULL")" 100 "all delivered once"
assert_eq "$(sql "SELECT count(*) FROM job_attempts")" 100 "one attempt each"
workers=$(sql "SELECT count(*) FROM job_runs WHERE id > $first_run AND CAST(json_extract(counts, '$.delivered') AS INTEGER) > 0")
assert_ge "$workers" 2 "runs that delivered side by side"
