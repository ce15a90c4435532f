#!/usr/bin/env bash
# bench/alert-storm.sh — the alert-storm budget: 1,000 Alertmanager notifications (100 groups, 10 updates each) from 20
# concurrent senders to the installed `ir serve` in a fresh workspace. Reports acknowledgement p50/p99, throughput,
# the commits made (at most one per incident per second is the budget) and the receiver's resident memory.
#
#   ./install.sh && bench/alert-storm.sh [GROUPS UPDATES SENDERS]   (WARM_UP=0: senders start cold, see AlertStorm.java)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
IR=${IR:-$(command -v ir 2>/dev/null || printf '%s' "$HOME/.local/bin/ir")}
[ -x "$IR" ] || { echo "bench: no installed ir at '$IR': run ./install.sh first" >&2; exit 1; }
groups=${1:-100}; updates=${2:-10}; senders=${3:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/ir-storm.XXXXXX")
serve_pid=
cleanup() { [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export IR_DAEMON=0 GIT_CONFIG_NOSYSTEM=1 HOME=$work/home
mkdir -p "$HOME" "$work/ws"
git -C "$work/ws" init -q -b main
git -C "$work/ws" config user.name "Storm Bench"; git -C "$work/ws" config user.email storm@example.com
(cd "$work/ws" && "$IR" init >/dev/null 2>&1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 19095)
(cd "$work/ws" && exec "$IR" serve --listen "127.0.0.1:$port" 2>"$work/serve.log") &
serve_pid=$!
for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
drain() {   # until everything received is recorded
    for _ in $(seq 1 600); do
        q=$(curl -fs "http://127.0.0.1:$port/healthz" 2>/dev/null | sed -n 's/.*"queued":\([0-9]*\).*/\1/p')
        [ "${q:-0}" = 0 ] && return
        sleep 0.1
    done
}
# A receiver runs for days: the measured storm meets a warm JVM. WARM_STORM=0 measures a cold one instead.
if [ "${WARM_STORM:-1}" != 0 ]; then
    java "$here/AlertStorm.java" "http://127.0.0.1:$port/alerts/alertmanager" 20 10 "$senders" WarmUp >/dev/null
    drain; sleep 0.5; drain
fi
before=$(git -C "$work/ws" rev-list --count HEAD)
before_incidents=$(ls "$work/ws/incidents"/*.yaml 2>/dev/null | wc -l)
java "$here/AlertStorm.java" "http://127.0.0.1:$port/alerts/alertmanager" "$groups" "$updates" "$senders" | tee "$work/storm.tsv"
# Let the receiver finish its batches, then stop it cleanly (SIGTERM finishes the last batch).
drain
rss_kib=$(awk '/^VmRSS/ {print $2}' "/proc/$(pgrep -f -n "serve --listen 127.0.0.1:$port" || echo $serve_pid)/status" 2>/dev/null || echo 0)
kill -TERM "$serve_pid"; wait "$serve_pid" || true; serve_pid=
after=$(git -C "$work/ws" rev-list --count HEAD)
incidents=$(( $(ls "$work/ws/incidents"/*.yaml 2>/dev/null | wc -l) - before_incidents ))
printf 'warm_storm\t%s\n' "${WARM_STORM:-1}"
printf 'incidents\t%s\ncommits\t%s\nserve_rss_mib\t%s\n' "$incidents" "$((after - before))" "$((rss_kib / 1024))"
