#!/usr/bin/env bash
# HTTP comparison under wrk on loopback: the offload HTTP demo with its calls offloaded, the same demo inline, and
# Jetty 12 embedded, serving the same generated document root (HttpDemo's: 1k.txt of 1024 bytes, 64k.bin of 65536
# bytes) and the same /hello. Server side: io.offload.bench.http.HttpComparison (a main, not a JMH benchmark).
#
#   ./mvnw -q -pl jmh-bench -am package -DskipTests && jmh-bench/run-http-comparison.sh
#
# (It builds the jar itself only when jmh-bench/target/benchmarks.jar is missing or lacks HttpComparison; it does
# not rebuild a stale one.) wrk is installed from the distribution's packages (apt-get install wrk) when missing:
# as root, or through sudo.
#
# For every layout, server and path: start the server under taskset, check with curl that it serves the same bytes
# as the document root, warm up with wrk for WARMUP, run wrk for DURATION with --latency, stop the server (SIGTERM).
# Every server and path gets the same wrk options. Raw wrk output: jmh-bench/results/http/<layout>-<server>-<path>.txt;
# the server's log with its READY line (its own account of its threads' CPUs) and the CPU masks of its threads,
# read from /proc after the warm-up: ...-<path>.server.log; the table: jmh-bench/results/http/summary.md.
#
# CPU layouts (wrk always on CPU 1, one wrk thread by default):
#   split   the server process on CPU 0 alone (taskset -c 0), wrk on CPU 1: every server gets one CPU. The offloaded
#           demo's NETWORK server is then unpinned, sharing CPU 0 with the connection threads (the demo's own rule
#           when the process may use one CPU only).
#   shared  the server process on CPUs 0-1 (taskset -c 0,1), wrk on CPU 1, sharing it with the server. Offloaded:
#           the demo's one-plus-one layout, its NETWORK server pinned on CPU 1 and its connection threads (accept
#           thread, virtual-thread carriers) pinned on CPU 0. Inline and Jetty: their threads free on CPUs 0-1.
#
# Servers: offloaded, inline, jetty, and jetty-offload: the same Jetty, unmodified, its file I/O through the offload
# nio provider (started with -Djava.nio.file.spi.DefaultFileSystemProvider=io.offload.nio.OffloadFileSystemProvider;
# its runtime from the offload.* properties: one unpinned FILE server unless OFFLOAD_PROVIDER_OPTS says otherwise).
#
# Environment: THREADS (wrk -t, default 1), CONNECTIONS (wrk -c, default 32), DURATION (wrk -d, default 15s), WARMUP
# (default 5s), LAYOUTS (default "split shared"), SERVERS (default "offloaded inline jetty"), PATHS (default
# "/hello /1k.txt /64k.bin"), JAVA_OPTS (default "-Xms512m -Xmx512m", the same for every server), OUT (where the
# raw output and summary.md go, default jmh-bench/results/http), JAVA_HOME.
# At the defaults: 2 layouts x 4 servers x 3 paths = 24 runs of about 22 s, about 9 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
JAR=jmh-bench/target/benchmarks.jar
MAIN=io.offload.bench.http.HttpComparison
OUT=${OUT:-jmh-bench/results/http}
THREADS=${THREADS:-1}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-5s}
LAYOUTS=${LAYOUTS:-split shared}
SERVERS=${SERVERS:-offloaded inline jetty jetty-offload}
OFFLOAD_PROVIDER_OPTS=${OFFLOAD_PROVIDER_OPTS:-}
PATHS=${PATHS:-/hello /1k.txt /64k.bin}
JAVA_OPTS=${JAVA_OPTS:--Xms512m -Xmx512m}
WRK_CPU=1

die() { echo "run-http-comparison: $*" >&2; exit 1; }

