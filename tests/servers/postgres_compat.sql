-- SQLite's functions that the whole-binary tests' own SQL uses (seeding rows and checking them),
-- made once in template1 of the test server so every test database has them. They live in
-- schema sqlite_compat, which only the tests' sql() puts on its search_path (before pg_catalog,
-- so random() is SQLite's): mailjobs' own connections never see them, so a test cannot pass
-- because mailjobs used a function PostgreSQL lacks. Test-only.
CREATE SCHEMA sqlite_compat;
GRANT USAGE ON SCHEMA sqlite_compat TO PUBLIC;
SET search_path = sqlite_compat, pg_catalog;
CREATE FUNCTION group_concat_step(acc text, v anyelement, sep text) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v::text ELSE acc || sep || v::text END $$;
CREATE FUNCTION group_concat_step(acc text, v anyelement) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN v IS NULL THEN acc WHEN acc IS NULL THEN v::text ELSE acc || ',' || v::text END $$;
CREATE AGGREGATE group_concat(anyelement, text) (SFUNC = group_concat_step, STYPE = text);
CREATE AGGREGATE group_concat(anyelement) (SFUNC = group_concat_step, STYPE = text);
CREATE FUNCTION ifnull(a anycompatible, b anycompatible) RETURNS anycompatible LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(a, b) $$;
CREATE FUNCTION typeof(v anyelement) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN v IS NULL THEN 'null' WHEN pg_typeof(v) IN ('bigint'::regtype, 'integer'::regtype, 'smallint'::regtype) THEN 'integer'
                 WHEN pg_typeof(v) IN ('double precision'::regtype, 'real'::regtype, 'numeric'::regtype) THEN 'real'
                 WHEN pg_typeof(v) = 'bytea'::regtype THEN 'blob' ELSE 'text' END $$;
-- SQLite's random() is a signed 64-bit integer with every bit random (abs(random()) % N is
-- uniform): two 32-bit draws, since one double has only 53 bits and its low bits would be 0.
CREATE FUNCTION random() RETURNS bigint LANGUAGE sql VOLATILE AS
  $$ SELECT ((floor(pg_catalog.random() * 4294967296)::bigint - 2147483648) << 32) | floor(pg_catalog.random() * 4294967296)::bigint $$;
CREATE FUNCTION randomblob(n integer) RETURNS bytea LANGUAGE sql VOLATILE AS
  $$ SELECT substring(decode(string_agg(md5(pg_catalog.random()::text), ''), 'hex') FROM 1 FOR n)
     FROM generate_series(0, n / 16) $$;
