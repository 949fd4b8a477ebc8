# bandwidth-rollup killed with kill -9 in the middle of its first run (tiny batches, many
# windows): the next run takes the lease over and the rollups equal the brute-force sums: a
# window written before the kill is recomputed, never added to. The same after a second kill in
# a run over new rows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/usage.bash"
cat >> jobs.ini <<'INI'
[job.bandwidth-rollup]
raw_retention = 400d
day_retention = 500d
batch_size = 1
INI
init_db
add_users 200
add_usage 150000 120 200
kill_mid_run() {
  "$MJ" run bandwidth-rollup --now $1 >/dev/null 2>&1 &
  local pid=$! i
  for i in $(seq 1 400); do
    [ "$(sql "SELECT count(*) FROM bandwidth_rollups")" -ge "$2" ] && break
    sleep 0.05
  done
  kill -9 $pid 2>/dev/null || fail "the run ended before it could be killed"
  wait $pid 2>/dev/null || true
}
kill_mid_run $NOW 300
written=$(sql "SELECT count(*) FROM bandwidth_rollups")
assert_ge "$written" 300 "some windows were committed before the kill"
assert_le "$written" "$(sql "SELECT count(*) FROM ($brute_day) AS q") " "and not all of them"
run_until_done bandwidth-rollup --now $((NOW + 60)) --set job.bandwidth-rollup.batch_size=1000
assert_eq "$(rollup_diff)" "0 0" "after kill -9 and a rerun: rollups = brute-force sums"

# Again in a run over new rows (all of them for windows that already have rollups).
add_usage 50000 3 200
sql "UPDATE bandwidth_usage SET recorded_at = recorded_at - 40*$D WHERE id % 10 = 0 AND id > (SELECT CAST(json_extract(cursor, '$.after_id') AS INTEGER) FROM job_state WHERE job = 'bandwidth-rollup')"
pre=$(sql "SELECT count(*) FROM bandwidth_rollups WHERE updated_at = $((NOW + 120))")
"$MJ" run bandwidth-rollup --now $((NOW + 120)) >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 400); do
  [ "$(sql "SELECT count(*) FROM bandwidth_rollups WHERE updated_at = $((NOW + 120))")" -ge 50 ] && break
  sleep 0.05
done
kill -9 $pid 2>/dev/null || fail "second run ended before it could be killed"
wait $pid 2>/dev/null || true
assert_eq "$pre" 0 "nothing had this run's stamp before it"
run_until_done bandwidth-rollup --now $((NOW + 180))
assert_eq "$(rollup_diff)" "0 0" "after the second kill -9 and a rerun"
