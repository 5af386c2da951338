#!/usr/bin/env bash
# Gemini Balance benchmark: fake upstream + nginx (reference) + gateway, driven by wrk and two small
# Java clients. One command: bench/run.sh   (see bench/README.md for what it measures and the knobs).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH_DIR")"

# ---------------------------------------------------------------- settings (env overrides)
WARMUP="${BENCH_WARMUP:-20}"                 # s of load per target before measuring (JIT)
ROUND="${BENCH_ROUND:-10}"                   # s per measured round
ROUNDS="${BENCH_ROUNDS:-3}"                  # measured rounds per target (median reported)
CONNS="${BENCH_CONNECTIONS:-64}"             # wrk connections
WRK_THREADS="${BENCH_WRK_THREADS:-2}"
UP_PORT="${BENCH_UPSTREAM_PORT:-19101}"
NGINX_PORT="${BENCH_NGINX_PORT:-19102}"
GW_PORT="${BENCH_GATEWAY_PORT:-19103}"
UP_LOOPS="${BENCH_UPSTREAM_LOOPS:-1}"        # event loops of the fake upstream
UP_JVM_OPTS="${BENCH_UPSTREAM_JVM_OPTS:--XX:+UseParallelGC -Xms512m -Xmx512m}"
NGINX_WORKERS="${BENCH_NGINX_WORKERS:-auto}"
STREAM_EVENTS="${BENCH_STREAM_EVENTS:-20}"   # events per stream in the TTFB test
STREAM_INTERVAL_MS="${BENCH_STREAM_INTERVAL_MS:-10}"
TTFB_STREAMS="${BENCH_TTFB_STREAMS:-200}"    # measured streams per target
TTFB_WARMUP="${BENCH_TTFB_WARMUP:-1000}"     # streams per target before measuring (JIT of client and proxy)
TTFB_WARMUP_CONC="${BENCH_TTFB_WARMUP_CONCURRENCY:-16}"
TTFB_CONC="${BENCH_TTFB_CONCURRENCY:-4}"
LONG_STREAMS="${BENCH_LONG_STREAMS:-10000}"
LONG_HOLD="${BENCH_LONG_HOLD:-30}"
LONG_RAMP="${BENCH_LONG_RAMP_PER_SEC:-1000}"
LONG_INTERVAL_MS="${BENCH_LONG_INTERVAL_MS:-1000}"   # upstream trickle during the long-stream test
LONG_H2C="${BENCH_LONG_H2C:-1}"              # 1: long streams through a gateway restarted with UPSTREAM_H2C=true
LONG_WARMUP="${BENCH_LONG_WARMUP:-3000}"     # unmeasured streams through the gateway first (JIT warm-up)
SKIP=" ${BENCH_SKIP:-} "                     # words: wrk nginx gateway openai ttfb long long-direct
MODEL="${BENCH_MODEL:-gemini-2.5-flash}"
CLIENT_TOKEN="bench-client-token"            # what clients send to the gateway
DIRECT_KEY="bench-direct-key"                # what wrk sends straight to the upstream / via nginx
API_KEYS_JSON='["AIzaBenchKey0001","AIzaBenchKey0002","AIzaBenchKey0003","AIzaBenchKey0004","AIzaBenchKey0005","AIzaBenchKey0006","AIzaBenchKey0007","AIzaBenchKey0008"]'

STAMP="$(date -u +%Y-%m-%dT%H%MZ)"
# Anything shorter or smaller than the documented defaults, or any skipped phase, is a dry run:
# its report says so and its file name ends in -dry (git-ignored).
DRY=0
if (( WARMUP < 20 || ROUND < 10 || ROUNDS < 3 || TTFB_STREAMS < 200 || TTFB_WARMUP < 1000 || LONG_STREAMS < 10000 || LONG_HOLD < 30 )) \
   || [[ -n "${BENCH_SKIP:-}" ]]; then DRY=1; fi
RESULTS_DIR="$BENCH_DIR/results"
SUFFIX=""; if (( DRY )); then SUFFIX="-dry"; fi
RESULT_MD="$RESULTS_DIR/$STAMP$SUFFIX.md"
RAW="$RESULTS_DIR/raw/$STAMP"     # raw outputs and logs (git-ignored)

# ---------------------------------------------------------------- helpers
log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf '[bench] ERROR: %s\n' "$*" >&2; exit 1; }
skipped() { [[ "$SKIP" == *" $1 "* ]]; }
now_ns() { date +%s%N; }

PIDS=()
TMP=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local p
  for p in "${PIDS[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for _ in $(seq 1 50); do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  if [[ -n "$TMP" && -f "$TMP/nginx/error.log" && -d "${RAW:-}" ]]; then cp "$TMP/nginx/error.log" "$RAW/nginx-error.log" 2>/dev/null || true; fi
  if [[ -n "$TMP" && -d "$TMP" && "${BENCH_KEEP_TMP:-0}" != 1 ]]; then rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_http URL TIMEOUT_S [curl args...]: waits for a 200 answer; fails with a clear message.
wait_http() {
  local url="$1" timeout="$2"; shift 2
  local deadline=$(( $(date +%s) + timeout ))
  while (( $(date +%s) < deadline )); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$@" "$url" 2>/dev/null || true)" == 200 ]]; then
      return 0
    fi
    sleep 0.02
  done
  return 1
}

