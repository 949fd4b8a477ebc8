# account-export: the archive of a user with rows in every table of the one list holds exactly his
# rows (JSON and CSV per table, counts = the database's), his held mail files, nothing of another
# user and no secret; manifest.json's SHA-256 of every member is right. The folder is 0700, the file
# 0600, the row 'ready' with the hash of the token mailed in the one notice. Dry-run before reports
# the counts the real run then reports; a rerun changes nothing and mails nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/account-export.bash"
init_db
export_config
add_account 1 40
add_account 2 40
sql "DELETE FROM exports WHERE user_id = 2;
     UPDATE exports SET requested_at = $NOW - 60;
     UPDATE aliases SET description = '=HYPERLINK(\"http://evil\")' WHERE id = 100000"
E=$(sql "SELECT id FROM exports WHERE user_id = 1")
# What the database holds for user 1, table by table (the job_attempts of his three queues together).
expected=$(rows_of 1 | grep -v -e '^audit_logs_of_user=' -e '^spool_files=' -e '^exports=' | sort)
expected="$expected
audit_logs=$(sql "SELECT count(*) FROM audit_logs WHERE user_id = 1")
exports=$(sql "SELECT count(*) FROM exports WHERE user_id = 1")"

OUT=$(mj run account-export --now $NOW --dry-run --json)
dry_ready=$(json_get "d[0]['counts']['exports_ready']")
dry_rows=$(json_get "d[0]['counts']['rows_exported']")
assert_eq "$dry_ready" 1 "dry-run: one export"
assert_eq "$(sql "SELECT status || attempts FROM exports WHERE id = $E")" requested0 "dry-run wrote nothing"
[ ! -e var/exports ] || fail "dry-run created the folder"

OUT=$(mj run account-export --now $NOW --json)
assert_eq "$(json_get "d[0]['counts']['exports_ready']")" 1 "real run: one export"
assert_eq "$(json_get "d[0]['counts']['rows_exported']")" "$dry_rows" "dry-run rows = real rows"
assert_eq "$(sql "SELECT status, attempts, downloads FROM exports WHERE id = $E")" "ready|1|0" "row ready"
f=$(export_file $E)
assert_eq "$(stat -c %a var/exports)" 700 "folder mode"
assert_eq "$(stat -c %a "$f")" 600 "file mode"
assert_eq "$(stat -c %s "$f")" "$(sql "SELECT size_bytes FROM exports WHERE id = $E")" "size_bytes"
token=$(export_token $E)
assert_eq "${#token}" 43 "token in the notice"
assert_eq "$(sql "SELECT token_hash FROM exports WHERE id = $E")" "$(printf %s "$token" | sha256sum | cut -d' ' -f1)" "token_hash = sha256(token)"
grep -q "$token" var/mailjobs.log && fail "the token is in mailjobs' log"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE kind = 'export_ready' AND user_id = 1 AND to_address = 'user1@example.com'")" 1 "one notice"

python3 - "$f" <<'PY' > counts.txt
import csv, hashlib, io, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
m = json.loads(z.read("manifest.json"))
names = set(z.namelist())
for mem in m["members"]:
    data = z.read(mem["name"])
    assert hashlib.sha256(data).hexdigest() == mem["sha256"], mem["name"]
    assert len(data) == mem["bytes"], mem["name"]
assert names == {x["name"] for x in m["members"]} | {"manifest.json"}, names
for t, info in sorted(m["tables"].items()):
    rows = json.loads(z.read(t + ".json"))
    crows = list(csv.reader(io.StringIO(z.read(t + ".csv").decode(), newline="")))
    assert len(crows) - 1 == len(rows) == info["rows"], (t, len(rows), len(crows))
    print(f"{t}={len(rows)}")
everything = b"".join(z.read(n) for n in names)
for secret in [b"sec1", b"tok1", b"ml1", b"se1", b"user2@", b"a2@d2", b"sec2"]:
    assert secret not in everything, secret
held = [n for n in names if n.startswith("held_mail/")]
print(f"held_mail={len(held)}")
print("formula_guard=" + str("'=HYPERLINK" in z.read("aliases.csv").decode()))
print("json_exact=" + str(any(r["description"] == '=HYPERLINK("http://evil")' for r in json.loads(z.read("aliases.json")))))
print("left_out=" + ",".join(sorted(f"{t}.{c}" for t, cs in m["left_out"].items() for c in cs)))
PY
got=$(grep -v -e '^held_mail=' -e '^formula_guard=' -e '^json_exact=' -e '^left_out=' counts.txt | sort)
assert_eq "$got" "$(sort <<<"$expected")" "archive rows per table = the database's"
assert_contains "$(cat counts.txt)" "held_mail=42" "held mail files (40 failed forwards, 1 held, 1 quarantined)"
assert_contains "$(cat counts.txt)" "formula_guard=True" "CSV guards formulas"
assert_contains "$(cat counts.txt)" "json_exact=True" "JSON keeps the exact value"
assert_contains "$(cat counts.txt)" "webhooks.secret" "manifest names what was left out"

before=$(db_sha)
OUT=$(mj run account-export --now $NOW --json)
assert_eq "$(json_get "d[0]['changed']")" 0 "rerun changes nothing"
assert_eq "$(sql "SELECT count(*) FROM notification_outbox WHERE kind = 'export_ready'")" 1 "rerun mails nothing"
assert_eq "$(ls var/exports | wc -l)" 1 "one archive"
