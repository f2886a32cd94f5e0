#!/usr/bin/env bash
# Creates with one webhook subscription (server a) and without (server b), side by side: two
# release servers on fresh databases, wrk against each in turn for four rounds, each round's
# creates/s and the server's CPU per create (/proc/PID/stat), then a's CPU once its queued
# deliveries are sent. Needs wrk and a release build (bash bench/run.sh builds both).
#   bash bench/side-by-side/webhook_creates.sh sqlite|postgres
set -e
B="$(cd "$(dirname "$0")/../.." && pwd)/target/release/switchboard"
WORK=$(mktemp -d)
cp "$(dirname "$0")"/create.lua "$(dirname "$0")"/receiver.py "$WORK"/
cd "$WORK"
trap 'rm -rf "$WORK"' EXIT
BACKEND=${1:-sqlite}
python3 receiver.py 8311 & RECV=$!
start() { # name port url
  $B workspace create --database-url $3 --name $1 --admin-email a@x.io --admin-name A 2>/dev/null > ws-$1.json
  $B serve --listen 127.0.0.1:$2 --database-url $3 > srv-$1.log 2>&1 & echo $! > pid-$1
}
if [ "$BACKEND" = sqlite ]; then UA=sqlite://$PWD/a.db; UB=sqlite://$PWD/b.db; rm -f a.db* b.db*;
else for d in wha whb; do psql -h 127.0.0.1 -U postgres -qc "drop database if exists $d" -c "create database $d" >/dev/null 2>&1; done; UA=postgres://postgres@127.0.0.1/wha; UB=postgres://postgres@127.0.0.1/whb; fi
start a 8301 $UA; start b 8302 $UB; sleep 2
TA=$(python3 -c 'import json;print(json.load(open("ws-a.json"))["access_token"])'); TB=$(python3 -c 'import json;print(json.load(open("ws-b.json"))["access_token"])')
curl -s -o /dev/null -w "subscription %{http_code}\n" -H "Authorization: Bearer $TA" -H 'Content-Type: application/json' -d '{"url":"http://127.0.0.1:8311/hook","topics":["contact.user.created"]}' http://127.0.0.1:8301/_switchboard/webhooks
cpu() { awk '{print $14+$15}' /proc/$(cat pid-$1)/stat; }
for round in 1 2 3 4; do
  for s in a b; do
    port=$([ $s = a ] && echo 8301 || echo 8302); tok=$([ $s = a ] && echo $TA || echo $TB)
    c0=$(cpu $s); out=$(TOKEN=$tok wrk -t2 -c16 -d5s -s create.lua http://127.0.0.1:$port 2>&1); c1=$(cpu $s)
    reqs=$(echo "$out" | grep REQS | awk '{print $2}'); rps=$(echo "$out" | grep Requests/sec | awk '{print $2}')
    echo "round $round $s reqs $reqs rps $rps cpu_ticks $((c1-c0)) us_per_req $(( (c1-c0)*10000 / reqs ))"
  done
done
# The deliveries the writes queued: until A's process stops using CPU.
prev=-1; while [ "$(cpu a)" != "$prev" ]; do prev=$(cpu a); sleep 3; done
for s in a b; do echo "total $s cpu_ticks $(cpu $s)"; done
kill $(cat pid-a) $(cat pid-b) $RECV
sleep 1
if [ "$BACKEND" != sqlite ]; then for d in wha whb; do psql -h 127.0.0.1 -U postgres -qc "drop database if exists $d" >/dev/null 2>&1; done; fi
