# `mailjobs config` never prints the key a URL carries (alerts webhook_url, a job's ping_url):
# scheme and host are shown, path, query and user info are masked, in text and in --json.
. "$(dirname "$0")/lib.sh"
cat >> jobs.ini <<'INI'
[alerts]
webhook_url = https://hooks.slack.com/services/T000/B000/SECRETKEY1
[job.session-cleanup]
ping_url = https://hc-ping.com/0f3c9b9e-SECRETKEY2
[job.vacuum]
ping_url = http://user:SECRETKEY3@ping.example.com:8080
INI
export MAILJOBS_JOB_MAGIC_LINK_EXPIRY_PING_URL="https://ping.example.com/?key=SECRETKEY4"
for flags in "" "--json"; do
  # shellcheck disable=SC2086
  expect_exit 0 mj config $flags
  if grep -q SECRETKEY <<<"$OUT"; then fail "config $flags shows a URL's key: $(grep SECRETKEY <<<"$OUT")"; fi
  assert_contains "$OUT" "https://hooks.slack.com/***"
  assert_contains "$OUT" "https://hc-ping.com/***"
  assert_contains "$OUT" "http://ping.example.com:8080/***"
  assert_contains "$OUT" "https://ping.example.com/***"
done
assert_eq "$(jq -r '.values.alerts.webhook_url.value' <<<"$OUT")" "https://hooks.slack.com/***" "--json webhook_url"
assert_eq "$(jq -r '.values.alerts.webhook_url.origin' <<<"$OUT")" "jobs.ini:5" "--json origin"
# unset URLs stay empty, other values are shown as they are
assert_eq "$(jq -r '.values["job.message-cleanup"].ping_url.value' <<<"$OUT")" "" "unset ping_url"
