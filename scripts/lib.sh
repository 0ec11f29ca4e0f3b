# Shared by scripts/kafka.sh and scripts/weaviate.sh (sourced, not run).

# stop_pid_dir DIR: stops the process whose pid is in DIR/pid (TERM, then KILL after 30 s).
stop_pid_dir() {
  local dir="$1"
  [[ -f "$dir/pid" ]] || return 0
  local pid
  pid="$(cat "$dir/pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
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