# cpu_ticks PID...: utime+stime summed over the given processes (clock ticks).
cpu_ticks() {
  local sum=0 p t
  for p in "$@"; do
    t=$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$p/stat" 2>/dev/null || echo 0)
    sum=$(( sum + t ))
  done
  echo "$sum"
}
# status_kb PID FIELD: a /proc/PID/status field in KiB (VmRSS, VmHWM).
status_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
mib() { awk -v k="${1:-0}" 'BEGIN { printf "%.0f", k / 1024 }'; }
nginx_pids() { echo "$NGINX_PID" $(ps -o pid= --ppid "$NGINX_PID" 2>/dev/null || true); }
# kv "LINE" KEY: value of KEY=value in a result line.
kv() { tr ' ' '\n' <<<"$1" | awk -v k="$2" 'index($0, k "=") == 1 {print substr($0, length(k) + 2); exit}'; }
median() { sort -g | awk '{a[NR] = $1} END { if (NR == 0) print "NA"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ms() { awk -v u="$1" 'BEGIN { if (u == "NA" || u == "" || u < 0) print "n/a"; else printf "%.2f", u / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || a == "" || b == "" || b == 0) print "n/a"; else printf "%.2f", a / b }'; }

# ---------------------------------------------------------------- preflight
[[ "$(uname -s)" == Linux ]] || die "Linux only (reads /proc)."
command -v curl >/dev/null || die "curl is required."

