#!/usr/bin/env bash
# HTTP comparison under wrk on loopback: the offload HTTP demo offloaded (syscall executor, io_uring executor),
# the demo inline, Jetty 12 embedded, and the same Jetty with its file I/O through the offload nio provider, all
# serving the same generated document root (HttpDemo's: 1k.txt of 1024 bytes, 64k.bin of 65536 bytes) and the same
# /hello. Server side: io.offload.bench.http.HttpComparison (a main, not a JMH benchmark).
#
#   ./mvnw -q -pl jmh-bench -am package -DskipTests && jmh-bench/run-http-comparison.sh
#   DURATION=2s WARMUP=1s OUT=/tmp/http-check jmh-bench/run-http-comparison.sh      # does it work, end to end
#
# (It builds the jar itself only when jmh-bench/target/benchmarks.jar is missing or lacks HttpComparison; it does
# not rebuild a stale one.) wrk is installed with apt-get install -y wrk when it is missing and this runs as root;
# otherwise the script stops and says how to install it.
#
# Matrix: for every connection count (CONNECTIONS), layout (LAYOUTS), path (PATHS) and server (SERVERS): start the
# server under taskset, check with curl that it serves the same bytes as the document root, warm up with wrk for
# WARMUP, run wrk for DURATION with --latency, stop the server (SIGTERM). Every row gets the same wrk options and a
# fresh JVM. A server that fails to start or serves other bytes gets a row saying so, the others still run, and the
# script exits 1 at the end.
#
# Servers (SERVERS, in table order):
#   offloaded-syscalls  the demo, calls offloaded, JVM started with -Doffload.executor=SYSCALLS
#   offloaded-iouring   the demo, calls offloaded, JVM started with -Doffload.executor=IO_URING
#                       (until the library reads that property, both rows run the syscall executor: the table's
#                       executor column shows what the runtime's stats report, "not reported" when they say nothing)
#   inline              the demo, every call on the connection's thread (platform thread per connection)
#   jetty               Jetty 12 embedded: ResourceHandler (its default in-memory cache) + /hello
#   jetty-offload       the same Jetty, unmodified, its file I/O through the offload nio provider installed as the
#                       JVM's default (-Djava.nio.file.spi.DefaultFileSystemProvider=...; its runtime from the offload.*
#                       properties: OFFLOAD_PROVIDER_OPTS adds some)
#   offloaded-pinned    offloaded-iouring in the GenerOS one-plus-one layout: its NETWORK server pinned on CPU 1
#                       and its connection threads on CPU 0 (--offload-cpus 1 --conn-cpu 0); shared layout only
#   offloaded-nocache   offloaded-syscalls without the demo's file cache (--no-cache), on NOCACHE_PATHS only
# The demo's file cache is on in every other demo row, with Jetty 12 ResourceHandler's defaults (FileCacheSettings.
# JETTY_DEFAULTS: files up to 128 MiB, 256 MiB and 2,048 entries in all, LRU eviction, revalidated by one statx at
# most once per 1,000 ms), so both sides serve small files from memory.
#
# CPU layouts (wrk always on CPU 1):
#   split   the server process on CPU 0 alone (taskset -c 0), wrk on CPU 1: every server gets one CPU. The offloaded
#           demo's NETWORK server is then unpinned, sharing CPU 0 with the connection threads.
#   shared  the server process on CPUs 0-1 (taskset -c 0,1), wrk on CPU 1, sharing it with the server. Every
#           server's threads are free on CPUs 0-1, the offloaded demo's included (its default runtime on fewer than
#           four CPUs: one unpinned NETWORK server), except offloaded-pinned: NETWORK server pinned on CPU 1 (with
#           wrk), connection threads on CPU 0.
#
# Output, under OUT (default jmh-bench/results/http-comparison):
#   summary.md                                   one markdown table: requests/s, p50, p99, ratios vs Jetty
#   c<N>/<layout>/<server>-<path>.wrk.txt         wrk's own output of the measured run
#   c<N>/<layout>/<server>-<path>.server.log      the server's output: READY line (its threads' CPUs, cache,
#                                                 executor), thread CPU masks after the warm-up, and at the stop the
#                                                 runtime's stats and phases (1 call in 64) and the file cache's figures
#
# Environment: CONNECTIONS (wrk -c values, default "32 1"), THREADS (wrk -t, default 1), DURATION (default 15s),
# WARMUP (default 10s: C2 is still compiling the offloaded demo's path 5 s in), LAYOUTS (default "shared split"),
# SERVERS (default all seven above), PATHS (default
# "/hello /1k.txt /64k.bin"), NOCACHE_PATHS (default /1k.txt), JAVA_OPTS (default "-Xms512m -Xmx512m", the same for
# every server), OFFLOAD_PROVIDER_OPTS, OUT, JAVA_HOME.
# At the defaults: 2 connection counts x (shared: 3 paths x 6 servers + 1, split: 3 x 5 + 1) = 70 runs of about
# 28 s: 33 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
JAR=jmh-bench/target/benchmarks.jar
MAIN=io.offload.bench.http.HttpComparison
OUT=${OUT:-jmh-bench/results/http-comparison}
THREADS=${THREADS:-1}
CONNECTIONS=${CONNECTIONS:-32 1}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-10s}
LAYOUTS=${LAYOUTS:-shared split}
SERVERS=${SERVERS:-offloaded-syscalls offloaded-iouring offloaded-pinned inline jetty jetty-offload offloaded-nocache}
OFFLOAD_PROVIDER_OPTS=${OFFLOAD_PROVIDER_OPTS:-}
PATHS=${PATHS:-/hello /1k.txt /64k.bin}
NOCACHE_PATHS=${NOCACHE_PATHS:-/1k.txt}
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx512m}
WRK_CPU=1
PROVIDER=io.offload.nio.OffloadFileSystemProvider

