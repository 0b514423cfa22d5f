#!/bin/sh
# L2R's Kafka topics on a single-node broker (docker-compose.yml and the dev overlay run this once; it is
# idempotent). Production gets the same topics as Strimzi KafkaTopic resources (deploy/k8s/overlays/prod);
# deploy-tests checks that both lists cover every topic the services use.
#   topic <name> <partitions> [--config key=value]...
set -eu
BOOTSTRAP="${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}"
KAFKA_TOPICS="${KAFKA_TOPICS_SH:-/opt/kafka/bin/kafka-topics.sh}"

topic() {
  name="$1"; partitions="$2"; shift 2
  "$KAFKA_TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor 1 "$@"
}

# every lead's stage changes, keyed by lead id; kept forever so that a consumer can rebuild from offset zero
topic lead-stage-changed 6 --config retention.ms=-1 --config retention.bytes=-1 --config cleanup.policy=delete
# the funnel definition in force: one key, the latest value is what counts
topic funnel-definition 1 --config cleanup.policy=compact
# API key changes, keyed by key id: compacted, the latest state of every key remains
topic api-keys 1 --config cleanup.policy=compact
# events a consumer could not apply, kept until someone looks at them
topic lead-stage-changed-dlq-funnel 1 --config retention.ms=-1
topic lead-stage-changed-dlq-forecast 1 --config retention.ms=-1
