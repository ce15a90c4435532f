#!/usr/bin/env bash
# bench/report-scale.sh — `ir report` (md, html, json), `ir stats --by month` and `ir site build` at 1,000 and 10,000
# incidents: wall
# time of one cold, one-shot run (java -jar target/ir.jar, no background process), median of RUNS runs. The budget
# is under 10 s at 10,000. Incident files are written directly (python3, seeded) and committed once, so generating
# 10,000 takes seconds.
#
#   mvn -o -q -B -DskipTests package && bench/report-scale.sh [SIZES...]   (RUNS=3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
jar=${IR_JAR:-$here/../target/ir.jar}
[ -f "$jar" ] || { echo "bench: no $jar: run 'mvn -o -q -B -DskipTests package' first" >&2; exit 1; }
runs=${RUNS:-3}
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
work=$(mktemp -d "${TMPDIR:-/tmp}/ir-report.XXXXXX")
trap 'rm -rf "$work"' EXIT
export IR_DAEMON=0 GIT_CONFIG_NOSYSTEM=1 HOME=$work/home IR_AUTOSYNC_SPAWN=0
mkdir -p "$HOME"

generate() {   # DIR N: N incidents over two years, with milestones, windows, escalations, tags and action items
    python3 - "$1" "$2" <<'PY'
import random, sys, datetime as dt
d, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(18)
base = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
tags = ["database", "network", "deploy", "cache", "dns", "auth", "queue", "storage"]
def at(t): return t.strftime("%Y-%m-%dT%H:%M:%SZ")
for i in range(n):
    s = base + dt.timedelta(minutes=rnd.randrange(2 * 365 * 24 * 60))
    sev = "SEV-%d" % rnd.randint(1, 4)
    det = s + dt.timedelta(minutes=rnd.randint(1, 120)); ack = det + dt.timedelta(minutes=rnd.randint(1, 60))
    mit = ack + dt.timedelta(minutes=rnd.randint(5, 300)); res = mit + dt.timedelta(minutes=rnd.randint(10, 600))
    iid = "%s-gen-%05d" % (s.strftime("%Y-%m-%d"), i)
    y = [f"schema: 1", f"id: {iid}", f"title: Generated incident {i}", f"severity: {sev}", "status: resolved",
         "drill: false", f"opened_at: {at(det)}", f"started_at: {at(s)}", f"detected_at: {at(det)}",
         f"acknowledged_at: {at(ack)}", f"mitigated_at: {at(mit)}", f"resolved_at: {at(res)}",
         f"tags:", f"  - {rnd.choice(tags)}"]
    if rnd.random() < 0.3:
        half = s + (mit - s) / 2
        y += ["impact_windows:", f"  - started_at: {at(s)}", f"    mitigated_at: {at(half)}",
              f"  - started_at: {at(half + dt.timedelta(minutes=1))}", f"    mitigated_at: {at(mit)}"]
    y.append("actions:")
    for k in range(rnd.randint(0, 3)):
        st = rnd.choice(["open", "done", "wont-do"])
        y += [f"  - id: a{k}", "    text: follow up", f"    status: {st}", f"    added_at: {at(res)}",
              f"    due: {(res + dt.timedelta(days=rnd.randint(3, 60))).date()}"]
        if st == "done":
            y.append(f"    done_at: {at(res + dt.timedelta(hours=rnd.randint(1, 900)))}")
    if y[-1] == "actions:": y.pop()
    y += ["timeline:", f"  - id: d{i:05d}", f"    at: {at(det)}", "    author: Bench <bench@example.com>",
          "    type: declared", "    text: declared"]
    if sev == "SEV-2" and rnd.random() < 0.25:
        y += [f"  - id: e{i:05d}", f"    at: {at(det + dt.timedelta(minutes=5))}", "    author: Bench <bench@example.com>",
              "    type: severity", "    text: escalated", "    from: SEV-2", "    to: SEV-1"]
        y[3] = "severity: SEV-1"
    open(f"{d}/incidents/{iid}.yaml", "w").write("\n".join(y) + "\n")
PY
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

time_run() {   # ARGS...: median wall seconds of $runs runs
    for _ in $(seq 1 "$runs"); do
        s=$(date +%s.%N)
        (cd "$ws" && java -jar "$jar" "$@" >/dev/null)
        e=$(date +%s.%N)
        echo "$e - $s" | bc -l
    done | median
}

printf 'incidents\tgenerate_s\treport_md_s\treport_html_s\treport_json_s\tstats_by_month_s\tsite_build_s\tsite_files\tmd_bytes\thtml_bytes\tjson_bytes\n'
for n in "${sizes[@]}"; do
    ws=$work/ws-$n
    mkdir -p "$ws"
    git -C "$ws" init -q -b main
    git -C "$ws" config user.name "Report Bench"; git -C "$ws" config user.email bench@example.com
    (cd "$ws" && java -jar "$jar" init >/dev/null 2>&1)
    g0=$(date +%s.%N)
    generate "$ws" "$n"
    git -C "$ws" add incidents && git -C "$ws" commit -q -m "bench: $n generated incidents"
    g1=$(date +%s.%N)
    (cd "$ws" && java -jar "$jar" report --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["overall"]["incidents"] == int(sys.argv[1]), d["overall"]["incidents"]' "$n")
    md=$(time_run report); html=$(time_run report --format html); json=$(time_run report --format json)
    stats=$(time_run stats --by month)
    site=$(time_run site build -o "$work/site-$n")   # the first run writes every page, later ones rewrite none
    files=$(find "$work/site-$n" -type f | wc -l)
    mdb=$(cd "$ws" && java -jar "$jar" report | wc -c); htmlb=$(cd "$ws" && java -jar "$jar" report --format html | wc -c)
    jsonb=$(cd "$ws" && java -jar "$jar" report --format json | wc -c)
    printf '%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%s\t%s\t%s\t%s\n' "$n" "$(echo "$g1 - $g0" | bc -l)" "$md" "$html" \
        "$json" "$stats" "$site" "$files" "$mdb" "$htmlb" "$jsonb"
done
