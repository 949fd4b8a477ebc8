# The ways out: sendmail missing or not executable, smtp without a host or unreachable (--deep),
# CA bundle missing or not PEM, DNS server not answering; each its FAIL line, exit 1 (issue 16).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/doctor.bash"
. "$(dirname "$0")/../servers/mail_helpers.sh"
expect_exit 1 mjd doctor --set "mail.sendmail_command=/nonexistent/sendmail -t"
assert_check mail.transport FAIL "sendmail program '/nonexistent/sendmail' is missing or not executable"
chmod 644 "$WORK/sendmail"
expect_exit 1 mjd doctor
assert_check mail.transport FAIL "is missing or not executable"
chmod 755 "$WORK/sendmail"
expect_exit 1 mjd doctor --set mail.transport=smtp
assert_check mail.transport FAIL "smtp_host is not set"
# --deep connects: a closed port fails, the test SMTP server passes; without --deep nothing is contacted
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect_exit 0 mjd doctor --set mail.transport=smtp --set mail.smtp_host=127.0.0.1 --set mail.smtp_port=$port
assert_check mail.transport "ok  " "not contacted"
expect_exit 1 mjd doctor --deep --set mail.transport=smtp --set mail.smtp_host=127.0.0.1 --set mail.smtp_port=$port
assert_check mail.transport FAIL "cannot connect to 127.0.0.1:$port"
start_smtp
expect_exit 0 mjd doctor --deep --set mail.transport=smtp --set mail.smtp_host=127.0.0.1 --set mail.smtp_port=$SMTP_PORT
assert_check mail.transport "ok  " "connected"
# CA bundle
expect_exit 1 mjd doctor --set general.ca_bundle=/nonexistent/ca.pem
assert_check tls.ca_bundle FAIL "cannot be read"
echo "not a certificate" > notpem.crt
expect_exit 1 mjd doctor --set general.ca_bundle=notpem.crt
assert_check tls.ca_bundle FAIL "holds no PEM certificate"
# DNS: a nameserver that does not answer (nothing listens there), then beside the good one
echo "nameserver 127.0.0.254" > resolv.conf
expect_exit 1 mjd doctor
assert_check dns.servers FAIL "no DNS server answers: 127.0.0.254"
printf 'nameserver %s\nnameserver 127.0.0.254\n' "$DNS_IP" > resolv.conf
expect_exit 1 mjd doctor
assert_check dns.servers WARN "not answering: 127.0.0.254"
