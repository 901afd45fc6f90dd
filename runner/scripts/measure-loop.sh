#!/usr/bin/env bash
# Times the red-green loop: append a no-op edit (a comment) to a kata file, then run
# `cargo kata check <kata>`; N times. Warm cache: one untimed run comes first.
#
#   runner/scripts/measure-loop.sh <kata-file> [runs] [kata-id]
#
#   kata-file  e.g. katas/d19a-precision/src/fsum.rs (relative to the repository root)
#   runs       default 10
#   kata-id    default: the file's stem (kata ids are module names)
#
# Uses hyperfine when installed, else a bash loop with `date +%s.%N` (prints each run,
# then min / median / max). The kata file is copied aside first and restored on exit,
# whatever happens (Ctrl-C included); the copy is kept if the restore fails.
set -euo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }
[[ $# -ge 1 && $# -le 3 ]] || usage
[[ $1 == -h || $1 == --help ]] && usage 0

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$root"
file=$1
runs=${2:-10}
kata=${3:-$(basename "$file" .rs)}
[[ -f $file ]] || { echo "measure-loop: no such file: $file" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "measure-loop: runs must be a positive number: $runs" >&2; exit 2; }

backup_dir="$root/.kata/measure"
mkdir -p "$backup_dir"
backup="$backup_dir/$(basename "$file").$(date +%Y%m%dT%H%M%S).$$.bak"
cp -p -- "$file" "$backup"
sync -- "$backup" 2>/dev/null || sync
restore() {
    if cp -p -- "$backup" "$file"; then
        rm -f -- "$backup"
    else
        echo "measure-loop: could not restore $file; your copy is in $backup" >&2
    fi
}
trap restore EXIT
trap 'exit 130' INT TERM

edit() { printf '// measure-loop %s\n' "$(date +%s.%N)" >>"$file"; }
check() { cargo kata check "$kata" >/dev/null 2>&1 || true; }  # red is a normal result

echo "measure-loop: $runs runs of 'cargo kata check $kata' after an edit of $file" >&2
edit; check  # warm-up: build everything once

if command -v hyperfine >/dev/null; then
    hyperfine --runs "$runs" --warmup 0 --ignore-failure \
        --prepare "printf '// measure-loop %s\n' \"\$(date +%s.%N)\" >> '$file'" \
        "cargo kata check $kata"
else
    times=()
    for ((i = 1; i <= runs; i++)); do
        edit
        t0=$(date +%s.%N)
        check
        t1=$(date +%s.%N)
        t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        times+=("$t")
        echo "run $i: ${t} s"
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '
        { v[NR] = $1 }
        END {
            med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "min %.3f s  median %.3f s  max %.3f s  (%d runs)\n", v[1], med, v[NR], NR
        }'
fi