CREATE FUNCTION hex(b bytea) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(encode(b, 'hex')) $$;
CREATE FUNCTION hex(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(encode(convert_to(t, 'UTF8'), 'hex')) $$;
CREATE DOMAIN blob AS bytea;
CREATE FUNCTION json_extract(j text, path text) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT (j::jsonb) #>> string_to_array(ltrim(replace(replace(substring(path FROM 2), '[', '.'), ']', ''), '.'), '.') $$;  -- $.a.b, $[1].c
CREATE FUNCTION strftime(f text, v text) RETURNS bigint LANGUAGE sql STABLE AS
  $$ SELECT CASE WHEN f = '%s' AND v = 'now' THEN extract(epoch FROM now())::bigint END $$;
-- printf with one or two values, each as %s (enough for the tests' padding and labels)
CREATE FUNCTION printf(f text, a anyelement) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT format(regexp_replace(f, '%[0-9.]*[a-z]', '%s', 'g'), a) $$;
CREATE FUNCTION printf(f text, a anyelement, b anycompatible) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT format(regexp_replace(f, '%[0-9.]*[a-z]', '%s', 'g'), a, b) $$;
CREATE FUNCTION changes() RETURNS bigint LANGUAGE sql AS $$ SELECT 0::bigint $$;
-- x'00ff' is a bit string in PostgreSQL: let it go into a bytea column as SQLite's blob literal
CREATE FUNCTION bits_to_bytea(b bit varying) RETURNS bytea LANGUAGE sql IMMUTABLE AS
  $$ SELECT coalesce(decode(string_agg(lpad(to_hex(substring(b FROM i FOR 8)::bit(8)::integer), 2, '0'), '' ORDER BY i), 'hex'), '')
     FROM generate_series(1, length(b), 8) AS i $$;
CREATE CAST (bit varying AS bytea) WITH FUNCTION bits_to_bytea(bit varying) AS ASSIGNMENT;
CREATE FUNCTION bits_to_bytea(b bit) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$ SELECT sqlite_compat.bits_to_bytea(b::bit varying) $$;
CREATE CAST (bit AS bytea) WITH FUNCTION bits_to_bytea(bit) AS ASSIGNMENT;
-- total() is SQLite's sum that is never NULL and always a float; sum() over json_extract's text
-- values and over booleans (a comparison is an integer in SQLite).
CREATE FUNCTION total_step(acc double precision, v numeric) RETURNS double precision LANGUAGE sql IMMUTABLE AS
  $$ SELECT acc + coalesce(v, 0) $$;
CREATE AGGREGATE total(numeric) (SFUNC = total_step, STYPE = double precision, INITCOND = '0');
CREATE FUNCTION sum_text_step(acc numeric, v text) RETURNS numeric LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN v IS NULL THEN acc ELSE coalesce(acc, 0) + v::numeric END $$;
CREATE AGGREGATE sum(text) (SFUNC = sum_text_step, STYPE = numeric);
CREATE FUNCTION sum_bool_step(acc bigint, v boolean) RETURNS bigint LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN v IS NULL THEN acc ELSE coalesce(acc, 0) + v::integer END $$;
CREATE AGGREGATE sum(boolean) (SFUNC = sum_bool_step, STYPE = bigint);
-- text || boolean: SQLite's comparison is 1 or 0, PostgreSQL's boolean would print true/false
CREATE FUNCTION text_cat_bool(a text, b boolean) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT a || b::integer $$;
CREATE FUNCTION bool_cat_text(a boolean, b text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT a::integer || b $$;
CREATE OPERATOR || (LEFTARG = text, RIGHTARG = boolean, FUNCTION = text_cat_bool);
CREATE OPERATOR || (LEFTARG = boolean, RIGHTARG = text, FUNCTION = bool_cat_text);
CREATE FUNCTION zeroblob(n integer) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$ SELECT decode(repeat('00', n), 'hex') $$;
-- After the tests' own INSERTs with explicit ids, the next generated id is max(id) + 1, as SQLite's
-- rowid (tests/cli/lib.sh calls this after every sql() that inserts).
CREATE FUNCTION sync_identities() RETURNS void LANGUAGE plpgsql AS $$
DECLARE r record; m bigint; seq text; last bigint; called boolean;
BEGIN
  FOR r IN SELECT c.relname AS tbl, a.attname AS col FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND a.attidentity <> '' AND c.relkind = 'r' LOOP
    seq := pg_get_serial_sequence(quote_ident(r.tbl), r.col);
    EXECUTE format('SELECT max(%I) FROM %I', r.col, r.tbl) INTO m;
    EXECUTE format('SELECT last_value, is_called FROM %s', seq) INTO last, called;
    IF m IS NOT NULL AND m >= (CASE WHEN called THEN last + 1 ELSE last END) THEN
      PERFORM setval(seq, m, true);
    END IF;
  END LOOP;
END $$;
-- A digest of every row of every table (tests/cli/lib.sh db_sha: "the database is unchanged").
CREATE FUNCTION db_digest() RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record; d text; acc text := '';
BEGIN
  FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname LOOP
    EXECUTE format('SELECT md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text), '''')) FROM %I AS t', r.relname) INTO d;
    acc := md5(acc || r.relname || d);
  END LOOP;
  RETURN acc;
END $$;
-- ifnull(number, 'text'): SQLite's result is the text where the number is NULL (the tests print
-- '-' or 'null' for a missing value); PostgreSQL would read the text as a number.
CREATE FUNCTION ifnull(a bigint, b text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(a::text, b) $$;
CREATE FUNCTION ifnull(a integer, b text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(a::text, b) $$;
CREATE FUNCTION ifnull(a double precision, b text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(a::text, b) $$;
CREATE FUNCTION ifnull(a numeric, b text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(a::text, b) $$;
CREATE FUNCTION ifnull(a boolean, b text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(a::integer::text, b) $$;
CREATE FUNCTION instr(s text, t text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT strpos(s, t) $$;
-- date(unix seconds, 'unixepoch') -> YYYY-MM-DD (UTC)
CREATE FUNCTION date(v bigint, modifier text) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT CASE WHEN modifier = 'unixepoch' THEN to_char(to_timestamp(v) AT TIME ZONE 'UTC', 'YYYY-MM-DD') END $$;
-- amcheck for tests/cli/lib.sh db_integrity (PRAGMA integrity_check's counterpart), out of public
CREATE EXTENSION amcheck SCHEMA sqlite_compat;
