#!/usr/bin/env bash
# Builds, starts and stops a real Weaviate server on loopback, without Docker.
#
#   scripts/weaviate.sh install        build weaviate-server once (cached) and print its path
#   scripts/weaviate.sh start DIR      start it with data, ports, pid and log under DIR;
#                                      a second start with the same DIR reuses the same ports and data
#   scripts/weaviate.sh stop DIR       stop it (TERM, then KILL after 30 s)
#   scripts/weaviate.sh env DIR        print WEAVIATE_HTTP_PORT=... / WEAVIATE_GRPC_PORT=...
#
# WEAVIATE_VERSION (default below) pins the server; WEAVIATE_SERVER_CACHE (default
# ~/.cache/weaviate-sync) holds the binary. The Go module and build caches are Go's own.
# WEAVIATE_API_KEYS=key1,key2 (with WEAVIATE_API_USERS=user1,user2) starts it with API-key
# authentication and no anonymous access; WEAVIATE_MODULES=text2vec-openai,... enables modules
# (compiled into the binary; a provider endpoint is set per collection, e.g. on 127.0.0.1).
# WEAVIATE_RBAC_ROOT_USERS=user1 (needs WEAVIATE_API_KEYS, one of whose users it names) turns on
# role-based authorization (AUTHORIZATION_RBAC_ENABLED) with those users as root, and database
# users (AUTHENTICATION_DB_USERS_ENABLED): a root user then creates roles, users and their API keys
# through the REST API (/v1/authz/roles, /v1/users/db/{id}). Roles and users live in DIR/data, so a
# restart on the same DIR keeps them.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

WEAVIATE_VERSION="${WEAVIATE_VERSION:-v1.38.11}"
CACHE="${WEAVIATE_SERVER_CACHE:-$HOME/.cache/weaviate-sync}"
BIN_DIR="$CACHE/weaviate/$WEAVIATE_VERSION"
BIN="$BIN_DIR/weaviate-server"

log() { echo "[weaviate.sh] $*" >&2; }

install() {
  if [[ -x "$BIN" ]]; then
    echo "$BIN"
    return
  fi
  command -v go >/dev/null || { log "go is not installed; it is needed to build weaviate-server"; exit 1; }
  log "building weaviate-server $WEAVIATE_VERSION into $BIN_DIR (first time only; takes several minutes)"
  mkdir -p "$BIN_DIR"
  local tmp
  tmp="$(mktemp -d "$BIN_DIR/.build.XXXXXX")"
  CGO_ENABLED=0 GOBIN="$tmp" GOFLAGS=-mod=mod \
    go install "github.com/weaviate/weaviate/cmd/weaviate-server@$WEAVIATE_VERSION" >&2
  mv "$tmp/weaviate-server" "$BIN"
  rmdir "$tmp"
  echo "$BIN"
}


start() {
  local dir="$1"
  mkdir -p "$dir/data"
  dir="$(cd "$dir" && pwd)"
  local bin
  bin="$(install)"
  if [[ -f "$dir/pid" ]] && pid_alive "$(cat "$dir/pid")"; then
    log "already running (pid $(cat "$dir/pid"))"
    return
  fi
  if [[ ! -f "$dir/ports" ]]; then
    free_ports 2 2 > "$dir/ports"
  fi
  if [[ -n "${WEAVIATE_RBAC_ROOT_USERS:-}" && -z "${WEAVIATE_API_KEYS:-}" ]]; then
    log "WEAVIATE_RBAC_ROOT_USERS needs WEAVIATE_API_KEYS (and WEAVIATE_API_USERS): a root user must be able to log in"
    exit 2
  fi
  local http grpc gossip data raft raftrpc
  read -r http grpc gossip data raft raftrpc < "$dir/ports"
  (
    cd "$dir"
    if [[ -n "${WEAVIATE_API_KEYS:-}" ]]; then
      export AUTHENTICATION_APIKEY_ENABLED=true AUTHENTICATION_APIKEY_ALLOWED_KEYS="$WEAVIATE_API_KEYS" \
        AUTHENTICATION_APIKEY_USERS="${WEAVIATE_API_USERS:-$WEAVIATE_API_KEYS}" \
        AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=false
    else
      export AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED="${AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED:-true}"
    fi
    if [[ -n "${WEAVIATE_RBAC_ROOT_USERS:-}" ]]; then
      export AUTHORIZATION_RBAC_ENABLED=true AUTHORIZATION_RBAC_ROOT_USERS="$WEAVIATE_RBAC_ROOT_USERS" \
        AUTHENTICATION_DB_USERS_ENABLED=true
    fi
    export PERSISTENCE_DATA_PATH="$dir/data" \
      DEFAULT_VECTORIZER_MODULE=none ENABLE_MODULES="${WEAVIATE_MODULES:-}" \
      AUTOSCHEMA_ENABLED="${AUTOSCHEMA_ENABLED:-false}" \
      CLUSTER_HOSTNAME=node1 CLUSTER_IN_LOCALHOST=true \
      CLUSTER_BIND_ADDR=127.0.0.1 CLUSTER_ADVERTISE_ADDR=127.0.0.1 \
      CLUSTER_GOSSIP_BIND_PORT="$gossip" CLUSTER_DATA_BIND_PORT="$data" \
      RAFT_PORT="$raft" RAFT_INTERNAL_RPC_PORT="$raftrpc" RAFT_BOOTSTRAP_EXPECT=1 \
      GRPC_PORT="$grpc" DISABLE_TELEMETRY=true GO_PROFILING_DISABLE=true \
      PROMETHEUS_MONITORING_ENABLED=false LOG_LEVEL="${WEAVIATE_LOG_LEVEL:-warning}" \
      QUERY_DEFAULTS_LIMIT=25 GOMAXPROCS="${WEAVIATE_GOMAXPROCS:-2}"
    nohup "$bin" --host 127.0.0.1 --port "$http" --scheme http >>"$dir/weaviate.log" 2>&1 &
    echo $! > "$dir/pid"
  )
  local deadline=$((SECONDS + ${WEAVIATE_START_TIMEOUT:-180}))
  until curl -fs -o /dev/null "http://127.0.0.1:$http/v1/.well-known/ready"; do
    if ! pid_alive "$(cat "$dir/pid")"; then
      log "weaviate-server exited during start-up; last lines of $dir/weaviate.log:"
      tail -n 30 "$dir/weaviate.log" >&2
      exit 1
    fi
    if (( SECONDS > deadline )); then
      log "weaviate-server not ready after ${WEAVIATE_START_TIMEOUT:-180}s; see $dir/weaviate.log"
      stop "$dir"
      exit 1
    fi
    sleep 0.5
  done
  log "ready: http 127.0.0.1:$http, grpc 127.0.0.1:$grpc (pid $(cat "$dir/pid"))"
}

stop() {
  stop_pid_dir "$1"
}

print_env() {
  local http grpc rest
  read -r http grpc rest < "$1/ports"
  echo "WEAVIATE_HTTP_PORT=$http"
  echo "WEAVIATE_GRPC_PORT=$grpc"
}

case "${1:-}" in
  install) install ;;
  start) start "${2:?usage: weaviate.sh start DIR}" ;;
  stop) stop "${2:?usage: weaviate.sh stop DIR}" ;;
  env) print_env "${2:?usage: weaviate.sh env DIR}" ;;
  *) echo "usage: $0 install | start DIR | stop DIR | env DIR" >&2; exit 2 ;;
esac
