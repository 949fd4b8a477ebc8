# bash completion for mailjobs (issue 16). Install: copy to
# /usr/share/bash-completion/completions/mailjobs (make install does), or on shared hosting add
#   source ~/mailjobs/share/completion/mailjobs.bash
# to ~/.bashrc. Command and job names come from the binary itself (`mailjobs help --commands`,
# `mailjobs help --jobs`: no configuration, no database), so they always match the version installed.
_mailjobs() {
  local cur prev cmd i w
  COMPREPLY=()
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  local mj=${COMP_WORDS[0]}
  local common="--config --set --database --log-format --quiet --verbose --json --help"
  # The command: the first word that is neither an option nor an option's value.
  cmd=
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    case $w in
      --config|--set|--database|--log-format) ((i++)) ;;
      -*) ;;
      *) cmd=$w; break ;;
    esac
  done
  case $prev in
    --config|--database) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --log-format) COMPREPLY=($(compgen -W "auto json text" -- "$cur")); return ;;
    --set|--now|--max-runtime|--older-than|--limit) return ;;
  esac
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$common --version" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$("$mj" help --commands 2>/dev/null)" -- "$cur"))
    fi
    return
  fi
  local extra=
  case $cmd in
    run) extra="--dry-run --max-runtime --older-than --now --trigger" ;;
    tick) extra="--max-runtime --now" ;;
    status) extra="--prom" ;;
    history) extra="--limit --attempts" ;;
    unlock) extra="--force" ;;
    vacuum) extra="--max-runtime --dry-run" ;;
    doctor) extra="--deep" ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$common $extra" -- "$cur"))
    return
  fi
  case $cmd in
    run|status|history|unlock) COMPREPLY=($(compgen -W "$("$mj" help --jobs 2>/dev/null)" -- "$cur")) ;;
    help) COMPREPLY=($(compgen -W "$("$mj" help --commands 2>/dev/null)" -- "$cur")) ;;
    cleanup) COMPREPLY=($(compgen -W "stats preview execute history status" -- "$cur")) ;;
  esac
}
complete -F _mailjobs mailjobs
