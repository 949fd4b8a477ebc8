# I/O faults in webhook-retry against the real HTTP receiver (tests/servers/http_server.py), at
# every failure point of every kind (tests/faults/lib.sh). After each faulty run: every row marked
# delivered was received, nothing was POSTed twice, at most one row is left claimed (the one whose
# result could not be written after the receiver answered 200: the documented at-least-once
# window), and a failed run's history counts what the table says. A run without faults at the same
# clock delivers the rest; once that claim has expired (HTTP timeout + 60 s), a later run POSTs it
# again with the same X-Mailjobs-Delivery id, so the receiver can drop it.
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/../servers/http_helpers.sh"
. "$(dirname "$0")/lib.sh"
cat >> jobs.ini <<'INI'
[http]
allow_private_addresses = true
timeout = 5s
[job.webhook-retry]
batch_size = 4
INI
start_http_server
init_db
add_users 1
M=10
sql "INSERT INTO webhooks(id, user_id, url, secret) VALUES (1, 1, '$HTTP_URL/hook', 'k');
     WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < $M)
     INSERT INTO delivery_log(id, user_id, webhook_id, webhook_url, payload_hash, payload, status, next_retry_at, created_at)
     SELECT i, 1, 1, '$HTTP_URL/hook', 'h', '{\"n\":' || i || '}', 'pending', $NOW, $NOW FROM c;"
fault_snapshot

# one line per POST: delivery id header and body
received() { [ -s "$HTTP_LOG" ] && http_py '"\n".join(sorted(r["headers"]["x-mailjobs-delivery"] + " " + r["body"] for r in reqs))' || true; }
fault_reset() { : > "$HTTP_LOG"; }
fault_check_partial() {
  local got dup delivered claimed
  got=$(received)
  dup=$(uniq -d <<<"$got")
  [ -z "$dup" ] || fail "$FAULT_NOW: POSTed twice in one run: $dup"
  delivered=$(sql "SELECT uuid || ' ' || payload FROM delivery_log WHERE status = 'delivered' ORDER BY 1")
  [ -z "$(comm -23 <(echo "$delivered") <(echo "$got"))" ] || fail "$FAULT_NOW: marked delivered but never received: $(comm -23 <(echo "$delivered") <(echo "$got"))"
  claimed=$(sql "SELECT count(*) FROM delivery_log WHERE status = 'delivering'")
  assert_le "$claimed" 1 "$FAULT_NOW: rows left claimed (only the one whose result could not be written)"
  assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE status NOT IN ('pending', 'delivering', 'delivered')")" 0 "$FAULT_NOW: rows failed by an I/O error"
  if [ "$FAULT_RC" == 1 ]; then
    assert_eq "$(sql "SELECT outcome || ' ' || ifnull(json_extract(counts, '$.delivered'), 0) FROM job_runs WHERE job = 'webhook-retry' ORDER BY id DESC LIMIT 1")" \
      "failed $(grep -c . <<<"$delivered")" "$FAULT_NOW: history (outcome, delivered) vs the table"
  fi
  STUCK=$(sql "SELECT uuid || ' ' || payload FROM delivery_log WHERE status = 'delivering'")
}
fault_clean_run() {
  expect_exit 0 "$@"
  assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE status <> 'delivered'")" "$(sql "SELECT count(*) FROM delivery_log WHERE status = 'delivering'")" \
    "$FAULT_NOW (then a clean run): rows not delivered besides a claimed one"
  expect_exit 0 mj run webhook-retry --now $((NOW + 120))
}
fault_check_done() {
  local got total
  got=$(received)
  assert_eq "$(sql "SELECT count(*) FROM delivery_log WHERE status = 'delivered'")" $M "$FAULT_NOW (then clean runs): delivered rows"
  assert_eq "$(sort -u <<<"$got" | wc -l)" $M "$FAULT_NOW (then clean runs): distinct deliveries received"
  total=$(wc -l <<<"$got")
  assert_le "$total" $((M + 1)) "$FAULT_NOW (then clean runs): POSTs (at most one duplicate)"
  if [ "$total" -gt $M ]; then
    assert_eq "$(uniq -d <<<"$got")" "${STUCK:-}" "$FAULT_NOW: the duplicate is the row whose result the fault lost, same delivery id"
  fi
  assert_eq "$(sql "SELECT count(*) FROM job_attempts WHERE job = 'webhook-retry'")" $M "$FAULT_NOW (then clean runs): one recorded attempt per delivery"
  STUCK=
}
fault_sweep_all mj run webhook-retry --now $NOW
