# spam-quarantine-expiry (and every job deleting spool files) deletes only files inside its own
# spool_dir: an absolute spool_path elsewhere (e.g. the operator's jobs.ini), a ../ path, or a
# path through a symlinked folder leading out stays on disk with a warning; its row still goes.
. "$(dirname "$0")/lib.sh"
init_db
add_users 1
mkdir -p var/spool elsewhere
echo keep > elsewhere/victim.eml
ln -s "$WORK/elsewhere" var/spool/sub
echo in > var/spool/inside.eml
echo in > var/spool/abs-inside.eml
old=$((NOW - 40*86400))
for p in "$WORK/jobs.ini" "../../elsewhere/victim.eml" "sub/victim.eml" "inside.eml" "$WORK/var/spool/abs-inside.eml"; do
  sql "INSERT INTO spam_quarantine(user_id, mail_from, rcpt_to, spool_path, size_bytes, quarantined_at) VALUES (1, 'a', 'b', '$p', 1, $old)"
done
ini_before=$(sha256sum jobs.ini)
expect_exit 0 mj run spam-quarantine-expiry --now $NOW
assert_eq "$(sql "SELECT count(*) FROM spam_quarantine")" 0 "rows deleted"
assert_eq "$(sha256sum jobs.ini)" "$ini_before" "jobs.ini named by an absolute spool_path"
[ -e elsewhere/victim.eml ] || fail "a file outside spool_dir was deleted"
[ ! -e var/spool/inside.eml ] || fail "relative spool file inside spool_dir not removed"
[ ! -e var/spool/abs-inside.eml ] || fail "absolute spool file inside spool_dir not removed"
assert_eq "$(sql "SELECT counts FROM job_runs ORDER BY id DESC LIMIT 1")" '{"spam_quarantine":5,"spool_files":2}' "counts"
assert_eq "$(grep -c '"spool_path_refused"' var/mailjobs.log)" 3 "refusals logged"
