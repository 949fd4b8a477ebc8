# I/O faults in notification-delivery against the real SMTP server, at every failure point of
# every kind (tests/faults/lib.sh). After each faulty run: every notice marked sent was received,
# nothing was received twice, at most one notice the server received is left claimed (the one
# whose result could not be written after the server accepted it: the documented at-least-once
# window; under a disk that stays broken the rest of its claimed batch stays claimed unsent too,
# and goes once, when the claim expires), and a failed
# run's history counts what the table says. A run without faults at the same clock sends the
# rest; once that one claim has expired, a later run sends it too, with the same Message-ID.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../cli/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
. "$HERE/lib.sh"
start_smtp
mail_ini_smtp
cat >> jobs.ini <<'INI'
[job.notification-delivery]
; several claim batches in one run
batch_size = 4
INI
init_db
M=10
add_notices $M
fault_snapshot

# one line per received e-mail: its subject and Message-ID
received() { [ -f "$SMTP_DIR/messages.jsonl" ] && smtp_field '" ".join(l.split(": ", 1)[1].replace(" ", "_") for l in m["data"].splitlines() if l.startswith(("Subject: ", "Message-ID: ")))' | sort || true; }
fault_reset() { rm -f "$SMTP_DIR/messages.jsonl"; }
fault_check_partial() {
  local got dup delivered claimed full
  got=$(received)
  dup=$(uniq -d <<<"$got")
  [ -z "$dup" ] || fail "$FAULT_NOW: received twice in one run: $dup"
  delivered=$(sql "SELECT replace(subject, ' ', '_') FROM notification_outbox WHERE status = 'sent' ORDER BY 1")
  full=$got
  got=$(cut -d' ' -f1 <<<"$got")
  [ -z "$(comm -23 <(echo "$delivered") <(echo "$got"))" ] || fail "$FAULT_NOW: marked delivered but never received: $(comm -23 <(echo "$delivered") <(echo "$got"))"
  claimed=$(sql "SELECT replace(subject, ' ', '_') || ' ' || ifnull(message_id, '') FROM notification_outbox WHERE status = 'sending'")
  # the one left claimed and received is the one the server got but the table could not record
  STUCK=$(in_both "$claimed" "$full")
  assert_le "$(grep -c . <<<"$STUCK")" 1 "$FAULT_NOW: notices left claimed that the server received (only the one whose result could not be written)"
  assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status NOT IN ('queued', 'sending', 'sent')")" 0 "$FAULT_NOW: notices failed by an I/O error"
  if [ "$FAULT_RC" == 1 ]; then
    assert_eq "$(sql "SELECT outcome || ' ' || ifnull(json_extract(counts, '$.sent'), 0) FROM job_runs WHERE job = 'notification-delivery' ORDER BY id DESC LIMIT 1")" \
      "failed $(wc -w <<<"$delivered")" "$FAULT_NOW: history (outcome, delivered) vs the table"
  fi
}
fault_clean_run() {
  expect_exit 0 "$@"
  # everything but a row still claimed by the failed run is delivered at the same clock
  assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status <> 'sent'")" "$(sql "SELECT count(*) FROM notification_outbox WHERE status = 'sending'")" \
    "$FAULT_NOW (then a clean run): notices not sent besides a claimed one"
  # that claim expires (claim_ttl 10m): a run after that resends it (at-least-once)
  expect_exit 0 mj run notification-delivery --now $((NOW + 700))
}
fault_check_done() {
  local got
  got=$(received)
  assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE status = 'sent'")" $M "$FAULT_NOW (then clean runs): notices sent"
  assert_eq "$(sort -u <<<"$got" | wc -l)" $M "$FAULT_NOW (then clean runs): distinct messages received"
  local total; total=$(wc -l <<<"$got")
  assert_le "$total" $((M + 1)) "$FAULT_NOW (then clean runs): messages received (at most one duplicate)"
  if [ "$total" -gt $M ]; then
    assert_eq "$(uniq -d <<<"$got")" "${STUCK:-}" "$FAULT_NOW: the duplicate is the notice whose result the fault lost, with its Message-ID"
  fi
  assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE job = 'notification-delivery'")" $M "$FAULT_NOW (then clean runs): one recorded attempt per message"
  STUCK=
}
fault_sweep_all mj run notification-delivery --now $NOW
