#!/usr/bin/env bash
# One wrk run (32 connections) against a running server, with the CPU it took per request:
# the server's (/proc/PID/stat) and PostgreSQL's backends' together. Run it against two servers
# on the same database in turn (a before and an after binary), several rounds.
#   bash bench/side-by-side/cpu_per_request.sh PID URL TOKEN [JSON_BODY]   (DUR=seconds, default 8)
# prints: req/s, server ms of CPU per request, PostgreSQL ms of CPU per request, p99
set -e
PID=$1; URL=$2; TOKEN=$3; BODY=$4
tick=$(getconf CLK_TCK)
pg_cpu() { for p in $(pgrep -u postgres postgres); do awk '{print $14+$15}' /proc/$p/stat 2>/dev/null; done | awk '{s+=$1} END {print s+0}'; }
server_cpu() { awk '{print $14+$15}' /proc/$PID/stat; }
out=$(mktemp); script=$(mktemp --suffix .lua); trap 'rm -f "$out" "$script"' EXIT
s0=$(server_cpu); p0=$(pg_cpu)
if [ -n "$BODY" ]; then
  printf 'wrk.method="POST"\nwrk.body=[[%s]]\nwrk.headers["Content-Type"]="application/json"\n' "$BODY" > "$script"
  wrk --latency -t2 -c32 -d"${DUR:-8}"s -s "$script" -H "Authorization: Bearer $TOKEN" "$URL" > "$out"
else
  wrk --latency -t2 -c32 -d"${DUR:-8}"s -H "Authorization: Bearer $TOKEN" "$URL" > "$out"
fi
s1=$(server_cpu); p1=$(pg_cpu)
n=$(grep -o "[0-9]* requests in" "$out" | awk '{print $1}')
echo "req/s $(grep Requests/sec "$out" | awk '{print $2}')" \
  "server $(echo "scale=3; ($s1-$s0)*1000/$tick/$n" | bc) ms/req" \
  "postgres $(echo "scale=3; ($p1-$p0)*1000/$tick/$n" | bc) ms/req" \
  "p99 $(grep ' 99%' "$out" | awk '{print $2}') $(grep -o 'Non-2xx.*' "$out" || true)"