find_java() {
  local c v
  for c in "${JAVA_HOME:-}/bin/java" /usr/lib/jvm/temurin-25-jdk-amd64/bin/java "$(command -v java || true)"; do
    [[ -x "$c" ]] || continue
    v=$("$c" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
    if [[ "${v%%.*}" =~ ^[0-9]+$ ]] && (( ${v%%.*} >= 21 )) && [[ -x "$(dirname "$c")/javac" ]]; then
      echo "$c"; return 0
    fi
  done
  return 1
}
JAVA="$(find_java)" || die "need a JDK 21+ (java and javac); set JAVA_HOME (e.g. /usr/lib/jvm/temurin-25-jdk-amd64)."
JAVAC="$(dirname "$JAVA")/javac"
export JAVA_HOME="$(dirname "$(dirname "$JAVA")")"

install_pkgs() {
  [[ "${BENCH_INSTALL:-1}" == 1 && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null || return 1
  log "installing $* with apt-get"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >&2 || return 1
}
if ! command -v wrk >/dev/null; then
  install_pkgs wrk || true
  command -v wrk >/dev/null || die "wrk is missing: apt-get update && apt-get install -y wrk"
fi
HAVE_NGINX=0
if ! skipped nginx; then
  if ! command -v nginx >/dev/null; then install_pkgs nginx || true; fi
  if command -v nginx >/dev/null; then HAVE_NGINX=1
  else log "nginx is not installed (apt-get install -y nginx): the reference proxy is skipped"; fi
fi

JAR="${BENCH_JAR:-$ROOT/target/gemini-balance.jar}"
if [[ ! -f "$JAR" || "${BENCH_BUILD:-0}" == 1 ]]; then
  log "building the gateway jar (./mvnw -DskipTests package)"
  ( cd "$ROOT" && { ./mvnw -o -q -DskipTests package || ./mvnw -q -DskipTests package; } ) >&2 \
    || die "gateway build failed"
fi
[[ -f "$JAR" ]] || die "gateway jar not found: $JAR (build it or set BENCH_JAR)"

for p in "$UP_PORT" "$NGINX_PORT" "$GW_PORT"; do
  port_in_use "$p" && die "port $p on 127.0.0.1 is already in use (set BENCH_UPSTREAM_PORT / BENCH_NGINX_PORT / BENCH_GATEWAY_PORT)"
done

# File descriptors: each long stream costs the gateway two sockets (client side, upstream side).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE="$(ulimit -n)"
FD_NOTE=""
if ! skipped long && [[ "$LONG_H2C" != 1 ]] && [[ "$NOFILE" != unlimited ]] && (( NOFILE < 2 * LONG_STREAMS + 1000 )); then
  FD_NOTE="open-file limit here is $NOFILE (hard limit; cannot be raised without CAP_SYS_RESOURCE): an HTTP/1.1 gateway holding $LONG_STREAMS streams needs about $((2 * LONG_STREAMS)) sockets plus its own files, so errors near the limit may come from the environment, not the gateway."
  log "WARNING: $FD_NOTE"
fi

TMP="$(mktemp -d /tmp/gb-bench.XXXXXX)"
mkdir -p "$RAW" "$TMP/classes" "$TMP/gw"
cp "$JAR" "$TMP/gateway.jar"   # a rebuild during the run must not pull the jar out from under the JVM
CP="$TMP/gateway.jar:$TMP/classes"

log "compiling bench tools with $JAVAC"
"$JAVAC" --release 21 -nowarn -d "$TMP/classes" -cp "$TMP/gateway.jar" \
  "$BENCH_DIR/FakeUpstream.java" "$BENCH_DIR/StreamProbe.java" "$BENCH_DIR/LongStreams.java" \
  || die "could not compile the bench tools against $JAR"

# Request bodies.
cat >"$TMP/gen.json" <<'EOF'
{"contents":[{"role":"user","parts":[{"text":"Write a haiku about load balancers."}]}],"generationConfig":{"temperature":0.7,"maxOutputTokens":256}}
EOF
printf '{"model":"%s","messages":[{"role":"user","content":"Write a haiku about load balancers."}]}\n' "$MODEL" >"$TMP/chat.json"
printf '{"model":"%s","messages":[{"role":"user","content":"Write a haiku about load balancers."}],"stream":true}\n' "$MODEL" >"$TMP/chat_stream.json"

# JVM options for the gateway: bench/jvm.opts unless BENCH_JVM_OPTS is set.
if [[ -n "${BENCH_JVM_OPTS:-}" ]]; then
  read -r -a GW_JVM_OPTS <<<"$BENCH_JVM_OPTS"
else
  mapfile -t GW_JVM_OPTS < <(grep -v '^[[:space:]]*#' "$BENCH_DIR/jvm.opts" | tr -s ' \t' '\n' | grep -v '^$')
  # As bin/gemini-balance: thread priorities as nice values, for root only (see the launcher).
  if [[ "$(id -u)" == 0 ]]; then GW_JVM_OPTS+=(-XX:ThreadPriorityPolicy=1); fi
fi

LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
(( DRY )) && log "DRY RUN (warm-up ${WARMUP}s, rounds ${ROUNDS}x${ROUND}s, skipped: ${BENCH_SKIP:-none}): numbers are not measurements"
log "results: $RESULT_MD  raw: $RAW  (load average at start: $LOAD_AT_START)"

# ---------------------------------------------------------------- start processes
log "starting fake upstream on :$UP_PORT"
# shellcheck disable=SC2086
"$JAVA" $UP_JVM_OPTS -Dfake.events="$STREAM_EVENTS" -Dfake.intervalMs="$STREAM_INTERVAL_MS" \
  -cp "$CP" FakeUpstream "$UP_PORT" "$UP_LOOPS" >"$RAW/upstream.log" 2>&1 &
UP_PID=$!; PIDS+=("$UP_PID")
wait_http "http://127.0.0.1:$UP_PORT/v1beta/models" 30 -H "x-goog-api-key: $DIRECT_KEY" \
  || die "fake upstream not ready on :$UP_PORT after 30 s; log: $(tail -5 "$RAW/upstream.log")"

NGINX_PID=""
if (( HAVE_NGINX )); then
  log "starting nginx on :$NGINX_PORT ($NGINX_WORKERS workers)"
  mkdir -p "$TMP/nginx"
  user_line=""; [[ "$(id -u)" == 0 ]] && user_line="user root;"
  sed -e "s#@DIR@#$TMP/nginx#g" -e "s#@PORT@#$NGINX_PORT#g" -e "s#@UPSTREAM_PORT@#$UP_PORT#g" \
      -e "s#@WORKERS@#$NGINX_WORKERS#g" -e "s#@USER@#$user_line#g" \
      "$BENCH_DIR/nginx.conf.template" >"$TMP/nginx/nginx.conf"
  nginx -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" >"$RAW/nginx.log" 2>&1 &
  NGINX_PID=$!; PIDS+=("$NGINX_PID")
  wait_http "http://127.0.0.1:$NGINX_PORT/v1beta/models" 15 -H "x-goog-api-key: $DIRECT_KEY" \
    || die "nginx not ready on :$NGINX_PORT; log: $(cat "$RAW/nginx.log" "$TMP/nginx/error.log" 2>/dev/null | tail -5)"
fi

GW_PID=""; STARTUP_MS="n/a"; IDLE_RSS_KB=0
start_gateway() {
  ( cd "$TMP/gw" && exec env PORT="$GW_PORT" HOST=127.0.0.1 API_KEYS="$API_KEYS_JSON" \
      ALLOWED_TOKENS="[\"$CLIENT_TOKEN\"]" AUTH_TOKEN="bench-admin-token" \
      BASE_URL="http://127.0.0.1:$UP_PORT/v1beta" DATABASE_TYPE=sqlite SQLITE_DATABASE="$TMP/gw/bench.db" \
      LOG_LEVEL="${BENCH_GATEWAY_LOG_LEVEL:-WARNING}" DEFAULT_RPM=0 DEFAULT_RPD=0 CHECK_INTERVAL_HOURS=0 \
      "${EXTRA_ENV[@]}" "$@" "$JAVA" "${GW_JVM_OPTS[@]}" -jar "$TMP/gateway.jar" ) >>"$RAW/gateway.log" 2>&1 &
  GW_PID=$!; PIDS+=("$GW_PID")
}
if ! skipped gateway; then
  log "starting gateway on :$GW_PORT with JVM options: ${GW_JVM_OPTS[*]}"
  EXTRA_ENV=()
  if [[ -n "${BENCH_REDIS_URL:-}" ]]; then
    # Shared quota on Redis: a per-day limit no run reaches makes every lease a confirmed take
    # (one script per request), which unlimited keys would skip.
    EXTRA_ENV+=(REDIS_URL="$BENCH_REDIS_URL" REDIS_KEY_PREFIX="gbbench:$STAMP:" DEFAULT_RPD=1000000000)
  fi
  if [[ -n "${BENCH_GATEWAY_ENV:-}" ]]; then
    read -r -a MORE_ENV <<<"$BENCH_GATEWAY_ENV"
    EXTRA_ENV+=("${MORE_ENV[@]}")
  fi
  if [[ " ${GW_JVM_OPTS[*]} " == *"AutoCreateSharedArchive"* ]]; then
    # As bin/gemini-balance does on its first run: one start writes the class-data archive (at
    # exit); the measured start below reuses it.
    log "training start of the gateway (class-data archive)"
    start_gateway
    wait_http "http://127.0.0.1:$GW_PORT/health" 60 || die "gateway not ready in the training start"
    kill -TERM "$GW_PID"; wait "$GW_PID" 2>/dev/null || true
  fi
  t0=$(now_ns)
  start_gateway
  if ! wait_http "http://127.0.0.1:$GW_PORT/health" 60; then
    die "gateway not ready (GET /health != 200) after 60 s; log tail:
$(tail -20 "$RAW/gateway.log")"
  fi
  STARTUP_MS=$(( ($(now_ns) - t0) / 1000000 ))
  sleep "${BENCH_IDLE_SETTLE:-3}"
  IDLE_RSS_KB=$(status_kb "$GW_PID" VmRSS)
  log "gateway ready in ${STARTUP_MS} ms; idle RSS $(mib "$IDLE_RSS_KB") MiB"
fi

# ---------------------------------------------------------------- targets and sanity checks
GEN_PATH="/v1beta/models/$MODEL:generateContent"
STREAM_PATH="/v1beta/models/$MODEL:streamGenerateContent?alt=sse"
declare -A URL BODY HDR NOTE
URL[direct]="http://127.0.0.1:$UP_PORT$GEN_PATH";     BODY[direct]="$TMP/gen.json";  HDR[direct]="x-goog-api-key: $DIRECT_KEY"
URL[nginx]="http://127.0.0.1:$NGINX_PORT$GEN_PATH";   BODY[nginx]="$TMP/gen.json";   HDR[nginx]="x-goog-api-key: $DIRECT_KEY"
URL[gw_native]="http://127.0.0.1:$GW_PORT$GEN_PATH";  BODY[gw_native]="$TMP/gen.json"; HDR[gw_native]="x-goog-api-key: $CLIENT_TOKEN"
URL[gw_openai]="http://127.0.0.1:$GW_PORT/v1/chat/completions"; BODY[gw_openai]="$TMP/chat.json"; HDR[gw_openai]="Authorization: Bearer $CLIENT_TOKEN"

TARGETS=(direct)
(( HAVE_NGINX )) && TARGETS+=(nginx)
if [[ -n "$GW_PID" ]]; then TARGETS+=(gw_native); skipped openai || TARGETS+=(gw_openai); fi

post() { # post TARGET OUTFILE -> http code
  curl -s -o "$2" -w '%{http_code}' --max-time 5 -X POST -H 'Content-Type: application/json' \
    -H "${HDR[$1]}" --data-binary "@${BODY[$1]}" "${URL[$1]}" || echo 000
}
CHECKED=()
for t in "${TARGETS[@]}"; do
  code=$(post "$t" "$RAW/sanity_$t.json")
  ok=1
  if [[ "$code" != 200 ]]; then ok=0; NOTE[$t]="sanity check failed: HTTP $code $(head -c 200 "$RAW/sanity_$t.json" | tr '\n' ' ')"
  elif [[ "$t" == gw_openai ]]; then
    grep -q '"choices"' "$RAW/sanity_$t.json" || { ok=0; NOTE[$t]="sanity check failed: no choices in the answer"; }
  elif [[ "$t" != direct ]]; then
    cmp -s "$RAW/sanity_direct.json" "$RAW/sanity_$t.json" || { ok=0; NOTE[$t]="sanity check failed: body differs from the upstream's"; }
  fi
  if (( ok )); then CHECKED+=("$t"); else log "$t: ${NOTE[$t]} (scenario skipped)"; fi
done
TARGETS=("${CHECKED[@]}")
[[ " ${TARGETS[*]} " == *" direct "* ]] || die "the fake upstream itself fails the sanity check: ${NOTE[direct]}"
if [[ -n "$GW_PID" ]]; then
  stats=$(curl -s "http://127.0.0.1:$UP_PORT/__stats")
  [[ "$stats" == *"$CLIENT_TOKEN"* ]] && die "the gateway forwarded the client's token upstream: $stats"
fi

# ---------------------------------------------------------------- throughput: wrk
run_wrk() { # run_wrk TARGET SECONDS OUTFILE
  local t="$1" d="$2" out="$3"
  WRK_BODY_FILE="${BODY[$t]}" WRK_HEADER_1="${HDR[$t]}" \
    timeout --foreground -k 5 $(( d + 30 )) wrk -t"$WRK_THREADS" -c"$CONNS" -d"${d}s" --timeout 5s \
      -s "$BENCH_DIR/wrk/post.lua" "${URL[$t]}" >"$out" 2>&1 || log "wrk exited non-zero for $t (see $out)"
  grep '^WRK_RESULT' "$out" || { log "no result from wrk for $t: $(tail -3 "$out")"; echo "WRK_RESULT requests=0"; }
}
proxy_pids() {
  case "$1" in
    gw_*) echo "$GW_PID" ;;
    nginx) nginx_pids ;;
    *) echo "" ;;
  esac
}

