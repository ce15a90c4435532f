#!/usr/bin/env bash
# bench/run.sh — measures the installed `ir` against DESIGN.md's performance budget and writes docs/PERFORMANCE.md.
#
#   ./install.sh && bench/run.sh            (RUNS=N for more repetitions; default 11, medians reported)
#   BENCH_BASELINE=bench/results/before-issue-11.tsv bench/run.sh      (adds a "before" column from an earlier run)
#
# It generates workspaces of 1, 10, 1,000 and 10,000 incidents, each with a few thousand commits of history (written
# with `git fast-import`, not thousands of ir runs), under bench/work/ (ignored by git), then times, as medians of
# RUNS runs after one warm-up: a hello-world JVM started with the launcher's flags (the floor), `ir log` one-shot
# (with and without the start-up archive), the plain-git equivalent, `ir list`, `ir show`, `ir open` with complete
# arguments, and `ir postmortem` and the `ir shell` per-entry time where this build has those commands; the peak
# memory of `ir log`; and, at the end, the resident memory of the bench's own background process.
# Only bash, git, ps, the JDK and (for the client's peak memory) /usr/bin/time are used. Environment: IR (the
# launcher; default `ir` on PATH, else ~/.local/bin/ir), RUNS, BENCH_WORK (where to generate), BENCH_OUT (the report;
# docs/PERFORMANCE.md), BENCH_TSV (the raw results beside it; docs/performance-results.tsv, or BENCH_OUT's name with
# .tsv), BENCH_BASELINE (an earlier run's TSV: the report then shows before and after), BENCH_LABEL (a few words
# saying which build is measured, for the report; default: the launcher's path and `ir --version`).
set -euo pipefail

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
RUNS=${RUNS:-11}
work=${BENCH_WORK:-$here/work}
out=${BENCH_OUT:-$top/docs/PERFORMANCE.md}
if [ -n "${BENCH_TSV:-}" ]; then tsv=$BENCH_TSV
elif [ -n "${BENCH_OUT:-}" ]; then tsv=${out%.md}.tsv
else tsv=$top/docs/performance-results.tsv
fi
baseline=${BENCH_BASELINE:-}
if [ -n "$baseline" ]; then
    [ -f "$baseline" ] && [ -r "$baseline" ] || die "cannot read BENCH_BASELINE '$baseline': give the .tsv an earlier run wrote"
    grep -q '^median	' "$baseline" || die "BENCH_BASELINE '$baseline' has no medians: give the .tsv an earlier bench/run.sh wrote"
    case $baseline in /*) ;; *) baseline=$PWD/$baseline ;; esac
fi
IR=${IR:-$(command -v ir 2>/dev/null || printf '%s' "$HOME/.local/bin/ir")}
[ -x "$IR" ] || die "no installed ir at '$IR': run ./install.sh first (or set IR=path/to/bin/ir)"
grep -q "^# ir launcher, written by ir's install.sh" "$IR" || die "$IR is not the launcher install.sh writes"
lib=$(sed -n "s/^lib='\(.*\)'$/\1/p" "$IR")
java_home=$(sed -n "s/^java_home='\(.*\)'$/\1/p" "$IR")
read -r -a FLAGS <<<"$(sed -n "s/^flags='\(.*\)'$/\1/p" "$IR")"
JAVA="$java_home/bin/java"
[ -x "$JAVA" ] && [ -f "$lib/ir.jar" ] || die "cannot read the java and jar from $IR: run ./install.sh again"
[ -f "$lib/ir.jsa" ] || echo "bench: warning: no start-up archive in $lib (IR_INSTALL_NO_CDS?): ir log will be slow" >&2
command -v git >/dev/null || die "git is needed"
command -v ps >/dev/null || die "ps is needed (for the background process's memory)"
[ "${BASH_VERSINFO[0]}" -ge 5 ] || die "bash 5 is needed (for EPOCHREALTIME)"

export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=bench@example.com \
    GIT_COMMITTER_NAME=Bench GIT_COMMITTER_EMAIL=bench@example.com IR_AUTHOR="Bench <bench@example.com>"
unset IR_DIR IR_DAEMON IR_DAEMON_IDLE JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS _JAVA_OPTIONS 2>/dev/null || true
# The bench's own background process (see 'ir daemon --help'), in a private directory of its own, stopped at the end.
IR_DAEMON_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ir-bench.XXXXXX") || die "cannot create a temporary directory"
export IR_DAEMON_DIR
trap '"$IR" daemon stop >/dev/null 2>&1; rm -rf "$IR_DAEMON_DIR"' EXIT

HISTORY=2000   # commits of history in every workspace
EVENTS=12      # timeline events per generated incident
K=50           # entries piped to `ir shell` for its per-entry time

# ---- generating workspaces ------------------------------------------------------------------------------------
# The fast-import stream of HISTORY commits: incidents are created in batches (10,000 incidents: 5 per commit);
# with fewer incidents than commits, the remaining commits rewrite incident (k mod n) with one more note, as `ir log`
# does. Every file is a valid incident in DESIGN.md's format, about 2 KB like a real one.
fast_import_stream() {
    awk -v n="$1" -v commits="$HISTORY" -v events="$EVENTS" '
    function id(i) { return sprintf("%04d-%02d-%02d-bench-incident-%05d", 2016 + int(i / 1000) % 10, 1 + int(i / 80) % 12, 1 + i % 28, i) }
    function at(i, m) { return sprintf("%04d-%02d-%02dT%02d:%02d:00Z", 2016 + int(i / 1000) % 10, 1 + int(i / 80) % 12, 1 + i % 28, 8 + int(m / 60) % 12, m % 60) }
    function incident(i, rev,    s, k, sev, done) {
        sev = 1 + i % 5; done = (i % 7 != 0)
        s = "schema: 1\nid: " id(i) "\ntitle: Bench incident " i " - checkout latency spike in region " (i % 9) "\n"
        s = s "severity: SEV-" sev "\nstatus: " (done ? "resolved" : "investigating") "\ndrill: " ((i % 50 == 0) ? "true" : "false") "\n"
        s = s "opened_at: " at(i, 5) "\nstarted_at: " at(i, 0) "\ndetected_at: " at(i, 3) "\n"
        if (done) s = s "mitigated_at: " at(i, 40) "\nresolved_at: " at(i, 55) "\n"
        s = s "roles:\n  commander: Alice Responder <alice@example.com>\n  sme:\n    - Bob Builder <bob@example.com>\n"
        s = s "summary: |-\n  Checkout p99 latency rose above 2 s for customers in region " (i % 9) ".\n  Bench data.\n"
        s = s "tags:\n  - checkout\n  - bench\n"
        s = s "timeline:\n"
        for (k = 0; k < events + rev; k++) {
            s = s "  - id: b" sprintf("%05d%06d", i, k) "\n    at: " at(i, 5 + k) "\n    author: Alice Responder <alice@example.com>\n"
            s = s "    type: " (k == 0 ? "declared" : "note") "\n    text: " (k == 0 ? "\"Declared SEV-" sev ": Bench incident " i "\"" : "step " k " of the response, with a few words of detail") "\n"
            if (k == 0) s = s "    severity: SEV-" sev "\n"
        }
        return s
    }
    function commit(k, msg, first) {
        printf "commit refs/heads/main\nauthor Bench <bench@example.com> %d +0000\ncommitter Bench <bench@example.com> %d +0000\n", 1500000000 + k * 60, 1500000000 + k * 60
        printf "data %d\n%s\n", length(msg), msg
        if (first) printf "from refs/heads/main^0\n"
    }
    function file(i, rev,    body) {
        body = incident(i, rev)
        printf "M 100644 inline incidents/%s.yaml\ndata %d\n%s\n", id(i), length(body), body
    }
    BEGIN {
        per = int((n + commits - 1) / commits); if (per < 1) per = 1
        k = 0; i = 0
        while (i < n) {
            commit(k, "bench: declare incidents " i "..", k == 0)
            for (j = 0; j < per && i < n; j++) { file(i, 0); i++ }
            k++
        }
        rev = 0
        while (k < commits) {
            target = (k % n); rev = 1 + int(k / n) % 8
            commit(k, "bench: log to incident " target, k == 0)
            file(target, rev)
            k++
        }
    }'
}

generate() {
    local n=$1 ws="$work/ws-${2:-$1}"
    rm -rf "$ws"
    mkdir -p "$ws"
    git -C "$ws" init -q -b main
    "$IR" -C "$ws" init 2>/dev/null
    fast_import_stream "$n" | git -C "$ws" fast-import --quiet
    git -C "$ws" reset -q --hard main
    "$IR" -C "$ws" use "$(cd "$ws/incidents" && ls | sed -n 's/\.yaml$//p' | tail -n 1)" >/dev/null 2>&1
    printf '  %6d incidents, %5d commits, %s\n' "$n" "$(git -C "$ws" rev-list --count HEAD)" \
        "$(du -sh "$ws" | cut -f1)" >&2
}

# ---- timing -----------------------------------------------------------------------------------------------------
now_us() { local t=$EPOCHREALTIME; printf '%s' "${t/./}"; }

# measure NAME CMD...: registers a measurement. run_measures then runs each once to warm up, and RUNS rounds of
# all of them in turn (interleaved, so a machine whose load drifts skews every figure alike, not one), and sets
# RESULT[NAME] to the median wall time in ms.
declare -A RESULT
NAMES=()
CMDS=()
SETUPS=()
measure() {
    local name=$1; shift
    NAMES+=("$name")
    CMDS+=("$(printf '%q ' "$@")")
    SETUPS+=("")
}
# measure_after SETUP NAME CMD...: like measure, but runs SETUP (a shell command, not timed) before every run.
measure_after() {
    local setup=$1; shift
    measure "$@"
    SETUPS[${#SETUPS[@]} - 1]=$setup
}
run_measures() {
    local -A times=()
    local i r s e
    for i in "${!NAMES[@]}"; do
        [ -z "${SETUPS[$i]}" ] || eval "${SETUPS[$i]}" >/dev/null 2>&1
        eval "${CMDS[$i]}" >/dev/null 2>&1 || { echo "bench: failed: ${CMDS[$i]}" >&2; eval "${CMDS[$i]}" >&2 || true; exit 1; }
    done
    for ((r = 0; r < RUNS; r++)); do
        printf '\r  round %d of %d' $((r + 1)) "$RUNS" >&2
        for i in "${!NAMES[@]}"; do
            [ -z "${SETUPS[$i]}" ] || eval "${SETUPS[$i]}" >/dev/null 2>&1
            s=$(now_us)
            eval "${CMDS[$i]}" >/dev/null 2>&1 || { echo; echo "bench: failed: ${CMDS[$i]}" >&2; exit 1; }
            e=$(now_us)
            times[$i]+=" $((e - s))"
        done
    done
    echo >&2
    for i in "${!NAMES[@]}"; do
        # shellcheck disable=SC2086 # a list of numbers
        RESULT[${NAMES[$i]}]=$(printf '%s\n' ${times[$i]} | sort -n | awk '{a[NR] = $1} END {m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f", m / 1000}')
        printf '  %-44s %9s ms\n' "${NAMES[$i]}" "${RESULT[${NAMES[$i]}]}" >&2
    done
}

ir_log() { "$IR" -C "$work/ws-$1" log "bench entry from ir log"; }
ir_log_in_process() { IR_DAEMON=0 "$IR" -C "$work/ws-$1" log "bench entry in-process"; }
ir_log_no_archive() { "$JAVA" "${FLAGS[@]}" -jar "$lib/ir.jar" -C "$work/ws-$1" log "bench entry without the archive"; }
hello() { "$JAVA" "${FLAGS[@]}" -cp "$work/hello" Hello; }
plain_git() {
    # What `ir log` does, by hand: append an entry to a file and commit that one file. (A file of its own: the
    # incident file may end with keys after its timeline, such as the post-mortem's, so appending there breaks it.)
    local ws="$work/ws-$1"
    printf -- '- at: %s\n  author: Bench <bench@example.com>\n  text: plain git entry\n' "$EPOCHSECONDS" \
        >>"$ws/plain-git-log.yaml"
    git -C "$ws" add plain-git-log.yaml && git -C "$ws" commit -q -m "plain git entry"
}
# Whether this build has a command: `ir --help` lists them (an unknown one with --help would print the root help).
has_command() { "$IR" --help 2>/dev/null | grep -q "^  $1 "; }
# `ir open` with its arguments complete (no prompt): every run declares a new incident in ws-open (a workspace of
# its own, so the others keep their sizes), with a new title each time, so ws-open grows by one incident a run.
open_n=0
ir_open() {
    open_n=$((open_n + 1))
    "$IR" -C "$work/ws-open" open "Bench declared incident $open_n" --severity SEV-3 --no-input
}
# The pid of the bench's own background process once it serves, or nothing: what `ir daemon status` says (older
# builds: `ir daemon`). With "any": else the `ir.Daemon` process (the main class the launcher starts) whose
# environment has this IR_DAEMON_DIR, serving or not.
bench_daemon_pid() {
    local pid="" p
    pid=$( { "$IR" daemon status 2>/dev/null || "$IR" daemon 2>/dev/null; } \
        | sed -n 's/.*[Pp][Ii][Dd]:\{0,1\} \([0-9][0-9]*\).*/\1/p' | head -n 1) || true
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then pid=""; fi
    if [ -z "$pid" ] && [ "${1:-}" = any ]; then
        for p in $(pgrep -f 'ir\.Daemon' 2>/dev/null); do
            if tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qxF "IR_DAEMON_DIR=$IR_DAEMON_DIR"; then
                pid=$p
                break
            fi
        done
    fi
    printf '%s' "$pid"
}

