# Shared by the doctor-*.sh tests (sourced after lib.sh): a healthy install, and `mjd`, mailjobs
# seeing a resolv.conf of the test's own (a mount namespace with $WORK/resolv.conf bound over
# /etc/resolv.conf) whose one nameserver is a dnsmasq on a 127.x address: the DNS check asks a
# real server that answers, and never the machine's. Needs root (unshare -m, mount): skipped
# otherwise, saying so (CI runs as root).
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v dnsmasq >/dev/null; then
  echo "SKIP [$TEST_NAME]: needs root, unshare(1) and dnsmasq (CI runs as root)"; exit 0
fi
# A sendmail that takes the message: the transport check only needs an executable program.
cat > "$WORK/sendmail" <<'SH'
#!/bin/sh
cat >/dev/null
SH
chmod 755 "$WORK/sendmail"
cat >> jobs.ini <<INI
[mail]
sendmail_command = $WORK/sendmail -t -i
INI
# dnsmasq answering every name itself (A: 127.0.0.1, other types: no data; never REFUSED), on its
# own random loopback address.
start_dns() {
  DNS_IP=127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).53
  dnsmasq -k --conf-file=/dev/null --listen-address="$DNS_IP" --bind-interfaces --port=53 --no-resolv --no-hosts \
    --address=/#/127.0.0.1 --local=/#/ --pid-file="$WORK/dnsmasq.pid" --user=root 2>"$WORK/dnsmasq.err" &
  for _ in $(seq 1 50); do ss -lun 2>/dev/null | grep -q "$DNS_IP:53" && break; sleep 0.1; done
  ss -lun | grep -q "$DNS_IP:53" || fail "dnsmasq did not start: $(cat "$WORK/dnsmasq.err")"
  echo "nameserver $DNS_IP" > "$WORK/resolv.conf"
}
mjd() { unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$WORK/resolv.conf" "$MJ" "$@"; }
# doctor_line NAME: the checklist line of one check in $OUT
doctor_line() { grep -E "^(ok  |WARN|FAIL)  $1 " <<<"$OUT" || true; }
# assert_check NAME STATUS TEXT: that check has that status (ok/WARN/FAIL) and its line holds TEXT
assert_check() {
  local line; line=$(doctor_line "$1")
  [[ $line == "$2"* ]] || fail "check $1: expected $2, got '$line' in: $OUT"
  [ -z "${3:-}" ] || assert_contains "$line" "$3" "check $1"
}
start_dns
init_db
mj tick --quiet --set general.time_budget=10s >/dev/null