die() { echo "run-http-comparison: $*" >&2; exit 1; }

install_wrk() {
  command -v wrk > /dev/null && return
  if [[ $(id -u) -ne 0 ]]; then
    die "wrk is not installed, and only root may install it here: run 'apt-get install -y wrk' as root (or put a wrk on the PATH), then run this again"
  fi
  command -v apt-get > /dev/null || die "wrk is not installed and there is no apt-get here: install wrk, then run this again"
  echo "== wrk is missing: apt-get install -y wrk"
  apt-get update -qq && apt-get install -y -qq wrk > /dev/null || die "apt-get install -y wrk failed"
  command -v wrk > /dev/null || die "wrk still missing after apt-get install -y wrk"
}

ensure_jar() {
  if [[ -f $JAR ]] && "$JAVA_HOME/bin/jar" tf "$JAR" | grep -q '^io/offload/bench/http/HttpComparison.class$'; then
    return
  fi
  echo "== $JAR missing or without HttpComparison: building it (./mvnw -q -pl jmh-bench -am package -DskipTests)"
  ./mvnw -q -pl jmh-bench -am package -DskipTests
}

# Checks the settings before anything runs, so a typo does not cost a half-finished run.
check_settings() {
  local s l
  for s in $SERVERS; do
    case $s in
      offloaded-syscalls | offloaded-iouring | offloaded-pinned | offloaded-nocache | inline | jetty | jetty-offload) ;;
      *) die "unknown server '$s' in SERVERS: offloaded-syscalls, offloaded-iouring, offloaded-pinned, inline, jetty, jetty-offload, offloaded-nocache" ;;
    esac
  done
  for l in $LAYOUTS; do [[ $l == split || $l == shared ]] || die "unknown layout '$l' in LAYOUTS: split or shared"; done
  for s in $CONNECTIONS; do [[ $s =~ ^[1-9][0-9]*$ ]] || die "CONNECTIONS must be whole numbers >= 1, got '$s'"; done
  [[ $THREADS =~ ^[1-9][0-9]*$ ]] || die "THREADS must be a whole number >= 1, got '$THREADS'"
}

(( $(nproc) >= 2 )) || die "needs 2 CPUs (the server on CPU 0 or 0-1, wrk on CPU 1); this machine has $(nproc)"
[[ -x $JAVA ]] || die "no java at $JAVA: set JAVA_HOME to a JDK 25"
check_settings
install_wrk
ensure_jar
mkdir -p "$OUT"
ROOT=$(mktemp -d /tmp/offload-http-cmp-XXXXXX)
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then kill -TERM "$SERVER_PID" 2> /dev/null || true; fi
  rm -rf "$ROOT"
}
trap cleanup EXIT
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$MAIN" --generate-root "$ROOT/www" > /dev/null
ROOT="$ROOT/www"
[[ -f $ROOT/1k.txt && -f $ROOT/64k.bin ]] || die "the generated document root $ROOT lacks 1k.txt or 64k.bin"
RUNS="$OUT/runs.tsv"
: > "$RUNS"
FAILED=0