if skipped wrk; then ROUNDS=0; WARMUP=0; fi
if (( WARMUP > 0 )); then
  for t in "${TARGETS[@]}"; do
    log "warm-up $t: ${WARMUP}s"
    run_wrk "$t" "$WARMUP" "$RAW/wrk_warmup_$t.txt" >/dev/null
  done
fi
: >"$RAW/rounds.tsv"
for r in $(seq 1 "$ROUNDS"); do
  for t in "${TARGETS[@]}"; do        # interleaved, so background noise hits every target alike
    pp=$(proxy_pids "$t")
    c0=$(cpu_ticks $pp); u0=$(cpu_ticks "$UP_PID")
    line=$(run_wrk "$t" "$ROUND" "$RAW/wrk_${t}_r$r.txt")
    c1=$(cpu_ticks $pp); u1=$(cpu_ticks "$UP_PID")
    errs=$(awk -v l="$line" 'BEGIN { n = split(l, f, " "); s = 0; for (i = 1; i <= n; i++) if (f[i] ~ /^err_/) { split(f[i], kv, "="); s += kv[2] } print s }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$r" "$(kv "$line" rps)" "$(kv "$line" p50_us)" \
      "$(kv "$line" p99_us)" "$(kv "$line" requests)" "$errs" $(( c1 - c0 )) $(( u1 - u0 )) >>"$RAW/rounds.tsv"
    log "round $r $t: $(kv "$line" rps) req/s p50 $(ms "$(kv "$line" p50_us)") ms p99 $(ms "$(kv "$line" p99_us)") ms errors $errs"
  done
done
PEAK_RSS_WRK_KB=0; [[ -n "$GW_PID" ]] && PEAK_RSS_WRK_KB=$(status_kb "$GW_PID" VmHWM)
NGINX_RSS_KB=0
if [[ -n "$NGINX_PID" ]]; then for p in $(nginx_pids); do NGINX_RSS_KB=$(( NGINX_RSS_KB + $(status_kb "$p" VmRSS) )); done; fi

# ---------------------------------------------------------------- stream TTFB and event spacing
declare -A PROBE
if ! skipped ttfb; then
  STREAM_TARGETS=(direct)
  [[ " ${TARGETS[*]} " == *" nginx "* ]] && STREAM_TARGETS+=(nginx)
  [[ -n "$GW_PID" ]] && STREAM_TARGETS+=(gw_native)
  [[ " ${TARGETS[*]} " == *" gw_openai "* ]] && STREAM_TARGETS+=(gw_openai)
  for t in "${STREAM_TARGETS[@]}"; do
    case "$t" in
      direct) u="http://127.0.0.1:$UP_PORT$STREAM_PATH"; b="$TMP/gen.json" ;;
      nginx) u="http://127.0.0.1:$NGINX_PORT$STREAM_PATH"; b="$TMP/gen.json" ;;
      gw_native) u="http://127.0.0.1:$GW_PORT$STREAM_PATH"; b="$TMP/gen.json" ;;
      gw_openai) u="http://127.0.0.1:$GW_PORT/v1/chat/completions"; b="$TMP/chat_stream.json" ;;
    esac
    log "stream probe $t: $TTFB_WARMUP unmeasured streams $TTFB_WARMUP_CONC at a time, then $TTFB_STREAMS measured, $TTFB_CONC at a time"
    max_s=$(( (TTFB_STREAMS / TTFB_CONC + TTFB_WARMUP / TTFB_WARMUP_CONC + 2) * (STREAM_EVENTS * STREAM_INTERVAL_MS + 500) / 1000 + 30 ))
    timeout --foreground -k 5 $(( max_s + 15 )) "$JAVA" -Xmx256m -Dprobe.warmupConcurrency="$TTFB_WARMUP_CONC" \
      -cp "$CP" StreamProbe "$u" "$b" "$TTFB_STREAMS" \
      "$TTFB_WARMUP" "$TTFB_CONC" "$max_s" "${HDR[$t]}" >"$RAW/probe_$t.txt" 2>"$RAW/probe_$t.err" \
      || log "stream probe for $t exited non-zero (see $RAW/probe_$t.err)"
    PROBE[$t]=$(grep -m1 '^PROBE_RESULT' "$RAW/probe_$t.txt" || echo "PROBE_RESULT failed=1")
    log "  ${PROBE[$t]}"
  done