# ---- run --------------------------------------------------------------------------------------------------------
echo "bench: generating workspaces in $work" >&2
mkdir -p "$work/hello"
cat >"$work/hello/Hello.java" <<'EOF'
public class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
EOF
"$java_home/bin/javac" -d "$work/hello" "$work/hello/Hello.java" 2>/dev/null \
    || javac -d "$work/hello" "$work/hello/Hello.java" || die "javac is needed to compile the hello-world floor"
for n in 1 10 1000 10000; do generate "$n"; done
generate 1 shell   # the shell's own: 50 entries a run would grow ws-1's incident and skew the ir log figures
generate 10 open   # ir open's own: it grows by one incident a run
load_start=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo unknown)

# The first everyday command starts the background process (it warms up before it listens): wait until it serves.
"$IR" -C "$work/ws-1" show >/dev/null 2>&1 || die "ir show failed in $work/ws-1"
daemon_pid=""
for _ in $(seq 1 300); do
    daemon_pid=$(bench_daemon_pid)
    [ -n "$daemon_pid" ] && break
    sleep 0.2
done
[ -n "$daemon_pid" ] || echo "bench: warning: ir's background process did not start: every ir figure is in-process" >&2

measure "hello-world JVM (floor)" hello
measure "ir --version" "$IR" --version
measure "ir log, 1 incident" ir_log 1
measure "ir log, 1 incident, in-process (IR_DAEMON=0)" ir_log_in_process 1
measure "ir log, 1 incident, no archive" ir_log_no_archive 1
measure "ir log, 1,000 incidents" ir_log 1000
measure "ir log, 10,000 incidents" ir_log 10000
measure "plain git, 1 incident" plain_git 1
measure "plain git, 10,000 incidents" plain_git 10000
measure "ir list, 10 incidents" "$IR" -C "$work/ws-10" list
measure "ir list, 1,000 incidents" "$IR" -C "$work/ws-1000" list
measure "ir list, 10,000 incidents" "$IR" -C "$work/ws-10000" list
measure "ir show, 1 incident" "$IR" -C "$work/ws-1" show
measure "ir show, 10,000 incidents" "$IR" -C "$work/ws-10000" show
measure "ir open, complete arguments" ir_open
if has_command postmortem; then
    measure "ir postmortem, 1 incident" "$IR" -C "$work/ws-1" postmortem
    measure "ir postmortem, 10,000 incidents" "$IR" -C "$work/ws-10000" postmortem
