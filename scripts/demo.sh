#!/usr/bin/env bash
# The whole thing on one machine, no Docker: a local Kafka broker, a real Weaviate, the worker,
# sample ItemChanged/TaskChanged events (creates, repeated updates, deletes, one malformed record),
# then what Weaviate holds and what went to the dead-letter topic. Stops everything at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
DEMO="$ROOT/.demo"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

cleanup() {
  set +e
  if [[ -n "${WORKER_PID:-}" ]] && kill -0 "$WORKER_PID" 2>/dev/null; then
    kill -TERM "$WORKER_PID"; wait "$WORKER_PID"
  fi
  scripts/weaviate.sh stop "$DEMO/weaviate"
  scripts/kafka.sh stop "$DEMO/kafka"
}
trap cleanup EXIT

say "Building weaviate-sync"
bin/weaviate-sync --version
say "Building/locating weaviate-server (the first build takes several minutes)"
scripts/weaviate.sh install >/dev/null

rm -rf "$DEMO"; mkdir -p "$DEMO"
say "Starting Kafka (KRaft, loopback) and Weaviate (loopback)"
scripts/kafka.sh start "$DEMO/kafka"
scripts/weaviate.sh start "$DEMO/weaviate"
read -r HTTP GRPC _ < "$DEMO/weaviate/ports"
BOOTSTRAP="$(cat "$DEMO/kafka/bootstrap")"

cat > "$DEMO/sync.properties" <<PROPS
kafka.bootstrap.servers=$BOOTSTRAP
kafka.application.id=weaviate-sync-demo
kafka.state.dir=$DEMO/state
weaviate.http.port=$HTTP
weaviate.grpc.port=$GRPC
type.ItemChanged.properties=title:text,price:number,tags:text[]
type.TaskChanged.properties=title:text,done:boolean
topics.create=true
flush.interval.ms=500
summary.interval.ms=2000
PROPS

say "Starting the worker: bin/weaviate-sync run --config .demo/sync.properties"
bin/weaviate-sync run --config "$DEMO/sync.properties" > "$DEMO/worker.log" 2>&1 &
WORKER_PID=$!
for _ in $(seq 1 120); do
  grep -q -- "-> RUNNING" "$DEMO/worker.log" && break
  kill -0 "$WORKER_PID" 2>/dev/null || { cat "$DEMO/worker.log"; exit 1; }
  sleep 0.5
done

I1=11111111-1111-4111-8111-111111111111; I2=22222222-2222-4222-8222-222222222222
I3=33333333-3333-4333-8333-333333333333; T1=44444444-4444-4444-8444-444444444444
T2=55555555-5555-4555-8555-555555555555
ev() { # type op id version properties-json
  printf '{"type":"%s","op":"%s","id":"%s","version":%s,"occurredAt":"2026-11-29T10:%02d:00Z"%s}\n' \
    "$1" "$2" "$3" "$4" "$4" "${5:+,\"properties\":$5}"
}
{
  ev ItemChanged UPSERT $I1 1 '{"title":"Desk lamp","price":19.9,"tags":["home"]}'
  ev ItemChanged UPSERT $I2 1 '{"title":"Office chair","price":129,"tags":["office"]}'
  ev ItemChanged UPSERT $I3 1 '{"title":"Old stapler","price":4.5,"tags":["office"]}'
  for v in 2 3 4 5; do ev ItemChanged UPSERT $I1 $v "{\"title\":\"Desk lamp\",\"price\":$((18 - v)).5,\"tags\":[\"home\",\"sale\"]}"; done
  ev ItemChanged UPSERT $I2 2 '{"title":"Office chair (ergonomic)","price":149,"tags":["office"]}'
  ev ItemChanged DELETE $I3 2
  ev TaskChanged UPSERT $T1 1 '{"title":"Restock lamps","done":false}'
  ev TaskChanged UPSERT $T1 2 '{"title":"Restock lamps","done":true}'
  ev TaskChanged UPSERT $T2 1 '{"title":"Price review","done":false}'
} > "$DEMO/events.jsonl"
echo '{"type":"ItemChanged","op":"UPSERT","id":"not-even-json' > "$DEMO/malformed.jsonl"

say "Publishing $(wc -l < "$DEMO/events.jsonl") events (3 items, 2 tasks; repeated updates, 1 delete) and 1 malformed record"
bin/weaviate-sync publish --config "$DEMO/sync.properties" "$DEMO/events.jsonl"
# publish refuses invalid lines, so the malformed one goes through a plain Kafka producer.
java -Dlogback.configurationFile=scripts/kafka-logback.xml -cp "$(cat target/broker.classpath)" scripts/produce-raw.java "$BOOTSTRAP" item-changed 99999999-9999-4999-8999-999999999999 \
  < "$DEMO/malformed.jsonl" 2>/dev/null

say "Waiting for the worker"
count() { curl -fs "http://127.0.0.1:$HTTP/v1/objects?class=$1&limit=100" | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("objects") or []))' 2>/dev/null || echo 0; }
for _ in $(seq 1 60); do
  if [[ "$(count Item)" == 2 && "$(count Task)" == 2 ]] && grep -q "dlq=1" "$DEMO/worker.log"; then break; fi
  sleep 1
done

say "Weaviate now holds"
for c in Item Task; do
  curl -fs "http://127.0.0.1:$HTTP/v1/objects?class=$c&limit=100" | python3 -c '
import json, sys
objs = sorted(json.load(sys.stdin).get("objects") or [], key=lambda o: o["id"])
for o in objs:
    print("  %-5s %s  %s" % (o["class"], o["id"], json.dumps(o["properties"], sort_keys=True)))'
done

say "Dead-letter topic (bin/weaviate-sync dlq list)"
bin/weaviate-sync dlq list --config "$DEMO/sync.properties"

say "Worker summary"
grep "summary:" "$DEMO/worker.log" | tail -n 1 | sed 's/.*summary: /  /'
say "Stopping everything"
