#!/usr/bin/env bash
# Layers look down (issue 13, README "Layout"): every `#include "..."` of src/ must name a folder
# the including file's folder may use. Fails naming each file and line that includes a folder
# above it or beside it; a folder missing from the rule fails too, so a new one gets its place.
# usage: tests/layers.sh [SRC_DIR]   (default: src/ next to this script)
set -euo pipefail
src=${1:-$(cd "$(dirname "$0")/../src" && pwd)}

# What each folder may include (itself included); main.cpp sits above everything.
declare -A may=(
  [core]="core"
  [retention]="core retention"
  [delivery]="core delivery"
  [jobs]="core retention delivery jobs"
  [api]="core retention delivery jobs api"
  [cli]="core retention delivery jobs api cli"
  [main.cpp]="core retention delivery jobs api cli"
)

bad=0
checked=0
while IFS= read -r hit; do
  file=${hit%%:*}; rest=${hit#*:}; line=${rest%%:*}; text=${rest#*:}
  rel=${file#"$src"/}
  from=${rel%%/*}
  target=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]*)".*/\1/' <<<"$text")
  checked=$((checked + 1))
  # A name without a folder is a header the Makefile generates (out/gen: version.h).
  [[ $target == */* ]] || continue
  to=${target%%/*}
  if [[ -z ${may[$from]+set} ]]; then
    echo "src/$rel:$line: folder $from/ has no place in the layer rule (tests/layers.sh, README \"Layout\")"
    bad=$((bad + 1)); continue
  fi
  if [[ -z ${may[$to]+set} || $to == main.cpp ]]; then
    echo "src/$rel:$line: includes \"$target\" from $to/, which is no folder of the layer rule"
    bad=$((bad + 1)); continue
  fi
  if [[ " ${may[$from]} " != *" $to "* ]]; then
    echo "src/$rel:$line: $from may not include $to/ (\"$target\"); $from may include: ${may[$from]}"
    bad=$((bad + 1))
  fi
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$src" --include='*.h' --include='*.cpp' | sort)

if [ "$checked" -eq 0 ]; then echo "layers: no #include lines found under $src"; exit 1; fi
if [ "$bad" -ne 0 ]; then echo "layers: $bad include(s) against the layer rule (of $checked)"; exit 1; fi
echo "layers: all $checked includes look down"