install_wrk() {
  command -v wrk > /dev/null && return
  echo "== wrk is missing: installing it from the distribution's packages (apt-get install wrk)"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo > /dev/null && sudo -n true 2> /dev/null ||
      die "wrk is not installed and this is not root and sudo cannot run without a password: install wrk (apt-get install wrk) and run again"
    sudo=(sudo -n)
  fi
  command -v apt-get > /dev/null || die "wrk is not installed and there is no apt-get here: install wrk and run again"
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq wrk > /dev/null ||
    die "apt-get install wrk failed"
  command -v wrk > /dev/null || die "wrk still missing after apt-get install wrk"
}

ensure_jar() {
  if [[ -f $JAR ]] && "$JAVA_HOME/bin/jar" tf "$JAR" | grep -q '^io/offload/bench/http/HttpComparison.class$'; then
    return
  fi
  echo "== $JAR missing or without HttpComparison: building it (./mvnw -q -pl jmh-bench -am package -DskipTests)"
  ./mvnw -q -pl jmh-bench -am package -DskipTests
}

(( $(nproc) >= 2 )) || die "needs 2 CPUs (the server on CPU 0 or 0-1, wrk on CPU 1); this machine has $(nproc)"
[[ -x $JAVA ]] || die "no java at $JAVA: set JAVA_HOME to a JDK 25"
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
RUNS="$OUT/runs.tsv"
: > "$RUNS"

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
    *) die "unknown layout '$1' (split or shared)" ;;
  esac
}

cpus_label() { # layout server
  case $1/$2 in
    split/offloaded) echo "server 0 (offload server unpinned, on 0) / wrk 1" ;;
    split/*) echo "server 0 / wrk 1" ;;
    shared/offloaded) echo "server 0-1 (offload server 1, connections 0) / wrk 1" ;;
    shared/*) echo "server 0-1 / wrk 1" ;;
  esac
}

# Starts the server in the background; sets SERVER_PID and PORT.
start_server() { # layout server log
  local layout=$1 server=$2 log=$3 extra=() jvm=()
  : > "$log"
  [[ $layout == shared && $server == offloaded ]] && extra=(--conn-cpu 0)
  # shellcheck disable=SC2206 # OFFLOAD_PROVIDER_OPTS is a list of options
  [[ $server == jetty-offload ]] &&
    jvm=(-Djava.nio.file.spi.DefaultFileSystemProvider=io.offload.nio.OffloadFileSystemProvider $OFFLOAD_PROVIDER_OPTS)
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  taskset -c "$(server_cpus "$layout")" "$JAVA" $JAVA_OPTS "${jvm[@]}" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$MAIN" \
    --server "$server" --root "$ROOT" "${extra[@]}" >> "$log" 2>&1 & # O_APPEND: the script appends to it too
  SERVER_PID=$!
  local i
  for (( i = 0; i < 150; i++ )); do
    if grep -q '^READY ' "$log"; then
      PORT=$(grep -m1 '^READY ' "$log" | sed 's/.* port=\([0-9]*\).*/\1/')
      return
    fi
    kill -0 "$SERVER_PID" 2> /dev/null || { cat "$log" >&2; die "$server exited before it was ready"; }
    sleep 0.2
  done
  cat "$log" >&2
  die "$server not ready after 30 s"
}

stop_server() {
  local i
  kill -TERM "$SERVER_PID" 2> /dev/null || true
  for (( i = 0; i < 100; i++ )); do
    kill -0 "$SERVER_PID" 2> /dev/null || break
    sleep 0.1
  done
  kill -0 "$SERVER_PID" 2> /dev/null && { echo "   (still running after 10 s: SIGKILL)"; kill -KILL "$SERVER_PID"; }
  wait "$SERVER_PID" 2> /dev/null || true
  SERVER_PID=
}

# The same bytes as the document root (and /hello's body) from this server, or die.
check_bytes() { # server path
  local url="http://127.0.0.1:$PORT$2" expected got
  if [[ $2 == /hello ]]; then expected=$(printf 'Hello, offload\n' | md5sum); else expected=$(md5sum < "$ROOT$2"); fi
  got=$(curl -sf "$url" | md5sum) || die "$1: curl $url failed"
  [[ $got == "$expected" ]] || die "$1 serves other bytes at $2 than the document root"
}

