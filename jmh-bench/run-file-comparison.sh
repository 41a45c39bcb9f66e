#!/usr/bin/env bash
# Issue 12's file I/O comparison, one command: warm reads, cold reads and a WAL, each on the JDK's FileChannel,
# offload with the SYSCALLS executor, offload with the IO_URING executor (each in a fresh JVM) and fio (io_uring,
# the same queue depth), back to back. Prints a Markdown table with the ratios and keeps everything under
# jmh-bench/results/file-<UTC date>/ (summary.md, output.txt, machine.txt, one log per JVM, fio's JSON).
#
#   jmh-bench/run-file-comparison.sh [--size 4g] [--seconds 10] [--warmup 2] [--threads 256] [--wal-threads 64]
#       [--wal-files per-thread|shared] [--readahead on|off] [--modes warm,cold,wal] [--engines jdk,syscalls,io_uring,fio]
#       [--fio-iodepth 256] [--dir jmh-bench/target/file-io] [--jvm-arg -Doffload.phases=1/64]...
#
# Defaults: a 4 GiB file (written once under jmh-bench/target/file-io/, kept for later runs), 10 s per run after a
# 2 s JIT warm-up: about 3-4 minutes in all (plus writing the file the first time). Shorter: --seconds 5.
# Cold runs drop the page cache: run as root (sudo) for drop_caches; otherwise posix_fadvise(DONTNEED) on the file,
# and the output says so. Options for the offload runtime: JAVA_OPTS="-Doffload.layout=..." (passed to every child).
# Builds jmh-bench/target/benchmarks.jar when it is missing or lacks the comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
JAR=jmh-bench/target/benchmarks.jar
MAIN=io.offload.bench.file.FileIoComparison
if ! [[ -f $JAR ]] || ! "$JAVA_HOME/bin/jar" tf "$JAR" | grep -q '^io/offload/bench/file/FileIoComparison.class$'; then
  ./mvnw -q -B -pl jmh-bench -am package -DskipTests
fi
OUT=${OUT:-jmh-bench/results/file-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "nproc: $(nproc)"
  echo "uname: $(uname -a)"
  echo "user: $(id -un) (uid $(id -u))"
  "$JAVA" -version 2>&1
  echo
  lscpu 2>/dev/null | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket|NUMA node\(s\)|Hypervisor)' || true
  echo
  free -m 2>/dev/null || true
  echo
  df -h jmh-bench 2>/dev/null || true
  findmnt -T jmh-bench -o SOURCE,FSTYPE,OPTIONS 2>/dev/null || true
  echo
  if command -v fio >/dev/null; then fio --version; else echo "fio: not installed (apt-get install fio)"; fi
  echo "io_uring_disabled: $(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo n/a)"
  echo "load: $(cat /proc/loadavg)"
} > "$OUT/machine.txt"
if ! command -v fio >/dev/null; then
  echo "NOTE: fio is not installed, so its column will be n/a; install it with: apt-get install fio" >&2
fi
echo "results in $OUT"
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
"$JAVA" ${JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -cp "$JAR" "$MAIN" --out "$OUT" "$@" 2>&1 | tee "$OUT/output.txt"
