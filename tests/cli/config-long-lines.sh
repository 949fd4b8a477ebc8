# Config lines of any length (up to 64 KiB): a 5000-character `where` and value are read whole and
# shown by `mailjobs config`; errors after a long line keep their real line numbers.
. "$(dirname "$0")/lib.sh"
init_db
sql "CREATE TABLE app_events(id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, level TEXT NOT NULL)"
long=$(head -c 5000 /dev/zero | tr '\0' 'x')
cat >> jobs.ini <<INI
[retention.app-events]
table = app_events
time_column = created_at
older_than = 60d
where = level <> '$long'
[mail]
sendmail_command = /usr/sbin/sendmail -t -i -F$long
INI
expect_exit 0 mj config
assert_contains "$OUT" "where = level <> '$long'"
assert_contains "$OUT" "sendmail_command = /usr/sbin/sendmail -t -i -F$long"
expect_exit 0 mj config --json
assert_eq "$(jq -r '.values["retention.app-events"].where.value' <<<"$OUT" | wc -c)" 5012 "where length in --json"
# the policy runs with it
sql "INSERT INTO app_events(created_at, level) VALUES ($NOW - 90*86400, 'info'), ($NOW - 90*86400, '$long')"
expect_exit 0 mj run retention-policies --now $NOW
assert_eq "$(sql "SELECT count(*) FROM app_events")" 1 "rows left"
# an error after the long lines is reported at its own line (not past the end of the file)
echo "smtp_port = 7x" >> jobs.ini
expect_exit 2 mj config
assert_contains "$ERR" "jobs.ini:11: [mail] smtp_port: expected a whole number"
