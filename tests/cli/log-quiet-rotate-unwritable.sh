# issue 12.8: the log file.
#  - `tick --quiet` (the recommended cron line) writes the full history to the log file at
#    log_level; it only quiets the terminal.
#  - The log rotates by size (log_max_bytes, log_keep: FILE.1 .. FILE.N), also while two
#    processes log at once: no line lost or torn, no file much over the limit.
#  - A log that cannot be opened or written is one warning on stderr, and the run succeeds.
. "$(dirname "$0")/lib.sh"
init_db
add_users 2
add_sessions 20 $((NOW - 10*86400)) $((NOW - 10*86400))
expect_exit 0 mj tick --quiet --now $NOW
assert_eq "$OUT" "" "quiet stdout"
assert_eq "$ERR" "" "quiet stderr"
assert_ge "$(grep -c '"event":"run_end"' var/mailjobs.log)" 10 "run_end lines of a --quiet tick in the log"
assert_contains "$(cat var/mailjobs.log)" '"job":"session-cleanup"' "session-cleanup in the log"
assert_eq "$(grep -c '"level":"debug"' var/mailjobs.log || true)" 0 "log_level info: no debug lines"

# rotation: small limit, two processes at once
rm -f var/mailjobs.log
cat >> jobs.ini <<'INI'
log_max_bytes = 6000
log_keep = 100
INI
mj run session-cleanup magic-link-expiry --verbose --now $NOW >/dev/null 2>&1
one=$(cat var/mailjobs.log* | wc -l)   # lines one such run writes
assert_ge "$one" 3 "lines per run"
rm -f var/mailjobs.log*
for k in $(seq 1 6); do
  mj run session-cleanup magic-link-expiry --verbose --now $NOW >/dev/null 2>&1 &
  mj run spam-quarantine-expiry alias-expiry --verbose --now $NOW >/dev/null 2>&1 &
  wait
done
files=$(ls var/mailjobs.log* | wc -l)
assert_ge "$files" 3 "rotated files"
total=$(cat var/mailjobs.log* | wc -l)
bad=$(cat var/mailjobs.log* | /usr/bin/python3 -c '
import json, sys
bad = 0
for l in sys.stdin:
    try: json.loads(l)
    except ValueError: bad += 1
print(bad)')
assert_eq "$bad" 0 "torn or interleaved lines"
for f in var/mailjobs.log*; do assert_le "$(stat -c %s "$f")" 12000 "size of $f"; done
# both processes' lines are all there: run_end of each job 6 times
for j in session-cleanup magic-link-expiry spam-quarantine-expiry alias-expiry; do
  assert_eq "$(cat var/mailjobs.log* | grep '"event":"run_end"' | grep -c "\"job\":\"$j\"")" 6 "run_end lines of $j"
done
# log_keep bounds the number of files; the newest lines are in FILE, then .1, .2, ...
sed -i "s/^log_keep = 100/log_keep = 2/" jobs.ini
for k in $(seq 1 4); do mj run session-cleanup --verbose --now $NOW >/dev/null 2>&1; done
assert_eq "$(ls var/mailjobs.log* | sort | tr '\n' ' ')" "var/mailjobs.log var/mailjobs.log.1 var/mailjobs.log.2 " "log_keep = 2"
bad_cfg=$(printf '[general]\ndatabase = var/mailjobs.db\nlog_keep = -1\n' > bad.ini; "$MJ" config --config bad.ini 2>&1 >/dev/null || true)
assert_contains "$bad_cfg" "log_keep" "bad log_keep is a config error"

# a log that cannot be written: one warning, the run succeeds, the work is done
sed -i 's|^log_file = .*|log_file = /dev/full|' jobs.ini
add_sessions 5 $((NOW - 10*86400)) $((NOW - 10*86400))
expect_exit 0 mj run session-cleanup --now $NOW
assert_eq "$(grep -c 'mailjobs: warning: cannot write log file /dev/full' <<<"$ERR")" 1 "one warning for /dev/full"
assert_eq "$(sql "SELECT outcome FROM job_runs WHERE job='session-cleanup' ORDER BY id DESC LIMIT 1")" done "run done"
# a folder that does not exist: one warning, lines go to stderr, the run succeeds
sed -i 's|^log_file = .*|log_file = var/missing/mailjobs.log|' jobs.ini
expect_exit 0 mj run session-cleanup --quiet --now $NOW
assert_eq "$(grep -c 'mailjobs: warning: cannot open log file' <<<"$ERR")" 1 "one warning for a missing folder"
assert_contains "$ERR" "No such file or directory" "the reason"
assert_eq "$(sql "SELECT outcome FROM job_runs WHERE job='session-cleanup' ORDER BY id DESC LIMIT 1")" done "run done"
# a log file path that is a folder
sed -i 's|^log_file = .*|log_file = var|' jobs.ini
expect_exit 0 mj run session-cleanup --now $NOW
assert_eq "$(grep -c 'mailjobs: warning: cannot open log file' <<<"$ERR")" 1 "one warning for a folder"
