#!/usr/bin/env bash
# Upload benchmark: a large resumable upload (1 GiB by default) through the gateway vs directly to
# a fake upstream, in the same run, alternating, on 127.0.0.1 only. Reports throughput (median of
# the rounds) and the gateway's peak RSS (VmHWM) against its -Xmx. Every process is started here
# and killed on exit; every transfer is bounded by curl's --max-time.
#
#   bench/upload.sh                  # BENCH_UPLOAD_MB=1024 BENCH_ROUNDS=3
#   BENCH_PIN=1 bench/upload.sh      # client and fake upstream on CPU 0, the gateway on CPU 1
#
# Unpinned, the gateway path runs three busy processes (client, gateway, upstream) against the
# direct path's two on the same CPUs; pinned, the gateway has a CPU of its own, as it has in a
# deployment where neither the clients nor Google run on its machine.
#
# Writes bench/results/<UTC date-time>-upload.md (a run with BENCH_UPLOAD_MB < 1024 is named -dry).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH_DIR")"
SIZE_MB="${BENCH_UPLOAD_MB:-1024}"
ROUNDS="${BENCH_ROUNDS:-3}"
UP_PORT="${BENCH_UPSTREAM_PORT:-18191}"
GW_PORT="${BENCH_GATEWAY_PORT:-18192}"
MAX_SECONDS="${BENCH_UPLOAD_MAX_SECONDS:-300}"
PIN="${BENCH_PIN:-0}"
CLIENT_TOKEN="bench-upload-client-token"
STAMP="$(date -u +%Y-%m-%dT%H%MZ)"; [[ "${BENCH_PIN:-0}" == 1 ]] && STAMP="$STAMP-pinned"
DRY=0; (( SIZE_MB < 1024 )) && DRY=1
SUFFIX=""; (( DRY )) && SUFFIX="-dry"
RESULT_MD="$BENCH_DIR/results/$STAMP-upload$SUFFIX.md"

