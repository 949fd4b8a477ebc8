# The implicit ./jobs.ini of the cron line exists but cannot be read, or is a folder: exit 2 with
# the reason, never built-in defaults (those would create a fresh empty database and exit 0 while
# the real database is never cleaned). --config DIR says "is a directory".
# backend: sqlite-only: an unreadable jobs.ini: no database is opened
. "$(dirname "$0")/lib.sh"
rm jobs.ini
# 1. ./jobs.ini is a directory
mkdir jobs.ini
expect_exit 2 mj tick --now $NOW
assert_contains "$ERR" "jobs.ini: cannot read config file: is a directory"
assert_contains "$ERR" "mailjobs: error: 1 configuration problem; nothing was run"
[ ! -e var/mailjobs.db ] || fail "a database was created"
# 2. --config DIR and MAILJOBS_CONFIG=DIR name the folder, not a database-folder error
mkdir conf
expect_exit 2 mj config --config conf
assert_contains "$ERR" "conf: cannot read config file: is a directory"
MAILJOBS_CONFIG=conf expect_exit 2 mj run session-cleanup --now $NOW
assert_contains "$ERR" "conf: cannot read config file: is a directory"
# 3. a FIFO (it would block cron forever) or a dangling symlink is refused, not ignored
rmdir jobs.ini
mkfifo jobs.ini
expect_exit 2 timeout 5 "$MJ" tick --now $NOW
assert_contains "$ERR" "jobs.ini: cannot read config file: not a regular file"
rm jobs.ini
ln -s missing.ini jobs.ini
expect_exit 2 mj tick --now $NOW
assert_contains "$ERR" "jobs.ini: cannot read config file: No such file or directory"
rm jobs.ini
[ ! -e var/mailjobs.db ] || fail "a database was created"
# 4. a jobs.ini without read permission (tests run as root, who may read anything: run as nobody)
chmod 755 "$WORK"; chmod 777 var
printf '[general]\ndatabase = var/mailjobs.db\nlog_file = -\n' > jobs.ini
chmod 000 jobs.ini
set +e
setpriv --reuid=nobody --regid=nogroup --clear-groups "$MJ" tick --now $NOW >"$WORK/.out" 2>"$WORK/.err"
rc=$?
set -e
assert_eq "$rc" 2 "exit code as nobody"
assert_contains "$(cat "$WORK/.err")" "jobs.ini: cannot read config file: Permission denied"
[ ! -e var/mailjobs.db ] || fail "a database was created"
# 5. no ./jobs.ini at all still means built-in defaults (said once on stderr)
rm -f jobs.ini
expect_exit 0 mj config
assert_contains "$ERR" "no jobs.ini found; using built-in defaults"
