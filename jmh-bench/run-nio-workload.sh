#!/usr/bin/env bash
# The virtual-thread file workload with plain FileChannel code, on the platform provider, on the offload nio
# provider (runtime.fileSystem()) and on the library's raw API: random 4 KiB reads by 256 virtual threads (cold and
# warm) and a WAL of 64 virtual threads (4 KiB append + force(false)). Prints ops/s and ratios as a Markdown table.
#
#   jmh-bench/run-nio-workload.sh [--size 4g] [--reads 2000] [--threads 256] [--wal-threads 64] [--wal-records 200]
#                                 [--dir /var/tmp] [--buffer direct|heap] [--runs cold,warm,wal]
#
# Cold runs drop the page cache first (echo 3 > /proc/sys/vm/drop_caches): run as root, with a file bigger than
# memory's page cache share for honest cold figures; not as root, the program says so and the cold runs are warm.
# The runtime is built from the offload.* system properties (JAVA_OPTS="-Doffload.layout=app=0 file=1" ...).
# Builds jmh-bench/target/benchmarks.jar when it is missing or lacks the workload.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAR=jmh-bench/target/benchmarks.jar
MAIN=io.offload.bench.nio.NioFileWorkload
if ! [[ -f $JAR ]] || ! "$JAVA_HOME/bin/jar" tf "$JAR" | grep -q '^io/offload/bench/nio/NioFileWorkload.class$'; then
  ./mvnw -q -pl jmh-bench -am package -DskipTests
fi
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec "$JAVA_HOME/bin/java" ${JAVA_OPTS:--Xms1g -Xmx1g} --enable-native-access=ALL-UNNAMED -cp "$JAR" "$MAIN" "$@"
