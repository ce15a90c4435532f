#!/bin/sh
# The shell's per-entry budget: median time to commit one entry typed in 'ir shell' over 200 entries
# (DESIGN.md: at most 15 ms). Builds the jar if needed. Usage: bench/shell-bench.sh [ENTRIES]
set -eu
cd "$(dirname "$0")/.."
if [ ! -f target/ir.jar ] || [ -n "$(find src -newer target/ir.jar -type f | head -1)" ]; then
  mvn -B -q -DskipTests package
fi
mkdir -p target/bench
javac -d target/bench -cp target/ir.jar bench/ShellBench.java
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
java -cp target/ir.jar:target/bench ShellBench "${1:-200}" "$dir/ws"