machine() {
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- nproc: $(nproc)"
  echo "- cpu: $(lscpu | grep 'Model name' | sed 's/.*: *//')"
  echo "- kernel: $(uname -r)"
  echo "- jdk: $("$JAVA" -version 2>&1 | head -1)"
  echo "- wrk: $(wrk -v 2>&1 | head -1)"
  echo "- loadavg at start: $(cat /proc/loadavg)"
}
MACHINE=$(machine)

server_cpus() { # layout
  case $1 in
    split) echo 0 ;;
    shared) echo 0,1 ;;
  esac
}

cpus_label() { # layout server
  case $1/$2 in
    split/offloaded-*) echo "server 0 (offload server unpinned, on 0) / wrk 1" ;;
    split/*) echo "server 0 / wrk 1" ;;
    shared/offloaded-pinned) echo "server 0-1 (offload server 1, connections 0) / wrk 1" ;;
    shared/offloaded-*) echo "server 0-1 (offload server unpinned) / wrk 1" ;;
    shared/*) echo "server 0-1 / wrk 1" ;;
  esac
}

# Sets SERVER_ARGS (HttpComparison's) and SERVER_JVM (system properties) for a server of the matrix.
server_command() { # layout server
  SERVER_JVM=()
  case $2 in
    offloaded-syscalls) SERVER_ARGS=(--server offloaded); SERVER_JVM=(-Doffload.executor=SYSCALLS) ;;
    offloaded-iouring) SERVER_ARGS=(--server offloaded); SERVER_JVM=(-Doffload.executor=IO_URING) ;;
    offloaded-pinned) SERVER_ARGS=(--server offloaded --offload-cpus 1 --conn-cpu 0); SERVER_JVM=(-Doffload.executor=IO_URING) ;;
    offloaded-nocache) SERVER_ARGS=(--server offloaded --no-cache); SERVER_JVM=(-Doffload.executor=SYSCALLS) ;;
    inline) SERVER_ARGS=(--server inline) ;;
    jetty) SERVER_ARGS=(--server jetty) ;;
    jetty-offload)
      SERVER_ARGS=(--server jetty-offload)
      # shellcheck disable=SC2206 # OFFLOAD_PROVIDER_OPTS is a list of options
      SERVER_JVM=(-Djava.nio.file.spi.DefaultFileSystemProvider=$PROVIDER $OFFLOAD_PROVIDER_OPTS) ;;
  esac
}

# Starts the server in the background; sets SERVER_PID and PORT. Returns 1 (and says why) if it does not get ready.
start_server() { # layout server log
  local layout=$1 server=$2 log=$3 i
  : > "$log"
  server_command "$layout" "$server"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  taskset -c "$(server_cpus "$layout")" "$JAVA" $JAVA_OPTS "${SERVER_JVM[@]}" --enable-native-access=ALL-UNNAMED \
    -cp "$JAR" "$MAIN" "${SERVER_ARGS[@]}" --root "$ROOT" >> "$log" 2>&1 & # O_APPEND: the script appends too
  SERVER_PID=$!
  for (( i = 0; i < 150; i++ )); do
    if grep -q '^READY ' "$log"; then
      PORT=$(grep -m1 '^READY ' "$log" | sed 's/.* port=\([0-9]*\).*/\1/')
      return 0
    fi
    if ! kill -0 "$SERVER_PID" 2> /dev/null; then
      wait "$SERVER_PID" 2> /dev/null || true
      SERVER_PID=
      echo "   $server exited before it was ready; its output: $log" >&2
      tail -5 "$log" | sed 's/^/   | /' >&2
      return 1
    fi
    sleep 0.2
  done
  echo "   $server not ready after 30 s; its output: $log" >&2
  stop_server
  return 1
}

stop_server() {
  local i
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2> /dev/null || true
  for (( i = 0; i < 100; i++ )); do
    kill -0 "$SERVER_PID" 2> /dev/null || break
    sleep 0.1
  done
  kill -0 "$SERVER_PID" 2> /dev/null && { echo "   (still running after 10 s: SIGKILL)"; kill -KILL "$SERVER_PID"; }
  wait "$SERVER_PID" 2> /dev/null || true
  SERVER_PID=
}

