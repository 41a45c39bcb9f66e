#!/usr/bin/env bash
# Reproducible-build check: builds the library jars (offload-api, offload-rings, offload-servers: classes, sources
# and javadoc) twice, each time from a clean copy of the tree in a different directory, and compares them byte for
# byte. Every jar entry carries project.build.outputTimestamp, so two builds of one commit must be the same bytes;
# a difference means something leaks the time, the build directory or the machine into an artifact.
#
# Offline (-o): run it after a build that has downloaded the plugins (.ci/run calls it after `./mvnw verify`).
# Needs JAVA_HOME pointing at a JDK 25, as the build does.
#
#   .ci/reproducible.sh             classes and sources jars (6 jars; what CI runs: about 15 s a build on 2 cores)
#   .ci/reproducible.sh --javadoc   the javadoc jars too (9 jars; javadoc doubles the time)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
modules="offload-api,offload-rings,offload-servers"
javadoc="-Dmaven.javadoc.skip=true"
expected=6
case "${1:-}" in
    --javadoc) javadoc=""; expected=9 ;;
    "") ;;
    *) echo "usage: $0 [--javadoc]" >&2; exit 2 ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/offload-repro.XXXXXX")"
trap 'rm -rf "$work"' EXIT

build() {
    local dir="$work/$1"
    mkdir -p "$dir"
    # the tree as it is (tracked and untracked files), without build output
    tar -C "$root" --exclude='./.git' --exclude='*/target' --exclude='./target' -cf - . | tar -C "$dir" -xf -
    (cd "$dir" && ./mvnw -B -ntp -q -o -pl "$modules" -Dmaven.test.skip=true $javadoc package)
    mkdir -p "$work/jars-$1"
    cp "$dir"/offload-api/target/*.jar "$dir"/offload-rings/target/*.jar "$dir"/offload-servers/target/*.jar \
        "$work/jars-$1/"
}

start=$SECONDS
build first
build second

status=0
count=0
for jar in "$work"/jars-first/*.jar; do
    name="$(basename "$jar")"
    other="$work/jars-second/$name"
    count=$((count + 1))
    if [ ! -f "$other" ]; then
        echo "offload reproducible: $name was built the first time only" >&2
        status=1
    elif ! cmp -s "$jar" "$other"; then
        echo "offload reproducible: $name differs between two builds of the same tree:" >&2
        # which entries differ, for whoever reads the CI log
        diff <(unzip -lv "$jar" | awk 'NR>3 {print $7, $8}') <(unzip -lv "$other" | awk 'NR>3 {print $7, $8}') >&2 || true
        status=1
    else
        echo "offload reproducible: $name identical ($(sha256sum "$jar" | cut -c1-16))"
    fi
done
if [ "$count" -ne "$expected" ]; then
    echo "offload reproducible: expected $expected jars (3 modules), found $count" >&2
    status=1
fi
echo "offload reproducible: $count jars compared in $((SECONDS - start)) s"
exit $status
