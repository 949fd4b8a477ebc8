# An export killed with -9 mid-archive: `mailjobs status` shows it running with its progress and
# that its run died; the partial file is never a ready archive; the next run after the claim
# expired takes it over (attempt 2), sweeps the partial file and builds it: ready once, one notice.
# An export stopped by the time budget deletes its partial file and gives the request back, with
# the reason, for the next run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/account-export.bash"
init_db
export_config
printf '[job.account-export]\nbatch_size = 20\nclaim_ttl = 60s\n' >> jobs.ini
add_account 1 3
sql "UPDATE exports SET requested_at = $NOW - 60;
     WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 60000)
     INSERT INTO message_logs(user_id, outcome, created_at) SELECT 1, 'delivered', $NOW - i FROM c"

"$MJ" run account-export --now $NOW >/dev/null 2>&1 &
pid=$!
for i in $(seq 1 200); do
  rows=$(sql "SELECT coalesce(CAST(json_extract(progress, '$.rows') AS INTEGER), 0) FROM exports WHERE id = 1")
  [ "$rows" -gt 2000 ] && break
  sleep 0.05
done
kill -9 $pid; wait $pid 2>/dev/null || true
[ "$rows" -gt 2000 ] || fail "the export did not get going (rows $rows)"
assert_eq "$(sql "SELECT status, attempts FROM exports WHERE id = 1")" "running|1" "claimed when killed"
ls -A var/exports | grep -q '^\.partial-' || fail "no partial file (the kill came too late?)"
ls var/exports | grep -q '\.zip$' && fail "a finished archive after the kill"
OUT=$(mj status --json)
assert_eq "$(json_get "d['exports']['running'][0]['progress']['rows'] >= 2000")" True "status: progress"
assert_eq "$(json_get "d['exports']['running'][0]['attempts']")" 1 "status: attempt"
assert_contains "$(mj status)" "export 1 (attempt 1)" "status text"

# Before the claim expires nobody takes it over.
OUT=$(mj run account-export --now $((NOW + 30)) --json)
assert_eq "$(json_get "d[0]['counts'].get('exports_ready', 0)")" 0 "claim still live"
# The killed run's partial file is swept by the next run (the job's lease makes it the only one).
assert_eq "$(json_get "d[0]['counts']['export_temp_files_swept']")" 1 "partial swept"
OUT=$(mj run account-export --now $((NOW + 3600)) --json)
assert_eq "$(json_get "d[0]['counts']['exports_ready']")" 1 "taken over"

assert_eq "$(sql "SELECT status, attempts FROM exports WHERE id = 1")" "ready|2" "ready at attempt 2"
assert_eq "$(ls -A var/exports)" "$(sql "SELECT path FROM exports WHERE id = 1")" "only the archive"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE kind = 'export_ready'")" 1 "one notice"
python3 -c "import zipfile,sys,json; z=zipfile.ZipFile(sys.argv[1]); assert json.loads(z.read('manifest.json'))['tables']['message_logs']['rows'] == 60003" \
  "$(export_file 1)" || fail "archive incomplete"

# The budget: a 1 s run cannot finish; the request goes back with the reason.
sql "INSERT INTO exports(id, user_id, requested_at) VALUES(2, 1, $NOW + 200000)"
OUT=$(mj run account-export --now $((NOW + 200000)) --max-runtime 1s --set job.account-export.batch_size=2 --json)
assert_eq "$(json_get "d[0]['outcome']")" more "stopped by the budget"
assert_eq "$(sql "SELECT status, attempts, claimed_by IS NULL FROM exports WHERE id = 2")" "requested|1|1" "given back"
assert_contains "$(sql "SELECT error FROM exports WHERE id = 2")" "stopped (budget reached)" "the reason"
ls -A var/exports | grep -q '^\.partial-' && fail "partial file left by the budget stop"
true
