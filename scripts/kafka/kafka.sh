#!/usr/bin/env bash
# Local single-node Apache Kafka broker (KRaft, combined broker+controller) for
# development and integration tests. Runs the real broker from Maven Central jars
# on the machine's Java (17+); no Docker, no downloads other than Maven.
#
#   bash scripts/kafka/kafka.sh fetch    # download the broker jars into .kafka/lib (cached)
#   bash scripts/kafka/kafka.sh start    # fetch if needed, format storage if needed, start, wait until up
#   bash scripts/kafka/kafka.sh stop     # SIGTERM, bounded wait, then SIGKILL
#   bash scripts/kafka/kafka.sh status   # exit 0 if running, 3 if not
#   bash scripts/kafka/kafka.sh restart
#   bash scripts/kafka/kafka.sh reset    # stop and delete the data dir (all topics); keeps the jars
#
# Environment (all optional):
#   KAFKA_VERSION          broker version from Maven Central (default below)
#   KAFKA_DIR              state dir: data/, kafka.pid, kafka.log, configs (default <project>/.kafka)
#   KAFKA_LIB_DIR          jar dir, shared by all KAFKA_DIRs (default <project>/.kafka/lib)
#   KAFKA_PORT             PLAINTEXT listener port on 127.0.0.1 (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener port on 127.0.0.1 (default 9093)
#                          (if neither is set, a KAFKA_DIR reuses the ports of its last start)
#   KAFKA_HEAP_OPTS        JVM heap flags (default "-Xms256m -Xmx512m")
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to accept connections (default 60)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL (default 30)
#   JAVA                   java binary (default: $JAVA_HOME/bin/java, else java on PATH)
#   MVN                    maven binary (default mvn)
set -euo pipefail

# Newest broker that kafkajs 2.2.4 was verified against (see docs/kafka-broker.md).
DEFAULT_KAFKA_VERSION="4.4.0"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(cd "$SCRIPT_DIR/../.." && pwd)"

KAFKA_VERSION="${KAFKA_VERSION:-$DEFAULT_KAFKA_VERSION}"
KAFKA_DIR="${KAFKA_DIR:-$PROJECT_DIR/.kafka}"
KAFKA_LIB_DIR="${KAFKA_LIB_DIR:-$PROJECT_DIR/.kafka/lib}"
PORTS_FROM_ENV=0
if [[ -n "${KAFKA_PORT:-}" || -n "${KAFKA_CONTROLLER_PORT:-}" ]]; then PORTS_FROM_ENV=1; fi
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
MVN="${MVN:-mvn}"
if [[ -z "${JAVA:-}" ]]; then
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="java"; fi
fi

HOST="127.0.0.1"
DATA_DIR="$KAFKA_DIR/data"
PID_FILE="$KAFKA_DIR/kafka.pid"
LOG_FILE="$KAFKA_DIR/kafka.log"
CONFIG_FILE="$KAFKA_DIR/server.properties"
LOG4J2_FILE="$KAFKA_DIR/log4j2.properties"
LOG4J1_FILE="$KAFKA_DIR/log4j.properties"
VERSION_MARKER="$KAFKA_LIB_DIR/.kafka-version"
MAIN_CLASS="kafka.Kafka"
STORAGE_TOOL_CLASS="kafka.tools.StorageTool"

FETCH_TMP=""
cleanup() { if [[ -n "$FETCH_TMP" ]]; then rm -rf "$FETCH_TMP"; fi; }
trap cleanup EXIT

