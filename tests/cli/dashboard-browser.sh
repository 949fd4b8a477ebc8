# The dashboard in a real browser (tests/browser/dashboard.mjs): Debian's chromium, headless,
# driven by puppeteer-core from npm (pinned, installed into out/browser on first use; it never
# downloads a browser), against the real lighttpd: sign-in, a wrong token, every page, an action
# with and without its CSRF token, no console errors (CSP violations included), no request that
# leaves 127.0.0.1, the page usable at 375 px. Screenshots of each page at 1280 px and at 375 px
# stay in out/dashboard-screenshots/ (README "Testing").
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../servers/lighttpd.sh"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(cd "$(dirname "$MJ")" && pwd)
PUPPETEER_CORE_VERSION=25.16.0
[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium: run third_party/debian-deps.sh (Debian package chromium)"
command -v node >/dev/null || fail "no node: run third_party/debian-deps.sh (Debian packages nodejs, npm)"
# The SQLite and PostgreSQL passes run this test at the same time and share out/browser and the
# screenshots: the first holds the lock until it exits (two npm installs into one node_modules
# left a half-written puppeteer-core in CI).
mkdir -p "$out/browser"
exec 9>"$out/browser/.lock"
flock 9
if [ ! -f "$out/browser/node_modules/puppeteer-core/package.json" ] ||
   ! grep -q "\"version\": \"$PUPPETEER_CORE_VERSION\"" "$out/browser/node_modules/puppeteer-core/package.json"; then
  mkdir -p "$out/browser"
  ( cd "$out/browser" && [ -f package.json ] || echo '{"private": true}' > package.json
    PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error "puppeteer-core@$PUPPETEER_CORE_VERSION" >/dev/null ) ||
    fail "npm install puppeteer-core@$PUPPETEER_CORE_VERSION failed"
fi
NOW=$(date +%s)
init_db
enable_api
add_users 3
add_sessions 5 $((NOW - 10*86400)) $((NOW - 10*86400))
mj tick >/dev/null
sql "INSERT INTO job_attempts(run_id, job, item_table, item_id, attempt, status_code, error, duration_ms, next_retry_at, will_retry, created_at)
       VALUES (1, 'webhook-retry', 'delivery_log', 1, 1, 503, 'HTTP 503 <b>busy</b>', 40, $((NOW + 60)), 1, $NOW);
     INSERT INTO job_runs(job, trigger, started_at, finished_at, outcome, exit_reason, error, duration_ms)
       VALUES ('webhook-retry', 'cron', $NOW, $NOW, 'failed', 'error', '<script>alert(1)</script>', 7);"
start_lighttpd
shots="$out/dashboard-screenshots"
rm -rf "$shots" && mkdir -p "$shots"
cp "$here/../browser/dashboard.mjs" "$out/browser/dashboard.mjs"  # resolves puppeteer-core from out/browser/node_modules
BASE=$BASE TOKEN=$TOKEN SHOTS=$shots timeout 120 node "$out/browser/dashboard.mjs" || fail "browser checks failed"
for s in signin-wrong-token overview-1280 runs-1280 charts-1280 accounts-1280 job-webhook-retry-1280 job-session-cleanup-1280 \
         overview-375 job-session-cleanup-375 action-made-due-1280 action-no-csrf-403; do
  [ -s "$shots/$s.png" ] || fail "no screenshot $s.png"
done
# the action with the token made the job due; the one without changed nothing
assert_le "$(sql "SELECT next_due_at FROM job_state WHERE job='session-cleanup'")" "$(date +%s)" "made due by the browser"
assert_ge "$(sql "SELECT coalesce(next_due_at, 0) FROM job_state WHERE job='vacuum'")" $((NOW + 60)) "vacuum not made due without CSRF"