# The same bytes as the document root (and /hello's body) from this server; returns 1 and says so otherwise.
check_bytes() { # server path
  local url="http://127.0.0.1:$PORT$2" expected got
  if [[ $2 == /hello ]]; then expected=$(printf 'Hello, offload\n' | md5sum); else expected=$(md5sum < "$ROOT$2"); fi
  if ! got=$(curl -sf "$url" | md5sum); then echo "   $1: curl $url failed" >&2; return 1; fi
  [[ $got == "$expected" ]] || { echo "   $1 serves other bytes at $2 than the document root" >&2; return 1; }
}

# Thread name -> CPU mask of every thread of the server, counted.
thread_cpus() {
  local t
  for t in /proc/"$SERVER_PID"/task/*; do
    echo "$(cat "$t/comm" 2> /dev/null): cpus $(awk '/Cpus_allowed_list/ {print $2}' "$t/status" 2> /dev/null)"
  done | sed -E 's/[0-9]+: cpus/N: cpus/' | sort | uniq -c | sort -rn
}

# What the server's log says of its executor (HttpComparison prints "executor: ..."); "n/a" for Jetty.
executor_of() { # log
  local line
  line=$(grep -m1 '^executor: ' "$1" 2> /dev/null | sed 's/^executor: //; s/ (.*//') || true
  echo "${line:-n/a}"
}

runs_path() { # server path layout -> whether the row runs
  [[ $1 == offloaded-pinned && $3 != shared ]] && return 1 # one CPU: nothing to pin apart
  [[ $1 != offloaded-nocache ]] && return 0
  [[ " $NOCACHE_PATHS " == *" $2 "* ]]
}

for connections in $CONNECTIONS; do
  WRK_OPTS=(-t"$THREADS" -c"$connections" -d"$DURATION" --latency)
  for layout in $LAYOUTS; do
    dir="$OUT/c$connections/$layout"
    mkdir -p "$dir"
    for path in $PATHS; do
      for server in $SERVERS; do
        runs_path "$server" "$path" "$layout" || continue
        base="$dir/$server-${path#/}"
        raw="$base.wrk.txt"
        log="$base.server.log"
        echo "== c$connections $layout $server $path: server on cpus $(server_cpus "$layout"), wrk on cpu $WRK_CPU," \
          "loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
        status=ok
        if ! start_server "$layout" "$server" "$log"; then
          status="failed to start (see $log)"
        elif ! check_bytes "$server" "$path"; then
          status="wrong bytes or no answer at $path (see $log)"
          stop_server
        fi
        load1=$(cut -d' ' -f1 /proc/loadavg)
        if [[ $status == ok ]]; then
          echo "   executor: $(executor_of "$log")"
          taskset -c "$WRK_CPU" wrk -t"$THREADS" -c"$connections" -d"$WARMUP" "http://127.0.0.1:$PORT$path" > /dev/null
          { echo "--- threads of pid $SERVER_PID after the warm-up (count, name, CPU mask):"; thread_cpus; } >> "$log"
          load1=$(cut -d' ' -f1 /proc/loadavg)
          taskset -c "$WRK_CPU" wrk "${WRK_OPTS[@]}" "http://127.0.0.1:$PORT$path" > "$raw"
          stop_server
          grep -E 'Requests/sec|Socket errors|Non-2xx' "$raw" | sed 's/^ */   /'
        else
          FAILED=$((FAILED + 1))
          : > "$raw"
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$connections" "$layout" "$path" "$server" \
          "$(cpus_label "$layout" "$server")" "$load1" "$raw" "$(executor_of "$log")" "$status" >> "$RUNS"
      done
    done
  done
done