fi

shell_entry=""
shell_ok=0
if has_command shell; then
    # Per entry: (time for K entries - time for none) / K, entries piped to one `ir shell`; checked by commit count.
    shell_k() { seq 1 "$1" | sed 's/^/shell bench entry /' | "$IR" -C "$work/ws-shell" shell; }
    before=$(git -C "$work/ws-shell" rev-list --count HEAD)
    shell_base=$(git -C "$work/ws-shell" rev-parse HEAD)
    if shell_k 1 >/dev/null 2>&1 && [ "$(git -C "$work/ws-shell" rev-list --count HEAD)" -eq $((before + 1)) ]; then
        shell_ok=1
        # Every run starts from the same incident (12 events; untimed reset), so the K entries of one round do not
        # make the next round's entries rewrite a longer file (11 rounds would grow it to over 600 events).
        shell_reset="git -C $(printf '%q' "$work/ws-shell") reset -q --hard $shell_base"
        measure_after "$shell_reset" "ir shell, no entries" shell_k 0
        measure_after "$shell_reset" "ir shell, $K entries" shell_k "$K"
    else
        echo "bench: 'ir shell' did not commit one entry per line from a pipe: per-entry time not measured" >&2
    fi
fi

echo "bench: medians of $RUNS interleaved rounds" >&2
run_measures
if [ "$shell_ok" = 1 ]; then
    shell_entry=$(awk -v a="${RESULT["ir shell, $K entries"]:-}" -v b="${RESULT["ir shell, no entries"]:-}" -v k="$K" \
        'BEGIN {printf "%.1f", (a - b) / k}')
    printf '  %-44s %9s ms\n' "ir shell, per entry" "$shell_entry" >&2
