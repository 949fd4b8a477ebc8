# The PostgreSQL schema (core/pg_schema.cpp) is SQLite's (core/migrations.cpp) under the same
# version: `mailjobs migrate` on each gives the same tables, the same columns in each, the same
# primary keys and the same named indexes (partial where SQLite's are), so every job reads and
# writes the same names on both backends, and a migration added to one list only fails here.
. "$(dirname "$0")/lib.sh"
[ "${MJ_TEST_BACKEND:-}" = postgresql ] || fail "run with MJ_TEST_BACKEND=postgresql (tests/cli/run-all.sh)"
expect_exit 0 mj migrate
assert_contains "$OUT" "9 migrations applied"
mj --database var/ref.db migrate >/dev/null
lite() { sqlite3 -batch -noheader var/ref.db "$1" | LC_ALL=C sort; }
pg() { sql "$1" | LC_ALL=C sort; }
# Tables of PostgreSQL's own bookkeeping: the schema version (SQLite keeps it in user_version).
own="'schema_version'"

assert_eq "$(pg "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT IN ($own)")" \
          "$(lite "SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\\'")" \
          "tables and columns"
assert_eq "$(pg "SELECT t.relname || ':' || string_agg(a.attname, ',' ORDER BY k.n) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                 CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                 WHERE i.indisprimary AND t.relnamespace = 'public'::regnamespace AND t.relname NOT IN ($own) GROUP BY t.relname")" \
          "$(lite "SELECT m.name || ':' || group_concat(p.name, ',') FROM sqlite_master m, pragma_table_info(m.name) p
                   WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\\' AND p.pk > 0 GROUP BY m.name ORDER BY m.name")" \
          "primary keys"
# Named indexes (not the ones a UNIQUE or PRIMARY KEY makes), and which are partial.
assert_eq "$(pg "SELECT c.relname || CASE WHEN i.indpred IS NULL THEN '' ELSE ' partial' END FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 WHERE c.relnamespace = 'public'::regnamespace AND NOT i.indisprimary
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)")" \
          "$(lite "SELECT l.name || CASE WHEN l.partial THEN ' partial' ELSE '' END FROM sqlite_master m, pragma_index_list(m.name) l
                   WHERE m.type = 'table' AND l.origin = 'c'")" \
          "named indexes"