# Thread name -> CPU mask of every thread of the server, counted.
thread_cpus() {
  local t
  for t in /proc/"$SERVER_PID"/task/*; do
    echo "$(cat "$t/comm" 2> /dev/null): cpus $(awk '/Cpus_allowed_list/ {print $2}' "$t/status" 2> /dev/null)"
  done | sed -E 's/[0-9]+: cpus/N: cpus/' | sort | uniq -c | sort -rn
}

WRK_OPTS=(-t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency)
for layout in $LAYOUTS; do
  for server in $SERVERS; do
    for path in $PATHS; do
      name="$layout-$server-${path#/}"
      raw="$OUT/$name.txt"
      log="$OUT/$name.server.log"
      echo "== $name: server on cpus $(server_cpus "$layout"), wrk on cpu $WRK_CPU, loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
      start_server "$layout" "$server" "$log"
      check_bytes "$server" "$path"
      taskset -c "$WRK_CPU" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "http://127.0.0.1:$PORT$path" > /dev/null
      { echo "--- threads of pid $SERVER_PID after the warm-up (count, name, CPU mask):"; thread_cpus; } >> "$log"
      load1=$(cut -d' ' -f1 /proc/loadavg)
      taskset -c "$WRK_CPU" wrk "${WRK_OPTS[@]}" "http://127.0.0.1:$PORT$path" > "$raw"
      stop_server
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$layout" "$server" "$path" "$(cpus_label "$layout" "$server")" "$load1" \
        "$raw" >> "$RUNS"
      grep -E 'Requests/sec|Socket errors|Non-2xx' "$raw" | sed 's/^ */   /'
    done
  done
done

# One wrk output -> requests/s | p50 ms | p99 ms | errors.
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
      if (rps == "") { print "no result | | | wrk output unreadable"; exit }
      printf "%.0f | %.3f | %.3f | %s\n", rps, p50, p99, err ? err : "0"
    }' "$1"
}

{
  echo "# HTTP comparison: offload demo (offloaded, inline) and Jetty $(grep -ho 'jetty [0-9][0-9.]*' "$OUT"/*jetty*.server.log 2> /dev/null | head -1 | cut -d' ' -f2)"
  echo
  echo "Machine:"
  echo
  echo "$MACHINE"
  echo
  echo "wrk ${WRK_OPTS[*]} on http://127.0.0.1 (loopback), after a ${WARMUP} warm-up, a fresh server per row;" \
    "JVM options for every server: \`$JAVA_OPTS --enable-native-access=ALL-UNNAMED\`. Document root: HttpDemo's" \
    "(1k.txt 1024 bytes, 64k.bin 65536 bytes), the same for every server; /hello answers \"Hello, offload\\n\"" \
    "(text/plain). Produced by jmh-bench/run-http-comparison.sh; raw wrk output beside this file."
  echo
  echo "CPUs: server side (taskset of the server process; for the offloaded demo where its offload server and its" \
    "connection threads are pinned) / wrk (taskset -c 1). split: the server on CPU 0 alone; shared: the server on" \
    "both CPUs, wrk sharing CPU 1 with it. Latencies in milliseconds; load1: the 1-minute loadavg before the run."
  echo
  echo "| layout | server | path | CPUs (server / wrk) | requests/s | p50 ms | p99 ms | errors | load1 |"
  echo "|---|---|---|---|---:|---:|---:|---|---:|"
  while IFS=$'\t' read -r layout server path cpus load1 raw; do
    echo "| $layout | $server | $path | $cpus | $(parse_wrk "$raw") | $load1 |"
  done < "$RUNS"
} > "$OUT/summary.md"
rm -f "$RUNS"
echo "== table: $OUT/summary.md"
cat "$OUT/summary.md"
