#!/usr/bin/env bash
# Runs Intercom's official SDKs, unchanged but for their base URL, against Switchboard:
#   python-intercom 5.0.1 (pytest, tests/sdk/python/test_*.py)
#   intercom-client 7.0.3 (node --test, tests/sdk/node/*.test.mjs)
#   the MCP Python client, mcp 2.3.0 (pytest, tests/sdk/mcp/test_*.py), against /mcp
#   the recipes of docs/testing.md (tests/sdk/recipes/: pytest and Vitest), which start their own
#   `switchboard serve --ephemeral` and so run once, not per backend
# once per storage backend (SQLite in a temp file, and a fresh PostgreSQL database). The Python
# SDK sends no Intercom-Version: its suite runs twice, on a workspace with the default version
# (2.11) and on one whose default is 2.16 (SWITCHBOARD_SDK_PYTHON_VERSIONS). The Node SDK sends
# its own 2.14.
#
# Usage: bash tests/sdk/run.sh
# Environment knobs (all optional):
#   SWITCHBOARD_SDK_BACKENDS   backends to run, default "sqlite postgres"
#   SWITCHBOARD_SDK_SUITES     suites to run, default "python node mcp recipes"
#   SWITCHBOARD_SDK_PYTHON_VERSIONS  workspace defaults the Python suite runs at, default
#                              "default 2.16" ("default": a workspace created without --api-version)
#   SWITCHBOARD_SDK_SKIP_BUILD=1  use $SWITCHBOARD_BIN (or target/debug/switchboard) as is
#   SWITCHBOARD_SDK_PG_HOST / _PG_PORT / _PG_USER   default 127.0.0.1 / 5432 / postgres
#   PYTEST_ADDOPTS             extra pytest arguments, e.g. "-k away -x"
set -euo pipefail

SDK_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SDK_DIR/../.." && pwd)"
VENV="$SDK_DIR/.venv"
MCP_VENV="$SDK_DIR/.venv-mcp"
PYTHON_BIN="${PYTHON:-python3}"
BACKENDS="${SWITCHBOARD_SDK_BACKENDS:-sqlite postgres}"
SUITES="${SWITCHBOARD_SDK_SUITES:-python node mcp recipes}"
# The suites that run against each backend's server (the recipes start their own).
BACKEND_SUITES="$(echo " $SUITES " | sed 's/ recipes / /g' | xargs)"
PYTHON_VERSIONS="${SWITCHBOARD_SDK_PYTHON_VERSIONS:-default 2.16}"
PG_HOST="${SWITCHBOARD_SDK_PG_HOST:-127.0.0.1}"
PG_PORT="${SWITCHBOARD_SDK_PG_PORT:-5432}"
PG_USER="${SWITCHBOARD_SDK_PG_USER:-postgres}"
PY_SDK_VERSION="5.0.1"
MCP_SDK_VERSION="2.3.0"
NODE_SDK_VERSION="7.0.3"

# The SDKs fall back to INTERCOM_API_KEY when given no token; never let a real one leak in.
unset INTERCOM_API_KEY || true

section() { printf '\n==================== %s ====================\n' "$*"; }
note() { printf '[sdk] %s\n' "$*"; }

RESULTS=()
FAILED=0
record() { # record BACKEND SUITE STATUS
    RESULTS+=("$(printf '%-10s %-8s %s' "$1" "$2" "$3")")
    if [ "$3" != "PASS" ]; then FAILED=1; fi
}

# ---- state cleaned up by the trap ---------------------------------------------------
SERVER_PID=""
WORK_DIR=""
PG_DB=""

stop_server() {
    if [ -n "$SERVER_PID" ]; then
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            kill -TERM "$SERVER_PID" 2>/dev/null || true
            for _ in $(seq 1 50); do
                kill -0 "$SERVER_PID" 2>/dev/null || break
                sleep 0.2
            done
            if kill -0 "$SERVER_PID" 2>/dev/null; then
                note "server $SERVER_PID ignored SIGTERM; killing it"
                kill -KILL "$SERVER_PID" 2>/dev/null || true
            fi
        fi
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}

