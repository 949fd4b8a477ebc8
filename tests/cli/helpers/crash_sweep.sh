# Crash sweep for the queue jobs (issue 11 "The machinery"), sourced after lib.sh and the server
# helpers (this folder is not run as tests). Kills one delivery job with kill -9 at many points
# against a real server, then lets it finish, and checks the at-least-once promise of README
# "Idempotency": every item arrives at least once, and every duplicate is explained by a kill that
# landed while that very item was in flight (the remote had accepted it, the local commit had not
# happened yet). Rows are sent one at a time and each result is committed on its own, so a kill
# can leave at most one such item: duplicates <= kills.
#
# Kill points cycle through three kinds, so they land everywhere in a run:
#   after-k   right after the server accepted the k-th item of this run (k = 1 .. 2*batch+1: mid
#             batch, last of a batch, first of the next), before or after the local commit
#   inside-k  SWEEP_INSIDE seconds after the server got the (k-1)-th item, i.e. while it holds the
#             k-th one in its answer delay: the server takes the item, the client never hears
#             its answer. This is the documented window; such a kill should make a duplicate.
#   random    a random time 0..600 ms after the start (claim transactions, sends, commits)
#   early     0..60 ms after the start (option parsing, migrations, lease, first claim)
# Random times come from bash's RANDOM seeded with CRASH_SEED (printed, so a failure replays).
#
# The test sets, before calling crash_sweep:
#   SWEEP_JOB      the job name
#   SWEEP_BATCH    its batch_size (for the after-k points)
#   SWEEP_INSIDE   seconds into the server's per-item delay at which inside-k kills (e.g. 0.02)
#   SWEEP_STEP     seconds the job clock (--now) advances per run: more than the claim TTL, so the
#                  next run takes over what the dead one had claimed
#   sweep_count    prints the number of items the server has accepted so far (cheap; polled)
#   sweep_keys     prints the key of every accepted item, one line each, in order of arrival
#   sweep_expected prints the key of every item that must arrive
#   sweep_left_sql a query counting the rows not yet finished (0 when the job is done)
# and the number of kills is CRASH_KILLS (default 10; `make torture` runs 200).

CRASH_KILLS=${CRASH_KILLS:-10}
CRASH_SEED=${CRASH_SEED:-$(( $(date +%s) % 32768 ))}

# The key of the last item the server accepted, or nothing when it accepted none since line $1.
_sweep_last_since() {
  local from=$1 n
  n=$(sweep_count)
  [ "$n" -gt "$from" ] && sweep_keys | sed -n "${n}p" || true
}

crash_sweep() {
  RANDOM=$CRASH_SEED
  local kills=0 finished_runs=0 i=0 kind k delay pid before after t0 rc
  local -a in_flight=()   # key of the item in flight at each kill (or "-" when none was)
  local -a kinds=(after-k inside-k random early)
  : > "$WORK/sweep.kills"
  while [ "$kills" -lt "$CRASH_KILLS" ]; do
    i=$((i + 1))
    [ "$i" -le $((CRASH_KILLS * 3 + 10)) ] || fail "the queue ran empty after $kills of $CRASH_KILLS kills; queue more items"
    [ "$(sql "$sweep_left_sql")" -gt 0 ] || fail "nothing left to do after $kills of $CRASH_KILLS kills; queue more items"
    kind=${kinds[$((i % 4))]}
    before=$(sweep_count)
    "$MJ" run "$SWEEP_JOB" --now $((NOW + i * SWEEP_STEP)) >"$WORK/sweep.out" 2>"$WORK/sweep.err" &
    pid=$!
    case $kind in
      after-k)
        k=$(( 1 + (i / 4) % (2 * SWEEP_BATCH + 1) ))
        # poll every 2 ms until the server has the k-th item of this run, or the run ended by itself
        while kill -0 $pid 2>/dev/null && [ "$(sweep_count)" -lt $((before + k)) ]; do sleep 0.002; done
        kind="after-$k" ;;
      inside-k)
        k=$(( 1 + (i / 4) % (2 * SWEEP_BATCH + 1) ))
        while kill -0 $pid 2>/dev/null && [ "$(sweep_count)" -lt $((before + k - 1)) ]; do sleep 0.002; done
        sleep "$SWEEP_INSIDE"
        kind="inside-$k" ;;
      random) delay=$((RANDOM % 600)); sleep "$(printf '0.%03d' $delay)"; kind="random-${delay}ms" ;;
      early) delay=$((RANDOM % 60)); sleep "$(printf '0.%03d' $delay)"; kind="early-${delay}ms" ;;
    esac
    if kill -9 $pid 2>/dev/null; then
      set +e; wait $pid 2>/dev/null; rc=$?; set -e
    else
      set +e; wait $pid; rc=$?; set -e
    fi
    if [ "$rc" -ne 137 ]; then
      # the run ended before the kill: it must have ended well
      [ "$rc" -eq 0 ] || fail "run $i exited $rc before its kill: $(cat "$WORK/sweep.err")"
      finished_runs=$((finished_runs + 1))
      continue
    fi
    kills=$((kills + 1))
    # Let the server finish what it had in hand when the client died (its DATA delay, a request
    # it was reading), so the item in flight is counted with this run.
    sleep 0.2
    after=$(sweep_count)
    local last; last=$(_sweep_last_since "$before")
    in_flight+=("${last:--}")
    echo "kill $kills: run $i, $kind, accepted $((after - before)) in this run, last ${last:--}" >> "$WORK/sweep.kills"
    # the kill left a consistent database and a lease of a dead pid (taken over by the next run)
    assert_eq "$(db_integrity)" ok "integrity after kill $kills"
  done
  # a last run with the clock past every claim: it finishes the queue
  i=$((i + 1))
  expect_exit 0 mj run "$SWEEP_JOB" --now $((NOW + i * SWEEP_STEP))
  assert_eq "$(sql "$sweep_left_sql")" 0 "rows left after the final run"
  assert_eq "$(db_integrity)" ok "integrity at the end"
  assert_eq "$(sql "SELECT count(*) FROM job_locks")" 0 "leases left at the end"

  # every item at least once
  local missing
  missing=$(comm -23 <(sweep_expected | sort -u) <(sweep_keys | sort -u) | head -5 | tr '\n' ' ')
  [ -z "$missing" ] || fail "items never delivered: $missing"
  # duplicates: each extra copy of an item needs a kill with that item in flight
  local copies items dups unexplained
  copies=$(sweep_keys | wc -l)
  items=$(sweep_expected | sort -u | wc -l)
  dups=$((copies - items))
  unexplained=$(comm -23 <(sweep_keys | sort | uniq -c | awk '$1 > 1 { for (j = 1; j < $1; j++) print $2 }' | sort) \
                         <(printf '%s\n' "${in_flight[@]}" | sort) | head -5 | tr '\n' ' ')
  [ -z "$unexplained" ] || { cat "$WORK/sweep.kills" >&2; fail "duplicates no kill explains: $unexplained"; }
  assert_le "$dups" "$kills" "duplicates (at most one per kill)"
  echo "crash-sweep $SWEEP_JOB: seed $CRASH_SEED, $kills kills ($finished_runs runs ended before their kill), $items items," \
       "$copies copies received, $dups duplicates, each explained by a kill with that item in flight"
  SWEEP_DUPS=$dups
}
