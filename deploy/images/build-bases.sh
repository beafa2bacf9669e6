#!/usr/bin/env bash
# Builds the local images that deploy/docker-compose.offline.yml uses instead of registry images, so that
#   docker-compose -f deploy/docker-compose.yml -f deploy/docker-compose.offline.yml up -d --build
# needs no image registry, only Debian's package archive and Maven Central:
#   crawlocr/base-debian:bookworm    debootstrap --variant=minbase bookworm with the latest updates
#   crawlocr/base-jre:bookworm       + a jlink runtime of this machine's JDK >= 21 (the modules in JRE_MODULES), curl
#   crawlocr/base-jdk:bookworm       + the same JDK with its compiler, and Maven: the node images' build stage
#   crawlocr/base-analyzer:bookworm  base-jre + Debian's libtesseract5 with English, Korean and osd data
#   crawlocr/kafka:<kafka.version>   base-jre + the Kafka broker and tools jars at the pom's kafka.version
#   crawlocr/postgres:15             base-debian + Debian's postgresql-15
#   crawlocr/prometheus:bookworm     base-debian + Debian's prometheus
# An image that is present and was built from the same inputs (its dev.crawlocr.inputs label hashes its build
# files, its base image and, for the JDK images, the JDK's release file) is reused.
#
#   deploy/images/build-bases.sh [--rebuild]     --rebuild: build every image again
#
# Needs a Docker engine, a JDK >= 21 with jlink (found by scripts/lib/jdk.sh) and Maven (MAVEN_OPTS=
# -Dmaven.repo.local=DIR chooses its repository), and to build crawlocr/base-debian, root and debootstrap. Builds
# with the classic builder.
set -euo pipefail

images=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$images/../.." && pwd)
# shellcheck source-path=SCRIPTDIR/../..
# shellcheck source=scripts/lib/jdk.sh
. "$root/scripts/lib/jdk.sh"
export DOCKER_BUILDKIT=0

MAVEN_VERSION=3.9.11
# What the nodes, crawlctl and the Kafka broker and tools use (jdeps on their runtime class paths; jdk.net: the
# fetcher's HTTP client sets TCP keep-alive options through jdk.net.Sockets).
JRE_MODULES=java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.charsets,jdk.httpserver,jdk.management,jdk.net,jdk.security.auth,jdk.unsupported,jdk.zipfs
# The build stage also compiles: the compiler and what Maven and its plugins use.
JDK_MODULES=$JRE_MODULES,java.se,jdk.compiler,jdk.jartool

rebuild=false
case "${1:-}" in
  --rebuild) rebuild=true ;;
  "") ;;
  *) echo "usage: $0 [--rebuild]" >&2; exit 2 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log() { echo "build-bases: $*"; }
die() { echo "build-bases: $*" >&2; exit 1; }

# hash_inputs DIR [WORD...]: a short hash of DIR's files (names and contents) and the words.
hash_inputs() {
  local dir=$1
  shift
  { (cd "$dir" && find . -type f | LC_ALL=C sort | xargs sha256sum); printf '%s\n' "$@"; } | sha256sum | cut -c1-16
}

# maven MESSAGE ARGS...: runs Maven in the scratch directory; shows its output and MESSAGE when it fails.
maven() {
  local message=$1
  shift
  (cd "$work" && mvn -B -ntp "$@") >"$work/maven.log" 2>&1 || { tail -n 30 "$work/maven.log" >&2; die "$message"; }
}

image_id() { docker image inspect -f '{{.Id}}' "$1"; }

# reusable TAG HASH: TAG is present and was built from inputs with this hash.
reusable() {
  local have
  have=$(docker image inspect -f '{{ index .Config.Labels "dev.crawlocr.inputs" }}' "$1" 2>/dev/null || true)
  if ! $rebuild && [ "$have" = "$2" ]; then
    log "reusing $1"
    return 0
  fi
  return 1
}

# build TAG HASH CONTEXT DOCKERFILE [docker build options...]
build() {
  local tag=$1 hash=$2 context=$3 dockerfile=$4 t0=$SECONDS
  shift 4
  log "building $tag"
  if ! docker build --force-rm --label "dev.crawlocr.inputs=$hash" -t "$tag" -f "$dockerfile" "$@" "$context" >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    die "building $tag failed"
  fi
  log "built $tag in $((SECONDS - t0)) s"
}

# jlink_modules WANTED: the wanted modules plus jdk.crypto.ec (TLS with elliptic curves) when this JDK has it: a module
# of its own up to JDK 21, empty later.
jlink_modules() {
  if "$JAVA_HOME/bin/java" --list-modules | grep -q '^jdk\.crypto\.ec@'; then echo "$1,jdk.crypto.ec"; else echo "$1"; fi
}