fi

# ---------------------------------------------------------------- long streams
declare -A LONG LONG_RSS LONG_FDS UPMAX UPCONN EMFILE
GW_HWM_BEFORE_LONG_KB=0
LONG_GW_NOTE="gateway talks HTTP/1.1 to the upstream (one upstream connection per stream)"
if ! skipped long && [[ -n "$GW_PID" && "$LONG_H2C" == 1 ]]; then
  # The throughput rows above keep HTTP/1.1 upstream, like nginx (proxy_pass speaks HTTP/1.1), so
  # they compare like for like. Held streams are where multiplexing matters: restart the gateway
  # with cleartext HTTP/2 to the fake upstream (which accepts h2c with prior knowledge and, like
  # Google, allows 100 streams per connection), so 10,000 streams need ~128 upstream sockets, not 10,000.
  GW_HWM_BEFORE_LONG_KB=$(status_kb "$GW_PID" VmHWM)
  log "restarting the gateway with UPSTREAM_H2C=true for the long streams"
  kill -TERM "$GW_PID"; wait "$GW_PID" 2>/dev/null || true
  start_gateway UPSTREAM_H2C=true
  wait_http "http://127.0.0.1:$GW_PORT/health" 60 || die "gateway (h2c) not ready; log tail: $(tail -20 "$RAW/gateway.log")"
  sleep 1
  LONG_GW_NOTE='gateway restarted with `UPSTREAM_H2C=true`: cleartext HTTP/2 to the upstream, streams multiplexed over at most `UPSTREAM_HTTP2_MAX_CONNECTIONS` (128) connections; the fake upstream allows 100 streams per connection, as Google does'
