# account-export's queue rules: one active export per user (the database refuses a second
# request); a request sooner than min_interval after the user's last ready export is refused with
# when to ask again, and one after it is built; a request whose build fails is retried and after
# max_attempts is 'failed' with the error (the user may ask again); a soft-deleted or suspended
# user's request waits untouched (attempts 0) and is built once the account is active again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/account-export.bash"
init_db
export_config
add_account 1 3
sql "UPDATE exports SET requested_at = $NOW - 60"
if sql "INSERT INTO exports(user_id) VALUES(1)" 2>/dev/null; then fail "a second active export was accepted"; fi

OUT=$(mj run account-export --now $NOW --json)
assert_eq "$(json_get "d[0]['counts']['exports_ready']")" 1 "first export"
sql "INSERT INTO exports(id, user_id, requested_at) VALUES(50, 1, $NOW + 3600)"
OUT=$(mj run account-export --now $((NOW + 7200)) --json)
assert_eq "$(json_get "d[0]['counts']['exports_refused']")" 1 "too soon: refused"
assert_eq "$(sql "SELECT status, attempts FROM exports WHERE id = 50")" "failed|0" "refused, no attempt"
assert_contains "$(sql "SELECT error FROM exports WHERE id = 50")" "ask again after" "says when"
sql "INSERT INTO exports(id, user_id, requested_at) VALUES(51, 1, $NOW + 90000)"
OUT=$(mj run account-export --now $((NOW + 90000)) --json)
assert_eq "$(json_get "d[0]['counts']['exports_ready']")" 1 "after 24 h: built"
assert_eq "$(sql "SELECT status FROM exports WHERE id = 51")" ready "ready"

# A build that fails: a held mail file cannot be read (a folder where the file should be). A
# folder problem of [export] dir itself would fail the run instead (the operator's to fix).
T=$((NOW + 200000))
rm var/spool/fe-1-1.eml && mkdir var/spool/fe-1-1.eml
sql "INSERT INTO exports(id, user_id, requested_at) VALUES(60, 1, $T)"
for i in 1 2; do
  OUT=$(mj run account-export --now $((T + i)) --json)
  assert_eq "$(sql "SELECT status, attempts FROM exports WHERE id = 60")" "requested|$i" "attempt $i given back"
done
assert_contains "$(sql "SELECT error FROM exports WHERE id = 60")" "reading held mail file" "the error is kept"
OUT=$(mj run account-export --now $((T + 3)) --json)
assert_eq "$(json_get "d[0]['counts']['exports_failed']")" 1 "history: failed"
assert_eq "$(sql "SELECT status, attempts FROM exports WHERE id = 60")" "failed|3" "failed after max_attempts"
assert_contains "$(sql "SELECT error FROM exports WHERE id = 60")" "gave up after 3 attempts: reading held mail file" "the error says so"
[ -z "$(ls -A var/exports | grep partial)" ] || fail "partial files left"
sql "INSERT INTO exports(id, user_id, requested_at) VALUES(61, 1, $T)" || fail "the user may ask again"
sql "DELETE FROM exports WHERE id = 61"
rmdir var/spool/fe-1-1.eml && echo x > var/spool/fe-1-1.eml

# Access revocation: soft-deleted and suspended users' requests wait.
add_account 2 3
add_account 3 3
sql "UPDATE exports SET requested_at = $T WHERE user_id IN (2, 3);
     UPDATE users SET deleted_at = $T, status = 'deleted' WHERE id = 2;
     UPDATE users SET status = 'suspended' WHERE id = 3"
OUT=$(mj run account-export --now $((T + 10)) --json)
assert_eq "$(json_get "d[0]['counts']['waiting_user_inactive']")" 2 "both wait"
assert_eq "$(json_get "d[0]['counts'].get('exports_ready', 0)")" 0 "nothing built"
assert_eq "$(sql "SELECT group_concat(status || attempts) FROM exports WHERE user_id IN (2, 3)")" "requested0,requested0" "untouched"
[ -z "$(ls var/exports | grep -v -e "$(sql "SELECT group_concat(path, '\|') FROM exports WHERE status = 'ready'")")" ] || fail "files for waiting users"
sql "UPDATE users SET deleted_at = NULL, status = 'active' WHERE id = 2; UPDATE users SET status = 'active' WHERE id = 3"
OUT=$(mj run account-export --now $((T + 20)) --json)
assert_eq "$(json_get "d[0]['counts']['exports_ready']")" 2 "resumed after undo and reactivation"
