#!/usr/bin/env bash
# Renders a cohort heatmap in headless Chromium and saves a screenshot, for a human to look at
# (CI does not run Chromium).
#
#   runner/scripts/screenshot-cohort.sh [snapshot.json…]
#
# With no snapshots, six demo learners are made up from katas.toml (a deterministic mix of
# statuses, one on an older curriculum, one with a rebuilt history). Writes
# target/cohort-demo/cohort.html and target/cohort-demo/cohort.png; prints both paths.
# Needs `chromium` (Debian: apt-get install -y chromium) and python3 for the demo data.
set -euo pipefail

snapshots=()
for f in "$@"; do snapshots+=("$(realpath "$f")"); done
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/target/cohort-demo"
mkdir -p "$out"
cd "$out"

if [ "$#" -eq 0 ]; then
    python3 - "$root/katas.toml" <<'PY'
import json, random, sys, tomllib
manifest = tomllib.load(open(sys.argv[1], "rb"))
katas = [(s["id"] + "/" + k["id"], k["title"], k.get("concepts", [])) for s in manifest["suite"] for k in s["kata"]]
rng = random.Random(22)
names = ["Ada", "Brendan", "Chidi", "Dana", "Eun-ji", "Farid"]
for i, name in enumerate(names):
    skill = 0.9 - i * 0.13
    mine = katas if i != 4 else katas[: len(katas) - 9]  # an older, shorter curriculum
    rows, green = [], 0
    for j, (kid, title, concepts) in enumerate(mine):
        reach = j / len(mine)
        if reach < skill:
            status = "green" if rng.random() < 0.9 else "red"
        elif reach < skill + 0.12:
            status = rng.choice(["red", "red", "does_not_compile"])
        else:
            status = "not_started"
        total = rng.randint(3, 9)
        passed = total if status == "green" else (0 if status != "red" else rng.randint(0, total - 1))
        checks = 0 if status == "not_started" else rng.randint(1, 14)
        green += status == "green"
        rows.append({
            "id": kid, "title": title, "concepts": concepts, "status": status,
            "tests_passed": passed, "tests_total": 0 if status == "not_started" else total,
            "checks": checks, "practice_checks": 0,
            "time_to_green_secs": rng.randint(40, 1500) if status == "green" else None,
            "hints_used": rng.choice([0, 0, 0, 1, 2]) if checks else 0,
            "solution_peeked": status == "green" and rng.random() < 0.05,
            "stuck": status == "red" and checks >= 8 and passed * 2 <= total,
            "matches_solution": "identical" if (i == 5 and j == 1) else None,
            "record": "since_rebuild" if i == 3 else "full",
        })
    concepts = {}
    for r in rows:
        for c in r["concepts"]:
            e = concepts.setdefault(c, {"concept": c, "katas": 0, "passed": 0, "median_time_to_green_secs": None, "hints": 0, "_t": []})
            e["katas"] += 1; e["passed"] += r["status"] == "green"; e["hints"] += r["hints_used"]
            if r["time_to_green_secs"]: e["_t"].append(r["time_to_green_secs"])
    for e in concepts.values():
        t = sorted(e.pop("_t")); e["median_time_to_green_secs"] = t[(len(t) - 1) // 2] if t else None
    snap = {"schema_version": 1, "learner": name, "generated_at": 1795578999, "plan": None,
            "history": {"rebuilt": i == 3, "rebuilt_at": 1795570000 if i == 3 else None,
                        "set_aside": ["progress.json.corrupt-1795570000-0"] if i == 3 else []},
            "katas": rows, "concepts": sorted(concepts.values(), key=lambda e: e["concept"]),
            "exams": [] if i >= 3 else [{
                "started_at": 1795570000, "finished_at": 1795571500, "minutes": 30,
                "secs_used": 1500, "over_time": False, "seed": 7 + i, "score": 2 - (i == 2), "total": 3,
                "katas": [{"id": mine[k][0], "visible_passed": 5, "visible_total": 5,
                           "held_out_passed": 2 - (i == 2 and k == 0), "held_out_total": 2,
                           "does_not_compile": False, "peeked": False, "copied": False,
                           "counted": not (i == 2 and k == 0)} for k in range(3)]}],
            "green": green, "total": len(rows)}
    json.dump(snap, open(f"{name.lower()}.json", "w"), indent=1)
PY
    snapshots=("$out"/*.json)
fi

(cd "$root" && cargo run --quiet -p kata-runner --bin kata -- cohort "${snapshots[@]}" --html "$out/cohort.html" >/dev/null)
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --screenshot="$out/cohort.png" --window-size=1400,900 "file://$out/cohort.html" 2>/dev/null
echo "$out/cohort.html"
echo "$out/cohort.png"