log() { printf '[upload-bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf '[upload-bench] ERROR: %s\n' "$*" >&2; exit 1; }

PIDS=()
TMP=""
cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    (( alive )) || break
    sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  [[ -n "$TMP" && -d "$TMP" && "${BENCH_KEEP_TMP:-0}" != 1 ]] && rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_http() {
  local url="$1" deadline=$(( $(date +%s) + $2 ))
  while (( $(date +%s) < deadline )); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null || true)" == 200 ]] && return 0
    sleep 0.05
  done
  return 1
}
ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$1/stat" 2>/dev/null || echo 0; }
status_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
median() { sort -g | awk '{a[NR] = $1} END { if (NR == 0) print "NA"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

[[ "$(uname -s)" == Linux ]] || die "Linux only (reads /proc)."
SIDE=(); GW_SIDE=()
if [[ "$PIN" == 1 ]]; then
  command -v taskset >/dev/null && (( $(nproc) >= 2 )) || die "BENCH_PIN=1 needs taskset and 2 CPUs"
  SIDE=(taskset -c 0); GW_SIDE=(taskset -c 1)
fi
command -v curl >/dev/null || die "curl is required."
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
[[ -x "$JAVA" && -x "$(dirname "$JAVA")/javac" ]] || die "need a JDK 21+: set JAVA_HOME"
JAVAC="$(dirname "$JAVA")/javac"
JAR="${BENCH_JAR:-$ROOT/target/gemini-balance.jar}"
if [[ ! -f "$JAR" || "${BENCH_BUILD:-0}" == 1 ]]; then
  log "building the gateway jar"
  ( cd "$ROOT" && ./mvnw -q -DskipTests package ) >&2 || die "gateway build failed"
fi
for p in "$UP_PORT" "$GW_PORT"; do port_in_use "$p" && die "port $p on 127.0.0.1 is in use"; done

TMP="$(mktemp -d /tmp/gb-upload-bench.XXXXXX)"
mkdir -p "$TMP/classes" "$TMP/gw"
cp "$JAR" "$TMP/gateway.jar"
"$JAVAC" --release 21 -nowarn -d "$TMP/classes" -cp "$TMP/gateway.jar" "$BENCH_DIR/FakeUploadUpstream.java" \
  || die "could not compile FakeUploadUpstream"
# A sparse file: the client reads zeros from the page cache, nothing is written to disk.
truncate -s "${SIZE_MB}M" "$TMP/payload.bin"
SIZE_BYTES=$(( SIZE_MB * 1024 * 1024 ))

mapfile -t GW_JVM_OPTS < <(grep -v '^[[:space:]]*#' "$BENCH_DIR/jvm.opts" | tr -s ' \t' '\n' | grep -v '^$' \
  | grep -v 'SharedArchive')
XMX_MB=$(printf '%s\n' "${GW_JVM_OPTS[@]}" | awk '/^-Xmx/ {v = substr($0, 5); if (v ~ /[gG]$/) v *= 1024; print v + 0}')

log "starting the fake upload upstream on :$UP_PORT"
"${SIDE[@]}" "$JAVA" -Xmx256m -cp "$TMP/gateway.jar:$TMP/classes" FakeUploadUpstream "$UP_PORT" >"$TMP/upstream.log" 2>&1 &
UP_PID=$!; PIDS+=("$UP_PID")
wait_http "http://127.0.0.1:$UP_PORT/health" 30 || die "fake upstream not ready: $(tail -5 "$TMP/upstream.log")"

log "starting the gateway on :$GW_PORT with ${GW_JVM_OPTS[*]}"
( cd "$TMP/gw" && exec env PORT="$GW_PORT" HOST=127.0.0.1 API_KEYS='["bench-key-0001-aaaa","bench-key-0002-bbbb"]' \
    ALLOWED_TOKENS="[\"$CLIENT_TOKEN\"]" AUTH_TOKEN="bench-admin-token" \
    BASE_URL="http://127.0.0.1:$UP_PORT/v1beta" DATABASE_TYPE=sqlite SQLITE_DATABASE="$TMP/gw/bench.db" \
    LOG_LEVEL=WARNING DEFAULT_RPM=0 DEFAULT_RPD=0 CHECK_INTERVAL_HOURS=0 MAX_UPLOAD_MB=2048 \
    "${GW_SIDE[@]}" "$JAVA" "${GW_JVM_OPTS[@]}" -jar "$TMP/gateway.jar" ) >"$TMP/gateway.log" 2>&1 &
GW_PID=$!; PIDS+=("$GW_PID")
wait_http "http://127.0.0.1:$GW_PORT/health" 60 || die "gateway not ready: $(tail -20 "$TMP/gateway.log")"
IDLE_RSS_KB=$(status_kb "$GW_PID" VmRSS)

# upload BASE KEY_HEADER: starts an upload at BASE and sends the whole payload as one
# "upload, finalize" chunk; prints "seconds bytes_sent size_in_answer".
upload() {
  local base="$1" key="$2" url out
  url=$(curl -s --max-time 10 -D - -o /dev/null -X POST "$base/upload/v1beta/files" -H "x-goog-api-key: $key" \
      -H 'x-goog-upload-protocol: resumable' -H 'x-goog-upload-command: start' \
      -H "x-goog-upload-header-content-length: $SIZE_BYTES" -H 'x-goog-upload-header-content-type: application/octet-stream' \
      -H 'content-type: application/json' --data '{"file":{"displayName":"bench"}}' \
    | awk -F': ' 'tolower($1) == "x-goog-upload-url" {sub(/\r$/, "", $2); print $2}')
  [[ -n "$url" ]] || die "no upload URL from $base"
  out=$("${SIDE[@]}" curl -s --max-time "$MAX_SECONDS" -o "$TMP/answer.json" -w '%{time_total} %{size_upload} %{http_code}' \
      -X POST -T "$TMP/payload.bin" -H "x-goog-api-key: $key" \
      -H 'x-goog-upload-command: upload, finalize' -H 'x-goog-upload-offset: 0' "$url")
  [[ "${out##* }" == 200 ]] || die "upload to $base answered ${out##* }: $(head -c 300 "$TMP/answer.json")"
  grep -q "\"sizeBytes\":\"$SIZE_BYTES\"" "$TMP/answer.json" || die "wrong size in the answer: $(cat "$TMP/answer.json")"
  echo "${out% *}"
}

log "warm-up: one ${SIZE_MB} MiB upload each way"
upload "http://127.0.0.1:$UP_PORT" bench-key-0001-aaaa >/dev/null
upload "http://127.0.0.1:$GW_PORT" "$CLIENT_TOKEN" >/dev/null
DIRECT=(); GATEWAY=(); GW_TICKS=0; UP_TICKS_DIRECT=0; UP_TICKS_GW=0
for r in $(seq 1 "$ROUNDS"); do
  u0=$(ticks "$UP_PID")
  d=$(upload "http://127.0.0.1:$UP_PORT" bench-key-0001-aaaa)
  u1=$(ticks "$UP_PID"); g0=$(ticks "$GW_PID")
  g=$(upload "http://127.0.0.1:$GW_PORT" "$CLIENT_TOKEN")
  u2=$(ticks "$UP_PID"); g1=$(ticks "$GW_PID")
  UP_TICKS_DIRECT=$(( UP_TICKS_DIRECT + u1 - u0 )); UP_TICKS_GW=$(( UP_TICKS_GW + u2 - u1 )); GW_TICKS=$(( GW_TICKS + g1 - g0 ))
  DIRECT+=("$(awk -v s="${d%% *}" -v b="$SIZE_BYTES" 'BEGIN { printf "%.1f", b / 1048576 / s }')")
  GATEWAY+=("$(awk -v s="${g%% *}" -v b="$SIZE_BYTES" 'BEGIN { printf "%.1f", b / 1048576 / s }')")
  log "round $r: direct ${DIRECT[-1]} MiB/s, gateway ${GATEWAY[-1]} MiB/s"
done
PEAK_RSS_KB=$(status_kb "$GW_PID" VmHWM)
D_MED=$(printf '%s\n' "${DIRECT[@]}" | median)
G_MED=$(printf '%s\n' "${GATEWAY[@]}" | median)
RATIO=$(awk -v g="$G_MED" -v d="$D_MED" 'BEGIN { printf "%.2f", g / d }')
LIMIT_MB=$(( XMX_MB + 64 ))
PEAK_MB=$(( PEAK_RSS_KB / 1024 ))
HZ=$(getconf CLK_TCK)
# CPU seconds per GiB moved: the gateway's, and the upstream's on each path (the same work).
per_gib() { awk -v t="$1" -v hz="$HZ" -v n="$ROUNDS" -v b="$SIZE_BYTES" 'BEGIN { printf "%.2f", t / hz / (n * b / 1073741824) }'; }
RSS_OK=$( (( PEAK_MB <= LIMIT_MB )) && echo yes || echo NO)
RATIO_OK=$(awk -v r="$RATIO" 'BEGIN { print (r >= 0.8 ? "yes" : "NO") }')

mkdir -p "$BENCH_DIR/results"
{
  (( DRY )) && echo "**DRY RUN** (${SIZE_MB} MiB): not a measurement."
  echo "# Upload benchmark $STAMP"
  echo
  echo "One ${SIZE_MB} MiB resumable upload as a single \`upload, finalize\` chunk (curl -T from a sparse file,"
  echo "HTTP/1.1, with curl's \`Expect: 100-continue\`), directly to the fake upstream and through the gateway (HTTP/1.1 upstream),"
  echo "alternating, ${ROUNDS} rounds after one warm-up each. $(nproc) CPUs, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Gateway JVM: \`${GW_JVM_OPTS[*]}\`."
  [[ "$PIN" == 1 ]] && echo "Pinned (BENCH_PIN=1): curl and the fake upstream on CPU 0, the gateway on CPU 1."
  echo
  echo "| | median MiB/s | rounds |"
  echo "|---|---|---|"
  echo "| direct | $D_MED | ${DIRECT[*]} |"
  echo "| gateway | $G_MED | ${GATEWAY[*]} |"
  echo
  echo "- throughput gateway / direct: **$RATIO** (>= 0.8: $RATIO_OK)"
  echo "- CPU seconds per GiB: gateway $(per_gib "$GW_TICKS"); fake upstream $(per_gib "$UP_TICKS_DIRECT") direct, $(per_gib "$UP_TICKS_GW") behind the gateway"
  echo "- gateway RSS idle $(( IDLE_RSS_KB / 1024 )) MiB, peak (VmHWM) **$PEAK_MB MiB**; -Xmx $XMX_MB MiB + 64 MiB = $LIMIT_MB MiB (within: $RSS_OK)"
} | tee "$RESULT_MD"
log "written $RESULT_MD"
