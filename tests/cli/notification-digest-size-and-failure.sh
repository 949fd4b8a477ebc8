# Issue 12.4: a digest holds only as many notices as fit in [mail] max_message_bytes (the rest
# make the next digest, in order), and a digest that fails for good gives its notices back: they
# go out on their own, never folded again. Before the fix the single oversized digest failed
# permanently and its notices stayed 'digested' for ever, unsent.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
start_smtp
mail_ini_smtp
sed -i 's/^timeout = 10s/timeout = 3s/' jobs.ini
echo "max_message_bytes = 6000" >> jobs.ini   # still in [mail]
printf '[job.notification-delivery]\ndigest = true\nretry_schedule = 1m\n' >> jobs.ini
init_db
# five notices of ~2 KB each for user 1: all five (10 KB) do not fit in one 6000-byte e-mail
add_notices 5 1
sql "UPDATE notification_outbox SET body = 'Notice body ' || id || ' ' || replace(hex(zeroblob(1000)), '00', 'ab')"

expect_exit 0 mj run notification-delivery --now $NOW
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE kind = 'test_notice' AND status IN ('digested', 'sent')")" 5 "every notice went out"
assert_ge "$(smtp_received)" 2 "more than one e-mail"
for s in $(smtp_field 'm["size"]'); do assert_le "$s" 6000 "e-mail size"; done
body=$(smtp_bodies)
for i in 1 2 3 4 5; do assert_contains "$body" "Notice body $i abab" "notice $i delivered"; done
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status = 'failed'")" 0 "nothing failed"
# folded in id order: each digest holds consecutive notices
assert_eq "$(sql "SELECT group_concat(ifnull(digest_id, 'alone'), ' ') FROM (SELECT digest_id FROM notification_outbox WHERE kind = 'test_notice' ORDER BY id) AS q0" | tr ' ' '\n' | uniq | wc -l)" \
  "$(smtp_received)" "one e-mail per run of consecutive notices"

# A digest that fails for good (the relay answers 451 to both of its attempts) gives its notices back.
add_notices 2 2
smtp_control '{"data": "451 4.3.0 try again later"}'
expect_exit 0 mj run notification-delivery --now $((NOW + 3600))
digest=$(sql "SELECT id FROM notification_outbox WHERE kind = 'digest' AND user_id = 2")
assert_eq "$(sql "SELECT status || ':' || attempts FROM notification_outbox WHERE id = $digest")" "queued:1" "digest retried"
expect_exit 0 mj run notification-delivery --now $((NOW + 3600 + 120))
assert_eq "$(sql "SELECT status || ':' || attempts FROM notification_outbox WHERE id = $digest")" "failed:2" "digest failed for good"
assert_eq "$(sql "SELECT group_concat(status || ':' || attempts || ':' || digest_id, ' ') FROM notification_outbox WHERE user_id = 2 AND kind = 'test_notice'")" \
  "queued:1:$digest queued:1:$digest" "its notices went out on their own at once (the relay still says 451: retried)"
assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE item_id IN (SELECT id FROM notification_outbox WHERE user_id = 2 AND kind = 'test_notice')")" 2 "one own attempt each"
smtp_control '{}'
before=$(smtp_received)
expect_exit 0 mj run notification-delivery --now $((NOW + 3600 + 240))
assert_eq "$(( $(smtp_received) - before ))" 2 "each goes out on its own (not folded again)"
assert_eq "$(sql "SELECT group_concat(status, ' ') FROM notification_outbox WHERE user_id = 2 AND kind = 'test_notice'")" "sent sent" "sent"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE kind = 'digest' AND user_id = 2")" 1 "no second digest"
expect_exit 0 mj run notification-delivery --now $((NOW + 7200))
assert_eq "$(( $(smtp_received) - before ))" 2 "nothing twice"
echo "ok"