drop_database() {
    if [ -n "$PG_DB" ]; then
        dropdb --if-exists --force -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" \
            || note "could not drop database $PG_DB"
        PG_DB=""
    fi
}

cleanup() { # stops the server, drops the PostgreSQL database, removes the temp dir
    stop_server
    drop_database
    if [ -n "$WORK_DIR" ]; then
        rm -rf "$WORK_DIR"
        WORK_DIR=""
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- install the SDKs ----------------------------------------------------------------
section "Install python-intercom $PY_SDK_VERSION (tests/sdk/.venv)"
if ! "$VENV/bin/python" -c '' 2>/dev/null; then
    rm -rf "$VENV"
    "$PYTHON_BIN" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$SDK_DIR/python/requirements.txt"
installed="$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("python-intercom"))')"
note "python-intercom $installed, $("$VENV/bin/python" --version)"
if [ "$installed" != "$PY_SDK_VERSION" ]; then
    echo "python-intercom $installed installed, expected $PY_SDK_VERSION" >&2
    exit 1
fi

if [[ " $SUITES " == *" node "* ]]; then
    section "Install intercom-client $NODE_SDK_VERSION (tests/sdk/node)"
    (cd "$SDK_DIR/node" && npm ci --no-audit --no-fund --loglevel=error)
    installed="$(cd "$SDK_DIR/node" && node -p 'require("intercom-client/package.json").version')"
    note "intercom-client $installed, node $(node --version)"
    if [ "$installed" != "$NODE_SDK_VERSION" ]; then
        echo "intercom-client $installed installed, expected $NODE_SDK_VERSION" >&2
        exit 1
    fi
fi

if [[ " $SUITES " == *" mcp "* ]]; then
    # A venv of its own: the MCP client's dependency tree is not the Intercom SDK's.
    section "Install the MCP Python client mcp $MCP_SDK_VERSION (tests/sdk/.venv-mcp)"
    if ! "$MCP_VENV/bin/python" -c '' 2>/dev/null; then
        rm -rf "$MCP_VENV"
        "$PYTHON_BIN" -m venv "$MCP_VENV"
    fi
    "$MCP_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$SDK_DIR/mcp/requirements.txt"
    installed="$("$MCP_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("mcp"))')"
    note "mcp $installed, $("$MCP_VENV/bin/python" --version)"
    if [ "$installed" != "$MCP_SDK_VERSION" ]; then
        echo "mcp $installed installed, expected $MCP_SDK_VERSION" >&2
        exit 1
    fi
fi

# ---- build the server ----------------------------------------------------------------
if [ "${SWITCHBOARD_SDK_SKIP_BUILD:-0}" = "1" ]; then
    section "Build switchboard (skipped)"
    BIN="${SWITCHBOARD_BIN:-$ROOT/target/debug/switchboard}"
