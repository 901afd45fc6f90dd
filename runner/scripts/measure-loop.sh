#!/usr/bin/env bash
# Times the red-green loop on a kata file, warm cache. The file is copied aside first and
# restored on exit, whatever happens (Ctrl-C, kill); the copy is kept if the restore fails.
#
#   runner/scripts/measure-loop.sh [--watch | --watch-green] <kata-file> [runs] [kata-id]
#   runner/scripts/measure-loop.sh --every-kata [runs] [suite...]
#   runner/scripts/measure-loop.sh --paired <rustlings-exercise> <kata-file> [runs] [kata-id]
#
#   kata-file  e.g. katas/d19a-precision/src/fsum.rs (relative to the repository root)
#   runs       default 10
#   kata-id    default: the file's stem (kata ids are module names)
#
# Default: append a no-op edit (a comment), run `cargo kata check <kata>`; N times, after
# one untimed warm-up. Uses hyperfine when installed, else a bash loop (date +%s.%N).
# --watch: run `cargo kata watch` (KATA_WATCH_TIMING=1, no terminal) and time each edit
# from the save to the printed verdict, as the loop reports it. Make the kata current
# first (watch checks the current kata); keep it red (green moves on to the next one).
# --watch-green: the green path: N times, start `cargo kata watch <kata>` on the file as it
# is, then copy the kata's reference solution over it and time that save to the green
# verdict (watch shows it before it moves on).
# --every-kata: --watch (red, the stub) and --watch-green for every kata of the given suites
# (default: every suite with a katas/ crate); prints one line per kata: suite, kata, red
# median, green median (seconds), for the README's loop table.
# --paired: the same machine, the same moment: alternately edit a rustlings exercise and
# run `rustlings run <exercise>` in its rustlings directory, then edit the kata file and run
# `cargo kata check <kata>`; N of each (after one warm-up of each), then both summaries.
# Both files are restored afterwards.
set -euo pipefail

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }
mode=check
if [[ ${1:-} == --watch ]]; then mode=watch; shift; fi
if [[ ${1:-} == --watch-green ]]; then mode=watch_green; shift; fi
if [[ ${1:-} == --every-kata ]]; then
    shift
    runs=${1:-5}
    shift || true
    root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
    cd "$root"
    suites=("$@")
    if ((${#suites[@]} == 0)); then
        mapfile -t suites < <(sed -n 's/^id = "\(d[^"]*\)"$/\1/p' katas.toml | while read -r s; do
            [[ -f katas/$s/Cargo.toml ]] && echo "$s"; done)
    fi
    printf '%-16s %-22s %8s %8s\n' suite kata red green
    for s in "${suites[@]}"; do
        # A kata's file is katas/<suite>/src/<kata>.rs (katas.toml's default).
        mapfile -t files < <(awk -v s="$s" '
            /^\[\[suite\]\]/ { in_s = 0; in_k = 0 }
            !in_k && $0 == "id = \"" s "\"" { in_s = 1 }
            in_s && /^\[\[suite\.kata\]\]/ { in_k = 1; next }
            in_s && in_k && /^id = / { gsub(/^id = "|"$/, ""); print "katas/" s "/src/" $0 ".rs"; in_k = 0 }' katas.toml)
        for f in "${files[@]}"; do
            k=$(basename "$f" .rs)
            med() { grep -o 'median [0-9.]*' | awk '{ print $2 }'; }
            red=$("$0" --watch "$f" "$runs" "$s/$k" 2>/dev/null | med || echo "-")
            green=$("$0" --watch-green "$f" "$runs" "$s/$k" 2>/dev/null | med || echo "-")
            printf '%-16s %-22s %8s %8s\n' "$s" "$k" "${red:--}" "${green:--}"
        done
    done
    exit 0
fi
if [[ ${1:-} == --paired ]]; then
    mode=paired
    shift
    exercise=$(realpath -- "${1:?--paired needs a rustlings exercise file}")
    shift
    [[ -f $exercise ]] || { echo "measure-loop: no such exercise: $exercise" >&2; exit 2; }
fi
[[ ${1:-} == -h || ${1:-} == --help ]] && usage 0
[[ $# -ge 1 && $# -le 3 ]] || usage

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$root"
file=$1
runs=${2:-10}
kata=${3:-$(basename "$file" .rs)}
[[ -f $file ]] || { echo "measure-loop: no such file: $file" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "measure-loop: runs must be a positive number: $runs" >&2; exit 2; }

work="$root/.kata/measure"
mkdir -p "$work"
backup="$work/$(basename "$file").$(date +%Y%m%dT%H%M%S).$$.bak"
cp -p -- "$file" "$backup"
sync -- "$backup" 2>/dev/null || sync
watch_pid= log=
deps_restore=()
cleanup() {
    trap '' PIPE INT TERM HUP  # nothing may stop the restore, not even a closed pipe
    local d
    for d in "${deps_restore[@]}"; do
        if cp -- "$work/$(basename "$d").$$.bak" "$d"; then
            rm -f -- "$work/$(basename "$d").$$.bak"
        else
            echo "measure-loop: could not restore $d; your copy is in $work" >&2
        fi
    done
    # Not `cp -p`: an old mtime on the restored file would let cargo reuse the test binary
    # built from the measured edits (a stale verdict for the learner's next check).
    if cp -- "$backup" "$file"; then
        rm -f -- "$backup"
    else
        echo "measure-loop: could not restore $file; your copy is in $backup" >&2
    fi
    if [[ -n $watch_pid ]]; then
        exec 3>&- || true
        kill "$watch_pid" 2>/dev/null || true  # watch runs until interrupted
        wait "$watch_pid" 2>/dev/null || true
        rm -f -- "$log"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

edit() { printf '// measure-loop %s\n' "$(date +%s.%N)" >>"$file"; }

# Prints min / median / max of the numbers (seconds) on stdin.
summary() {
    sort -n | awk '
        { v[NR] = $1 }
        END {
            if (NR == 0) { print "no measurement"; exit 1 }
            med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "min %.3f s  median %.3f s  max %.3f s  (%d runs)\n", v[1], med, v[NR], NR
        }'
}

measure_check() {
    echo "measure-loop: $runs runs of 'cargo kata check $kata' after an edit of $file" >&2
    check() { cargo kata check "$kata" >/dev/null 2>&1 || true; }  # red is a normal result
    edit; check  # warm-up: build everything once
    if command -v hyperfine >/dev/null; then
        hyperfine --runs "$runs" --warmup 0 --ignore-failure \
            --prepare "printf '// measure-loop %s\n' \"\$(date +%s.%N)\" >> '$file'" \
            "cargo kata check $kata"
        return
    fi
    local i t0 t1
    for ((i = 1; i <= runs; i++)); do
        edit
        t0=$(date +%s.%N)
        check
        t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
    done | tee /dev/stderr | summary
}

# How many verdicts the watch log holds so far.
verdicts() { grep -c 'save → verdict' "$log" || true; }

fail() {
    echo "measure-loop: $1 (log: $log)" >&2
    tail -n 20 "$log" >&2
    exit 1
}

# Waits until the watch log holds $1 verdicts; fails after $2 seconds.
wait_for_verdicts() {
    local want=$1 limit=$2 start=$SECONDS
    until (($(verdicts) >= want)); do
        if ((SECONDS - start > limit)) || ! kill -0 "$watch_pid" 2>/dev/null; then
            fail "no verdict from 'cargo kata watch'"
        fi
        sleep 0.05  # polling a log file, not synchronising tests
    done
}

measure_watch() {
    echo "measure-loop: $runs saves of $file under 'cargo kata watch', save → verdict" >&2
    log="$work/watch.$$.log"
    fifo="$work/stdin.$$"
    rm -f -- "$fifo" && mkfifo "$fifo"
    KATA_WATCH_TIMING=1 cargo kata watch "$kata" <"$fifo" >"$log" 2>&1 &
    watch_pid=$!
    exec 3>"$fifo"  # keeps watch's stdin open until cleanup
    rm -f -- "$fifo"
    # Warm-up: the first build may be long and the watch starts after it; save every 2 s
    # until a verdict comes back, then let the queue settle and count from there.
    local start=$SECONDS
    until (($(verdicts) >= 1)); do
        if ((SECONDS - start > 900)) || ! kill -0 "$watch_pid" 2>/dev/null; then
            fail "no verdict from 'cargo kata watch' after warm-up saves"
        fi
        edit
        sleep 2
    done
    sleep 2
    local base
    base=$(verdicts)
    local i
    for ((i = 1; i <= runs; i++)); do
        sleep 0.5  # let the previous burst end: one save, one verdict
        edit
        wait_for_verdicts $((base + i)) 120
    done
    grep -o 'save → verdict: [0-9.]*' "$log" | tail -n +$((base + 1)) | awk '{ print $NF }' \
        | tee /dev/stderr | summary
}

# The katas (module names) that kata $1's feature pulls in, from the crate's [features].
feature_closure() {
    local manifest="$(dirname "$(dirname "$file")")/Cargo.toml" todo=("$1") seen=" $1 " k d
    while ((${#todo[@]})); do
        k=${todo[0]} todo=("${todo[@]:1}")
        for d in $(sed -n "s/^$k = \[\(.*\)\]$/\1/p" "$manifest" | tr -d '",'); do
            [[ $seen == *" $d "* ]] || { seen+="$d "; todo+=("$d"); echo "$d"; }
        done
    done
}

measure_watch_green() {
    local solution="solutions/${file#katas/}"
    [[ -f $solution ]] || { echo "measure-loop: no solution file $solution" >&2; exit 2; }
    # The katas it uses must be solved too, or its tests reach their stubs' todo!().
    local dep dep_file
    for dep in $(feature_closure "$(basename "$file" .rs)"); do
        dep_file="$(dirname "$file")/$dep.rs"
        cp -p -- "$dep_file" "$work/$dep.rs.$$.bak"
        deps_restore+=("$dep_file")
        cp -- "solutions/${dep_file#katas/}" "$dep_file"
    done
    echo "measure-loop: $runs saves of $solution over $file under 'cargo kata watch', save → green" >&2
    log="$work/watch.$$.log"
    local i times="$work/green.$$"
    : >"$times"
    # Run 0 is a warm-up (the solved katas it uses are built once), not timed.
    for ((i = 0; i <= runs; i++)); do
        cp -- "$backup" "$file"
        fifo="$work/stdin.$$"
        rm -f -- "$fifo" && mkfifo "$fifo"
        : >"$log"
        KATA_WATCH_TIMING=1 cargo kata watch --no-keys "$kata" <"$fifo" >"$log" 2>&1 &
        watch_pid=$!
        exec 3>"$fifo"
        rm -f -- "$fifo"
        # The first check (the file as it is, red) shows watch is ready.
        local start=$SECONDS
        until grep -q 'cargo kata hint' "$log"; do
            if ((SECONDS - start > 900)) || ! kill -0 "$watch_pid" 2>/dev/null; then
                fail "no first verdict from 'cargo kata watch'"
            fi
            sleep 0.05  # polling a log file, not synchronising tests
        done
        sleep 0.5
        cp -- "$solution" "$file"
        wait_for_verdicts 1 120
        # Wait for the green line too: a save → verdict figure of a red verdict is no green.
        start=$SECONDS
        until grep -q ' is green' "$log"; do
            if ((SECONDS - start > 120)); then fail "the solution did not turn $kata green"; fi
            sleep 0.05
        done
        if ((i > 0)); then
            grep -o 'save → verdict: [0-9.]*' "$log" | head -n 1 | awk '{ print $NF }' \
                | tee -a "$times" >&2
        fi
        kill "$watch_pid" 2>/dev/null || true
        wait "$watch_pid" 2>/dev/null || true
        exec 3>&- || true
        watch_pid=
    done
    summary <"$times"
    rm -f -- "$log" "$times"
}

measure_paired() {
    command -v rustlings >/dev/null || { echo "measure-loop: rustlings is not installed" >&2; exit 2; }
    local rl_dir ex i t0 t1 kata_times="$work/paired-kata.$$" rl_times="$work/paired-rustlings.$$"
    rl_dir=$(dirname "$exercise")  # the rustlings directory: the one holding exercises/
    while [[ $rl_dir != / && ! -d $rl_dir/exercises ]]; do rl_dir=$(dirname "$rl_dir"); done
    [[ -d $rl_dir/exercises ]] || { echo "measure-loop: $exercise is not in a rustlings directory" >&2; exit 2; }
    ex=$(basename "$exercise" .rs)
    deps_restore+=("$exercise")
    cp -p -- "$exercise" "$work/$(basename "$exercise").$$.bak"
    echo "measure-loop: $runs alternating runs of 'rustlings run $ex' and 'cargo kata check $kata'" >&2
    rl() { (cd "$rl_dir" && rustlings run "$ex" >/dev/null 2>&1) || true; }
    kc() { cargo kata check "$kata" >/dev/null 2>&1 || true; }
    printf '// measure-loop\n' >>"$exercise"; rl  # warm-ups
    edit; kc
    : >"$kata_times"; : >"$rl_times"
    for ((i = 1; i <= runs; i++)); do
        printf '// measure-loop %s\n' "$(date +%s.%N)" >>"$exercise"
        t0=$(date +%s.%N); rl; t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$rl_times"
        edit
        t0=$(date +%s.%N); kc; t1=$(date +%s.%N)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$kata_times"
    done
    printf 'rustlings run %-22s ' "$ex"; summary <"$rl_times"
    printf 'cargo kata check %-19s ' "$kata"; summary <"$kata_times"
    rm -f -- "$kata_times" "$rl_times"
}

"measure_$mode"