fi
if ! skipped long; then
  long_events=$(( (LONG_STREAMS / LONG_RAMP + LONG_HOLD + 60) * 1000 / LONG_INTERVAL_MS + 1 ))
  LPATH="/v1beta/models/$MODEL:streamGenerateContent?alt=sse&fake_events=$long_events&fake_interval_ms=$LONG_INTERVAL_MS"
  LT=()
  skipped long-direct || LT+=(direct)
  [[ -n "$GW_PID" ]] && LT+=(gw_native)
  for t in "${LT[@]}"; do
    case "$t" in
      direct) u="http://127.0.0.1:$UP_PORT$LPATH"; pid="$UP_PID" ;;
      gw_native) u="http://127.0.0.1:$GW_PORT$LPATH"; pid="$GW_PID" ;;
    esac
    log "long streams $t: $LONG_STREAMS streams (ramp $LONG_RAMP/s), hold ${LONG_HOLD}s, upstream event every ${LONG_INTERVAL_MS} ms"
    : >"$RAW/long_rss_$t.txt"; : >"$RAW/long_fds_$t.txt"
    if [[ "$t" == gw_native ]] && (( LONG_WARMUP > 0 )); then
      # A just-started JVM compiles while the ramp runs: warm the stream path up first, unmeasured,
      # as the throughput rounds do (see shared/reference/STACK.md), then let the streams close.
      log "long-stream warm-up $t: $LONG_WARMUP streams held 5 s (unmeasured)"
      timeout -k 5 $(( LONG_WARMUP / LONG_RAMP + 5 + 60 )) "$JAVA" -Xms512m -Xmx1g -XX:+UseParallelGC \
        -cp "$CP" LongStreams "$u" "$TMP/gen.json" "$LONG_WARMUP" "$LONG_RAMP" 5 "${HDR[$t]}" \
        >"$RAW/long_warmup_$t.txt" 2>&1 || log "long-stream warm-up for $t exited non-zero"
      sleep 3
    fi
    curl -s -o /dev/null "http://127.0.0.1:$UP_PORT/__stats?resetMax=1" || true
    emfile0=$(grep -ci 'too many open files' "$RAW/gateway.log" 2>/dev/null || true)
    timeout -k 5 $(( LONG_STREAMS / LONG_RAMP + LONG_HOLD + 60 )) "$JAVA" -Xms512m -Xmx1g -XX:+UseParallelGC \
      -cp "$CP" LongStreams "$u" "$TMP/gen.json" "$LONG_STREAMS" "$LONG_RAMP" "$LONG_HOLD" "${HDR[$t]}" \
      >"$RAW/long_$t.txt" 2>"$RAW/long_$t.err" &
    lp=$!; PIDS+=("$lp")
    while kill -0 "$lp" 2>/dev/null; do
      status_kb "$pid" VmRSS >>"$RAW/long_rss_$t.txt"
      ls "/proc/$pid/fd" 2>/dev/null | wc -l >>"$RAW/long_fds_$t.txt"
      sleep 1
    done
    wait "$lp" || log "long-stream client for $t exited non-zero (see $RAW/long_$t.err)"
    LONG[$t]=$(grep '^LONG_RESULT' "$RAW/long_$t.txt" || echo "LONG_RESULT failed=1")
    LONG_RSS[$t]=$(sort -n "$RAW/long_rss_$t.txt" | tail -1)
    LONG_FDS[$t]=$(sort -n "$RAW/long_fds_$t.txt" | tail -1)
    st=$(curl -s "http://127.0.0.1:$UP_PORT/__stats")
    UPMAX[$t]=$(sed -n 's/.*"maxOpenStreams":\([0-9]*\).*/\1/p' <<<"$st")
    UPCONN[$t]=$(sed -n 's/.*"maxOpenConnections":\([0-9]*\).*/\1/p' <<<"$st")
    EMFILE[$t]=$(( $(grep -ci 'too many open files' "$RAW/gateway.log" 2>/dev/null || true) - ${emfile0:-0} ))
    log "  ${LONG[$t]}; peak sampled RSS of the server side $(mib "${LONG_RSS[$t]}") MiB"
    sleep 2   # let the closed connections drain before the next phase
  done
fi
PEAK_RSS_KB=0; [[ -n "$GW_PID" ]] && PEAK_RSS_KB=$(status_kb "$GW_PID" VmHWM)
(( GW_HWM_BEFORE_LONG_KB > PEAK_RSS_KB )) && PEAK_RSS_KB=$GW_HWM_BEFORE_LONG_KB
if [[ -n "$GW_PID" ]] && ! kill -0 "$GW_PID" 2>/dev/null; then log "WARNING: the gateway process is gone"; fi

