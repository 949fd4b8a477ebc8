# What every benchmark starts with (source it after setting MJ, here, root): the helper programs
# built against the binary's static SQLite, a work folder, one benchmark at a time on this machine,
# and generated databases cached in out/bench-cache/ keyed by row count, schema and generator.
#
#   bench_start NAME            $bin (helpers), $work (an empty out/bench/NAME-work), $cache; takes
#                               the lock every benchmark takes (two would share the CPU and files)
#   bench_helpers PROG...       builds bench/PROG.cpp into $bin/PROG when missing or older
#   cached_db KIND GEN.sql ROWS NOW
#                               prints the path of a database migrated by the binary and filled by
#                               the generator (`.parameter set @rows/@now`), made once
#   say MESSAGE                 a progress line on stderr
say() { echo "bench: $*" >&2; }

bench_start() {
  bin=$(dirname "$MJ")/bench
  work=$(realpath -m "$bin/$1-work")
  cache=$(realpath -m "$root/out/bench-cache")
  mkdir -p "$bin" "$cache"
  exec 9>"$cache/.lock"
  flock -n 9 || { say "waiting for another benchmark run to finish"; flock 9; }
  rm -rf "$work" && mkdir -p "$work"
}

bench_helpers() {
  local p
  for p in "$@"; do
    if [ ! -x "$bin/$p" ] || [ "$here/$p.cpp" -nt "$bin/$p" ] || [ "$here/bench_util.h" -nt "$bin/$p" ]; then
      g++ -O2 -std=c++17 -Wall -Wextra -o "$bin/$p" "$here/$p.cpp" -static -lsqlite3 -lpthread -ldl 2>&1 |
        grep -v -e 'unixDlOpen' -e "Using 'dlopen'" >&2 || true
    fi
  done
}

cached_db() {
  local kind=$1 gen=$2 rows=$3 now=$4 key f t0
  printf '[general]\ndatabase = %s/cfg.db\nlog_file = %s/cfg.log\n' "$work" "$work" >"$work/cfg.ini"
  "$MJ" migrate --config "$work/cfg.ini" --database "$work/schema.db" >/dev/null
  key=$( { sqlite3 "$work/schema.db" "SELECT sql FROM sqlite_master ORDER BY name"; cat "$gen"; } | sha256sum | cut -c1-10)
  f="$cache/$kind-$rows-$key.db"
  if [ ! -f "$f" ]; then
    find "$cache" -name "$kind-$rows-*" -delete
    say "generating $rows rows into $f (once)"
    rm -f "$f.tmp"*
    t0=$(date +%s)
    "$MJ" migrate --config "$work/cfg.ini" --database "$f.tmp" >/dev/null
    sqlite3 "$f.tmp" -cmd ".parameter set @rows $rows" -cmd ".parameter set @now $now" <"$gen" >/dev/null
    mv "$f.tmp" "$f"
    say "generated in $(( $(date +%s) - t0 )) s"
  fi
  echo "$f"
}
