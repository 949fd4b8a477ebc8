# A delivery job with less budget left than [mail] timeout sends nothing more (a send could outlast
# the budget) and ends `more` only while mail is waiting: with an empty queue it ends `done`, so
# the tick does not give it another turn and history does not show "budget reached" for nothing.
. "$(dirname "$0")/lib.sh"
cat >> jobs.ini <<'INI'
[mail]
transport = smtp
smtp_host = 127.0.0.1
smtp_port = 9
smtp_starttls = off
from_address = porter@mail.example.net
timeout = 30s
INI
init_db
outcome() { sql "SELECT outcome || ' ' || exit_reason FROM job_runs WHERE job = '$1' ORDER BY id DESC LIMIT 1"; }
for job in forward-retry notification-delivery; do
  expect_exit 0 mj run $job --now $NOW --max-runtime 2s
  assert_eq "$(outcome $job)" "done done" "$job with an empty queue and 2s < timeout"
done
# Something waiting: the same short budget is `more` (budget reached), and nothing was tried.
. "$(dirname "$0")/../servers/mail_helpers.sh"
add_failed 1
expect_exit 0 mj run forward-retry --now $NOW --max-runtime 2s
assert_eq "$(outcome forward-retry)" "more budget reached" "forward-retry with mail waiting"
assert_eq "$(sql "SELECT attempts || ' ' || status FROM failed_emails")" "0 pending" "the forward is untouched"
