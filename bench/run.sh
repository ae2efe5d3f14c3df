#!/usr/bin/env bash
# The benchmark table in one command: the machine's limits (iperf3, fio), a fresh Samsa broker, every row of
# bench/README.md against it with the broker's CPU and RSS sampled from /proc, then the replicated rows against a
# fresh two-broker cluster (idle until then), and the table printed and written to bench/results/<utc time>.md
# (+ .json). About 15 minutes; --quick runs shorter windows, a smoke run.
#   bench/run.sh [--quick] [--no-mock] [--no-limits]
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v iperf3 >/dev/null || missing+=(iperf3)
command -v fio >/dev/null || missing+=(fio)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { $sudo_cmd apt-get update -qq && $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }
fi

dotnet build -c Release -v quiet --nologo src/Samsa/Samsa.csproj >/dev/null
dotnet build -c Release -v quiet --nologo bench/Samsa.LoadGen/Samsa.LoadGen.csproj >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/samsa-bench.XXXXXX")
broker_pid=""
node1_pid=""
node2_pid=""
cleanup() {
  for pid in "$broker_pid" "$node1_pid" "$node2_pid"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

# A fresh broker on a port the OS picks, with no HTTP listener; its log says where it serves.
dotnet src/Samsa/bin/Release/net10.0/samsa.dll broker --node.id=1 \
  --listeners=PLAINTEXT://127.0.0.1:0 --http.listeners=http://127.0.0.1:0 --log.dirs="$work/data" >"$work/broker.log" 2>&1 &
broker_pid=$!

# The address a node's log says it serves Kafka clients at, once it does (30 s at most).
serving_at() {
  local pid=$1 logfile=$2 at=""
  for _ in $(seq 1 300); do
    at=$(grep -so 'serving Kafka clients at [0-9.]*:[0-9]*' "$logfile" | awk '{print $5}' || true)
    [ -n "$at" ] && { echo "$at"; return; }
    kill -0 "$pid" 2>/dev/null || { cat "$logfile" >&2; exit 1; }
    sleep 0.1
  done
  echo "the node logging to $logfile did not start in 30 s" >&2
  cat "$logfile" >&2
  exit 1
}
bootstrap=$(serving_at "$broker_pid" "$work/broker.log")
echo "broker $broker_pid at $bootstrap, logs in $work/data"

# The replicated rows' cluster: node 1 is broker and controller, node 2 only a broker (the failover row SIGKILLs it).
# The controller's voter address needs a fixed port, so each port is one the OS picked free a moment ago. Both run with
# Kafka's default session settings (broker.session.timeout.ms 9000, heartbeats every 2000 ms). They idle until the
# single broker's rows are done; the suite waits for both to be in Metadata before it creates a topic.
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
controller="127.0.0.1:$(free_port)"
cluster_flags=(--controller.listener.names=CONTROLLER --controller.quorum.voters="1@$controller"
  --http.listeners=http://127.0.0.1:0)
dotnet src/Samsa/bin/Release/net10.0/samsa.dll broker --node.id=1 --process.roles=broker,controller \
  --listeners="PLAINTEXT://127.0.0.1:$(free_port),CONTROLLER://$controller" "${cluster_flags[@]}" \
  --log.dirs="$work/c1" >"$work/node1.log" 2>&1 &
node1_pid=$!
cluster_bootstrap=$(serving_at "$node1_pid" "$work/node1.log")
dotnet src/Samsa/bin/Release/net10.0/samsa.dll broker --node.id=2 --process.roles=broker \
  --listeners="PLAINTEXT://127.0.0.1:$(free_port)" "${cluster_flags[@]}" \
  --log.dirs="$work/c2" >"$work/node2.log" 2>&1 &
node2_pid=$!
node2_at=$(serving_at "$node2_pid" "$work/node2.log")
echo "cluster: node 1 ($node1_pid) at $cluster_bootstrap, controller $controller; node 2 ($node2_pid) at $node2_at"

# The load generator runs at nice 10: when it and the broker both want a core, the broker gets it, as it would with
# the clients on machines of their own (the OpenMessaging Benchmark's setup). Otherwise a client's own busy work, such
# as librdkafka's idempotent producer waking hundreds of times per request while it waits for an answer, is charged
# to the broker's row. The generator still gets every cycle the broker leaves.
nice -n 10 dotnet bench/Samsa.LoadGen/bin/Release/net10.0/samsa-loadgen.dll suite --bootstrap "$bootstrap" \
  --broker-pid "$broker_pid" --cluster-bootstrap "$cluster_bootstrap" --kill-pid "$node2_pid" \
  --data-dir "$work" --results bench/results "$@"
