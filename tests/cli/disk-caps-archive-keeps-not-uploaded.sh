# [job.audit-log-cleanup] archive_max_disk with upload_url (a real WebDAV server): the cap removes
# the oldest day files whose upload is recorded at their present size, never one that is not
# (that file is the only copy), and never the newest; once an old file's upload is recorded it
# goes first.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/retention-b.bash"
. "$(dirname "$0")/../servers/lighttpd.sh"
. "$(dirname "$0")/../servers/webdav.sh"
start_webdav
{ printf '[job.audit-log-cleanup]\narchive = true\narchive_max_disk = 25K\n'; upload_ini; } >> jobs.ini
URL="--set job.audit-log-cleanup.upload_url=${DAV_URL}archive/"
init_db
add_users 10
D=86400
cut_day=$(( (NOW - 365*D) / D * D ))
mkdir -p var/audit-archive
for d in 01 02 03; do head -c 10000 /dev/urandom > var/audit-archive/audit-2025-01-$d.jsonl.gz; done  # never uploaded
add_audit 40 $((cut_day - 4*D)) 8000 0       # four whole days past the cutoff: archived and uploaded
expect_exit 0 mj run audit-log-cleanup --now $NOW $URL
uploaded=$(sql "SELECT file FROM archive_uploads WHERE job = 'audit-log-cleanup' ORDER BY file" | tr '\n' ' ')
assert_eq "$(wc -w <<<"$uploaded")" 4 "four day files uploaded"
newest=$(sql "SELECT max(file) FROM archive_uploads")
# 30000 bytes not uploaded + four small uploaded files > 25K: the three older uploaded ones go,
# the not-uploaded ones and the newest stay (the cap cannot be met, and that is said in the counts).
assert_eq "$(ls var/audit-archive | tr '\n' ' ')" "audit-2025-01-01.jsonl.gz audit-2025-01-02.jsonl.gz audit-2025-01-03.jsonl.gz $newest " "kept"
assert_eq "$(last_run audit-log-cleanup "json_extract(counts, '$.archive_files_over_cap')")" 3 "history"
# The server has every day.
for f in $uploaded; do [ -s "$DAV_DIR/archive/$f" ] || fail "$f not on the server"; done
# Once the oldest is recorded as uploaded at its size, it is the first to go.
sql "INSERT INTO archive_uploads(job, file, remote_url, size, uploaded_at, run_id)
     VALUES ('audit-log-cleanup', 'audit-2025-01-01.jsonl.gz', 'x', 10000, $NOW, 1),
            ('audit-log-cleanup', 'audit-2025-01-02.jsonl.gz', 'x', 9999, $NOW, 1)"   # 02: size differs
expect_exit 0 mj run audit-log-cleanup --now $NOW $URL
assert_eq "$(ls var/audit-archive | tr '\n' ' ')" "audit-2025-01-02.jsonl.gz audit-2025-01-03.jsonl.gz $newest " "recorded one went, changed one stayed"
