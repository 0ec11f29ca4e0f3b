# Shared by scripts/kafka.sh and scripts/weaviate.sh (sourced, not run).

# pid_alive PID: true while PID runs. `kill -0` alone is not enough: the servers are started in the
# background of a subshell that exits, so they are reparented to PID 1, and where PID 1 does not reap
# (a minimal init in a container or VM) one that died, e.g. of SIGKILL, stays a zombie, which
# `kill -0` still reports. A restart would then say "already running" and start nothing.
pid_alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [[ -r "/proc/$1/stat" ]] || return 0
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != Z ]]
}

# stop_pid_dir DIR: stops the process whose pid is in DIR/pid (TERM, then KILL after 30 s).
stop_pid_dir() {
  local dir="$1"
  [[ -f "$dir/pid" ]] || return 0
  local pid
  pid="$(cat "$dir/pid")"
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do pid_alive "$pid" || break; sleep 0.5; done
    pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/pid"
}

# free_ports SINGLES PAIRS: prints SINGLES free loopback ports, then PAIRS pairs of consecutive ones.
free_ports() {
  python3 - "$1" "$2" <<'PY'
import socket, sys
held = []
def grab(port=0):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        s.close()
        return None
    held.append(s)
    return s.getsockname()[1]
def pair():
    while True:
        a = grab()
        if a < 65535 and grab(a + 1):
            return [a, a + 1]
ports = [grab() for _ in range(int(sys.argv[1]))]
for _ in range(int(sys.argv[2])):
    ports += pair()
print(" ".join(map(str, ports)))
for s in held: s.close()
PY
}

# build_is_current ROOT CLASSPATH_FILE SOURCES...: true when CLASSPATH_FILE was written by a build of
# this checkout (its stamp names ROOT), no SOURCES file or pom.xml is newer than that stamp, and
# every entry of the class path exists. A class path is a list of absolute paths; one copied from
# another checkout or machine names jars that may not be here, and stale classes hide new ones.
build_is_current() {
  local root="$1" cp_file="$2"; shift 2
  local stamp="$cp_file.stamp"
  [[ -s "$cp_file" && -f "$stamp" && "$(cat "$stamp")" == "$root" ]] || return 1
  [[ -z "$(find "$root/pom.xml" "$@" -newer "$stamp" -print -quit 2>/dev/null)" ]] || return 1
  local entry
  IFS=: read -r -a entries < "$cp_file"
  for entry in "${entries[@]}"; do
    [[ -e "$entry" ]] || return 1
  done
}

# stamp_build ROOT CLASSPATH_FILE: records that ROOT's build just wrote CLASSPATH_FILE.
stamp_build() {
  [[ -s "$2" ]] || { echo "the build did not write $2" >&2; return 1; }
  echo "$1" > "$2.stamp"
}
