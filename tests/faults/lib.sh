# Shared helpers of the I/O fault-injection tests (tests/faults/*.sh). Source after
# tests/cli/lib.sh; $MJ is then the fault build (out/.../mailjobs-faults, fault_vfs.cpp), which
# behaves exactly like the release binary unless MAILJOBS_FAULT is set for one command.
#
# A sweep runs one command once per failure point: MAILJOBS_FAULT=KIND:N for N = 1, 2, ... until
# a run hits no fault (the VFS logs every injected fault; no line = the run did every I/O call it
# needed and all succeeded). Before each run the database is restored from a snapshot taken after
# setup, so every N starts from the same state. After each faulty run:
#   - exit 0 only if the work is complete anyway (the fault hit after the last commit, e.g. in the
#     checkpoint SQLite makes when it closes); otherwise exit 1 (the job failed and its history row
#     says so) or 3 (the database could not even record that), with a `mailjobs: error:` line and
#     no crash (no signal, no abort, no uncaught exception);
#   - PRAGMA integrity_check is ok;
#   - the test's fault_check_partial hook holds (no committed batch lost, nothing done twice);
#   - a run without faults exits 0 and the test's fault_check_done hook holds (the work finished).
# FAULT_ALL=1 (make torture) tries every N; otherwise (make test) every N up to FAULT_FIRST, then
# every FAULT_STEP-th, so CI stays bounded while still covering the whole run.
FAULT_ALL=${FAULT_ALL:-}
FAULT_FIRST=${FAULT_FIRST:-8}
FAULT_STEP=${FAULT_STEP:-23}
FAULT_LOG=$WORK/fault.log
# Totals for the report: one line per sweep, appended to $FAULT_SUMMARY when run-all.sh sets it.
FAULT_SUMMARY=${FAULT_SUMMARY:-}

# fault_snapshot: the current database becomes the state every faulty run starts from.
fault_snapshot() {
  sql "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
  cp var/mailjobs.db "$WORK/base.db"
}
fault_restore() {
  rm -f var/mailjobs.db-wal var/mailjobs.db-shm
  cp "$WORK/base.db" var/mailjobs.db
}
# integrity_ok: PRAGMA integrity_check of the database (also recovers a WAL a run left behind,
# as the next mailjobs run would).
integrity_ok() {
  local r
  r=$(sqlite3 -batch -noheader var/mailjobs.db "PRAGMA integrity_check;" 2>&1) || fail "integrity_check failed to run: $r"
  [ "$r" == "ok" ] || fail "$FAULT_NOW: integrity_check: $r"
}
# in_both A B: the non-empty lines that are in both A and B, sorted.
in_both() {
  python3 -c 'import sys; a, b = (set(filter(None, x.split("\n"))) for x in sys.argv[1:3]); print("\n".join(sorted(a & b)))' "$1" "$2"
}
fault_hits() { grep -c '^hit ' "$FAULT_LOG" 2>/dev/null || true; }
# fault_ops KIND: how many calls of KIND the last run made (from the VFS's exit line).
fault_ops() { sed -n "s/^ops .*$1=\([0-9]*\).*/\1/p" "$FAULT_LOG" | tail -n1; }

# fault_next N: the next failure point to try.
fault_next() {
  if [ -n "$FAULT_ALL" ] || [ "$1" -lt "$FAULT_FIRST" ]; then echo $(($1 + 1)); else echo $(($1 + FAULT_STEP)); fi
}