fi

peak=""
if [ -x /usr/bin/time ]; then
    peak=$( { for i in 1 2 3 4 5; do /usr/bin/time -f '%M' "$IR" -C "$work/ws-1" log "memory probe" 2>&1 >/dev/null | tail -n 1; done; } \
        | sort -n | sed -n 3p)
    peak=$(awk -v k="$peak" 'BEGIN {printf "%.1f", k / 1024}')
    printf '  %-44s %9s MiB\n' "ir log peak memory (RSS)" "$peak" >&2
fi
load_end=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo unknown)

# The background process's resident memory after the bench: its pid asked again (it may have been replaced), then
# `ps -o rss=` right away, before the exit trap stops it. Its peak (VmHWM) is shown beside it where /proc has it.
daemon_rss=""
daemon_peak=""
end_pid=$(bench_daemon_pid any)
if [ -n "$end_pid" ]; then
    [ -z "$daemon_pid" ] || [ "$end_pid" = "$daemon_pid" ] \
        || echo "bench: note: the background process was replaced during the bench (pid $daemon_pid, now $end_pid)" >&2
    daemon_rss=$(ps -o rss= -p "$end_pid" 2>/dev/null | awk 'NF {printf "%.1f", $1 / 1024}')
    daemon_peak=$(awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$end_pid/status" 2>/dev/null || true)
    printf '  %-44s %9s MiB (peak %s MiB)\n' "background process memory (RSS), pid $end_pid" "${daemon_rss:-?}" \
        "${daemon_peak:-?}" >&2
else
    echo "bench: warning: no background process at the end of the bench: its memory is not measured" >&2
fi

# ---- budget -----------------------------------------------------------------------------------------------------
ratio() { if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; fi; }
floor=${RESULT["hello-world JVM (floor)"]:-}
r_git=$(ratio "${RESULT["ir log, 1 incident"]:-}" "${RESULT["plain git, 1 incident"]:-}")
r_cds=$(ratio "${RESULT["ir log, 1 incident, no archive"]:-}" "${RESULT["ir log, 1 incident, in-process (IR_DAEMON=0)"]:-}")
r_daemon=$(ratio "${RESULT["ir log, 1 incident, in-process (IR_DAEMON=0)"]:-}" "${RESULT["ir log, 1 incident"]:-}")

# DESIGN.md's budget, one row each: KEY (stable: it names the row in the TSV, so later runs can compare), label,
# this run's figure (empty: not measured), the limit, and how the limit reads.
B_KEYS=()
declare -A B_LABEL B_VALUE B_MAX B_TEXT
budget() {
    B_KEYS+=("$1")
    B_LABEL[$1]=$2 B_VALUE[$1]=$3 B_MAX[$1]=$4 B_TEXT[$1]=$5
}
everyday="≤ 3 (aim 2)"
budget "log/floor" "\`ir log\`, 1 incident / hello-world JVM" \
    "$(ratio "${RESULT["ir log, 1 incident"]:-}" "$floor")" 3 "$everyday"
budget "show/floor" "\`ir show\`, 1 incident / hello-world JVM" \
    "$(ratio "${RESULT["ir show, 1 incident"]:-}" "$floor")" 3 "$everyday"
budget "list/floor" "\`ir list\`, 10 incidents / hello-world JVM" \
    "$(ratio "${RESULT["ir list, 10 incidents"]:-}" "$floor")" 3 "$everyday"
budget "open/floor" "\`ir open TITLE --severity SEV-3 --no-input\` / hello-world JVM" \
    "$(ratio "${RESULT["ir open, complete arguments"]:-}" "$floor")" 3 "$everyday"
budget "log-growth" "growth: \`ir log\` at 10,000 incidents / at 1 incident" \
    "$(ratio "${RESULT["ir log, 10,000 incidents"]:-}" "${RESULT["ir log, 1 incident"]:-}")" 1.5 "≤ 1.5"
budget "list-growth" "growth: \`ir list\` at 10,000 incidents / at 10 incidents" \
    "$(ratio "${RESULT["ir list, 10,000 incidents"]:-}" "${RESULT["ir list, 10 incidents"]:-}")" 2 "≤ 2"
budget "shell-entry-ms" "\`ir shell\`, one entry committed (ms; medians of 0 and $K entries)" "$shell_entry" 15 "≤ 15 ms"
budget "daemon-rss-mib" "background process resident after the bench (MiB)" "$daemon_rss" 160 "≤ 160 MiB"

# The baseline: "kind<TAB>name<TAB>value" lines of an earlier run's TSV (see below).
declare -A BEFORE
if [ -n "$baseline" ]; then
    while IFS=$'\t' read -r kind name value; do
        case $kind in '#'*|kind|'') continue ;; esac
        BEFORE["$kind:$name"]=$value
    done <"$baseline"
