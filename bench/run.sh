#!/usr/bin/env bash
# Switchboard's load runs in one command: installs wrk if missing, builds the server and the
# bench tools (release), then runs bench/bench.py with the same arguments, e.g.
#   bash bench/run.sh --contacts 10000 --backend sqlite
#   bash bench/run.sh --contacts 10000,1000000 --backend both
# See bench/README.md. Only loopback addresses are ever targeted.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v wrk >/dev/null 2>&1; then
    echo "[bench] installing wrk (Debian package)"
    as_root apt-get update -qq
    as_root apt-get install -y -qq wrk
fi
command -v python3 >/dev/null 2>&1 || { echo "[bench] python3 (3.11+) is required" >&2; exit 1; }

case " $* " in
    *" postgres "* | *" both "* | *"=postgres "* | *"=both "*)
        if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
            echo "[bench] starting PostgreSQL"
            as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
        fi
        ;;
esac

echo "[bench] building switchboard (release)"
cargo build --release --locked --bin switchboard
echo "[bench] building the reference server and the loader (release)"
cargo build --release --locked --manifest-path bench/Cargo.toml

exec python3 bench/bench.py "$@"
