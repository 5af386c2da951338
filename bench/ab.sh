#!/usr/bin/env bash
# A/B of two gateway builds in one run: both behind the same fake upstream, wrk rounds alternating
# A, B, A, B, ... on one route, so whatever else the machine does hits both alike. Prints every
# round (req/s, p99, gateway CPU per request) and the medians; writes nothing to bench/results.
#
#   BENCH_JAR_A=old.jar BENCH_JAR_B=new.jar bench/ab.sh [native|openai]
#
# Or one build under two settings, e.g. what metrics cost (recording on B only):
#
#   BENCH_JAR_A=target/gemini-balance.jar BENCH_JAR_B=target/gemini-balance.jar \
#     BENCH_ENV_A="METRICS_ENABLED=false" BENCH_ENV_B="METRICS_ENABLED=true" bench/ab.sh native
#
# BENCH_ENV_A / BENCH_ENV_B: extra environment of that side's gateway (space-separated NAME=value).
# Environment: BENCH_AB_ROUNDS (6 per build), BENCH_AB_ROUND (8 s), BENCH_AB_WARMUP (20 s per build),
# BENCH_CONNECTIONS (64), BENCH_WRK_THREADS (2), ports BENCH_UPSTREAM_PORT (19101),
# BENCH_AB_PORT_A (19104), BENCH_AB_PORT_B (19105). Needs wrk (bench/run.sh installs it as root).
set -euo pipefail
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROUTE="${1:-native}"
JAR_A="${BENCH_JAR_A:?set BENCH_JAR_A to the jar of build A}"
JAR_B="${BENCH_JAR_B:?set BENCH_JAR_B to the jar of build B}"
ROUNDS="${BENCH_AB_ROUNDS:-6}"
ROUND="${BENCH_AB_ROUND:-8}"
WARMUP="${BENCH_AB_WARMUP:-20}"
CONNS="${BENCH_CONNECTIONS:-64}"
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
UP_PORT="${BENCH_UPSTREAM_PORT:-19101}"
PORT_A="${BENCH_AB_PORT_A:-19104}"
PORT_B="${BENCH_AB_PORT_B:-19105}"
MODEL="${BENCH_MODEL:-gemini-2.5-flash}"
CLIENT_TOKEN="bench-client-token"
API_KEYS_JSON='["AIzaBenchKey0001","AIzaBenchKey0002","AIzaBenchKey0003","AIzaBenchKey0004","AIzaBenchKey0005","AIzaBenchKey0006","AIzaBenchKey0007","AIzaBenchKey0008"]'

JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"; JAVAC="$JAVA_HOME/bin/javac"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
case "$ROUTE" in native|openai) ;; *) echo "route: native or openai" >&2; exit 2;; esac

TMP="$(mktemp -d /tmp/gb-ab.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM

wait_http() { # URL SECONDS [curl args]
  local url=$1 secs=$2; shift 2
  for _ in $(seq 1 $((secs * 10))); do
    curl -fsS -o /dev/null "$@" "$url" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
cpu_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }

mkdir -p "$TMP/classes" "$TMP/a" "$TMP/b"
cp "$JAR_A" "$TMP/a/gateway.jar"; cp "$JAR_B" "$TMP/b/gateway.jar"
"$JAVAC" --release 21 -nowarn -d "$TMP/classes" -cp "$TMP/a/gateway.jar" "$BENCH_DIR/FakeUpstream.java"
"$JAVA" -XX:+UseParallelGC -Xms512m -Xmx512m -cp "$TMP/a/gateway.jar:$TMP/classes" FakeUpstream "$UP_PORT" 1 \
  >"$TMP/upstream.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$UP_PORT/v1beta/models" 30 -H "x-goog-api-key: bench-direct-key"

