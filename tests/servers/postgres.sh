# A real PostgreSQL 15 from Debian for the tests on the PostgreSQL backend (issue 19). run-all.sh
# sources this and starts ONE server for the whole run; each test then makes a database of its
# own on it (tests/cli/lib.sh, MJ_TEST_BACKEND=postgresql) and drops it at its end.
#
#   start_pg_server DIR   initdb in DIR/data as an unprivileged user (initdb refuses root, and CI
#                         runs as root: the Debian package's `postgres` user), a Unix socket in
#                         DIR and 127.0.0.1 on a free port; exports MJ_TEST_PG_{PORT,SOCKET,
#                         SUPERUSER,USER,PASSFILE}. mailjobs connects as MJ_TEST_PG_USER over TCP
#                         with a SCRAM password from the passfile, the way an operator's jobs.ini
#                         does; the tests' own psql uses the superuser over the socket (trust).
#   stop_pg_server        immediate stop; the caller removes DIR.
#
# The server trades durability for speed (fsync off): a test database is thrown away anyway.
# PG_DURABLE=1 (the benchmarks) keeps PostgreSQL's defaults, so its figures are a real server's.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

_pg_as() {  # run a server command as the unprivileged owner of the data directory
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$PG_OS_USER" -- "$@"; else "$@"; fi
}

start_pg_server() {
  local dir=$1 attempt port
  [ -x "$PG_BIN/initdb" ] || { echo "postgres.sh: no $PG_BIN/initdb (Debian package postgresql-15)" >&2; return 1; }
  if [ "$(id -u)" -eq 0 ]; then
    PG_OS_USER=${PG_OS_USER:-postgres}
    id "$PG_OS_USER" >/dev/null 2>&1 || { echo "postgres.sh: no user $PG_OS_USER to run the server as" >&2; return 1; }
    chown "$PG_OS_USER" "$dir"
  fi
  chmod 0711 "$dir"  # the server's user reaches its data directory; only its owner reads it
  # C.UTF-8: code-point order, as SQLite's BINARY, and Unicode case folding for citext, as a
  # server made with a UTF-8 locale has (the C locale folds ASCII only).
  _pg_as "$PG_BIN/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust \
    --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  cat >>"$dir/data/postgresql.conf" <<CONF
unix_socket_directories = '$dir'
listen_addresses = '127.0.0.1'
max_connections = 200
log_min_messages = warning
CONF
  [ "${PG_DURABLE:-0}" = 1 ] || printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >>"$dir/data/postgresql.conf"
  for attempt in 1 2 3 4 5; do
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    if _pg_as "$PG_BIN/pg_ctl" -D "$dir/data" -o "-p $port" -l "$dir/server.log" -w -t 30 start >/dev/null 2>&1; then
      export MJ_TEST_PG_PORT=$port MJ_TEST_PG_SOCKET=$dir MJ_TEST_PG_SUPERUSER=postgres MJ_TEST_PG_USER=mj
      export MJ_TEST_PG_PASSFILE=$dir/pgpass MJ_TEST_PG_DIR=$dir
      local password
      password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
      psql -X -q -h "$dir" -p "$port" -U postgres -d template1 -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE mj LOGIN PASSWORD '$password'" -f "$(dirname "${BASH_SOURCE[0]}")/postgres_compat.sql" \
        >"$dir/setup.log" 2>&1 || { cat "$dir/setup.log" >&2; return 1; }
      (umask 077 && echo "127.0.0.1:$port:*:mj:$password" >"$MJ_TEST_PG_PASSFILE")
      return 0
    fi
  done
  echo "postgres.sh: the server did not start: $(tail -n 5 "$dir/server.log" 2>/dev/null)" >&2
  return 1
}

stop_pg_server() {
  [ -n "${MJ_TEST_PG_DIR:-}" ] || return 0
  _pg_as "$PG_BIN/pg_ctl" -D "$MJ_TEST_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
}