# fault_run_checked SPEC CMD...: one run of CMD with MAILJOBS_FAULT=SPEC; checks the exit code,
# the error line and that nothing crashed. Sets FAULT_RC and FAULT_HIT (0/1).
fault_run_checked() {
  local spec=$1; shift
  FAULT_NOW="MAILJOBS_FAULT=$spec $*"
  rm -f "$FAULT_LOG"
  set +e
  MAILJOBS_FAULT=$spec MAILJOBS_FAULT_LOG=$FAULT_LOG "$@" >"$WORK/.fout" 2>"$WORK/.ferr"
  FAULT_RC=$?
  set -e
  FAULT_HIT=$([ "$(fault_hits)" -gt 0 ] && echo 1 || echo 0)
  local err; err=$(cat "$WORK/.ferr")
  grep -q '^ops ' "$FAULT_LOG" 2>/dev/null || fail "$FAULT_NOW: the process did not exit normally (exit $FAULT_RC): $err"
  if grep -Eqi 'terminate called|abort|segmentation|assert|sanitizer' "$WORK/.ferr"; then
    fail "$FAULT_NOW: crashed: $err"
  fi
  case $FAULT_RC in
    0) ;;
    1|3) grep -q '^mailjobs: error: ' "$WORK/.ferr" || fail "$FAULT_NOW: exit $FAULT_RC without a 'mailjobs: error:' line: $err" ;;
    *) fail "$FAULT_NOW: exit $FAULT_RC (expected 0, 1 or 3): $err" ;;
  esac
  [ "$FAULT_HIT" == 1 ] || [ "$FAULT_RC" == 0 ] || fail "$FAULT_NOW: no fault was injected, yet exit $FAULT_RC: $err"
  # one line per error, no multi-line dumps: each error line is a single line starting the same way
  if [ "$FAULT_RC" != 0 ]; then
    FAULT_ERR=$(grep '^mailjobs: error: ' "$WORK/.ferr" | head -n1)
  else
    FAULT_ERR=
  fi
}

# fault_sweep KIND CMD...: the sweep described at the top, for one kind of fault (write, sync,
# truncate, full; KIND may end in + for a fault that persists). Hooks the test defines:
#   fault_reset            before each run, after the database was restored (servers, files)
#   fault_check_partial    after a faulty run (FAULT_RC, FAULT_ERR set); the database is as it left it
#   fault_check_done       after the clean run that follows: the work must be finished
#   fault_clean_run        optional: the run(s) without faults (default: CMD once, exit 0)
fault_sweep() {
  local kind=$1; shift
  local n=1 tried=0 rcs="" persistent=
  [[ $kind == *+ ]] && { persistent=+; kind=${kind%+}; }
  while :; do
    fault_restore
    fault_reset
    fault_run_checked "$kind:$n$persistent" "$@"
    if [ "$FAULT_HIT" == 0 ]; then
      [ "$FAULT_RC" == 0 ] || fail "$FAULT_NOW: run without a fault exited $FAULT_RC"
      fault_check_done
      break
    fi
    tried=$((tried + 1))
    rcs="$rcs $FAULT_RC"
    integrity_ok
    if [ "$FAULT_RC" == 0 ]; then
      fault_check_done  # the fault came after the work was committed: it must all be there
    else
      fault_check_partial
    fi
    if declare -F fault_clean_run >/dev/null; then
      fault_clean_run "$@"
    else
      expect_exit 0 "$@"
    fi
    integrity_ok
    fault_check_done
    n=$(fault_next "$n")
    [ "$n" -lt 100000 ] || fail "$kind sweep does not end (n=$n)"
  done
  local summary calls
  calls=$(fault_ops "$([ "$kind" == full ] && echo write || echo "$kind")")
  summary=$(printf '%-28s %-10s %4d failure points tried (the run makes %s such calls), exits:%s' "$TEST_NAME" \
    "$kind$persistent" "$tried" "$calls" "$(tr ' ' '\n' <<<"$rcs" | grep . | sort | uniq -c | awk '{printf " %s x%s", $2, $1}')")
  echo "$summary"
  [ -z "$FAULT_SUMMARY" ] || echo "$summary" >>"$FAULT_SUMMARY"
}

# fault_sweep_all CMD...: write, sync, truncate, full (and a persistent write fault: a disk that
# stays broken) in turn.
fault_sweep_all() {
  local k
  for k in write sync truncate full write+; do fault_sweep "$k" "$@"; done
}