# One wrk output -> requests/s, p50 ms, p99 ms, errors (tab-separated).
parse_wrk() {
  awk '
    function ms(v,   n) {
      n = v + 0
      if (v ~ /us$/) return n / 1000
      if (v ~ /ms$/) return n
      if (v ~ /m$/) return n * 60000
      if (v ~ /s$/) return n * 1000
      return n
    }
    /^ +50% / { p50 = ms($2) }
    /^ +99% / { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /Socket errors:/ {
      gsub(",", "")
      for (i = 3; i < NF; i += 2) if ($(i + 1) > 0) err = err (err ? ", " : "") $i " " $(i + 1)
    }
    /Non-2xx or 3xx responses:/ { err = err (err ? ", " : "") "non-2xx " $NF }
    END {
      if (rps == "") { printf "\t\t\twrk output unreadable\n"; exit }
      printf "%.0f\t%.3f\t%.3f\t%s\n", rps, p50, p99, err ? err : "0"
    }' "$1"
}

PARSED="$OUT/parsed.tsv"
: > "$PARSED"
while IFS=$'\t' read -r connections layout path server cpus load1 raw executor status; do
  if [[ $status == ok ]]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$connections" "$layout" "$path" "$server" "$cpus" "$load1" "$executor" \
      "$(parse_wrk "$raw")" >> "$PARSED"
  else
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t\t\t\t%s\n' "$connections" "$layout" "$path" "$server" "$cpus" "$load1" \
      "$executor" "$status" >> "$PARSED"
  fi
done < "$RUNS"

{
  echo "# HTTP comparison: offload HTTP demo vs Jetty $(grep -hom1 'jetty [0-9][0-9.]*' "$OUT"/c*/*/jetty-*.server.log 2> /dev/null | head -1 | cut -d' ' -f2)"
  echo
  echo "Machine:"
  echo
  echo "$MACHINE"
  echo
  echo "wrk -t$THREADS -d$DURATION --latency (-c as in the table) on http://127.0.0.1 (loopback), after a $WARMUP" \
    "warm-up, a fresh server JVM per row; JVM options for every server: \`$JAVA_OPTS --enable-native-access=ALL-UNNAMED\`." \
    "Document root: HttpDemo's (1k.txt 1024 bytes, 64k.bin 65536 bytes), the same for every server; /hello answers" \
    "\"Hello, offload\\n\" (text/plain). Produced by jmh-bench/run-http-comparison.sh; raw wrk output and server logs" \
    "in c<N>/<layout>/ beside this file."
  echo
  echo "**Caches.** Jetty: its ResourceHandler as it comes (ValidatingCachingHttpContentFactory: files up to 128 MiB" \
    "held in memory, 256 MiB and 2,048 entries in all, LRU eviction, an entry revalidated against the file's" \
    "lastModified at most once per 1,000 ms). The demo: its file cache with the same defaults (FileCacheSettings." \
    "JETTY_DEFAULTS: native memory, keyed by resolved path, LRU eviction, one statx per entry at most once per" \
    "1,000 ms comparing modification time and size; the body written from the cached bytes) in every row but" \
    "offloaded-nocache, which opens, checks, fstats, sendfiles and closes the file on every request. Jetty's" \
    "request path also stats the file on every request, hit or not; the demo's cache does not."
  echo
  echo "**Executors.** offloaded-syscalls / offloaded-iouring start the demo's JVM with -Doffload.executor=SYSCALLS /" \
    "IO_URING (offloaded-nocache with SYSCALLS); the executor column is what the runtime's stats report. \"not" \
    "reported\": this library version does not report its executor, and then it does not read the property" \
    "either, so both offloaded rows ran the syscall executor."
  echo
  echo "CPUs: server side (taskset of the server process; for the offloaded demo where its offload server and its" \
    "connection threads are pinned) / wrk (taskset -c $WRK_CPU). split: the server on CPU 0 alone; shared: the server" \
    "on both CPUs, wrk sharing CPU 1 with it. Latencies in milliseconds; vs Jetty: this row's requests/s and p99 over" \
    "the jetty row's of the same connections, layout and path (req/s > 1 and p99 < 1 are better than Jetty); load1:" \
    "the 1-minute loadavg before the measured run."
  echo
  echo "| c | layout | path | server | executor | requests/s | p50 ms | p99 ms | req/s vs Jetty | p99 vs Jetty | errors | CPUs (server / wrk) | load1 |"
  echo "|---:|---|---|---|---|---:|---:|---:|---:|---:|---|---|---:|"
  awk -F'\t' '
    NR == FNR { if ($4 == "jetty" && $8 != "") { rps[$1 SUBSEP $2 SUBSEP $3] = $8; p99[$1 SUBSEP $2 SUBSEP $3] = $10 } next }
    {
      key = $1 SUBSEP $2 SUBSEP $3
      r = ($8 != "" && rps[key] > 0) ? sprintf("%.2f", $8 / rps[key]) : "-"
      q = ($10 != "" && p99[key] > 0) ? sprintf("%.2f", $10 / p99[key]) : "-"
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $7, \
        ($8 == "" ? "-" : $8), ($9 == "" ? "-" : $9), ($10 == "" ? "-" : $10), r, q, $11, $5, $6
    }' "$PARSED" "$PARSED"
} > "$OUT/summary.md"
rm -f "$RUNS" "$PARSED"
echo "== table: $OUT/summary.md"
cat "$OUT/summary.md"
if (( FAILED > 0 )); then
  echo "run-http-comparison: $FAILED row(s) failed: see the errors column" >&2
  exit 1
fi