else
    section "Build switchboard (cargo build --bin switchboard)"
    (cd "$ROOT" && cargo build --bin switchboard)
    target_dir="${CARGO_TARGET_DIR:-$ROOT/target}"
    case "$target_dir" in /*) ;; *) target_dir="$ROOT/$target_dir" ;; esac
    BIN="$target_dir/debug/switchboard"
fi
if [ ! -x "$BIN" ]; then
    echo "switchboard binary not found at $BIN" >&2
    exit 1
fi
note "binary: $BIN"

# ---- helpers -------------------------------------------------------------------------
free_port() {
    "$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_for_server BASE_URL LOG: any HTTP answer (even 401) means it is up.
wait_for_server() {
    local base_url="$1" log="$2" code
    for _ in $(seq 1 300); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            note "switchboard serve exited before answering; its log:"
            sed 's/^/    /' "$log" >&2 || true
            return 1
        fi
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base_url/me" || true)"
        if [ -n "$code" ] && [ "$code" != "000" ]; then
            note "server answers at $base_url (GET /me without a token: HTTP $code)"
            return 0
        fi
        sleep 0.2
    done
    note "switchboard serve did not answer within 60s; its log:"
    sed 's/^/    /' "$log" >&2 || true
    return 1
}

json_field() { # json_field JSON KEY
    "$VENV/bin/python" -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

# use_workspace BACKEND DB_URL VERSION: creates a workspace whose requests without
# Intercom-Version get VERSION ("default": the CLI's own default), and points the tests at it.
use_workspace() {
    local backend="$1" db_url="$2" version="$3" ws_json
    local admin_email="sdk-owner-$backend-$version@example.com" admin_name="SDK Owner"
    local version_args=()
    if [ "$version" != "default" ]; then version_args=(--api-version "$version"); fi
    section "[$backend] Create a $version workspace (switchboard workspace create)"
    if ! ws_json="$("$BIN" workspace create --name "SDK Tests ($backend, $version)" \
        --admin-email "$admin_email" --admin-name "$admin_name" "${version_args[@]}" --database-url "$db_url")"; then
        note "workspace create failed"
        return 1
    fi
    note "workspace create printed: $ws_json"
    export SWITCHBOARD_WORKSPACE_ID; SWITCHBOARD_WORKSPACE_ID="$(json_field "$ws_json" workspace_id)"
    export SWITCHBOARD_ADMIN_ID; SWITCHBOARD_ADMIN_ID="$(json_field "$ws_json" admin_id)"
    export SWITCHBOARD_TOKEN; SWITCHBOARD_TOKEN="$(json_field "$ws_json" access_token)"
    export SWITCHBOARD_ADMIN_EMAIL="$admin_email"
    export SWITCHBOARD_ADMIN_NAME="$admin_name"
    if [ "$version" != "default" ]; then
        export SWITCHBOARD_API_VERSION="$version"
    else
        unset SWITCHBOARD_API_VERSION
    fi
}

# ---- one backend ---------------------------------------------------------------------
run_backend() {
    local backend="$1" db_url port base_url log ws_json suite_ok
    WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-sdk-$backend.XXXXXX")"
    log="$WORK_DIR/server.log"

    section "[$backend] Start switchboard"
    case "$backend" in
        sqlite)
            db_url="sqlite://$WORK_DIR/switchboard.db"
            ;;
        postgres)
            PG_DB="switchboard_sdk_$(date +%s)_$$_${RANDOM}"
            if ! createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB"; then
                note "could not create PostgreSQL database $PG_DB at $PG_HOST:$PG_PORT"
                PG_DB=""
                record "$backend" setup FAIL
                cleanup
                return 0
            fi
            db_url="postgres://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB"
            ;;
        *)
            echo "unknown backend: $backend (expected sqlite or postgres)" >&2
            exit 2
            ;;
    esac
    port="$(free_port)"
    base_url="http://127.0.0.1:$port"
    note "database: $db_url"
    note "listen:   127.0.0.1:$port (log: $log)"

    "$BIN" serve --listen "127.0.0.1:$port" --database-url "$db_url" >"$log" 2>&1 &
    SERVER_PID=$!
    if ! wait_for_server "$base_url" "$log"; then
        record "$backend" setup FAIL
        cleanup
        return 0
    fi

    export SWITCHBOARD_BASE_URL="$base_url"
    export SWITCHBOARD_BIN="$BIN"
    export SWITCHBOARD_DATABASE_URL="$db_url"
    export SWITCHBOARD_BACKEND="$backend"

    suite_ok=1
    for suite in $BACKEND_SUITES; do
        case "$suite" in
            python)
                for version in $PYTHON_VERSIONS; do
                    if ! use_workspace "$backend" "$db_url" "$version"; then
                        record "$backend" "python@$version" FAIL
                        suite_ok=0
                        continue
                    fi
                    section "[$backend] Python SDK (python-intercom $PY_SDK_VERSION) on a $version workspace: pytest"
                    if (cd "$SDK_DIR/python" && "$VENV/bin/python" -m pytest); then
                        record "$backend" "python@$version" PASS
                    else
                        record "$backend" "python@$version" FAIL
                        suite_ok=0
                    fi
                done
                ;;
            node)
                if ! use_workspace "$backend" "$db_url" default; then
                    record "$backend" node FAIL
                    suite_ok=0
                    continue
                fi
                section "[$backend] Node SDK (intercom-client $NODE_SDK_VERSION): node --test"
                if (cd "$SDK_DIR/node" && shopt -s nullglob && files=(./*.test.mjs) \
                    && [ "${#files[@]}" -gt 0 ] && node --test --test-reporter=spec "${files[@]}"); then
                    record "$backend" node PASS
                else
                    record "$backend" node FAIL
                    suite_ok=0
                fi
                ;;
            mcp)
                if ! use_workspace "$backend" "$db_url" default; then
                    record "$backend" mcp FAIL
                    suite_ok=0
                    continue
                fi
                section "[$backend] MCP client (mcp $MCP_SDK_VERSION) at /mcp: pytest"
                if (cd "$SDK_DIR/mcp" && "$MCP_VENV/bin/python" -m pytest); then
                    record "$backend" mcp PASS
                else
                    record "$backend" mcp FAIL
                    suite_ok=0
                fi
                ;;
            *)
                echo "unknown suite: $suite (expected python, node, mcp or recipes)" >&2
                exit 2
                ;;
        esac
    done

    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        note "switchboard serve died during the tests"
        record "$backend" server FAIL
        suite_ok=0
    fi
    if [ "$suite_ok" = 0 ]; then
        section "[$backend] Server log (last 80 lines)"
        tail -n 80 "$log" | sed 's/^/    /' || true
    fi

    section "[$backend] Stop switchboard"
    cleanup
    unset SWITCHBOARD_BASE_URL SWITCHBOARD_TOKEN SWITCHBOARD_DATABASE_URL SWITCHBOARD_WORKSPACE_ID \
        SWITCHBOARD_ADMIN_ID SWITCHBOARD_ADMIN_EMAIL SWITCHBOARD_ADMIN_NAME SWITCHBOARD_BACKEND \
        SWITCHBOARD_API_VERSION
}

if [ -n "$BACKEND_SUITES" ]; then
    for backend in $BACKENDS; do
        run_backend "$backend"
    done
fi

# ---- the recipes of docs/testing.md ----------------------------------------------------
# Run exactly as a project would run them: each starts `switchboard serve --ephemeral` itself.
if [[ " $SUITES " == *" recipes "* ]]; then
    export SWITCHBOARD_BIN="$BIN"
    section "Recipe: pytest with python-intercom (tests/sdk/recipes/python)"
    # The recipe runs whole: PYTEST_ADDOPTS is for the SDK suite.
    if (cd "$SDK_DIR/recipes/python" && env -u PYTEST_ADDOPTS "$VENV/bin/python" -m pytest); then
        record ephemeral recipe-pytest PASS
    else
        record ephemeral recipe-pytest FAIL
    fi
    section "Recipe: Vitest with intercom-client (tests/sdk/recipes/node)"
    if (cd "$SDK_DIR/recipes/node" && npm ci --no-audit --no-fund --loglevel=error && npx vitest run); then
        record ephemeral recipe-vitest PASS
    else
        record ephemeral recipe-vitest FAIL
    fi
fi

section "SDK test summary"
for line in "${RESULTS[@]}"; do
    printf '  %s\n' "$line"
done
if [ "$FAILED" != 0 ]; then
    echo "SDK tests FAILED"
    exit 1
fi
echo "SDK tests passed"
