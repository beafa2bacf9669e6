#!/usr/bin/env bash
# Creates crawlocr's topics with explicit partition counts and configs, then exits 0. Safe to run again: existing
# topics are kept, and the image topics' max.message.bytes is set again so a changed IMAGE_MAX_BYTES takes effect.
# The topic list mirrors dev.crawlocr.common.Topics (names, partitionsFor, configsFor); deploy/check.sh fails
# when the two differ.
#
# Environment:
#   KAFKA_BOOTSTRAP_SERVERS  broker to talk to                           (default kafka:9092)
#   KAFKA_TOPIC_PARTITIONS   partitions of every scaled topic, >= 1      (default 24; crawl.jobs and crawl.events get 1)
#   KAFKA_REPLICATION_FACTOR replication factor of every topic           (default 1, one broker)
#   IMAGE_MAX_BYTES          image cap like the nodes' key: 10MB, 512KB  (default 10MB); the image and dead-letter
#                            topics get this plus 64KB of record overhead as max.message.bytes
#   KAFKA_BIN                folder of kafka-topics.sh/kafka-configs.sh  (default /opt/kafka/bin)
set -euo pipefail

bootstrap=${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}
partitions=${KAFKA_TOPIC_PARTITIONS:-24}
replication=${KAFKA_REPLICATION_FACTOR:-1}
bin=${KAFKA_BIN:-/opt/kafka/bin}

die() { echo "topic-init: $*" >&2; exit 1; }

# Same units as the nodes' BYTES config type: a plain number of bytes, or KB/MB/GB (binary; KiB/MiB/GiB also accepted).
to_bytes() {
  local v
  v=$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]' | tr -d ' ')
  v=${v/IB/B}
  case "$v" in
    *KB) echo $(( ${v%KB} * 1024 )) ;;
    *MB) echo $(( ${v%MB} * 1024 * 1024 )) ;;
    *GB) echo $(( ${v%GB} * 1024 * 1024 * 1024 )) ;;
    *B) echo $(( ${v%B} )) ;;
    *) echo $(( v )) ;;
  esac
}

[[ "$partitions" =~ ^[1-9][0-9]*$ ]] || die "KAFKA_TOPIC_PARTITIONS must be a positive integer, got '$partitions'"
[[ "$replication" =~ ^[1-9][0-9]*$ ]] || die "KAFKA_REPLICATION_FACTOR must be a positive integer, got '$replication'"
[[ "${IMAGE_MAX_BYTES:-10MB}" =~ ^[0-9]+\ *([KkMmGg][Ii]?)?[Bb]?$ ]] \
  || die "IMAGE_MAX_BYTES must be a size such as 512KB or 10MB, got '${IMAGE_MAX_BYTES:-}'"
image_max=$(to_bytes "${IMAGE_MAX_BYTES:-10MB}")
max_message_bytes=$(( image_max + 64 * 1024 ))
# Dead letters hold a failed image or a failed JSON record (up to 1 MiB, Topics.JSON_MAX_RECORD_BYTES).
json_max=$(( 1024 * 1024 ))
dead_letter_bytes=$(( (image_max > json_max ? image_max : json_max) + 64 * 1024 ))

# name  partitions  configs (comma-separated, or - for none)
topics=(
  "crawl.jobs        1              cleanup.policy=compact"
  "crawl.discovered  $partitions    -"
  "crawl.frontier    $partitions    -"
  "crawl.pages       $partitions    -"
  "crawl.images      $partitions    max.message.bytes=$max_message_bytes"
  "crawl.ocr         $partitions    -"
  "crawl.events      1              -"
  "crawl.deadletter  $partitions    max.message.bytes=$dead_letter_bytes"
)

echo "topic-init: bootstrap $bootstrap, $partitions partitions, replication $replication, image topics max.message.bytes $max_message_bytes"
existing=$("$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --list) || die "cannot list topics on $bootstrap"

for row in "${topics[@]}"; do
  read -r name parts configs <<<"$row"
  shown=""
  [[ "$configs" == "-" ]] || shown=", $configs"
  config_args=()
  if [[ "$configs" != "-" ]]; then
    IFS=',' read -r -a kvs <<<"$configs"
    for kv in "${kvs[@]}"; do config_args+=(--config "$kv"); done
  fi
  if grep -qxF "$name" <<<"$existing"; then
    have=$("$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --describe --topic "$name" \
      | sed -n 's/.*PartitionCount: *\([0-9]*\).*/\1/p' | head -n 1)
    if [[ "$have" != "$parts" ]]; then
      echo "topic-init: WARNING $name exists with $have partitions, not $parts; left as is (changing it moves keys between partitions)"
    fi
    if [[ "$configs" != "-" ]]; then
      "$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --alter --entity-type topics --entity-name "$name" \
        --add-config "$configs" >/dev/null || die "cannot set $configs on $name"
    fi
    echo "topic-init: $name exists (partitions $have$shown)"
  else
    "$bin/kafka-topics.sh" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$name" \
      --partitions "$parts" --replication-factor "$replication" "${config_args[@]}" >/dev/null \
      || die "cannot create $name"
    echo "topic-init: created $name (partitions $parts$shown)"
  fi
done
echo "topic-init: done"
