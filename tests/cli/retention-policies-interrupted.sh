# An operator policy on a big application table: SIGTERM stops it between batches and the next
# run resumes; kill -9 loses nothing; rows the where keeps are never touched; a rerun deletes 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/helpers/interrupt.sh"
init_db
sql "CREATE TABLE app_clicks(id INTEGER PRIMARY KEY, campaign TEXT, url TEXT, at INTEGER);
     CREATE INDEX app_clicks_at ON app_clicks(at);
     WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 200000)
     INSERT INTO app_clicks(campaign, url, at) SELECT CASE WHEN i % 100 = 0 THEN 'keep' ELSE 'spring' END,
            'https://example.org/landing?i=' || i, $NOW - 100*86400 + i * 30 FROM c;"
cat >> jobs.ini <<'INI'
[retention.clicks]
table = app_clicks
time_column = at
older_than = 14d
where = campaign <> 'keep'
batch_size = 20
INI
interrupt_and_resume retention-policies \
  "SELECT count(*) FROM app_clicks WHERE at < $NOW - 14*86400 AND campaign <> 'keep'" \
  "SELECT count(*) || ':' || total(id) FROM app_clicks WHERE at >= $NOW - 14*86400 OR campaign = 'keep'" \
  --now $NOW