# ---------------------------------------------------------------- report
CLK_TCK=$(getconf CLK_TCK)
declare -A RPS P50 P99 ERRS REQS CPU UPCPU
for t in "${TARGETS[@]}"; do
  RPS[$t]=$(awk -F'\t' -v t="$t" '$1 == t {print $3}' "$RAW/rounds.tsv" | median)
  P50[$t]=$(awk -F'\t' -v t="$t" '$1 == t {print $4}' "$RAW/rounds.tsv" | median)
  P99[$t]=$(awk -F'\t' -v t="$t" '$1 == t {print $5}' "$RAW/rounds.tsv" | median)
  REQS[$t]=$(awk -F'\t' -v t="$t" '$1 == t {s += $6} END {print s + 0}' "$RAW/rounds.tsv")
  ERRS[$t]=$(awk -F'\t' -v t="$t" '$1 == t {s += $7} END {print s + 0}' "$RAW/rounds.tsv")
  CPU[$t]=$(awk -F'\t' -v t="$t" -v hz="$CLK_TCK" '$1 == t {c += $8; n += $6} END {if (n > 0 && t != "direct") printf "%.1f", c * 1e6 / hz / n; else print "NA"}' "$RAW/rounds.tsv")
  UPCPU[$t]=$(awk -F'\t' -v t="$t" -v hz="$CLK_TCK" '$1 == t {c += $9; n += $6} END {if (n > 0) printf "%.1f", c * 1e6 / hz / n; else print "NA"}' "$RAW/rounds.tsv")
