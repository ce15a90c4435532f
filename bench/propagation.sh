#!/usr/bin/env bash
# bench/propagation.sh — the team-latency budget: an entry logged with `ir log` in one clone shows in another clone's
# `ir show --follow` within 10 s (p95), through a shared remote on this machine, with auto-sync at its defaults (push
# 1 s after a commit, fetch every 3 s). Baseline in the same run: the same entry logged in the following clone itself.
# Runs twice: one-shot commands (IR_DAEMON=0: each clone's auto-sync is a small detached process) and with ir's
# background process (its auto-sync host). Prints TSV lines and the p50/p95 of each.
#
#   ./install.sh && bench/propagation.sh [ENTRIES]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
IR=${IR:-$(command -v ir 2>/dev/null || printf '%s' "$HOME/.local/bin/ir")}
[ -x "$IR" ] || { echo "bench: no installed ir at '$IR': run ./install.sh first" >&2; exit 1; }
entries=${1:-30}
work=$(mktemp -d "${TMPDIR:-/tmp}/ir-propagation.XXXXXX")
cleanup() {
    pkill -f -- "-C $work/.* sync --auto-run" 2>/dev/null || true
    IR_DAEMON_DIR=$work/daemon "$IR" daemon stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$work/home
unset IR_AUTOSYNC_DEBOUNCE_MS IR_AUTOSYNC_INTERVAL_MS IR_AUTOSYNC_SPAWN
mkdir -p "$HOME"
printf 'load\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
for mode in one-shot background; do
    dir=$work/$mode; mkdir -p "$dir"
    if [ "$mode" = one-shot ]; then
        IR_DAEMON=0 java "$here/Propagation.java" "$IR" "$dir" "$entries" | sed "s/^/$mode\t/"
        pkill -f -- "-C $work/.* sync --auto-run" 2>/dev/null || true
    else
        mkdir -p "$work/daemon"
        IR_DAEMON_DIR=$work/daemon java "$here/Propagation.java" "$IR" "$dir" "$entries" | sed "s/^/$mode\t/"
    fi
done
printf 'load\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