fi
verdict() { if [ -z "$1" ]; then printf 'not measured'; else awk -v v="$1" -v m="$2" 'BEGIN {print (v <= m) ? "pass" : "FAIL"}'; fi; }
change() {   # change BEFORE AFTER: "-12%", or "–" when either is missing
    if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN {printf "%+.0f%%", (b / a - 1) * 100}'; else printf '–'; fi
}

budget_rows=""
failed=0
for key in "${B_KEYS[@]}"; do
    v=${B_VALUE[$key]} pf=$(verdict "${B_VALUE[$key]}" "${B_MAX[$key]}")
    [ "$pf" = FAIL ] && failed=$((failed + 1))
    if [ -n "$baseline" ]; then
        budget_rows+="| ${B_LABEL[$key]} | ${BEFORE["budget:$key"]:-–} | ${v:-–} | ${B_TEXT[$key]} | $pf |"$'\n'
    else
        budget_rows+="| ${B_LABEL[$key]} | ${v:-–} | ${B_TEXT[$key]} | $pf |"$'\n'
    fi
done
if [ -n "$baseline" ]; then
    budget_head=$'| measure | before | this run | budget | pass/fail |\n|---|---|---|---|---|'
else
    budget_head=$'| measure | result | budget | pass/fail |\n|---|---|---|---|'
