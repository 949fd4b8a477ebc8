# account-deletion tombstones: with a secret file, each deleted alias address is kept as
# HMAC-SHA256(secret, lowercase address) with the key id (the check the application makes, from
# share/schema.md, finds it); no address is stored; dry-run counts them; without a secret none.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
. "$(dirname "$0")/account-deletion.bash"
init_db
add_account 1 5
add_account 2 5
add_account 3 5
sql "UPDATE users SET status = 'deleted', deleted_at = $NOW - 5*86400 WHERE id = 1"
printf 'k3y-s3cret\n' > secret
printf '[job.account-deletion]\ntombstone_secret_file = secret\ntombstone_key_id = 2026a\n' >> jobs.ini
expect_exit 0 mj run account-deletion --now $NOW --dry-run --json
assert_eq "$(json_get "d[0]['counts']['alias_tombstones']")" 2 "dry-run counts the tombstones"
assert_eq "$(sql "SELECT count(*) FROM alias_tombstones")" 0 "dry-run wrote none"
expect_exit 0 mj run account-deletion --now $NOW --json
assert_eq "$(json_get "d[0]['counts']['alias_tombstones']")" 2 "two tombstones"
hmac() { printf '%s' "$1" | openssl dgst -sha256 -hmac 'k3y-s3cret' | sed 's/^.*= //'; }
for a in a1@d1.example B1@ALIAS.example; do
  lower=$(tr 'A-Z' 'a-z' <<<"$a")
  assert_eq "$(sql "SELECT count(*) FROM alias_tombstones WHERE address_hmac = '$(hmac "$lower")' AND key_id = '2026a' AND created_at = $NOW")" 1 "tombstone of $a"
done
if sql "SELECT * FROM alias_tombstones" | grep -q '@'; then fail "a tombstone holds an address"; fi
assert_eq "$(sql "SELECT json_extract(counts, '$.alias_tombstones') FROM account_deletions WHERE user_uuid = 'uuid-1'")" 2 "counted in account_deletions"
# Without a secret: no tombstones (the sample says so).
sed -i '/tombstone_/d' jobs.ini
sql "UPDATE users SET status = 'deleted', deleted_at = $NOW - 5*86400 WHERE id = 3"
expect_exit 0 mj run account-deletion --now $NOW --json
assert_eq "$(json_get "d[0]['counts'].get('alias_tombstones', 0)")" 0 "off without a secret file"
assert_eq "$(sql "SELECT count(*) FROM alias_tombstones")" 2 "still two"
# A configured secret file that is missing fails the job before anything is deleted.
sed -i '/^\[job.account-deletion\]/a tombstone_secret_file = missing-secret' jobs.ini
sql "UPDATE users SET status = 'deleted', deleted_at = $NOW - 5*86400 WHERE id = 2"
expect_exit 1 mj run account-deletion --now $NOW
assert_eq "$(sql "SELECT count(*) FROM aliases WHERE user_id = 2")" 2 "nothing deleted without the secret"
