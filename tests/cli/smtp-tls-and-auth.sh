# TLS and AUTH against real servers with a throw-away certificate authority:
#  - STARTTLS (required) + AUTH with the password from smtp_password_file: delivered, and the
#    certificate checked against [general] ca_bundle;
#  - smtps (implicit TLS): delivered;
# and the failures, all transient (the message is fine; the operator fixes the set-up), each
# failing the run with the reason in history and the message kept for a later retry:
#  - smtps to a plain server (TLS handshake fails),
#  - STARTTLS required but not offered,
#  - a certificate not signed by the configured bundle,
#  - a wrong password (535).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/../servers/mail_helpers.sh"
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other-key.pem -out other.pem -days 2 -subj /CN=other 2>/dev/null
echo "s3cret pass" > pw; chmod 600 pw
init_db
setup() {  # setup KEY=VALUE... : a fresh [mail] section for the server in $SMTP_PORT
  sed -i '/^\[mail\]/,$d' jobs.ini
  { echo "[mail]"; echo "smtp_host = 127.0.0.1"; echo "smtp_port = $SMTP_PORT"; echo "from_address = porter@mail.example.net"
    echo "connect_timeout = 5s"; echo "timeout = 10s"; printf '%s\n' "$@"; } >> jobs.ini
}
try() {  # try EXPECTED_EXIT: one due message through forward-retry; leaves its row in $ROW
  sql "DELETE FROM failed_emails"
  add_failed 1
  expect_exit "$1" mj run forward-retry --now $NOW
  ROW=$(sql "SELECT status || '|' || attempts || '|' || ifnull(last_error, '') FROM failed_emails")
  RUNERR=$(sql "SELECT ifnull(error, '') FROM job_runs ORDER BY id DESC LIMIT 1")
}
sed -i 's/^log_file.*/&\nca_bundle = cert.pem/' jobs.ini

# STARTTLS + AUTH
start_smtp --tls-cert cert.pem --tls-key key.pem --auth "mailer:s3cret pass"
setup "transport = smtp" "smtp_starttls = required" "smtp_username = mailer" "smtp_password_file = pw"
try 0
assert_eq "$ROW" "delivered|1|" "STARTTLS + AUTH delivered"
assert_eq "$(smtp_received)" 1 "received over STARTTLS"
# wrong password: 535 is about the session, not the message
echo "wrong" > pw
try 1
assert_eq "${ROW%%|*}" "pending" "wrong password: message waits"
assert_contains "$RUNERR" "535" "wrong password in history"
echo "s3cret pass" > pw
# a certificate the configured bundle does not vouch for
sed -i 's/^ca_bundle = .*/ca_bundle = other.pem/' jobs.ini
try 1
assert_eq "${ROW%%|*}" "pending" "untrusted certificate: message waits"
assert_contains "$RUNERR" "mail transport unavailable" "untrusted certificate in history"
assert_contains "$RUNERR" "certificate" "history names the certificate problem"
sed -i 's/^ca_bundle = .*/ca_bundle = cert.pem/' jobs.ini
kill %1 2>/dev/null || true

# implicit TLS (smtps)
rm -rf "$WORK/smtp"; start_smtp --tls-cert cert.pem --tls-key key.pem --implicit-tls
setup "transport = smtps"
try 0
assert_eq "$ROW" "delivered|1|" "smtps delivered"
assert_eq "$(smtp_received)" 1 "received over implicit TLS"

# plain server: smtps handshake fails; STARTTLS required but not offered
rm -rf "$WORK/smtp"; start_smtp
setup "transport = smtps"
try 1
assert_eq "${ROW%%|*}" "pending" "smtps to a plain server: message waits"
assert_contains "$RUNERR" "mail transport unavailable: smtps 127.0.0.1" "TLS failure in history"
setup "transport = smtp" "smtp_starttls = required"
try 1
assert_eq "${ROW%%|*}" "pending" "STARTTLS missing: message waits"
assert_contains "$RUNERR" "mail transport unavailable: smtp 127.0.0.1" "STARTTLS failure in history"
assert_eq "$(smtp_received)" 0 "nothing sent in clear when STARTTLS is required"
# opportunistic falls back to plain and delivers
setup "transport = smtp" "smtp_starttls = opportunistic"
try 0
assert_eq "$ROW" "delivered|1|" "opportunistic STARTTLS on a plain server"
