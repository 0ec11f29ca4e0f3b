#!/usr/bin/env bash
# verify and resync --dry-run over N objects (default 1,000,000): run time and peak RSS (issue 10).
# A benchmark, not a test: it starts its own Kafka and Weaviate on loopback, has the worker write N
# objects of 8 properties, then measures `weaviate-sync verify --full --rate 0` with GNU time.
#   bash bench/verify-scale.sh [N]
set -euo pipefail
N="${1:-1000000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
DIR="$ROOT/target/verify-scale"
OUT="$ROOT/bench/results"
say() { printf '[verify-scale] %s\n' "$*" >&2; }

cleanup() {
  set +e
  if [[ -n "${WORKER_PID:-}" ]] && kill -0 "$WORKER_PID" 2>/dev/null; then
    kill -TERM "$WORKER_PID"; wait "$WORKER_PID"
  fi
  scripts/weaviate.sh stop "$DIR/weaviate" >/dev/null 2>&1
  scripts/kafka.sh stop "$DIR/kafka" >/dev/null 2>&1
}
trap cleanup EXIT

bin/weaviate-sync --version >/dev/null
rm -rf "$DIR"; mkdir -p "$DIR" "$OUT"
scripts/kafka.sh start "$DIR/kafka" >&2
scripts/weaviate.sh start "$DIR/weaviate" >&2
read -r HTTP GRPC _ < "$DIR/weaviate/ports"
BOOTSTRAP="$(cat "$DIR/kafka/bootstrap")"
cat > "$DIR/sync.properties" <<PROPS
kafka.bootstrap.servers=$BOOTSTRAP
kafka.application.id=verify-scale
kafka.state.dir=$DIR/state
weaviate.http.port=$HTTP
weaviate.grpc.port=$GRPC
types=ItemChanged
topics.create=true
topics.partitions=4
type.ItemChanged.properties=title:text,description:text,price:number,stock:int,tags:text[],active:boolean,updated:date,rating:number
flush.max.records=1000
admin.port=-1
PROPS

say "generating $N events"
python3 - "$N" > "$DIR/events.jsonl" <<'PY'
import sys, uuid, random
n = int(sys.argv[1]); r = random.Random(1)
for i in range(n):
    i_d = str(uuid.UUID(int=r.getrandbits(128), version=4))
    print('{"type":"ItemChanged","op":"UPSERT","id":"%s","version":1,"occurredAt":"2026-12-01T10:00:00Z",'
          '"properties":{"title":"item %d","description":"a fairly ordinary description of item %d",'
          '"price":%.2f,"stock":%d,"tags":["a","b%d"],"active":%s,"updated":"2026-12-01T10:00:00Z",'
          '"rating":%.1f}}' % (i_d, i, i, r.random()*100, i % 500, i % 7, "true" if i % 2 else "false", r.random()*5))
PY
say "starting the worker, publishing"
bin/weaviate-sync run --config "$DIR/sync.properties" > "$DIR/worker.log" 2>&1 &
WORKER_PID=$!
for _ in $(seq 120); do
  grep -q -- "-> RUNNING" "$DIR/worker.log" && break
  kill -0 "$WORKER_PID" 2>/dev/null || { tail -5 "$DIR/worker.log" >&2; exit 1; }
  sleep 1
done
t0=$(date +%s)
bin/weaviate-sync publish --config "$DIR/sync.properties" "$DIR/events.jsonl" | tail -1 >&2
count() {
  curl -s "http://127.0.0.1:$HTTP/v1/graphql" -H 'content-type: application/json' \
    -d '{"query":"{Aggregate{Item{meta{count}}}}"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["Aggregate"]["Item"][0]["meta"]["count"])' 2>/dev/null || echo 0
}
while [[ "$(count)" -lt "$N" ]]; do sleep 10; say "$(count) of $N objects written"; done
say "the worker wrote $N objects in $(( $(date +%s) - t0 )) s; letting it commit"
sleep 10

measure() {  # label, args...
  local label="$1"; shift
  /usr/bin/time -v bin/weaviate-sync "$@" --config "$DIR/sync.properties" \
    > "$DIR/$label.out" 2> "$DIR/$label.err" || true
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$DIR/$label.err" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$DIR/$label.err" | awk '{print $NF}')
  printf '| `weaviate-sync %s` | %s | %d MB | %s |\n' "$*" "$wall" $(( rss / 1024 )) \
    "$(grep -m1 -E 'checked|differences' "$DIR/$label.out" | tr -d '|' | cut -c1-120)"
}
{
  echo "# verify over $N objects ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "Weaviate 1.38.11 and Kafka on loopback, one type, 8 properties per object, no vectors."
  echo "Wall time and peak RSS from GNU time (the whole JVM, default heap settings)."
  echo
  echo '| command | wall time | peak RSS | result |'
  echo '|---|---|---|---|'
  measure verify-full verify --full --rate 0
  measure verify-sample verify --sample 1000 --rate 0
  measure resync-dry resync --dry-run --rate 0
} | tee "$OUT/verify-scale-$N.md"
