#!/usr/bin/env bash
# Starts and stops a single-node KRaft Kafka broker on loopback from the Maven Central
# artifact org.apache.kafka:kafka_2.13 (no Docker, no download of a Kafka distribution).
#
#   scripts/kafka.sh start DIR [--security plaintext|sasl_ssl]
#                                  format storage (first time) and start; prints nothing, writes DIR/bootstrap
#   scripts/kafka.sh stop DIR      stop it (TERM, then KILL after 30 s)
#
# --security (or LOCAL_KAFKA_SECURITY) picks the client listener when DIR is formatted; later starts
# of the same DIR keep it. plaintext (the default): one PLAINTEXT listener, no authentication, no
# ACLs. sasl_ssl: one SASL_SSL listener (SCRAM-SHA-512) with ACLs enforced (StandardAuthorizer,
# allow.everyone.if.no.acl.found=false, super.users=User:admin), made with keytool on the spot:
#   DIR/security/ca.p12, ca.crt         a throwaway CA (its key stays here)
#   DIR/security/broker.p12             the broker's key, signed by that CA, SAN localhost + 127.0.0.1
#   DIR/security/truststore.p12         the CA certificate, for clients (PKCS12)
#   DIR/security/credentials.properties every password (mode 600): truststore.password,
#                                       keystore.password, admin.password, user.<name>.password
#   DIR/security/client-<name>.properties  Kafka client settings (bootstrap.servers, security.protocol,
#                                       sasl.*, ssl.truststore.*) of admin and of each user (mode 600),
#                                       for --command-config of the Kafka tools
# SCRAM users are created at format time (kafka-storage format --add-scram): admin, the super user the
# broker itself logs in with, and LOCAL_KAFKA_SCRAM_USERS (default "worker publisher operator"), each
# with a random password. They have no ACLs: grant them (README, "Kafka ACLs"). The controller
# listener (loopback, brokers only) uses SASL PLAIN with the admin's password: KRaft controllers
# cannot verify SCRAM. Denied requests are logged to DIR/kafka.log (kafka.authorizer.logger, INFO).
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
    (cd "$ROOT" && ./mvnw -B -q -Dspotless.check.skip=true generate-resources >&2) || { log "./mvnw generate-resources failed"; exit 1; }
    stamp_build "$ROOT" "$f" >&2
  fi
  cat "$f"
}

