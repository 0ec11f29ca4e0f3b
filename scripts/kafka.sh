#!/usr/bin/env bash
# Starts and stops a single-node KRaft Kafka broker on loopback from the Maven Central
# artifact org.apache.kafka:kafka_2.13 (no Docker, no download of a Kafka distribution).
#
#   scripts/kafka.sh start DIR     format storage (first time) and start; prints nothing, writes DIR/bootstrap
#   scripts/kafka.sh stop DIR      stop it (TERM, then KILL after 30 s)
#
# The class path comes from target/broker.classpath, written by `./mvnw generate-resources` (run
# here when that file is missing, older than pom.xml or names jars that are not there);
# LOCAL_KAFKA_CLASSPATH overrides it.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
log() { echo "[kafka.sh] $*" >&2; }

classpath() {
  if [[ -n "${LOCAL_KAFKA_CLASSPATH:-}" ]]; then echo "$LOCAL_KAFKA_CLASSPATH"; return; fi
  local f="$ROOT/target/broker.classpath"
  # Never trust a class path this checkout's build did not write (see build_is_current).
  if ! build_is_current "$ROOT" "$f"; then
    log "writing $f (./mvnw -q generate-resources)"
    (cd "$ROOT" && ./mvnw -B -q generate-resources >&2) || { log "./mvnw generate-resources failed"; exit 1; }
    stamp_build "$ROOT" "$f" >&2
  fi
  cat "$f"
}

start() {
  local dir="$1"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [[ -f "$dir/pid" ]] && pid_alive "$(cat "$dir/pid")"; then
    log "already running (pid $(cat "$dir/pid"))"; return
  fi
  [[ -f "$dir/ports" ]] || free_ports 2 0 > "$dir/ports"
  local port cport
  read -r port cport < "$dir/ports"
  local cp
  cp="$(classpath)"
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/logs
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
PROPS
  local java_opts=(-Xms256m -Xmx${LOCAL_KAFKA_HEAP:-768m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1
                   -Dlogback.configurationFile="$ROOT/scripts/kafka-logback.xml")
  if [[ ! -f "$dir/logs/meta.properties" ]]; then
    local id
    id="$(java -cp "$cp" "${java_opts[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
    java -cp "$cp" "${java_opts[@]}" kafka.tools.StorageTool format -t "$id" \
      -c "$dir/server.properties" --standalone >"$dir/format.log" 2>&1 \
      || java -cp "$cp" "${java_opts[@]}" kafka.tools.StorageTool format -t "$id" \
           -c "$dir/server.properties" >"$dir/format.log" 2>&1 \
      || { log "storage format failed:"; cat "$dir/format.log" >&2; exit 1; }
  fi
  # kafka.log is appended to: a restart on the same DIR must wait for its own "started" line, not
  # find the one of the previous run.
  local from=$(( $(wc -c 2>/dev/null < "$dir/kafka.log" || echo 0) + 1 ))
  nohup java -cp "$cp" "${java_opts[@]}" kafka.Kafka "$dir/server.properties" >>"$dir/kafka.log" 2>&1 &
  echo $! > "$dir/pid"
  echo "127.0.0.1:$port" > "$dir/bootstrap"
  local deadline=$((SECONDS + ${LOCAL_KAFKA_START_TIMEOUT:-120}))
  until tail -c +"$from" "$dir/kafka.log" 2>/dev/null | grep -q "Kafka Server started"; do
    if ! pid_alive "$(cat "$dir/pid")"; then
      log "broker exited during start-up; last lines of $dir/kafka.log:"; tail -c +"$from" "$dir/kafka.log" | tail -n 30 >&2; exit 1
    fi
    if (( SECONDS > deadline )); then log "broker not started after ${LOCAL_KAFKA_START_TIMEOUT:-120}s"; stop "$dir"; exit 1; fi
    sleep 0.5
  done
  log "ready: 127.0.0.1:$port (pid $(cat "$dir/pid"))"
}

stop() {
  stop_pid_dir "$1"
}

case "${1:-}" in
  start) start "${2:?usage: kafka.sh start DIR}" ;;
  stop) stop "${2:?usage: kafka.sh stop DIR}" ;;
  *) echo "usage: $0 start DIR | stop DIR" >&2; exit 2 ;;
esac