mapfile -t OPTS < <(grep -v '^[[:space:]]*#' "$BENCH_DIR/jvm.opts" | tr -s ' \t' '\n' | grep -v '^$')
[[ "$(id -u)" == 0 ]] && OPTS+=(-XX:ThreadPriorityPolicy=1)
declare -A PID
for side in a b; do
  port=$PORT_A; [[ $side == b ]] && port=$PORT_B
  extra=()
  if [[ $side == a ]]; then read -r -a extra <<<"${BENCH_ENV_A:-}"; else read -r -a extra <<<"${BENCH_ENV_B:-}"; fi
  ( cd "$TMP/$side" && exec env PORT="$port" HOST=127.0.0.1 API_KEYS="$API_KEYS_JSON" \
      ALLOWED_TOKENS="[\"$CLIENT_TOKEN\"]" AUTH_TOKEN="bench-admin-token" \
      BASE_URL="http://127.0.0.1:$UP_PORT/v1beta" DATABASE_TYPE=sqlite SQLITE_DATABASE="$TMP/$side/bench.db" \
      LOG_LEVEL=WARNING DEFAULT_RPM=0 DEFAULT_RPD=0 CHECK_INTERVAL_HOURS=0 ${extra[@]+"${extra[@]}"} \
      "$JAVA" "${OPTS[@]}" -jar gateway.jar ) >"$TMP/$side.log" 2>&1 &
  PID[$side]=$!; PIDS+=($!)
  wait_http "http://127.0.0.1:$port/health" 60 || { echo "gateway $side not ready: $(tail -5 "$TMP/$side.log")" >&2; exit 1; }
done

if [[ $ROUTE == native ]]; then
  path="/v1beta/models/$MODEL:generateContent"
  echo '{"contents":[{"role":"user","parts":[{"text":"Write a haiku about load balancers."}]}],"generationConfig":{"temperature":0.7,"maxOutputTokens":256}}' >"$TMP/body.json"
  header="x-goog-api-key: $CLIENT_TOKEN"
else
  path="/v1/chat/completions"
  printf '{"model":"%s","messages":[{"role":"user","content":"Write a haiku about load balancers."}]}\n' "$MODEL" >"$TMP/body.json"
  header="Authorization: Bearer $CLIENT_TOKEN"
fi

run_wrk() { # SIDE SECONDS -> "requests rps p99_us cpu_ticks"
  local side=$1 secs=$2 port=$PORT_A c0 c1 line
  [[ $side == b ]] && port=$PORT_B
  c0=$(cpu_ticks "${PID[$side]}")
  line=$(WRK_BODY_FILE="$TMP/body.json" WRK_HEADER_1="$header" timeout -k 5 $((secs + 30)) \
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"${secs}s" --timeout 5s -s "$BENCH_DIR/wrk/post.lua" \
    "http://127.0.0.1:$port$path" | grep '^WRK_RESULT')
  c1=$(cpu_ticks "${PID[$side]}")
  awk -v l="$line" -v c=$((c1 - c0)) 'BEGIN {
    n = split(l, f, " "); for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    print v["requests"], v["rps"], v["p99_us"], c, v["err_status"] + v["err_connect"] + v["err_read"] + v["err_timeout"] }'
}

echo "A/B on the $ROUTE route: A = $(basename "$JAR_A")${BENCH_ENV_A:+ ($BENCH_ENV_A)}, B = $(basename "$JAR_B")${BENCH_ENV_B:+ ($BENCH_ENV_B)}; $ROUNDS rounds of ${ROUND}s each, alternating, after ${WARMUP}s warm-up each"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
run_wrk a "$WARMUP" >/dev/null; run_wrk b "$WARMUP" >/dev/null
HZ=$(getconf CLK_TCK)
printf 'round\tside\treq/s\tp99 ms\tCPU us/req\terrors\n'
for r in $(seq 1 "$ROUNDS"); do
  order="a b"; (( r % 2 == 0 )) && order="b a"   # who goes first alternates too
  for side in $order; do
    read -r req rps p99 ticks errs < <(run_wrk "$side" "$ROUND")
    cpu=$(awk -v t="$ticks" -v hz="$HZ" -v n="$req" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
    printf '%s\t%s\t%s\t%.2f\t%s\t%s\n' "$r" "${side^^}" "$rps" "$(awk -v p="$p99" 'BEGIN{print p/1000}')" "$cpu" "$errs" \
      | tee -a "$TMP/rounds.tsv"
  done
done
for side in A B; do
  awk -F'\t' -v s="$side" '$2 == s {rps[++n] = $3; p99[n] = $4; cpu[n] = $5}
    function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END { printf "median %s: %.1f req/s, p99 %.2f ms, %.1f us CPU/request\n", s, median(rps, n), median(p99, n), median(cpu, n) }' "$TMP/rounds.tsv"
done
awk -F'\t' '{ v[$1, $2] = $3; c[$1, $2] = $5; r = $1 > r ? $1 : r }
  END { for (i = 1; i <= r; i++) { if (v[i, "B"] > v[i, "A"]) w++; if (c[i, "B"] < c[i, "A"]) cw++ }
        printf "B had more req/s in %d of %d rounds and less CPU per request in %d of %d\n", w, r, cw, r }' "$TMP/rounds.tsv"