done
v() { local -n a=$1; echo "${a[$2]:-NA}"; }
gw_commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- src pom.xml 2>/dev/null || echo '+dirty')"
{
  echo "# Gemini Balance benchmark, $STAMP"
  echo
  if (( DRY )); then
    echo "**DRY RUN (warm-up ${WARMUP} s, ${ROUNDS} x ${ROUND} s rounds, $TTFB_STREAMS probe streams, $LONG_STREAMS long streams for ${LONG_HOLD} s${BENCH_SKIP:+, skipped: $BENCH_SKIP}). These numbers check that the harness works; they are not measurements.**"
    echo
  fi
  echo "- machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(uname -r); load average at start: $LOAD_AT_START (the cores are shared by wrk, the fake upstream and the proxy)"
  echo "- gateway: \`$(basename "$JAR")\` at commit $gw_commit; JVM: $("$JAVA" -version 2>&1 | head -1); options: \`${GW_JVM_OPTS[*]}\`${BENCH_GATEWAY_ENV:+; env: \`$BENCH_GATEWAY_ENV\`}${BENCH_REDIS_URL:+; shared quota on Redis (REDIS_URL set, DEFAULT_RPD=1000000000: every lease confirmed there)}"
  echo "- nginx: $( ((HAVE_NGINX)) && nginx -v 2>&1 | sed 's/nginx version: //' || echo 'not installed (skipped)'), worker_processes $NGINX_WORKERS, upstream keepalive on, access log off"
  echo "- load: $(wrk --version 2>&1 | head -1 | awk '{print $1, $2}'), $WRK_THREADS threads, $CONNS connections; warm-up ${WARMUP} s per target, then $ROUNDS rounds x ${ROUND} s, interleaved; medians of the rounds"
  echo "- fake upstream: separate JVM, $UP_LOOPS event loop(s), answers at once"
  echo
  echo "## Unary \`generateContent\` throughput"
  echo
  echo "| target | req/s | p50 ms | p99 ms | errors | proxy CPU µs/req | upstream CPU µs/req |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for t in direct nginx gw_native gw_openai; do
    label=$t; case $t in direct) label="direct (wrk -> upstream)";; nginx) label="nginx";; gw_native) label="gateway, native pass-through";; gw_openai) label="gateway, OpenAI chat (translated)";; esac
    if [[ " ${TARGETS[*]} " == *" $t "* ]]; then
      echo "| $label | $(v RPS $t) | $(ms "$(v P50 $t)") | $(ms "$(v P99 $t)") | $(v ERRS $t) | $(v CPU $t | sed 's/^NA$/-/') | $(v UPCPU $t) |"
    else
      reason="${NOTE[$t]:-skipped}"
      echo "| $label | - | - | - | - | - | $reason |"
    fi
  done
  echo
  if [[ " ${TARGETS[*]} " == *" gw_native "* && " ${TARGETS[*]} " == *" nginx "* ]]; then
    echo "Ratios gateway native / nginx: req/s **$(ratio "${RPS[gw_native]}" "${RPS[nginx]}")**, p50 $(ratio "${P50[gw_native]}" "${P50[nginx]}"), p99 $(ratio "${P99[gw_native]}" "${P99[nginx]}"), CPU per request **$(ratio "${CPU[gw_native]}" "${CPU[nginx]}")**."
    [[ " ${TARGETS[*]} " == *" gw_openai "* ]] && echo "Ratios gateway OpenAI / nginx: req/s $(ratio "${RPS[gw_openai]}" "${RPS[nginx]}"), CPU per request $(ratio "${CPU[gw_openai]}" "${CPU[nginx]}")."
    echo
  fi
  echo "Per round (req/s): "
  for t in "${TARGETS[@]}"; do echo "- $t: $(awk -F'\t' -v t="$t" '$1 == t {printf "%s ", $3}' "$RAW/rounds.tsv")"; done
  echo
  echo "CPU per request = utime+stime of the proxy process(es) (/proc/PID/stat; nginx: master + workers) over the measured rounds / requests completed in them. Errors = wrk connect+read+write+timeout errors and non-2xx answers."
  echo
  if [[ -n "$GW_PID" ]]; then
    echo "## Gateway process"
    echo
    echo "| start to /health 200 | idle RSS | peak RSS after throughput rounds (VmHWM) | peak RSS at the end (VmHWM) |"
    echo "|---:|---:|---:|---:|"
    echo "| ${STARTUP_MS} ms | $(mib "$IDLE_RSS_KB") MiB | $(mib "$PEAK_RSS_WRK_KB") MiB | $(mib "$PEAK_RSS_KB") MiB |"
    echo
    (( HAVE_NGINX )) && echo "nginx RSS after the throughput rounds (master + workers, VmRSS): $(mib "$NGINX_RSS_KB") MiB." && echo
  fi
  if ! skipped ttfb; then
    echo "## Streams: time to first event and event spacing"
    echo
    echo "Upstream sends $STREAM_EVENTS events ${STREAM_INTERVAL_MS} ms apart (the first at once); $TTFB_STREAMS measured streams per target, $TTFB_CONC at a time, after $TTFB_WARMUP unmeasured ($TTFB_WARMUP_CONC at a time: the probe client, a JVM, needs about that many before its stream code is compiled). TTFE = request sent to the first complete SSE event at the client. A gap is the time between two consecutive events at the client; coalesced events show as gaps near 0."
    echo
    echo "| target | streams ok | errors | TTFE p50 ms | TTFE p99 ms | events/stream | gap p1 ms | gap p50 ms | gap p99 ms | gaps < 2 ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for t in "${STREAM_TARGETS[@]}"; do
      p="${PROBE[$t]}"
      echo "| $t | $(kv "$p" streams) | $(kv "$p" errors)$(kv "$p" error_kinds | sed 's/^./ &/') | $(ms "$(kv "$p" ttfe_p50_us)") | $(ms "$(kv "$p" ttfe_p99_us)") | $(kv "$p" events_min)-$(kv "$p" events_max) | $(ms "$(kv "$p" gap_p1_us)") | $(ms "$(kv "$p" gap_p50_us)") | $(ms "$(kv "$p" gap_p99_us)") | $(kv "$p" gaps_under_2ms) / $(kv "$p" gaps) |"
    done
    echo
    if [[ -n "${PROBE[gw_native]:-}" ]]; then
      echo "TTFE overhead gateway native - direct: p50 $(awk -v a="$(kv "${PROBE[gw_native]}" ttfe_p50_us)" -v b="$(kv "${PROBE[direct]}" ttfe_p50_us)" 'BEGIN {printf "%.2f", (a - b) / 1000}') ms, p99 $(awk -v a="$(kv "${PROBE[gw_native]}" ttfe_p99_us)" -v b="$(kv "${PROBE[direct]}" ttfe_p99_us)" 'BEGIN {printf "%.2f", (a - b) / 1000}') ms."
      echo "(OpenAI streams end with \`data: [DONE]\` right after the last chunk, so about one gap < 2 ms per stream is expected there.)"
      echo
    fi
  fi
  if ! skipped long; then
    echo "## Long streams: $LONG_STREAMS concurrent streams held ${LONG_HOLD} s"
    echo
    echo "Ramp $LONG_RAMP new streams/s, one HTTP/1.1 client connection each; upstream trickles one event every ${LONG_INTERVAL_MS} ms. Errors: failed connects, non-200, resets, streams that ended before the hold was over, and streams with no response headers by the end of the hold (no_response). Stalled: no event in the last 5 s at the end of the hold."
    [[ -n "$GW_PID" ]] && echo && echo "Through the gateway: $LONG_GW_NOTE; JVM options \`${GW_JVM_OPTS[*]}\`."
    echo
    echo "| target | established | max open | open at end | stalled | no response | errors | time to headers p50 / p99 / max ms | max open streams at upstream | max upstream connections | 'Too many open files' in gateway log | peak open fds of server side | peak RSS of server side (sampled VmRSS) |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for t in "${LT[@]}"; do
      l="${LONG[$t]}"
      emf="${EMFILE[$t]:-0}"; [[ "$t" == direct ]] && emf="-"
      echo "| $t | $(kv "$l" established) | $(kv "$l" max_open) | $(kv "$l" open_at_end) | $(kv "$l" stalled_at_end) | $(kv "$l" no_response) | $(kv "$l" errors)$(kv "$l" error_kinds | sed 's/^./ &/') | $(kv "$l" headers_p50_ms) / $(kv "$l" headers_p99_ms) / $(kv "$l" headers_max_ms) | ${UPMAX[$t]:-?} | ${UPCONN[$t]:-?} | $emf | ${LONG_FDS[$t]:-?} | $(mib "${LONG_RSS[$t]}") MiB |"
    done
    echo
    [[ -n "$FD_NOTE" ]] && echo "Note: $FD_NOTE" && echo
  fi
  echo "Raw outputs: \`bench/results/raw/$STAMP/\` (not committed)."
} >"$RESULT_MD"

echo
cat "$RESULT_MD"
log "written $RESULT_MD"
