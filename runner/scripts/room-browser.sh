#!/usr/bin/env bash
# The room's dashboard in a real browser: starts `kata-room serve` on 127.0.0.1:0 in a temporary
# directory with the 90-minute plan, joins three learners with curl (one named
# `<script>alert(1)</script>`), posts their snapshots (one stuck: 9 checks, 1/5 tests passing, a
# failing test), loads `/?token=…` in headless Chromium and checks the DOM: the learners, the
# stuck list with the failing test, the hostile name as text (`&lt;script&gt;`) and no injected
# `<script>alert`. Exit 1 when a check fails.
#
#   runner/scripts/room-browser.sh              # the check
#   runner/scripts/room-browser.sh --screenshot # the check, then docs/room.png
#
# Needs curl and Chromium or Chrome (Debian: installed with `apt-get install -y chromium` when
# missing and root). Without a browser it says so and exits 0 (skipped).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
screenshot=0
[ "${1:-}" = "--screenshot" ] && screenshot=1

find_browser() {
    local c
    for c in chromium chromium-browser google-chrome google-chrome-stable; do
        if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return 0; fi
    done
    c="/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
    if [ -x "$c" ]; then echo "$c"; return 0; fi
    return 1
}

browser=$(find_browser || true)
if [ -z "$browser" ] && command -v apt-get >/dev/null 2>&1 && [ -r /etc/debian_version ] \
    && ! grep -qi ubuntu /etc/os-release 2>/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        echo "room-browser: installing chromium (apt-get)"
        apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || true
    elif sudo -n true 2>/dev/null; then
        echo "room-browser: installing chromium (sudo apt-get)"
        sudo apt-get install -y -qq chromium >/dev/null 2>&1 || { sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; } || true
    fi
    browser=$(find_browser || true)
fi
if [ -z "$browser" ]; then
    echo "room-browser: skipped: no Chromium or Chrome here (Debian: apt-get install -y chromium)"
    exit 0
fi

cargo build --quiet -p kata-room
bin="${CARGO_TARGET_DIR:-$root/target}/debug/kata-room"

tmp=$(mktemp -d)
pid=""
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

"$bin" serve --bind 127.0.0.1:0 --dir "$tmp/room" --plan plans/iterators-and-resource-guards.toml \
    >"$tmp/out.log" 2>"$tmp/err.log" &
pid=$!
# The first stdout line is the JSON object; wait for it (10 s at most).
for _ in $(seq 1 100); do
    if head -n 1 "$tmp/out.log" 2>/dev/null | grep -q '}$'; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then cat "$tmp/err.log" >&2; echo "room-browser: the server stopped" >&2; exit 1; fi
    sleep 0.1
done
first=$(head -n 1 "$tmp/out.log")
field() { printf '%s' "$first" | sed -E "s/.*\"$1\":\"([^\"]*)\".*/\1/"; }
url=$(field url)
ft=$(field facilitator_token)
jt=$(field join_token)
case "$url" in http://127.0.0.1:*) ;; *) echo "room-browser: no url in the first line: $first" >&2; exit 1 ;; esac

join() {
    local answer
    answer=$(curl -sS --fail -X POST "$url/api/join" --data-binary "{\"name\":\"$1\",\"join_token\":\"$jt\"}")
    printf '%s' "$answer" | sed -E 's/.*"learner_token":"([0-9a-f]{32})".*/\1/'
}

# kata <id> <status> <checks> <passed> <total> <hints> <peeked> [failing test]
kata() {
    local failing=null ttg=null
    [ -n "${8:-}" ] && failing="\"$8\""
    [ "$2" = green ] && ttg=$(($3 * 95 + 40))
    printf '{"id":"%s","title":"%s","concepts":[],"status":"%s","tests_passed":%s,"tests_total":%s,"checks":%s,"practice_checks":0,"time_to_green_secs":%s,"hints_used":%s,"solution_peeked":%s,"stuck":false,"similarity":null,"record":"full","time_box_secs":null,"failing_test":%s}' \
        "$1" "${1#*/}" "$2" "$4" "$5" "$3" "$ttg" "$6" "$7" "$failing"
}

# post <token> <current kata> <kata json>…
post() {
    local token=$1 current=$2 katas code
    shift 2
    katas=$(IFS=,; echo "$*")
    code=$(curl -sS -o "$tmp/answer" -w '%{http_code}' -X POST "$url/api/snapshot" \
        -H "Authorization: Bearer $token" \
        --data-binary "{\"schema_version\":2,\"learner\":null,\"generated_at\":$(date +%s),\"plan\":null,\"history\":{\"rebuilt\":false,\"rebuilt_at\":null,\"set_aside\":[]},\"current_kata\":\"$current\",\"katas\":[$katas],\"concepts\":[],\"exams\":[],\"green\":0,\"total\":$#}")
    if [ "$code" != 200 ]; then echo "room-browser: snapshot refused ($code): $(cat "$tmp/answer")" >&2; exit 1; fi
}

