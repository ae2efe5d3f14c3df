#!/usr/bin/env bash
# The benchmark table in one command: the machine's limits (iperf3, fio), a fresh Samsa broker, every row of
# bench/README.md against it with the broker's CPU and RSS sampled from /proc, and the table printed and written to
# bench/results/<utc time>.md (+ .json). About 13 minutes; --quick runs shorter windows, a smoke run.
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
cleanup() {
  if [ -n "$broker_pid" ] && kill -0 "$broker_pid" 2>/dev/null; then
    kill "$broker_pid"
    wait "$broker_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A fresh broker on a port the OS picks, with no HTTP listener; its log says where it serves.
dotnet src/Samsa/bin/Release/net10.0/samsa.dll broker --node.id=1 \
  --listeners=PLAINTEXT://127.0.0.1:0 --http.listeners=http://127.0.0.1:0 --log.dirs="$work/data" >"$work/broker.log" 2>&1 &
broker_pid=$!
bootstrap=""
for _ in $(seq 1 300); do
  bootstrap=$(grep -o 'serving Kafka clients at [0-9.]*:[0-9]*' "$work/broker.log" | awk '{print $5}' || true)
  [ -n "$bootstrap" ] && break
  kill -0 "$broker_pid" 2>/dev/null || { cat "$work/broker.log"; exit 1; }
  sleep 0.1
done
[ -n "$bootstrap" ] || { echo "the broker did not start in 30 s"; cat "$work/broker.log"; exit 1; }
echo "broker $broker_pid at $bootstrap, logs in $work/data"

# The load generator runs at nice 10: when it and the broker both want a core, the broker gets it, as it would with
# the clients on machines of their own (the OpenMessaging Benchmark's setup). Otherwise a client's own busy work, such
# as librdkafka's idempotent producer waking hundreds of times per request while it waits for an answer, is charged
# to the broker's row. The generator still gets every cycle the broker leaves.
nice -n 10 dotnet bench/Samsa.LoadGen/bin/Release/net10.0/samsa-loadgen.dll suite --bootstrap "$bootstrap" \
  --broker-pid "$broker_pid" --data-dir "$work" --results bench/results "$@"