log() { printf '[kafka.sh] %s\n' "$*"; }
die() { printf '[kafka.sh] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,/^set -euo pipefail/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

# Without KAFKA_PORT / KAFKA_CONTROLLER_PORT in the environment, a state dir keeps
# the ports it was last started with (read back from its server.properties).
adopt_configured_ports() {
  (( PORTS_FROM_ENV == 0 )) || return 0
  [[ -f "$CONFIG_FILE" ]] || return 0
  local line p c
  line="$(grep -E '^listeners=' "$CONFIG_FILE" || true)"
  p="$(sed -nE 's/.*PLAINTEXT:\/\/[^:,]+:([0-9]+).*/\1/p' <<<"$line")"
  c="$(sed -nE 's/.*CONTROLLER:\/\/[^:,]+:([0-9]+).*/\1/p' <<<"$line")"
  if [[ -n "$p" ]]; then KAFKA_PORT="$p"; fi
  if [[ -n "$c" ]]; then KAFKA_CONTROLLER_PORT="$c"; fi
}

validate_env() {
  adopt_configured_ports
  [[ "$KAFKA_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "KAFKA_VERSION must look like X.Y.Z, got '$KAFKA_VERSION'"
  is_uint "$KAFKA_PORT" || die "KAFKA_PORT must be a number, got '$KAFKA_PORT'"
  is_uint "$KAFKA_CONTROLLER_PORT" || die "KAFKA_CONTROLLER_PORT must be a number, got '$KAFKA_CONTROLLER_PORT'"
  [[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"
  is_uint "$KAFKA_START_TIMEOUT" || die "KAFKA_START_TIMEOUT must be a number of seconds"
  is_uint "$KAFKA_STOP_TIMEOUT" || die "KAFKA_STOP_TIMEOUT must be a number of seconds"
}

# Kafka 4.x logs through log4j2, 3.x through reload4j.
logging_flavour() {
  if (( ${KAFKA_VERSION%%.*} >= 4 )); then echo log4j2; else echo reload4j; fi
}

# ---------------------------------------------------------------- fetch

libs_present() {
  [[ -f "$VERSION_MARKER" && "$(cat "$VERSION_MARKER")" == "$KAFKA_VERSION" \
     && -f "$KAFKA_LIB_DIR/kafka_2.13-$KAFKA_VERSION.jar" ]]
}

cmd_fetch() {
  if libs_present; then
    log "Kafka $KAFKA_VERSION jars already in $KAFKA_LIB_DIR ($(find "$KAFKA_LIB_DIR" -maxdepth 1 -name '*.jar' | wc -l) jars), skipping download"
    return 0
  fi
  command -v "$MVN" >/dev/null 2>&1 || die "maven ('$MVN') not found on PATH"
  if [[ -d "$KAFKA_LIB_DIR" && ! -f "$VERSION_MARKER" && -n "$(ls -A "$KAFKA_LIB_DIR")" ]]; then
    die "refusing to replace $KAFKA_LIB_DIR: it is not empty and was not filled by this script (no .kafka-version)"
  fi
  local flavour tmp started
  flavour="$(logging_flavour)"
  started=$SECONDS
  mkdir -p "$(dirname "$KAFKA_LIB_DIR")"
  # Serialise concurrent fetches (e.g. two brokers started at once) on one lib dir.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$KAFKA_LIB_DIR.lock"
    flock -w 600 9 || die "timed out waiting for another fetch into $KAFKA_LIB_DIR"
    if libs_present; then
      log "Kafka $KAFKA_VERSION jars were fetched meanwhile into $KAFKA_LIB_DIR"
      return 0
    fi
  fi
  # Download into a temp dir and swap it in, so an interrupted fetch never
  # leaves a half-filled lib dir that looks complete.
  tmp="$(mktemp -d "$(dirname "$KAFKA_LIB_DIR")/.lib-fetch.XXXXXX")"
  FETCH_TMP="$tmp"
  local -a mvn_args=(-q -B -f "$SCRIPT_DIR/pom.xml"
    "-Dkafka.version=$KAFKA_VERSION" "-Dkafka.logging=$flavour"
    dependency:copy-dependencies "-DoutputDirectory=$tmp" -DincludeScope=runtime)
  log "Fetching Apache Kafka $KAFKA_VERSION (kafka_2.13 + runtime deps, $flavour logging) into $KAFKA_LIB_DIR"
  # Offline first: a rerun with a warm ~/.m2 must not need the network.
  # (Output is captured: Debian's Maven prints ANSI resets even with -q -B.)
  local out
  if ! "$MVN" -o "${mvn_args[@]}" >/dev/null 2>&1; then
    rm -rf "${tmp:?}"/*
    if ! out="$("$MVN" "${mvn_args[@]}" 2>&1)"; then
      printf '%s\n' "$out" | sed 's/\x1b\[[0-9;]*m//g' >&2
      die "maven could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION (see above)"
    fi
  fi
  [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing"
  rm -rf "$KAFKA_LIB_DIR"
  mv "$tmp" "$KAFKA_LIB_DIR"
  FETCH_TMP=""
  echo "$KAFKA_VERSION" >"$VERSION_MARKER"
  log "Fetched $(find "$KAFKA_LIB_DIR" -maxdepth 1 -name '*.jar' | wc -l) jars ($(du -sh "$KAFKA_LIB_DIR" | cut -f1)) in $((SECONDS - started))s"
}

# ---------------------------------------------------------------- process helpers

# Prints the pid if the pid file names a live Kafka JVM of ours; fails otherwise.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: the process must be a kafka.Kafka JVM on our config.
  if [[ -r "/proc/$pid/cmdline" ]]; then
    local cmdline
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
    [[ "$cmdline" == *"$MAIN_CLASS"* && "$cmdline" == *"$CONFIG_FILE"* ]] || return 1
  fi
  echo "$pid"
}

port_open() {
  # bash's /dev/tcp; the subshell keeps the fd from leaking. Bounded by `timeout`.
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    echo "----- last 40 lines of $LOG_FILE -----" >&2
    tail -n 40 "$LOG_FILE" >&2
    echo "--------------------------------------" >&2
  fi
}

# ---------------------------------------------------------------- config

write_configs() {
  mkdir -p "$DATA_DIR"
  cat >"$CONFIG_FILE" <<EOF
# Generated by scripts/kafka/kafka.sh for Kafka $KAFKA_VERSION -- edits are overwritten on start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA_DIR
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
num.network.threads=2
num.io.threads=4
log.retention.hours=168
log.segment.bytes=104857600
EOF
  cat >"$LOG4J2_FILE" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = OUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
EOF
  cat >"$LOG4J1_FILE" <<'EOF'
log4j.rootLogger=INFO, out
log4j.appender.out=org.apache.log4j.ConsoleAppender
log4j.appender.out.layout=org.apache.log4j.PatternLayout
log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
}

java_logging_opts() {
  printf '%s\n' "-Dlog4j2.configurationFile=$LOG4J2_FILE" "-Dlog4j.configuration=file:$LOG4J1_FILE"
}

format_storage_if_needed() {
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    return 0
  fi
  local cluster_id out
  local -a logopts
  mapfile -t logopts < <(java_logging_opts)
  cluster_id="$("$JAVA" -Xmx256m "${logopts[@]}" -cp "$KAFKA_LIB_DIR/*" "$STORAGE_TOOL_CLASS" random-uuid 2>/dev/null | tail -n 1)"
  [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "could not generate a cluster id with $STORAGE_TOOL_CLASS (got '$cluster_id')"
  log "Formatting KRaft storage in $DATA_DIR (cluster id $cluster_id)"
  if ! out="$("$JAVA" -Xmx256m "${logopts[@]}" -cp "$KAFKA_LIB_DIR/*" "$STORAGE_TOOL_CLASS" \
        format --config "$CONFIG_FILE" --cluster-id "$cluster_id" --ignore-formatted 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "formatting KRaft storage failed"
  fi
}

# ---------------------------------------------------------------- start / stop / status

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    log "Kafka already running (pid $pid) on PLAINTEXT://$HOST:$KAFKA_PORT"
    return 0
  fi
  command -v "$JAVA" >/dev/null 2>&1 || die "java ('$JAVA') not found; Kafka needs Java 17+"
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$p"; then
      die "port $HOST:$p is already in use by another process (not the broker of $KAFKA_DIR); stop it or set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
    fi
  done
  cmd_fetch
  mkdir -p "$KAFKA_DIR"
  rm -f "$PID_FILE"
  write_configs

  format_storage_if_needed

  if [[ -f "$LOG_FILE" ]]; then mv -f "$LOG_FILE" "$LOG_FILE.prev"; fi
  local -a logopts
  mapfile -t logopts < <(java_logging_opts)
  # shellcheck disable=SC2206
  local -a heap=($KAFKA_HEAP_OPTS)
  local started=$SECONDS
  log "Starting Kafka $KAFKA_VERSION on PLAINTEXT://$HOST:$KAFKA_PORT (controller $HOST:$KAFKA_CONTROLLER_PORT), state in $KAFKA_DIR"
  # setsid: own session, so the broker outlives this shell and ignores its SIGINT/SIGHUP.
  setsid "$JAVA" "${heap[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true -Dkafka.logs.dir="$KAFKA_DIR" "${logopts[@]}" \
    -cp "$KAFKA_LIB_DIR/*" "$MAIN_CLASS" "$CONFIG_FILE" \
    </dev/null >>"$LOG_FILE" 2>&1 &
  pid=$!
  echo "$pid" >"$PID_FILE"

  local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      log_tail
      die "Kafka exited during startup (see $LOG_FILE)"
    fi
    if port_open "$KAFKA_PORT" && grep -q 'Kafka Server started' "$LOG_FILE" 2>/dev/null; then
      log "Kafka $KAFKA_VERSION is up (pid $pid) after $((SECONDS - started))s: bootstrap server $HOST:$KAFKA_PORT"
      return 0
    fi
    sleep 0.5
  done
  log_tail
  log "Kafka did not accept connections on $HOST:$KAFKA_PORT within ${KAFKA_START_TIMEOUT}s; stopping it"
  stop_pid "$pid" || true
  rm -f "$PID_FILE"
  exit 1
}

stop_pid() {
  local pid="$1" deadline
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if (( SECONDS >= deadline )); then
      log "Kafka (pid $pid) still alive after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 1
      return 0
    fi
    sleep 0.5
  done
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    log "Kafka is not running (state dir $KAFKA_DIR)"
    rm -f "$PID_FILE"
    return 0
  fi
  local started=$SECONDS
  log "Stopping Kafka (pid $pid)"
  stop_pid "$pid"
  rm -f "$PID_FILE"
  log "Kafka stopped after $((SECONDS - started))s"
}

cmd_reset() {
  cmd_stop
  if [[ -d "$DATA_DIR" ]]; then
    rm -rf "$DATA_DIR"
    log "Deleted $DATA_DIR (topics, offsets, KRaft metadata); jars in $KAFKA_LIB_DIR kept"
  fi
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    if port_open "$KAFKA_PORT"; then
      log "Kafka running (pid $pid), accepting connections on $HOST:$KAFKA_PORT, state in $KAFKA_DIR"
    else
      log "Kafka running (pid $pid) but $HOST:$KAFKA_PORT is not accepting connections (starting or stopping?)"
    fi
    return 0
  fi
  log "Kafka is not running (state dir $KAFKA_DIR)"
  return 3
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    fetch)   validate_env; cmd_fetch ;;
    start)   validate_env; cmd_start ;;
    stop)    validate_env; cmd_stop ;;
    status)  validate_env; cmd_status ;;
    restart) validate_env; cmd_stop; cmd_start ;;
    reset)   validate_env; cmd_reset ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
