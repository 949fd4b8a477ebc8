# share/completion/mailjobs.bash completes commands, job names and options from the binary (issue 16).
# backend: sqlite-only: no database
. "$(dirname "$0")/lib.sh"
comp=$(cd "$(dirname "$0")/../.." && pwd)/share/completion/mailjobs.bash
[ -f "$comp" ] || fail "missing $comp"
complete_words() {  # complete_words WORD... : COMPREPLY for the last word, one per line
  bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
    _mailjobs
    printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$MJ" "$@"
}
got=$(complete_words mi)
assert_eq "$got" "migrate" "command"
got=$(complete_words --config jobs.ini st)
assert_eq "$got" "status" "command after --config FILE"
got=$(complete_words run forward-)
assert_eq "$got" "forward-retry" "job name after run"
got=$(complete_words run --dry)
assert_eq "$got" "--dry-run" "run option"
got=$(complete_words help unl)
assert_eq "$got" "unlock" "help COMMAND"
got=$(complete_words cleanup pre)
assert_eq "$got" "preview" "cleanup subcommand"
got=$(complete_words --vers)
assert_eq "$got" "--version" "--version"
# every command the binary knows is offered
all=$(complete_words "")
for c in $("$MJ" help --commands); do grep -qx "$c" <<<"$all" || fail "command $c not completed"; done
