#!/usr/bin/env bash
# `make demo`: builds a demo database with synthetic data (a few hundred users, six months of
# sessions, magic links, logs and held mail, a deleted account and an export request), runs
# `mailjobs tick` once, and shows the result.
# Everything stays in out/demo/; mail goes to a maildir there, nothing leaves the machine.
set -euo pipefail
mj=$1
here=$(cd "$(dirname "$0")" && pwd)
demo=$(dirname "$mj")/demo
rm -rf "$demo"
mkdir -p "$demo/var" "$demo/maildir"
cp "$here/demo.ini" "$demo/jobs.ini"
cd "$demo"
"$mj" migrate
sqlite3 var/demo.db < "$here/demo-data.sql"
# DNS offline (dns-recheck, BJ-20): a dnsmasq on 127.0.0.1 serves the records of three custom
# domains that are due now: mail7 (pending, records published: becomes verified), mail14 (pending
# for 200 days, nothing published: given up), mail1 (verified, records still there). Skipped when
# dnsmasq is not installed; the other domains are never due (next_check_at NULL).
dns_pid=
if command -v dnsmasq >/dev/null; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  tok() { sqlite3 var/demo.db "SELECT verification_token FROM domains WHERE name = '$1'"; }
  dnsmasq --keep-in-foreground --port="$port" --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
    --local=/example.org/ --conf-file=/dev/null --pid-file= \
    --txt-record=mail7.example.org,"$(tok mail7.example.org)" --mx-host=mail7.example.org,mx1.relay.example.com,10 \
    --txt-record=mail1.example.org,"$(tok mail1.example.org)" --mx-host=mail1.example.org,mx1.relay.example.com,10 \
    2>var/dnsmasq.log &
  dns_pid=$!
  trap 'kill $dns_pid 2>/dev/null || true' EXIT
  printf '\n[job.dns-recheck]\nservers = 127.0.0.1:%s\nmx_hosts = mx1.relay.example.com\ntimeout = 500ms\n' "$port" >> jobs.ini
  sqlite3 var/demo.db "UPDATE domains SET next_check_at = CAST(strftime('%s','now') AS INTEGER) - 60
                       WHERE name IN ('mail1.example.org', 'mail7.example.org', 'mail14.example.org')"
  sleep 0.3
fi

tables="bandwidth_usage bandwidth_rollups usage_threshold_events failed_emails sessions magic_links delivery_log notifications messages audit_logs message_logs header_snapshots spam_quarantine overflow_hold aliases notification_outbox"
declare -A before
for t in $tables; do before[$t]=$(sqlite3 var/demo.db "SELECT count(*) FROM $t"); done
echo
echo "== mailjobs tick   (log lines shown here; normally they go to var/mailjobs.log)"
"$mj" tick --set general.log_file=- --log-format text
echo
echo "== rows per table"
printf '  %-20s %8s %8s\n' table before after
for t in $tables; do
  printf '  %-20s %8s %8s\n' "$t" "${before[$t]}" "$(sqlite3 var/demo.db "SELECT count(*) FROM $t")"
done
echo
echo "== mail written by the demo (maildir): $(ls var/maildir/new 2>/dev/null | wc -l) messages in $demo/var/maildir/new"
echo
echo "== account lifecycle"
sqlite3 var/demo.db "SELECT '  account deletion ' || id || ': ' || status || ', ' || counts FROM account_deletions"
sqlite3 var/demo.db "SELECT '  export ' || id || ' of user ' || user_id || ': ' || status || ', ' || size_bytes || ' bytes in ' || path FROM exports"
# (the body is quoted-printable: a long link is folded, so the mail is decoded, as a mail client does)
link=$(python3 -c '
import email, glob, re
for f in glob.glob("var/maildir/new/*"):
    body = email.message_from_binary_file(open(f, "rb")).get_payload(decode=True).decode()
    m = re.search(r"https://\S+/exports/[A-Za-z0-9_-]+", body)
    if m: print(m.group(0)); break
')
echo "  export link mailed to user 7: ${link:-(not sent yet)}"
echo
echo "== custom domains checked by dns-recheck${dns_pid:+ (against the dnsmasq of the demo)}"
sqlite3 var/demo.db "SELECT '  ' || d.name || ': ' || d.status || ', check ' || c.result || ' ' || coalesce(c.records, '') ||
                            CASE WHEN d.notified_status IS NOT NULL AND d.notified_status <> 'verified' OR d.name = 'mail7.example.org'
                                 THEN ', user told: ' || coalesce(d.notified_status, '-') ELSE '' END
                     FROM domains d JOIN dns_checks c ON c.domain_id = d.id ORDER BY d.id"

echo "== usage (bandwidth-rollup, usage-threshold-check)"
sqlite3 var/demo.db "SELECT '  rollups: ' || sum(period = 'day') || ' daily, ' || sum(period = 'week') || ' weekly rows; ' ||
  (SELECT count(*) FROM bandwidth_usage) || ' raw rows left (older than 35 d deleted once rolled up)' FROM bandwidth_rollups"
sqlite3 var/demo.db "SELECT '  user ' || user_id || ', week of ' || date(period_start, 'unixepoch') || ': ' ||
  printf('%.1f', bytes_used / 1048576.0) || ' MiB in ' || email_count || ' mails' FROM bandwidth_rollups
  WHERE period = 'week' AND user_id <= 3 ORDER BY period_start DESC, user_id LIMIT 6"
sqlite3 var/demo.db "SELECT '  user ' || user_id || ': ' || group_concat(CASE kind WHEN 'pace' THEN 'pace' ELSE threshold || ' %' END, ', ') ||
  ' (cycle from ' || date(min(cycle_start), 'unixepoch') || ', ' || printf('%.0f', max(used_bytes) * 100.0 / max(quota_bytes)) || ' % used)'
  FROM (SELECT * FROM usage_threshold_events ORDER BY user_id, kind, threshold) GROUP BY user_id"
sqlite3 var/demo.db "SELECT '  notice to ' || to_address || ' (' || status || '): ' || subject FROM notification_outbox
  WHERE kind = 'usage_threshold' ORDER BY id"
echo
echo "== mailjobs history"
"$mj" history
echo
echo "== mailjobs status"
"$mj" status
echo
echo "(demo files in $demo; try: cd $demo && $mj list)"
