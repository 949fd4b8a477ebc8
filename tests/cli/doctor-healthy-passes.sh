# `mailjobs doctor` on a healthy install: every check ok, exit 0, --json says the same, and the
# database is left byte for byte unchanged (issue 16).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/doctor.bash"
sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
before=$(db_sha)
expect_exit 0 mjd doctor
# the file, folder, WAL, auto_vacuum and disk checks are the SQLite file's; PostgreSQL has database.server instead
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then
  db_checks="database.server database.schema database.indexes" n_checks=10
else
  db_checks="database.filesystem database.file database.schema database.indexes database.wal database.auto_vacuum disk.free backup.free" n_checks=15
fi
for c in config $db_checks \
         cron.alive mail.transport tls.ca_bundle dns.servers limits.memory limits.time; do
  assert_check "$c" "ok  "
done
assert_contains "$OUT" "all $n_checks checks passed"
assert_check dns.servers "ok  " "answering: $DNS_IP"
assert_check mail.transport "ok  " "$WORK/sendmail"
expect_exit 0 mjd doctor --json
assert_eq "$(/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["ok"], len(d["checks"]), sorted({c["status"] for c in d["checks"]}))' <<<"$OUT")" \
  "True $n_checks ['ok']" "--json"
# options before the command too
expect_exit 0 mjd --config jobs.ini doctor --quiet
assert_eq "$(db_sha)" "$before" "database unchanged by doctor"
