#!/usr/bin/env bash
# The usage roll-ups at 10 million request-log rows (issue 20): seeds t_request_log on SQLite, on
# PostgreSQL (127.0.0.1:5432) and on MariaDB (127.0.0.1:3306, root), each a throw-away database,
# builds the roll-ups with the backfill the upgrade runs, then times the 30-day chart queries of
# /api/usage's store and writes bench/results/<UTC date>-usage-rollup.md. Runs UsageRollupBenchmark
# (a JUnit class kept out of the normal test run by its name and a property).
# Options: BENCH_ROWS (default 10000000), BENCH_RUNS per query (default 9),
# BENCH_ENGINES (default sqlite,postgres; or any of sqlite,postgres,mariadb),
# BENCH_PHASE: all (default: throw-away databases), or seed then read: seed builds kept databases
# (a SQLite file under BENCH_KEPT, default /tmp, and the database gb_bench_usage on PostgreSQL or
# MariaDB; each one's state under BENCH_KEPT) while the machine may do other work, read times the
# queries on them later, when it is quiet. BENCH_DB names the kept server database instead of
# gb_bench_usage (with a BENCH_KEPT of its own: a second kept run beside one in progress).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="bench/results/$(date -u +%Y-%m-%d)-usage-rollup.md"
raw="$(mktemp)"
./mvnw -B -q test -Dtest=UsageRollupBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dbench.usage=true \
  -Dbench.rows="${BENCH_ROWS:-10000000}" -Dbench.runs="${BENCH_RUNS:-9}" \
  -Dbench.engines="${BENCH_ENGINES:-sqlite,postgres}" -Dbench.phase="${BENCH_PHASE:-all}" \
  -Dbench.kept="${BENCH_KEPT:-/tmp}" -Dbench.db="${BENCH_DB:-gb_bench_usage}" -Dbench.out="$raw" > /dev/null
if [ "${BENCH_PHASE:-all}" = seed ]; then
  cat "$raw"
  echo "seeded; time the reads with BENCH_PHASE=read"
  rm -f "$raw"
  exit 0
fi
{
  echo "# Usage roll-ups: 30-day chart queries at ${BENCH_ROWS:-10000000} request-log rows"
  echo
  echo "Run: \`bench/usage-rollup.sh\` ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores shared with other work)."
  echo
  cat "$raw"
} > "$out"
rm -f "$raw"
cat "$out"
echo "written: $out"
