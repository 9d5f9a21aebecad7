# bench-server.sh — one `osb serve` on a free loopback port for a bench, sourced by
# scripts/bench.sh and scripts/bench-soak.sh (one copy of the start-up they share).
#
# The sourcing script sets $osb (the binary) and defines die() (says why and exits). Then:
#   port_open PORT                  is a loopback port in use?
#   bench_server_start DB LOG [ENV=VALUE]...
#                                   serves DB on a free port, the server's output appended to
#                                   LOG, the environment assignments given added; sets $srv
#                                   (pid) and $port. Each wait is bounded.
#                                   (bench_serve_args, an array, if set: more `osb serve`
#                                   options, e.g. --test-clock)
#   bench_server_stop               SIGTERM, waits for it to end
# and installs an EXIT trap that kills a server still running (and INT/TERM/HUP end the
# script through it).

srv=""
port=""

bench_server_cleanup() {
  if [ -n "$srv" ]; then
    { kill -9 "$srv"; wait "$srv"; } 2>/dev/null || true
  fi
}
trap bench_server_cleanup EXIT
trap 'exit 1' INT TERM HUP

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

bench_server_start() {
  local db=$1 log=$2 try i
  shift 2
  for try in $(seq 10); do
    port=$((20000 + RANDOM % 40000))
    port_open "$port" && continue
    env "$@" "$osb" serve --db "$db" --listen "127.0.0.1:$port" \
      ${bench_serve_args[@]+"${bench_serve_args[@]}"} >>"$log" 2>&1 &
    srv=$!
    for i in $(seq 100); do
      kill -0 "$srv" 2>/dev/null || break
      port_open "$port" && return 0
      sleep 0.05
    done
    { kill -9 "$srv"; wait "$srv"; } 2>/dev/null || true
    srv=""
  done
  die "the server did not start (see $log)"
}

bench_server_stop() {
  kill -TERM "$srv"
  wait "$srv" || true
  srv=""
}
