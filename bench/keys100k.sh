#!/usr/bin/env bash
# The key management at 100,000 keys on SQLite (issue 16): adds them through the API, restarts
# over them, then measures GET /api/keys pages (filtered, sorted, searched) and writes
# bench/results/<UTC date>-keys100k.md. Runs Keys100kBenchmark (a JUnit class kept out of the
# normal test run by its name) against the in-test fake upstream; everything on 127.0.0.1.
# Options: BENCH_KEYS (default 100000), BENCH_CALLS per query (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="bench/results/$(date -u +%Y-%m-%d)-keys100k.md"
./mvnw -B -q test -Dtest=Keys100kBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.keys="${BENCH_KEYS:-100000}" -Dbench.calls="${BENCH_CALLS:-200}" -Dbench.out="$PWD/$out" \
  ${SCREENSHOTS:+-Dscreenshots=$SCREENSHOTS} > /dev/null
cat "$out"
echo "written: $out"
