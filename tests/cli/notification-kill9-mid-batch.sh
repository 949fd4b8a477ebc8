# kill -9 of notification-delivery in the middle of a batch, then reruns: no notice is sent twice
# and none is lost. Deterministic: the sendmail program blocks on its 3rd message (before
# accepting it) and the test kills mailjobs there. The notices the dead run had claimed stay
# claimed until claim_ttl passes (a rerun before that leaves them alone), then go out once.
# (claim_ttl is at least 2 x [mail] timeout + 1 min, hence timeout = 10s here.)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
mkdir -p bin sent
export FAKE_SENDMAIL_DIR=$WORK/sent
cat > bin/fake-sendmail <<'SH'
#!/bin/bash
# The 3rd call blocks before accepting (writes its pid to "blocked"); the others accept and record.
d=$FAKE_SENDMAIL_DIR
n=$(( $(cat "$d/count" 2>/dev/null || echo 0) + 1 )); echo $n > "$d/count"
msg=$(cat)
if [ $n -eq 3 ]; then echo $$ > "$d/blocked.tmp"; mv "$d/blocked.tmp" "$d/blocked"; exec sleep 600; fi
printf '%s\n' "$msg" > "$d/msg.$n"
SH
chmod +x bin/fake-sendmail
export PATH=$WORK/bin:$PATH
cat >> jobs.ini <<'INI'
[mail]
sendmail_command = fake-sendmail -t -i
from_address = porter@mail.example.net
timeout = 10s
[job.notification-delivery]
batch_size = 4
claim_ttl = 2m
INI
init_db
add_notices 10
"$MJ" run notification-delivery --now $NOW >out.1 2>err.1 & victim=$!
for _ in $(seq 1 100); do [ -f sent/blocked ] && break; sleep 0.1; done
[ -f sent/blocked ] || fail "sendmail never reached message 3: $(cat err.1)"
kill -9 $victim; wait $victim 2>/dev/null || true
kill "$(cat sent/blocked)"
sent_notices() { grep -h '^X-Mailjobs-Notice: ' sent/msg.* | awk '{print $2}' | sort -n | tr '\n' ' '; }
assert_eq "$(sent_notices)" "1 2 " "accepted before the kill"
assert_eq "$(sql "SELECT group_concat(status, ' ') FROM (SELECT status FROM notification_outbox ORDER BY id) AS q0")" \
  "sent sent sending sending queued queued queued queued queued queued" "state after kill -9"
# a rerun while the dead run's claims are live: the rest goes, the claimed two wait
expect_exit 0 mj run notification-delivery --now $((NOW + 60))
assert_eq "$(sent_notices)" "1 2 5 6 7 8 9 10 " "rerun before claim expiry"
# after claim_ttl: the two abandoned claims are taken over and sent once
expect_exit 0 mj run notification-delivery --now $((NOW + 121))
assert_eq "$(sent_notices)" "1 2 3 4 5 6 7 8 9 10 " "every notice once"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status='sent' AND claimed_by IS NULL")" 10 "all sent"
expect_exit 0 mj run notification-delivery --now $((NOW + 7200))
assert_eq "$(ls sent/msg.* | wc -l)" 10 "nothing more later"