fi

echo >&2
echo "Performance budget, measured in this run${baseline:+ (before: $baseline)}:" >&2
printf '%s\n%s' "$budget_head" "$budget_rows" | sed '2d; s/^| //; s/ |$//; s/ | /\t/g' | column -t -s $'\t' >&2 2>/dev/null \
    || printf '%s\n%s' "$budget_head" "$budget_rows" >&2
echo "(ir log is ${r_git}x the plain-git equivalent; the background process makes it ${r_daemon}x faster than in-process," \
    "and the start-up archive makes in-process ${r_cds}x faster)" >&2

# ---- results: the raw medians and budget figures, beside the report -------------------------------------------
version=$("$IR" --version 2>/dev/null | sed 's/^ir //' || true)
rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
label=${BENCH_LABEL:-"ir ${version:-?} from $IR"}
date=$(date -u +%Y-%m-%dT%H:%MZ)
ORDER=("hello-world JVM (floor)" "ir --version" "ir log, 1 incident"
    "ir log, 1 incident, in-process (IR_DAEMON=0)" "ir log, 1 incident, no archive"
    "ir log, 1,000 incidents" "ir log, 10,000 incidents" "plain git, 1 incident" "plain git, 10,000 incidents"
    "ir list, 10 incidents" "ir list, 1,000 incidents" "ir list, 10,000 incidents" "ir show, 1 incident"
    "ir show, 10,000 incidents" "ir open, complete arguments" "ir postmortem, 1 incident"
    "ir postmortem, 10,000 incidents" "ir shell, no entries" "ir shell, $K entries")
