#!/usr/bin/env bash
# Runs every benchmark of jmh-bench (average time / throughput as annotated), NullSyscallBenchmark again with the
# GC profiler, the latency benchmarks in sample mode (percentiles survive a noisy machine better than a mean), the
# paired-rounds harness and the layout probe. JSON and logs go to jmh-bench/results/.
#
#   ./mvnw -q -pl jmh-bench -am package -DskipTests && jmh-bench/run-benchmarks.sh
#
# CPUs: the benchmark thread on CPU 0; the server / ping-pong partner / ring consumer on CPU 1 (jmh-bench/README.md).
#
# The machine it was written on is shared and has 2 CPUs, so each run waits until the CPUs are idle, samples
# /proc/stat's procs_running while it runs, and is retried (up to ATTEMPTS, default 3) when other processes wanted
# a CPU in more than 5% of the samples. The contention of the kept attempt is logged in results/contention.txt.
# Environment: ATTEMPTS, QUIET_WAIT_S (seconds to wait for idle CPUs before each attempt, default 600), ONLY (a
# regex: run only the steps whose name matches).
set -euo pipefail
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
JAR=jmh-bench/target/benchmarks.jar
OUT=jmh-bench/results
ATTEMPTS=${ATTEMPTS:-3}
ONLY=${ONLY:-.}
mkdir -p "$OUT"

machine() {
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(lscpu | grep 'Model name' | sed 's/.*: *//')"
  echo "kernel: $(uname -r)"
  echo "jdk: $("$JAVA" -version 2>&1 | head -1)"
  echo "loadavg: $(cat /proc/loadavg)"
}

# Busy fraction of all CPUs over 3 s, in percent, from /proc/stat.
busy_pct() {
  local a b
  a=($(head -1 /proc/stat)); sleep 3; b=($(head -1 /proc/stat))
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}

wait_quiet() {
  local waited=0 limit=${QUIET_WAIT_S:-600} busy=0
  while (( waited < limit )); do
    busy=$(busy_pct)
    if (( busy <= 10 )); then return; fi
    waited=$(( waited + 3 ))
  done
  echo "   (machine still ${busy}% busy after ${limit}s; running anyway)"
}

# Samples procs_running every 0.2 s into $1 until killed. Our own spinning threads count for up to 2, the sampler
# for 1: more than 3 runnable tasks means another process wanted one of the two CPUs.
monitor() {
  while true; do awk '/procs_running/ {print $2}' /proc/stat >> "$1"; sleep 0.2; done
}

contended_pct() {
  awk '{n++; if ($1 > 3) c++} END {printf "%d", n ? 100 * c / n : 0}' "$1"
}

attempt() { # name, command...
  local name=$1; shift
  local samples; samples=$(mktemp)
  wait_quiet
  monitor "$samples" &
  local mon=$!
  "$@" > "$OUT/$name.log" 2>&1 || true
  kill "$mon"; wait "$mon" 2>/dev/null || true
  CONTENDED=$(contended_pct "$samples")
  rm -f "$samples"
}

step() { # name, command...
  local name=$1; shift
  [[ $name =~ $ONLY ]] || return 0
  local i
  for (( i = 1; i <= ATTEMPTS; i++ )); do
    echo "== $name (attempt $i, loadavg $(cut -d' ' -f1-3 /proc/loadavg))"
    attempt "$name" "$@"
    echo "   contended ${CONTENDED}% of the time"
    if (( CONTENDED <= 5 )); then break; fi
  done
  local kept=$i
  if (( i > ATTEMPTS )); then kept="$ATTEMPTS (last)"; fi
  echo "$name attempt=$kept contended=${CONTENDED}% at $(date -u +%H:%M:%SZ)" >> "$OUT/contention.txt"
  grep -E '^(Benchmark|[A-Za-z0-9]+Benchmark\.)|^(median|min|max) |offload-bench|WARNING: could' \
    "$OUT/$name.log" || true
}

jmh() { # name, JMH args...
  local name=$1; shift
  step "$name" "$JAVA" -jar "$JAR" "$@" -rf json -rff "$OUT/$name.json"
}

machine | tee "$OUT/machine.txt"
jmh NullSyscallBenchmark 'io.offload.bench.NullSyscallBenchmark'
jmh NullSyscallBenchmark-gc 'io.offload.bench.NullSyscallBenchmark' -prof gc
jmh Pread4kBenchmark 'io.offload.bench.Pread4kBenchmark'
jmh PingPongBenchmark 'io.offload.bench.PingPongBenchmark'
jmh RingBenchmark 'io.offload.bench.RingBenchmark'
jmh HandoffModelBenchmark 'io.offload.bench.HandoffModelBenchmark'
jmh EchoBenchmark 'io.offload.bench.EchoBenchmark'
jmh RoutingBenchmark 'io.offload.bench.RoutingBenchmark'
jmh NullSyscallBenchmark-sample 'io.offload.bench.NullSyscallBenchmark.(direct|offloadedSpin)' -bm sample
jmh PingPongBenchmark-sample 'io.offload.bench.PingPongBenchmark' -bm sample
jmh HandoffModelBenchmark-sample 'io.offload.bench.HandoffModelBenchmark' -bm sample
step PairedRounds "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" io.offload.bench.PairedRounds 23 300 \
  "$OUT/PairedRounds.json"
step LayoutProbe "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" io.offload.bench.LayoutProbe
machine | tail -1 | sed 's/^/end /' | tee -a "$OUT/machine.txt"
