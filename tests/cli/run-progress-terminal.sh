# `mailjobs run JOB` on a terminal shows one live line per job, rewritten in place with "\r"
# (rows done of the estimate, rows/s, ETA, batch length); through a pipe, with --quiet or --json
# nothing of it (issue 16). The terminal is a pseudo-terminal from script(1) (util-linux).
. "$(dirname "$0")/lib.sh"
command -v script >/dev/null || { echo "SKIP [$TEST_NAME]: needs script(1) from util-linux"; exit 0; }
init_db
# 30000 finished deliveries past the 90-day cutoff, purged in batches (the engine sizes them; each
# followed by the engine's 10 ms pause: long enough for several redraws at 10 per second)
add_users 1
dl() {  # dl N: N delivered rows past the cutoff
  sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $1)
       INSERT INTO delivery_log(uuid, user_id, webhook_url, payload_hash, payload, status, created_at)
       SELECT lower(printf('%08x', $NOW - 100*86400) || hex(randomblob(12))), 1, 'https://hooks.example/in',
              hex(randomblob(8)), '{}', 'delivered', $NOW - 100*86400 FROM c"
}
dl 30000
cmd="cd '$WORK' && '$MJ' run delivery-log-cleanup --now $NOW --set job.delivery-log-cleanup.batch_size=20"
script -qfec "$cmd" /dev/null > tty.out
assert_eq "$(sql "SELECT count(*) FROM delivery_log")" 0 "purged"
# Progress lines: "\r" + job name, rewritten several times, ending at 30,000 of 30,000.
updates=$(grep -o $'\r''delivery-log-cleanup  [0-9,]* of 30,000 rows' tty.out | wc -l)
assert_ge "$updates" 2 "in-place updates (\\r) of the progress line"
grep -q $'\r''delivery-log-cleanup  30,000 of 30,000 rows (100%)' tty.out || fail "no final 30,000 of 30,000 line: $(cat -v tty.out)"
grep -qE 'rows/s' tty.out || fail "no rows/s: $(cat -v tty.out)"
grep -qE 'batch [0-9]+ ms' tty.out || fail "no batch length: $(cat -v tty.out)"
grep -qE 'ETA [0-9]+' tty.out || [ "$updates" -lt 3 ] || fail "no ETA while rows were left: $(cat -v tty.out)"
# Not a terminal: no progress at all, not a single \r
dl 500
mj run delivery-log-cleanup --now $NOW --set job.delivery-log-cleanup.batch_size=20 > pipe.out 2> pipe.err
! grep -q $'\r' pipe.out pipe.err || fail "progress written through a pipe"
! grep -q 'rows/s' pipe.out pipe.err || fail "progress text through a pipe"
# A terminal with --quiet or --json: none either
for flag in --quiet --json; do
  dl 200
  script -qfec "$cmd $flag" /dev/null > tty2.out
  ! grep -q 'rows/s' tty2.out || fail "progress shown with $flag: $(cat -v tty2.out)"
  assert_eq "$(sql "SELECT count(*) FROM delivery_log")" 0 "purged with $flag"
done
