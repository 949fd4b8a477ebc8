# disk-sweep never sweeps a spool folder that holds other things: a spool_dir that is the
# database's folder, a folder above it, $HOME, or one that holds [export] dir fails the run with
# one `mailjobs: error:` line naming the folder and the reason (exit 1), and no file anywhere is
# removed, not even the old unreferenced ones of the other folders.
. "$(dirname "$0")/lib.sh"
init_db
old=$((NOW - 2 * 86400))
mkdir -p var/exports home
for f in var/stray.eml var/exports/.partial-x-1.zip home/.bashrc; do echo x > "$f"; touch -d "@$old" "$f"; done
touch -d "@$old" var/mailjobs.db jobs.ini
check() {  # check SPOOL_DIR REASON
  expect_exit 1 env HOME="$WORK/home" "$MJ" run disk-sweep --now $NOW --set "job.forward-retry.spool_dir=$1" \
    --set "job.overflow-hold-expiry.spool_dir=$1" --set "job.spam-quarantine-expiry.spool_dir=$1"
  assert_contains "$ERR" "mailjobs: error:" "error line ($1)"
  assert_contains "$ERR" "refusing to sweep the spool folder" "refusal ($1)"
  assert_contains "$ERR" "$2" "reason ($1)"
  for f in var/mailjobs.db jobs.ini var/stray.eml var/exports/.partial-x-1.zip home/.bashrc; do [ -e "$f" ] || fail "$f removed ($1)"; done
}
if [ "${MJ_TEST_BACKEND:-sqlite}" = postgresql ]; then
  # no database file, so no database's folder: the first folder var holds is [export] dir's
  check var "it holds [export] dir"
  check . "holds [export] dir"
else
  check var "the database's folder"
  check . "holds the database's folder"
fi
check home '$HOME'
# One folder for spool and exports.
expect_exit 1 "$MJ" run disk-sweep --now $NOW --set export.dir=var/spool/exports
assert_contains "$ERR" "[export] dir" "export folder inside the spool"
[ -e var/exports/.partial-x-1.zip ] || fail "removed after a refusal"
assert_eq "$(sql "SELECT count(*) FROM job_runs WHERE job = 'disk-sweep' AND outcome = 'failed'")" 4 "failed runs in history"
# The default layout is fine.
expect_exit 0 "$MJ" run disk-sweep --now $NOW
[ ! -e var/exports/.partial-x-1.zip ] || fail "default layout: old partial export not swept"