mkdir -p "$(dirname "$tsv")"
{
    printf '# bench/run.sh results: %s; %s; bench at commit %s; RUNS=%s; load %s at the start, %s at the end\n' \
        "$date" "$label" "$rev" "$RUNS" "$load_start" "$load_end"
    printf 'kind\tname\tvalue\n'
    for name in "${ORDER[@]}"; do
        [ -z "${RESULT[$name]:-}" ] || printf 'median\t%s\t%s\n' "$name" "${RESULT[$name]}"
    done
    for key in "${B_KEYS[@]}"; do
        [ -z "${B_VALUE[$key]}" ] || printf 'budget\t%s\t%s\n' "$key" "${B_VALUE[$key]}"
    done
    [ -z "$peak" ] || printf 'info\tir log peak memory (MiB)\t%s\n' "$peak"
    [ -z "$daemon_peak" ] || printf 'info\tbackground process peak memory (MiB)\t%s\n' "$daemon_peak"
} >"$tsv"
echo "bench: wrote $tsv" >&2

# ---- report -----------------------------------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)
jv=$("$JAVA" -version 2>&1 | sed -n 2p)
rows=""
for name in "${ORDER[@]}"; do
    [ -n "${RESULT[$name]:-}" ] || continue
    if [ -n "$baseline" ]; then
        b=${BEFORE["median:$name"]:-}
        rows+="| $name | ${b:-–} | ${RESULT[$name]} | $(change "$b" "${RESULT[$name]}") |"$'\n'
    else
        rows+="| $name | ${RESULT[$name]} |"$'\n'
    fi
done
if [ -n "$baseline" ]; then
    rows_head=$'| command | before | this run | change |\n|---|---|---|---|'
    before_line=$'\n'"- Before: \`$(basename "$baseline")\`: $(sed -n '1s/^# bench\/run.sh results: //p' "$baseline") (another run, at another time and load: compare its ratios with this run's; its milliseconds only roughly)"
