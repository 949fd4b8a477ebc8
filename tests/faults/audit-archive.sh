# I/O faults in audit-log-cleanup with archive = true (rows appended and fsynced to the gzip
# archive, then deleted in the batch transaction), at every failure point of every kind
# (tests/faults/lib.sh). After each faulty run every original row is still in the table or in the
# archive (both is allowed: readers dedupe by id; neither is lost data), young rows are untouched,
# and a failed run's history counts the rows that are gone. A run without faults finishes: the
# table keeps only the young rows, every purged id is in a readable archive, files 0600.
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/../cli/retention-b.bash"
. "$(dirname "$0")/lib.sh"
cat >> jobs.ini <<'INI'
[job.audit-log-cleanup]
archive = true
batch_size = 25
INI
init_db
add_users 10
D=86400
add_audit 300 $((NOW - 420*D)) 3600 0        # all older than 365 d
add_audit 40 $((NOW - 100*D)) 3600 0         # young: stay
sql "SELECT id FROM audit_logs ORDER BY id" > all_ids
sql "SELECT id FROM audit_logs WHERE created_at >= $NOW - 365*$D ORDER BY id" > young_ids
fault_snapshot

fault_reset() { rm -rf var/audit-archive; }
fault_check_partial() {
  # (grep .: archive_ids prints an empty line when there is no archive yet)
  { sql "SELECT id FROM audit_logs"; archive_ids; } | grep . | sort -n | uniq > seen
  cmp -s seen all_ids || fail "$FAULT_NOW: $(comm -23 <(sort all_ids) <(sort seen) | wc -l) rows in neither the table nor the archive"
  assert_eq "$(sql "SELECT count(*) FROM audit_logs WHERE created_at >= $NOW - 365*$D")" 40 "$FAULT_NOW: young rows"
  if [ "$FAULT_RC" == 1 ]; then
    local gone=$((340 - $(sql "SELECT count(*) FROM audit_logs")))
    assert_eq "$(last_run audit-log-cleanup "outcome || ' ' || ifnull(json_extract(counts, '$.audit_logs'), 0)")" "failed $gone" \
      "$FAULT_NOW: history (outcome, rows recorded) vs rows gone"
  fi
}
fault_check_done() {
  sql "SELECT id FROM audit_logs ORDER BY id" > kept
  cmp -s kept young_ids || fail "$FAULT_NOW (then a clean run): the table should hold exactly the young rows"
  for f in var/audit-archive/*; do gzip -t "$f" 2>/dev/null || fail "$FAULT_NOW (then a clean run): $f unreadable"; done
  zcat var/audit-archive/*.jsonl.gz | /usr/bin/python3 -c "import json,sys; print('\n'.join(str(json.loads(l)['id']) for l in sys.stdin))" | sort -n | uniq > archived
  assert_eq "$(wc -l < archived)" 300 "$FAULT_NOW (then a clean run): every purged id is in the archive (zcat)"
  { cat kept archived; } | sort -n | cmp -s - all_ids || fail "$FAULT_NOW (then a clean run): table + archive differ from the original ids"
  assert_eq "$(stat -c %a var/audit-archive/* | sort -u)" 600 "$FAULT_NOW (then a clean run): file modes"
  assert_eq "$(last_run audit-log-cleanup outcome)" done "$FAULT_NOW (then a clean run): last outcome"
}
fault_sweep_all mj run audit-log-cleanup --now $NOW