debian_base() {
  local tag=crawlocr/base-debian:bookworm hash rootfs=$work/rootfs t0=$SECONDS
  hash=$(hash_inputs "$images/debian" "debootstrap --variant=minbase bookworm http://deb.debian.org/debian")
  reusable "$tag" "$hash" && return
  [ "$(id -u)" -eq 0 ] || die "debootstrap needs root"
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
  log "building $tag (debootstrap)"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  chroot "$rootfs" /bin/sh -s <"$images/debian/setup.sh" >"$work/setup.log" 2>&1 \
    || { tail -n 20 "$work/setup.log" >&2; die "setting up the Debian root file system failed"; }
  tar -C "$rootfs" -c . | docker import --change "LABEL dev.crawlocr.inputs=$hash" --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' - "$tag" >/dev/null
  rm -rf "$rootfs"
  log "built $tag in $((SECONDS - t0)) s"
}

jre_base() {
  local tag=crawlocr/base-jre:bookworm base=crawlocr/base-debian:bookworm hash modules
  modules=$(jlink_modules "$JRE_MODULES")
  hash=$(hash_inputs "$images/jre" "$(image_id "$base")" "$(cat "$JAVA_HOME/release")" "$modules")
  reusable "$tag" "$hash" && return
  mkdir -p "$work/jre"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
    --output "$work/jre/runtime"
  build "$tag" "$hash" "$work/jre" "$images/jre/Dockerfile" --build-arg "BASE=$base"
}

jdk_base() {
  local tag=crawlocr/base-jdk:bookworm base=crawlocr/base-debian:bookworm hash modules
  modules=$(jlink_modules "$JDK_MODULES")
  hash=$(hash_inputs "$images/jdk" "$(image_id "$base")" "$(cat "$JAVA_HOME/release")" "$modules" "$MAVEN_VERSION")
  reusable "$tag" "$hash" && return
  mkdir -p "$work/jdk"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
    --output "$work/jdk/jdk"
  # Maven's binary distribution is an artifact on Maven Central: Maven fetches it (and checks its checksum).
  maven "cannot fetch Maven $MAVEN_VERSION from Maven Central" org.apache.maven.plugins:maven-dependency-plugin:3.9.0:copy \
    -Dartifact="org.apache.maven:apache-maven:$MAVEN_VERSION:tar.gz:bin" -DoutputDirectory="$work/jdk"
  build "$tag" "$hash" "$work/jdk" "$images/jdk/Dockerfile" --build-arg "BASE=$base" --build-arg "MAVEN_VERSION=$MAVEN_VERSION"
}

analyzer_base() {
  local tag=crawlocr/base-analyzer:bookworm base=crawlocr/base-jre:bookworm hash
  hash=$(hash_inputs "$images/analyzer" "$(image_id "$base")")
  reusable "$tag" "$hash" && return
  build "$tag" "$hash" "$images/analyzer" "$images/analyzer/Dockerfile" --build-arg "BASE=$base"
}

kafka_image() {
  local version tag base=crawlocr/base-jre:bookworm hash
  version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$root/pom.xml" | head -n 1)
  [ -n "$version" ] || die "no kafka.version in $root/pom.xml"
  tag=crawlocr/kafka:$version
  hash=$(hash_inputs "$images/kafka" "$(image_id "$base")" "$version")
  reusable "$tag" "$hash" && return
  cp -r "$images/kafka" "$work/kafka"
  maven "cannot fetch the Kafka $version jars from Maven Central" -f "$images/kafka/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.9.0:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$work/kafka/libs"
  build "$tag" "$hash" "$work/kafka" "$work/kafka/Dockerfile" --build-arg "BASE=$base"
}

debian_image() { # NAME TAG: an image of deploy/images/NAME on base-debian
  local base=crawlocr/base-debian:bookworm hash
  hash=$(hash_inputs "$images/$1" "$(image_id "$base")")
  reusable "$2" "$hash" && return
  build "$2" "$hash" "$images/$1" "$images/$1/Dockerfile" --build-arg "BASE=$base"
}

docker info >/dev/null 2>&1 || die "no Docker engine answers (start dockerd)"
t0=$SECONDS
debian_base
jre_base
jdk_base
analyzer_base
kafka_image
debian_image postgres crawlocr/postgres:15
debian_image prometheus crawlocr/prometheus:bookworm
log "local base images ready in $((SECONDS - t0)) s"