else
    rows_head=$'| command | median ms |\n|---|---|'
    before_line=""
fi
mkdir -p "$(dirname "$out")"
cat >"$out" <<EOF
# Performance

Measured by \`bench/run.sh\` (run it after \`./install.sh\`; it rewrites this file and \`$(basename "$tsv")\`
beside it). Medians of $RUNS rounds after one warm-up, wall time, on one machine in one run; each round runs every
measurement once, in turn, so the ratios compare like with like even when the machine's load drifts.

- Date: $date; $label; bench at commit $rev
- Machine: ${cpu:-unknown CPU}, $(nproc) cores, ${mem:-unknown memory}, $(uname -sr); load average
  $load_start at the start, $load_end at the end
- Java: $jv; launcher flags \`${FLAGS[*]}\` and the AppCDS archive built by install.sh
- Workspaces: 1, 10, 1,000 and 10,000 incidents of about 2 KB ($EVENTS events each), each with $HISTORY commits of
  history (and another of 1 incident for \`ir shell\`, reset to its $EVENTS events before each run, untimed, so every
  run adds its entries to the same incident; and one of 10 incidents for \`ir open\`, which grows by one incident a
  run: $((10 + RUNS + 1)) at the end)${before_line}

## Budget

$budget_head
${budget_rows}
$([ "$failed" = 0 ] && echo "Every measured figure is within the budget." || echo "$failed of ${#B_KEYS[@]} figures over the budget.")

The everyday commands are measured one-shot through the installed launcher, as a user runs them: \`ir log\` stands
for the one-change commands (\`severity\`, \`status\`, \`role\`, ...: one change, one commit, the same path), \`ir show\`
and \`ir list\` for the reads. Growth compares the same command on a large and a small workspace in the same rounds.

\`ir log\` one-shot is ${r_git}x the plain-git equivalent (append to a file, \`git add\`, \`git commit\`). Through
the background process it is ${r_daemon}x faster than the same command in-process (\`IR_DAEMON=0\`), and the start-up
archive makes the in-process run ${r_cds}x faster than the same jar and flags without it. The client's peak memory
(\`ir log\`, median of 5) was ${peak:-(not measured)} MiB; the background process's peak during the bench
${daemon_peak:-(not measured)} MiB.

## Medians (ms)

$rows_head
${rows}
## How

- The floor is a one-class hello-world compiled at bench time and run with the launcher's flags.
- \`ir log\` runs the installed launcher (\`-C\` into the workspace, the current incident), so each run appends one
  event and makes one commit before the launcher exits. As installed, the launcher hands the everyday
  non-interactive commands to ir's background process (a warm JVM, started by the bench's first command and waited
  for before timing; see README.md): each such run is a client JVM with the launcher's flags plus the command's work
  in the warm process. Commands the launcher does not hand over run in-process. "in-process" runs the same
  launcher with \`IR_DAEMON=0\`; "no archive" runs the jar in-process with the same flags without
  \`-XX:SharedArchiveFile\`. \`ir shell\` always runs in-process.
- \`ir open\` declares a new incident with a new title each run (\`ir open "Bench declared incident N" --severity
  SEV-3 --no-input\`), one-shot through the launcher, in its own workspace.
- The background process's memory is \`ps -o rss=\` of the bench's own process (its own \`IR_DAEMON_DIR\`) right
  after the last measurement, before the bench stops it.
- History is written with \`git fast-import\`, then checked out, so the index and work tree are what a clone has.
- Machines that share their cores with other work give noisy single runs: compare ratios from one run, and rerun
  with \`RUNS=31\` for tighter medians. \`BENCH_BASELINE=<an earlier run's .tsv>\` adds its figures as "before".

EOF
if [ -f "$here/notes.md" ]; then
    cat "$here/notes.md" >>"$out"
fi
echo "bench: wrote $out" >&2