I=d16-iterators
R=d17-resource-guards
ada=$(join "Ada")
brendan=$(join "Brendan")
hostile=$(join "<script>alert(1)</script>")

post "$ada" "$I/lazy_pipeline" \
    "$(kata $I/iterator_struct green 2 6 6 0 false)" \
    "$(kata $I/generator_shortcut green 4 5 5 1 false)" \
    "$(kata $I/lazy_pipeline red 9 1 5 2 false suite::lazy_pipeline::stays_lazy_on_an_infinite_source)" \
    "$(kata $I/iterable_vs_iterator not_started 0 0 0 0 false)" \
    "$(kata $I/delegation not_started 0 0 0 0 false)" \
    "$(kata $R/gate not_started 0 0 0 0 false)" \
    "$(kata $R/with_resource not_started 0 0 0 0 false)" \
    "$(kata $R/transaction not_started 0 0 0 0 false)" \
    "$(kata $R/scoped_lock not_started 0 0 0 0 false)"
post "$brendan" "$R/gate" \
    "$(kata $I/iterator_struct green 1 6 6 0 false)" \
    "$(kata $I/generator_shortcut green 2 5 5 0 false)" \
    "$(kata $I/lazy_pipeline green 5 5 5 1 false)" \
    "$(kata $I/iterable_vs_iterator green 3 4 4 0 false)" \
    "$(kata $I/delegation green 2 4 4 0 false)" \
    "$(kata $R/gate red 2 3 5 0 false suite::gate::closes_on_panic)" \
    "$(kata $R/with_resource not_started 0 0 0 0 false)" \
    "$(kata $R/transaction not_started 0 0 0 0 false)" \
    "$(kata $R/scoped_lock not_started 0 0 0 0 false)"
post "$hostile" "$I/generator_shortcut" \
    "$(kata $I/iterator_struct green 6 6 6 1 true)" \
    "$(kata $I/generator_shortcut does_not_compile 3 0 5 0 false)" \
    "$(kata $I/lazy_pipeline not_started 0 0 0 0 false)" \
    "$(kata $I/iterable_vs_iterator not_started 0 0 0 0 false)" \
    "$(kata $I/delegation not_started 0 0 0 0 false)" \
    "$(kata $R/gate not_started 0 0 0 0 false)" \
    "$(kata $R/with_resource not_started 0 0 0 0 false)" \
    "$(kata $R/transaction not_started 0 0 0 0 false)" \
    "$(kata $R/scoped_lock not_started 0 0 0 0 false)"

# Headless Chromium, stopped after 60 s whatever happens (the page keeps an event stream open).
chrome() {
    "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
        --user-data-dir="$tmp/profile" "$@" 2>/dev/null &
    local browser_pid=$! waited=0
    while kill -0 "$browser_pid" 2>/dev/null && [ "$waited" -lt 600 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    kill "$browser_pid" 2>/dev/null || true
    wait "$browser_pid" 2>/dev/null || true
}
chrome --dump-dom "$url/?token=$ft" >"$tmp/dom.html"

failed=0
check() {
    if grep -qF -- "$2" "$tmp/dom.html"; then echo "  ok: $1"; else echo "  FAILED: $1 (no \`$2\` in the DOM)"; failed=1; fi
}
echo "room-browser: $(basename "$browser") on $url"
check "learner Ada is listed" '<th class="learner">Ada</th>'
check "learner Brendan is listed" '<th class="learner">Brendan</th>'
check "the hostile name is text" '<th class="learner">&lt;script&gt;alert(1)&lt;/script&gt;</th>'
check "the stuck list has Ada" '<li class="stuck-item"><span class="who">Ada</span>'
check "the stuck list names the failing test" '<code class="failing">suite::lazy_pipeline::stays_lazy_on_an_infinite_source</code>'
check "the plan is on the page" 'Iterators and resource guards'
if grep -qF '<script>alert' "$tmp/dom.html"; then
    echo "  FAILED: injected <script>alert in the DOM"; failed=1
else
    echo "  ok: no injected <script>alert"
fi
if [ "$failed" != 0 ]; then
    echo "room-browser: the DOM was:" >&2
    head -c 4000 "$tmp/dom.html" >&2
    exit 1
fi

if [ "$screenshot" = 1 ]; then
    chrome --hide-scrollbars --window-size=1280,1180 --screenshot="$root/docs/room.png" \
        "$url/?token=$ft" >/dev/null
    if [ -s "$root/docs/room.png" ]; then echo "room-browser: docs/room.png"; else echo "room-browser: no screenshot" >&2; exit 1; fi
fi
echo "room-browser: ok"