# A random password: letters and digits only, so it needs no quoting in a JAAS line or a properties file.
random_secret() {
  local s=""
  while (( ${#s} < 24 )); do
    s+="$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  done
  echo "${s:0:24}"
}

# The security mode of DIR: the one it was formatted with, else the one asked for, else plaintext.
security_mode() {
  local dir="$1" asked="$2" have=""
  if [[ -f "$dir/logs/meta.properties" ]]; then
    if [[ -d "$dir/security" ]]; then have=sasl_ssl; else have=plaintext; fi
  fi
  case "$asked" in
    ""|plaintext|sasl_ssl) ;;
    *) log "unknown security mode '$asked' (plaintext or sasl_ssl)"; exit 2 ;;
  esac
  if [[ -n "$have" && -n "$asked" && "$have" != "$asked" ]]; then
    log "$dir was formatted for $have, not $asked; stop it and remove the directory to change"; exit 2
  fi
  echo "${have:-${asked:-plaintext}}"
}

# cred FILE KEY: one value of a properties file written by make_security.
cred() { sed -n "s/^$2=//p" "$1"; }

# make_security DIR PORT USERS...: the CA, the broker's keystore, the clients' truststore, passwords
# and client settings, under DIR/security (see the header).
make_security() {
  local dir="$1" port="$2"; shift 2
  local sec="$dir/security" kt="keytool"
  [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/keytool" ]] && kt="$JAVA_HOME/bin/keytool"
  rm -rf "$sec"; mkdir -p "$sec"; chmod 700 "$sec"
  local creds="$sec/credentials.properties"
  (umask 077; : > "$creds")
  # Passwords reach keytool through the environment (-storepass:env), never its command line.
  export LK_CA_PW LK_KS_PW LK_TS_PW
  LK_CA_PW="$(random_secret)"; LK_KS_PW="$(random_secret)"; LK_TS_PW="$(random_secret)"
  local admin_pw
  admin_pw="$(random_secret)"
  {
    echo "truststore.password=$LK_TS_PW"
    echo "keystore.password=$LK_KS_PW"
    echo "ca.password=$LK_CA_PW"
    echo "admin.password=$admin_pw"
    local u
    for u in "$@"; do echo "user.$u.password=$(random_secret)"; done
  } >> "$creds"
  local san="SAN=dns:localhost,ip:127.0.0.1"
  ktool() {
    "$kt" "$@" >>"$sec/keytool.log" 2>&1 || { log "keytool $1 failed:"; cat "$sec/keytool.log" >&2; exit 1; }
  }
  ktool -genkeypair -alias ca -keyalg RSA -keysize 2048 -validity 365 \
    -dname "CN=weaviate-sync local test CA" -ext bc:c -ext KU:c=keyCertSign,cRLSign \
    -storetype PKCS12 -keystore "$sec/ca.p12" -storepass:env LK_CA_PW
  ktool -exportcert -rfc -alias ca -keystore "$sec/ca.p12" -storepass:env LK_CA_PW -file "$sec/ca.crt"
  ktool -genkeypair -alias broker -keyalg RSA -keysize 2048 -validity 365 -dname "CN=localhost" \
    -ext "$san" -storetype PKCS12 -keystore "$sec/broker.p12" -storepass:env LK_KS_PW
  ktool -certreq -alias broker -keystore "$sec/broker.p12" -storepass:env LK_KS_PW \
    -file "$sec/broker.csr"
  ktool -gencert -rfc -alias ca -keystore "$sec/ca.p12" -storepass:env LK_CA_PW -validity 365 \
    -infile "$sec/broker.csr" -outfile "$sec/broker.crt" -ext "$san" \
    -ext KU=digitalSignature,keyEncipherment -ext EKU=serverAuth,clientAuth
  # The broker's keystore holds its key with the chain CA -> broker (the CA first, so that keytool
  # accepts the signed certificate as the reply to the request).
  ktool -importcert -noprompt -alias ca -file "$sec/ca.crt" -keystore "$sec/broker.p12" \
    -storepass:env LK_KS_PW
  ktool -importcert -noprompt -alias broker -file "$sec/broker.crt" -keystore "$sec/broker.p12" \
    -storepass:env LK_KS_PW
  ktool -importcert -noprompt -alias ca -file "$sec/ca.crt" -storetype PKCS12 \
    -keystore "$sec/truststore.p12" -storepass:env LK_TS_PW
  rm -f "$sec/broker.csr"
  local name
  for name in admin "$@"; do
    local pw
    if [[ "$name" == admin ]]; then pw="$admin_pw"; else pw="$(cred "$creds" "user.$name.password")"; fi
    (umask 077; cat > "$sec/client-$name.properties" <<PROPS
bootstrap.servers=127.0.0.1:$port
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$name" password="$pw";
ssl.truststore.location=$sec/truststore.p12
ssl.truststore.password=$LK_TS_PW
ssl.truststore.type=PKCS12
PROPS
    )
  done
}

start() {
  local dir="$1" asked="${2:-${LOCAL_KAFKA_SECURITY:-}}"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  local mode
  mode="$(security_mode "$dir" "$asked")"
  if [[ -f "$dir/pid" ]] && pid_alive "$(cat "$dir/pid")"; then
    log "already running (pid $(cat "$dir/pid"))"; return
  fi
  [[ -f "$dir/ports" ]] || free_ports 2 0 > "$dir/ports"
  local port cport
  read -r port cport < "$dir/ports"
  local cp
  cp="$(classpath)"
  local users=() u
  read -r -a users <<< "${LOCAL_KAFKA_SCRAM_USERS:-worker publisher operator}"
  for u in "${users[@]}"; do
    [[ "$u" =~ ^[A-Za-z0-9._-]+$ && "$u" != admin ]] \
      || { log "LOCAL_KAFKA_SCRAM_USERS: '$u' is not a user name of letters, digits, . _ - (nor admin)"; exit 2; }
  done
  local format_args=()
  if [[ "$mode" == sasl_ssl ]]; then
    [[ -f "$dir/logs/meta.properties" ]] || make_security "$dir" "$port" "${users[@]}"
  fi
  (umask 077; : > "$dir/server.properties")
  if [[ "$mode" == sasl_ssl ]]; then
    local sec="$dir/security" creds="$dir/security/credentials.properties"
    local admin_pw
    admin_pw="$(cred "$creds" admin.password)"
    # The SCRAM users of the bootstrap metadata: the broker's own (admin) and every user in
    # credentials.properties.
    format_args+=(--add-scram "SCRAM-SHA-512=[name=admin,password=$admin_pw]")
    local line
    while IFS= read -r line; do
      [[ "$line" =~ ^user\.(.+)\.password=(.*)$ ]] || continue
      format_args+=(--add-scram "SCRAM-SHA-512=[name=${BASH_REMATCH[1]},password=${BASH_REMATCH[2]}]")
    done < "$creds"
    # The passwords stay in credentials.properties: the broker reads them through Kafka's
    # FileConfigProvider, so server.properties (and a broker log that printed it) holds none.
    local c="\${file:$creds"
    cat >> "$dir/server.properties" <<PROPS
config.providers=file
config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
listeners=SASL_SSL://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=SASL_SSL://127.0.0.1:$port
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_SSL
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$c:admin.password}";
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$c:admin.password}" user_admin="$c:admin.password}";
ssl.keystore.type=PKCS12
ssl.keystore.location=$sec/broker.p12
ssl.keystore.password=$c:keystore.password}
ssl.truststore.type=PKCS12
ssl.truststore.location=$sec/truststore.p12
ssl.truststore.password=$c:truststore.password}
ssl.client.auth=none
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin
PROPS
  else
    cat >> "$dir/server.properties" <<PROPS
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
PROPS
  fi
  cat >> "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
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
      -c "$dir/server.properties" "${format_args[@]}" --standalone >"$dir/format.log" 2>&1 \
      || java -cp "$cp" "${java_opts[@]}" kafka.tools.StorageTool format -t "$id" \
           -c "$dir/server.properties" "${format_args[@]}" >"$dir/format.log" 2>&1 \
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
  log "ready: 127.0.0.1:$port, $mode (pid $(cat "$dir/pid"))"
}

stop() {
  stop_pid_dir "$1"
}

usage() { echo "usage: $0 start DIR [--security plaintext|sasl_ssl] | stop DIR" >&2; exit 2; }

case "${1:-}" in
  start)
    [[ -n "${2:-}" ]] || usage
    case "${3:-}" in
      "") start "$2" ;;
      --security) [[ -n "${4:-}" && -z "${5:-}" ]] || usage; start "$2" "$4" ;;
      --security=*) [[ -z "${4:-}" ]] || usage; start "$2" "${3#--security=}" ;;
      *) usage ;;
    esac ;;
  stop) stop "${2:?usage: kafka.sh stop DIR}" ;;
  *) usage ;;
esac
