# account-export looks after its folder: a ready archive past expires_at, or whose link reached
# max_downloads, is deleted and its row 'expired' (the token hash stays, so the link says 410); while
# ready archives fill [export] max_disk a new request waits unclaimed; partial archives a killed
# run left and archives without a ready row are swept, files that are not the job's are never
# touched. Dry-run counts each of these as the run then does them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/account-export.bash"
init_db
export_config
add_account 1 3
add_account 2 3
sql "UPDATE exports SET requested_at = $NOW - 60"
mj run account-export --now $NOW >/dev/null
assert_eq "$(sql "SELECT count(*) FROM exports WHERE status = 'ready'")" 2 "two ready"
f1=$(export_file 1); f2=$(export_file 2)
h1=$(sql "SELECT token_hash FROM exports WHERE id = 1")

# The cap: with max_disk just below what the two use, a third user's request waits.
cap=$(( $(stat -c %s "$f1") + $(stat -c %s "$f2") - 1 ))
sed -i "s|^\[export\]$|[export]\nmax_disk = $cap|" jobs.ini
add_account 3 3
sql "UPDATE exports SET requested_at = $NOW WHERE user_id = 3"
OUT=$(mj run account-export --now $((NOW + 60)) --json)
assert_eq "$(json_get "d[0]['counts']['waiting_disk_cap']")" 1 "waits for disk"
assert_eq "$(sql "SELECT status, attempts FROM exports WHERE user_id = 3")" "requested|0" "not claimed"
assert_contains "$(grep export_disk_cap var/mailjobs.log)" "\"max_disk\":$cap" "warned"

# Leftovers of a killed run, and a file that is not the job's.
echo partial > var/exports/.partial-abc-123.zip
echo orphan > var/exports/0123abcd-a2.zip
echo mine > var/exports/README.txt
# Export 1's link is used up, export 2 expires.
sql "UPDATE exports SET downloads = 5 WHERE id = 1"
T=$((NOW + 73 * 3600))
OUT=$(mj run account-export --now $T --dry-run --json)
dry=$(json_get "{k: v for k, v in d[0]['counts'].items() if k in ('exports_expired', 'export_files_removed', 'export_temp_files_swept')}")
assert_eq "$(ls -A var/exports | wc -l)" 5 "dry-run removed nothing"
OUT=$(mj run account-export --now $T --json)
real=$(json_get "{k: v for k, v in d[0]['counts'].items() if k in ('exports_expired', 'export_files_removed', 'export_temp_files_swept')}")
assert_eq "$real" "{'export_files_removed': 2, 'export_temp_files_swept': 2, 'exports_expired': 2}" "counts"
assert_eq "$dry" "$real" "dry-run = real run"
[ ! -e "$f1" ] && [ ! -e "$f2" ] || fail "expired archives still there"
[ -e var/exports/README.txt ] || fail "a file that is not the job's was removed"
[ ! -e var/exports/.partial-abc-123.zip ] && [ ! -e var/exports/0123abcd-a2.zip ] || fail "leftovers not swept"
assert_eq "$(sql "SELECT group_concat(status || ':' || (path IS NULL) || ':' || (token_hash IS NOT NULL)) FROM exports WHERE id IN (1, 2)")" \
  "expired:1:1,expired:1:1" "rows expired, token hash kept"
assert_eq "$(sql "SELECT token_hash FROM exports WHERE id = 1")" "$h1" "same hash"
# With the space free again, the waiting request is built.
assert_eq "$(json_get "d[0]['counts']['exports_ready']")" 1 "the waiting export is built"
assert_eq "$(sql "SELECT status FROM exports WHERE user_id = 3")" ready "ready"
