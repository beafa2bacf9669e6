#!/usr/bin/env bash
# Kafka's launcher for the jars in /opt/kafka/libs. As kafka-run-class.sh CLASS [ARGS] it runs CLASS, like the
# distribution's script of that name; through one of the links beside it (kafka-topics.sh, kafka-server-start.sh, ...)
# it runs the tool that name stands for. JVM options come from KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS,
# KAFKA_LOG4J_OPTS and KAFKA_OPTS, with the distribution's defaults for the broker and lighter ones for tools.
set -euo pipefail
home=/opt/kafka

case "$(basename "$0")" in
  kafka-run-class.sh) [ $# -ge 1 ] || { echo "usage: kafka-run-class.sh CLASS [ARGS]" >&2; exit 2; } ;;
  kafka-server-start.sh)
    [ $# -ge 1 ] || { echo "usage: kafka-server-start.sh server.properties [--override property=value]..." >&2; exit 2; }
    set -- kafka.Kafka "$@"
    : "${KAFKA_HEAP_OPTS:=-Xmx1G -Xms1G}"
    : "${KAFKA_LOG4J_OPTS:=-Dlog4j2.configurationFile=$home/config/log4j2.yaml}"
    : "${KAFKA_JVM_PERFORMANCE_OPTS:=-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}"
    ;;
  kafka-storage.sh) set -- kafka.tools.StorageTool "$@" ;;
  kafka-configs.sh) set -- kafka.admin.ConfigCommand "$@" ;;
  kafka-topics.sh) set -- org.apache.kafka.tools.TopicCommand "$@" ;;
  kafka-broker-api-versions.sh) set -- org.apache.kafka.tools.BrokerApiVersionsCommand "$@" ;;
  kafka-consumer-groups.sh) set -- org.apache.kafka.tools.consumer.group.ConsumerGroupCommand "$@" ;;
  kafka-metadata-quorum.sh) set -- org.apache.kafka.tools.MetadataQuorumCommand "$@" ;;
  kafka-console-consumer.sh) set -- org.apache.kafka.tools.consumer.ConsoleConsumer "$@" ;;
  kafka-console-producer.sh) set -- org.apache.kafka.tools.ConsoleProducer "$@" ;;
  kafka-get-offsets.sh) set -- org.apache.kafka.tools.GetOffsetShell "$@" ;;
  *) echo "kafka-run-class.sh: no tool named $(basename "$0")" >&2; exit 2 ;;
esac

# The entrypoint writes config/tools-log4j2.yaml; before it has, tools log as the image's default says.
tools_log4j=$home/config/tools-log4j2.yaml
[ -f "$tools_log4j" ] || tools_log4j=/etc/kafka/docker/tools-log4j2.yaml
# A tool is a short-lived client: a small heap, the serial collector and the quick compiler start it fastest.
: "${KAFKA_HEAP_OPTS:=-Xmx256M}"
: "${KAFKA_LOG4J_OPTS:=-Dlog4j2.configurationFile=$tools_log4j}"
: "${KAFKA_JVM_PERFORMANCE_OPTS:=-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true}"
# shellcheck disable=SC2086 # each options variable holds several words
exec java $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $KAFKA_LOG4J_OPTS ${KAFKA_OPTS:-} -cp "$home/libs/*" "$@"
