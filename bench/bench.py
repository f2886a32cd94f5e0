#!/usr/bin/env python3
"""Switchboard's load runs: every figure is a ratio to a reference server measured in the same run.

For each backend and workspace size: start `switchboard serve` on a fresh database, create a
workspace, load a seeded workspace through the API (switchboard-loader), probe each scenario of
scenarios.toml once (capturing the real response, or skipping an endpoint the server does not
have), start the reference server answering the same paths with those captured bodies, then run
wrk against the reference and the server in alternating rounds. Writes results.json and
results.md under the output directory. Standard library only; bench/run.sh builds and installs
what this needs.
"""

import argparse
import datetime
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DAY = 86400


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, token=None, body=None, timeout=30, headers=()):
    """(status, parsed JSON or None, raw bytes). `headers`: "Name: value" strings, which win."""
    data = None if body is None else body.encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    for header in headers:
        name, value = header.split(":", 1)
        request.add_header(name.strip(), value.strip())
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    return status, parsed, raw


class WebhookReceiver:
    """A local endpoint for a scenario's webhook subscription: answers 204 to every POST, counts
    them and their distinct notification ids, and keeps the time of the last one."""

    def __init__(self):
        import threading
        receiver = self
        self.count, self.last_at, self.ids, self.lock = 0, None, set(), threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                found = re.search(rb'"id":\s*"(notif_[^"]+)"', body)
                with receiver.lock:
                    receiver.count += 1
                    if found:
                        receiver.ids.add(found.group(1))
                    receiver.last_at = time.time()
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def seen(self):
        with self.lock:
            return self.count, self.last_at

    def drain(self, quiet=3.0, limit=300.0):
        """Waits until none has arrived for `quiet` seconds (the worker polls every 200 ms and puts
        back a claim over its per-endpoint bound for 500 ms), or `limit` seconds have passed."""
        deadline = time.time() + limit
        while time.time() < deadline and time.time() - (self.seen()[1] or 0) <= quiet:
            time.sleep(0.1)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def route_not_found(status, body):
    """The server's catch-all 404: the endpoint does not exist (yet)."""
    try:
        return status == 404 and "check your path" in body["errors"][0]["message"]
    except (TypeError, KeyError, IndexError):
        return False


def peak_rss_mb(pid):
    """Peak resident memory (VmHWM) of a live process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


class Process:
    """A child process with its output in a log file, stopped by pid with SIGTERM."""

    def __init__(self, argv, log_path, env=None):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, env=env)

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def wait_until_up(process, url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if not process.alive():
            raise SystemExit(f"{url}: process exited; log: {process.log_path}\n"
                             + Path(process.log_path).read_text()[-3000:])
        try:
            http("GET", url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url}: no answer within {seconds}s; log: {process.log_path}")


def fill(template, values):
    """Fills ${name} placeholders that `values` knows; leaves the others for wrk."""
    return re.sub(r"\$\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), template)


def read_rows(path):
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    if not lines:
        return []
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def load_scenarios(only):
    scenarios = tomllib.loads((BENCH / "scenarios.toml").read_text())["scenario"]
    if only:
        wanted = set(only.split(","))
        unknown = wanted - {s["name"] for s in scenarios}
        if unknown:
            raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}")
        # A scenario run beside a wanted one is probed too (the reference must answer it), not measured.
        beside = {s["beside"]["scenario"] for s in scenarios if s["name"] in wanted and "beside" in s}
        scenarios = [s if s["name"] in wanted else dict(s, probe_only=True)
                     for s in scenarios if s["name"] in wanted | beside]
    return scenarios


def start_wrk(args, url, config_path, connections, duration):
    threads = max(1, min(args.threads, connections))
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s",
            "-s", str(BENCH / "wrk" / "scenario.lua"), url, "--", str(config_path)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wrk_figures(process, duration):
    stdout, stderr = process.communicate(timeout=duration + 60)
    for line in stdout.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line[len("WRK_JSON "):])
    raise SystemExit(f"wrk printed no figures:\n{stdout}\n{stderr}")


def run_wrk(args, url, config_path, connections, duration):
    return wrk_figures(start_wrk(args, url, config_path, connections, duration), duration)


def walk_state(work, scenario, target):
    """The file that carries a walk's cursor from one wrk run to the next."""
    return work / f"walk-{scenario['name']}-{target}.cursor"


def write_wrk_config(path, scenario, method, url_path, body, rows_file, token, nonce, cursor_file):
    lines = [("method", method), ("path", url_path), ("nonce", nonce),
             ("header", "Accept: application/json"), ("header", f"x-bench-scenario: {scenario['name']}")]
    if token:
        lines.append(("header", f"Authorization: Bearer {token}"))
    if body:
        lines += [("body", body), ("header", "Content-Type: application/json")]
    # A scenario's own headers come last: they replace the defaults of the same name.
    lines += [("header", header) for header in scenario.get("headers", [])]
    if rows_file:
        lines.append(("rows", str(rows_file)))
    walk = scenario.get("walk")
    if walk:
        lines += [("walk_param", walk["param"]), ("walk_next", walk["next"])]
        if "end" in walk:
            lines.append(("walk_end", walk["end"]))
        lines.append(("walk_state", str(cursor_file)))
    path.write_text("".join(f"{k}\t{v}\n" for k, v in lines))


def summarize(runs):
    """Mean over rounds of requests/s and latency percentiles (ms)."""
    def mean(values):
        return sum(values) / len(values)
    return {
        "rps": round(mean([r["requests"] / (r["duration_us"] / 1e6) for r in runs]), 1),
        "p50_ms": round(mean([r["latency_us"]["p50"] for r in runs]) / 1000, 3),
        "p99_ms": round(mean([r["latency_us"]["p99"] for r in runs]) / 1000, 3),
        "requests": sum(r["requests"] for r in runs),
        "errors": sum(r["status_errors"] + r["connect_errors"] + r["read_errors"] + r["write_errors"]
                      + r["timeouts"] for r in runs),
        "bytes_per_response": round(sum(r["bytes"] for r in runs) / max(1, sum(r["requests"] for r in runs))),
    }


def time_controls(base, token, load):
    """Snapshot, restore and reset of the loaded workspace, timed once each (ms), and as a share
    of the time the load took. It ends as it began: the last restore brings the data back."""
    answers = {}

    def timed(method, path, body=None):
        started = time.time()
        status, parsed, raw = http(method, base + path, token, body, timeout=600)
        if status == 404 and route_not_found(status, parsed):
            return None
        if not 200 <= status < 300:
            raise SystemExit(f"{method} {path}: HTTP {status}: {raw[:300].decode(errors='replace')}")
        answers[path] = parsed
        return round((time.time() - started) * 1000, 1)

    name = f"bench-{int(time.time())}"
    figures = {"snapshot_ms": timed("POST", "/_switchboard/snapshots", json.dumps({"name": name}))}
    if figures["snapshot_ms"] is None:
        return None
    # What the workspace holds by then: write scenarios have grown it since the load.
    counts = (answers["/_switchboard/snapshots"] or {}).get("counts") or {}
    figures["restore_ms"] = timed("POST", f"/_switchboard/snapshots/{name}/restore")
    figures["reset_ms"] = timed("POST", "/_switchboard/reset")
    figures["restore_after_reset_ms"] = timed("POST", f"/_switchboard/snapshots/{name}/restore")
    timed("DELETE", f"/_switchboard/snapshots/{name}")
    load_ms = load.get("seconds", 0) * 1000
    for key in list(figures):
        figures[key.replace("_ms", "_to_load")] = round(figures[key] / load_ms, 4) if load_ms else None
    figures["load_ms"] = round(load_ms, 1)
    figures["rows"] = {key: counts[key] for key in ("contacts", "tickets", "conversations") if key in counts}
    return figures


BENCH_SEGMENT = "Bench VIP users"


def search_constants(server_bin, db_url, workspace, base, token):
    """The tag and the segment the tag and segment searches ask for. The segment is saved once
    (a kept database already has it); the loader made the tag."""
    found = {}
    status, tags, _ = http("GET", f"{base}/tags", token)
    if status == 200:
        found.update({"tag_id": t["id"] for t in tags.get("data", []) if t.get("name") == "vip"})
    status, segments, _ = http("GET", f"{base}/segments", token)
    segment = next((s for s in (segments or {}).get("segments", []) if s.get("name") == BENCH_SEGMENT), None)
    if segment is None:
        query = {"operator": "AND", "value": [
            {"field": "role", "operator": "=", "value": "user"},
            {"field": "custom_attributes.vip", "operator": "=", "value": True}]}
        saved = subprocess.run([server_bin, "segment", "create", "--workspace", workspace["workspace_id"],
                                "--name", BENCH_SEGMENT, "--query", json.dumps(query),
                                "--database-url", db_url], capture_output=True, text=True)
        if saved.returncode == 0:
            segment = json.loads(saved.stdout)
        else:
            log(f"  no bench segment: {saved.stderr.strip()[:300]}")
    if segment:
        found["segment_id"] = segment["id"]
    return found


def run_one(args, backend, contacts, scenarios, out_dir):
    work = (args.data or out_dir) / f"{backend}-{contacts}"
    work.mkdir(parents=True, exist_ok=True)
    server_bin = args.server_bin
    # A kept database (--keep) in --data is served again without loading: kept.json says where it
    # is and what the workspace is. Write scenarios of earlier runs have added to it.
    kept_path = work / "kept.json"
    kept = json.loads(kept_path.read_text()) if args.data and kept_path.exists() else None
    pg_db = None
    if kept:
        db_url, pg_db = kept["db_url"], kept["pg_db"]
    elif backend == "sqlite":
        db_url = f"sqlite://{work / 'switchboard.db'}"
    else:
        pg_db = f"switchboard_bench_{int(time.time())}_{os.getpid()}"
        subprocess.run(["createdb", "-h", args.pg_host, "-U", args.pg_user, pg_db], check=True)
        db_url = f"postgres://{args.pg_user}@{args.pg_host}/{pg_db}"
    port, ref_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.setdefault("RUST_LOG", args.server_log)
    # A limit no run can reach: the limiter still counts every request, as it does in use.
    server = Process([server_bin, "serve", "--listen", f"127.0.0.1:{port}", "--database-url", db_url,
                      "--rate-limit", "1000000000000"], work / "server.log", env)
    reference = None
    result = {"backend": backend, "contacts": contacts, "scenarios": [], "skipped": []}
    try:
        wait_until_up(server, f"{base}/me")
        if kept:
            log(f"[{backend} {contacts}] serving the database kept in {work}, loaded before")
            workspace = kept["workspace"]
        else:
            created = subprocess.run([server_bin, "workspace", "create", "--name", "Bench", "--admin-email",
                                      "bench@bench.example", "--admin-name", "Bench Admin",
                                      "--database-url", db_url],
                                     capture_output=True, text=True, check=True)
            workspace = json.loads(created.stdout)
        token, admin_id = workspace["access_token"], workspace["admin_id"]

        if not kept:
            argv = [args.loader_bin, "load", "--base-url", base, "--admin-id", admin_id,
                    "--contacts", str(contacts), "--seed", str(args.seed),
                    "--concurrency", str(args.load_concurrency), "--out", str(work)]
            for kind in ("companies", "conversations", "tickets"):
                if getattr(args, kind) is not None:
                    argv += [f"--{kind}", str(getattr(args, kind))]
            if contacts > args.direct_above:
                # Contacts and their links through the server's bulk import, into the database
                # the server is serving; the rest through the API.
                log(f"[{backend} {contacts}] loading contacts by direct import, the rest through the API "
                    f"({args.load_concurrency} in flight)")
                argv += ["--database-url", db_url, "--workspace-id", workspace["workspace_id"]]
            else:
                log(f"[{backend} {contacts}] loading through the API ({args.load_concurrency} in flight)")
            env_load = dict(os.environ, SWITCHBOARD_TOKEN=token)
            subprocess.run(argv, env=env_load, check=True)
            if pg_db:
                # This machine's PostgreSQL runs without autovacuum, so after a bulk load nothing
                # else does what a deployment's autovacuum would: gather the planner's statistics
                # and set the visibility map, without which a COUNT cannot be served from an index
                # alone (the first page of GET /contacts counted by a scan of the table).
                subprocess.run(["psql", "-q", "-h", args.pg_host, "-U", args.pg_user, "-d", pg_db,
                                "-c", "VACUUM ANALYZE"], check=True)
            if args.keep:
                kept_path.write_text(json.dumps({"db_url": db_url, "pg_db": pg_db, "workspace": workspace}))
        load = json.loads((work / "load.json").read_text())
        result["load"] = load
        result["server_peak_rss_mb_after_load"] = peak_rss_mb(server.pid)

        first, last = load["contacts_created_at"]["first"], load["contacts_created_at"]["last"]
        constants = {"admin_id": admin_id,
                     "created_after": first - 30 * DAY,
                     "created_before": last + 2 * DAY,
                     **search_constants(server_bin, db_url, workspace, base, token)}
        nonce = f"{int(time.time())}"

        # Probe every scenario once: capture the real body (the reference serves it) or skip.
        ready, routes = [], []
        for scenario in scenarios:
            method, path = scenario["method"], fill(scenario["path"], constants)
            body = scenario.get("body")
            if body:
                body = json.dumps(json.loads(fill(body, constants)))
            rows_file = work / f"{scenario['rows']}.tsv" if scenario.get("rows") else None
            rows = read_rows(rows_file) if rows_file else [{}]
            if not rows:
                reason = f"no {scenario['rows']} were loaded (their endpoint is not available)"
                log(f"  skip {scenario['name']}: {reason}")
                result["skipped"].append({"name": scenario["name"], "reason": reason})
                continue
            sample = dict(rows[0], n=f"probe-{nonce}")
            status, parsed, raw = http(method, base + fill(path, sample), token,
                                       fill(body, sample) if body else None,
                                       headers=scenario.get("headers", []))
            if route_not_found(status, parsed):
                reason = f"endpoint not available: {method} {scenario['path'].split('?')[0]}"
            elif not 200 <= status < 300 or parsed is None:
                reason = f"probe answered HTTP {status}: {raw[:300].decode(errors='replace')}"
            else:
                reason = None
            if reason:
                log(f"  skip {scenario['name']}: {reason}")
                result["skipped"].append({"name": scenario["name"], "reason": reason})
                continue
            if scenario.get("walk"):
                # The probe opened the walk (a scroll, which may not be reopened while it is
                # open): the server's runs go on from its cursor.
                found = re.search(scenario["walk"]["next"], raw.decode(errors="replace"))
                walk_state(work, scenario, "server").write_text((found.group(1) if found else "") + "\n")
            route = re.sub(r"\$\{(\w+)\}", r"{\1}", path.split("?")[0])
            routes.append({"scenario": scenario["name"], "method": method, "route": route, "body": parsed})
            ready.append((scenario, method, path, body, rows_file, len(raw)))

        if not ready:
            return result
        routes_path = work / "reference-routes.json"
        routes_path.write_text(json.dumps(routes))
        reference = Process([args.reference_bin, f"127.0.0.1:{ref_port}", str(routes_path)],
                            work / "reference.log")
        wait_until_up(reference, f"http://127.0.0.1:{ref_port}/")
        targets = {"reference": f"http://127.0.0.1:{ref_port}", "server": base}

        probed = {entry[0]["name"]: entry for entry in ready}
        for scenario, method, path, body, rows_file, probe_bytes in ready:
            if scenario.get("probe_only"):
                continue
            connections = min(args.connections, scenario.get("connections", args.connections))
            runs = {"reference": [], "server": []}
            beside = scenario.get("beside")
            if beside and beside["scenario"] not in probed:
                reason = f"{beside['scenario']}, to run beside it, was skipped"
                log(f"  skip {scenario['name']}: {reason}")
                result["skipped"].append({"name": scenario["name"], "reason": reason})
                continue

            def configure(target, run_no, entry, label, nonce_suffix=""):
                # Each wrk run gets its own nonce, so ${n} never repeats (unique emails...).
                config = work / f"wrk-{label}-{target}-{run_no}.conf"
                # A walk goes on where the target's previous run stopped: restarting a scroll
                # while the last one is still open is an error, as on Intercom.
                write_wrk_config(config, entry[0], *entry[1:5], token if target == "server" else None,
                                 f"{nonce}{target[0]}{run_no}{nonce_suffix}", walk_state(work, entry[0], target))
                return config

            # A scenario with `serve_args` runs against a second server on the same database,
            # started with those arguments (the first one idles meanwhile).
            own_server, urls = None, dict(targets)
            if scenario.get("serve_args"):
                own_port = free_port()
                own_server = Process([server_bin, "serve", "--listen", f"127.0.0.1:{own_port}", "--database-url",
                                      db_url, "--rate-limit", "1000000000000", "--export-workers", "0",
                                      *scenario["serve_args"]], work / f"server-{scenario['name']}.log", env)
                urls["server"] = f"http://127.0.0.1:{own_port}"
                wait_until_up(own_server, f"{urls['server']}/me")

            # A scenario with `webhook` runs while the workspace has one subscription to those
            # topics, at a receiver of this process (Switchboard's worker delivers meanwhile).
            receiver, subscription = None, None
            if scenario.get("webhook"):
                receiver = WebhookReceiver()
                status, parsed, raw = http("POST", base + "/_switchboard/webhooks", token,
                                           json.dumps({"url": receiver.url, "topics": scenario["webhook"]}))
                if status != 201:
                    receiver.stop()
                    reason = f"webhook subscription answered HTTP {status}: {raw[:300].decode(errors='replace')}"
                    log(f"  skip {scenario['name']}: {reason}")
                    result["skipped"].append({"name": scenario["name"], "reason": reason})
                    continue
                subscription, subscribed_at = parsed["id"], time.time()

            def measure(target, run_no, duration):
                config = configure(target, run_no, (scenario, method, path, body, rows_file), scenario["name"])
                # The load beside runs against the same target, over the same seconds.
                companion = beside and start_wrk(
                    args, urls[target],
                    configure(target, run_no, probed[beside["scenario"]], f"{scenario['name']}-beside", "b"),
                    beside["connections"], duration)
                figures = run_wrk(args, urls[target], config, connections, duration)
                if companion:
                    wrk_figures(companion, duration)
                return figures

            try:
                # The notifications due: the subscription's ping, then one per 2xx answer of the
                # server (warm-up included) when the scenario has a webhook. A lower bound: wrk
                # does not count the requests still in flight when it stops.
                due = 1
                for target in targets:  # warm-up, not recorded
                    figures = measure(target, 0, args.warmup)
                    if target == "server":
                        due += figures["requests"] - figures["status_errors"]
                for round_no in range(args.rounds):
                    order = ["reference", "server"] if round_no % 2 == 0 else ["server", "reference"]
                    for target in order:
                        runs[target].append(measure(target, round_no + 1, args.duration))
                        if target == "server":
                            due += runs[target][-1]["requests"] - runs[target][-1]["status_errors"]
                if subscription:
                    # The writes are over: the worker drains what is left, with nothing else running.
                    writes_done_at = time.time()
                    at_writes_done, _ = receiver.seen()
                    receiver.drain()
                    delivered, last_at = receiver.seen()
                    drained = delivered - at_writes_done
                    webhooks = {
                        "notifications": due,
                        "delivered": delivered,
                        "distinct": len(receiver.ids),
                        # Over the whole scenario, reference rounds included: the worker delivers
                        # while the server's next writes are being made and while it idles.
                        "delivered_per_s": round(delivered / ((last_at or time.time()) - subscribed_at), 1),
                        "delivered_by_writes_end": at_writes_done,
                        # The backlog left when the writes stopped, sent with nothing else running:
                        # the worker's rate to one subscription (none left: no figure).
                        "drain_per_s": (round(drained / (last_at - writes_done_at), 1)
                                        if drained > 0 and last_at > writes_done_at else None),
                        "drain_s": round(max(0.0, (last_at or writes_done_at) - writes_done_at), 2),
                    }
            finally:
                if own_server:
                    own_server.stop()
                if subscription:
                    http("DELETE", f"{base}/_switchboard/webhooks/{subscription}", token)
                    receiver.stop()
            ref, srv = summarize(runs["reference"]), summarize(runs["server"])
            entry = {
                "name": scenario["name"], "kind": scenario["kind"], "method": method,
                "path": scenario["path"], "connections": connections, "response_bytes": probe_bytes,
                "reference": ref, "server": srv,
                "rps_ratio": round(srv["rps"] / ref["rps"], 4) if ref["rps"] else None,
                "p50_ratio": round(srv["p50_ms"] / ref["p50_ms"], 2) if ref["p50_ms"] else None,
                "p99_ratio": round(srv["p99_ms"] / ref["p99_ms"], 2) if ref["p99_ms"] else None,
                "server_peak_rss_mb": peak_rss_mb(server.pid),
            }
            if scenario.get("serve_args"):
                entry["serve_args"] = scenario["serve_args"]
            if subscription:
                entry["webhooks"] = webhooks
            result["scenarios"].append(entry)
            if subscription:
                log(f"  {scenario['name']}: {webhooks['delivered']} notifications delivered ({webhooks['distinct']} "
                    f"distinct, at least {webhooks['notifications']} due), {webhooks['delivered_per_s']}/s; drain after the writes "
                    f"{webhooks['drain_per_s']}/s over {webhooks['drain_s']} s")
            log(f"  {scenario['name']:<25} server {srv['rps']:>9.0f} req/s  reference {ref['rps']:>9.0f} req/s"
                f"  ratio {entry['rps_ratio']:.3f}  p99 x{entry['p99_ratio']}  errors {srv['errors']}")
        controls = time_controls(base, token, load) if args.controls else None
        if controls:
            result["controls"] = controls
            log(f"  controls: snapshot {controls['snapshot_ms']} ms, restore {controls['restore_ms']} ms, "
                f"reset {controls['reset_ms']} ms (load {controls['load_ms']} ms; {controls['rows']})")
        result["server_peak_rss_mb"] = peak_rss_mb(server.pid)
        return result
    finally:
        if reference:
            reference.stop()
        server.stop()
        if pg_db and not args.keep and not kept:
            subprocess.run(["dropdb", "--if-exists", "--force", "-h", args.pg_host, "-U", args.pg_user, pg_db],
                           check=False)
        if backend == "sqlite" and not args.keep and not kept:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{work / 'switchboard.db'}{suffix}").unlink(missing_ok=True)


def markdown(report):
    lines = [f"# Switchboard load runs, {report['date']}", "",
             f"Commit `{report['commit']}`; wrk {report['settings']['threads']} threads, "
             f"{report['settings']['connections']} connections, {report['settings']['rounds']} rounds of "
             f"{report['settings']['duration']} s per target, alternating; seed {report['settings']['seed']}.",
             "Ratios are server / reference, measured side by side in the same run.", ""]
    for run in report["runs"]:
        lines += [f"## {run['backend']}, {run['contacts']} contacts", ""]
        load = run.get("load")
        if load:
            phases = ", ".join(f"{name} {p['created']} at {p['per_second']}/s"
                               for name, p in load["phases"].items() if p["count"])
            how = ("Load (contacts by direct import, the rest through the API)"
                   if load["phases"].get("contacts", {}).get("mode") == "direct" else "Load through the API")
            lines += [f"{how}: {load['requests']} requests at {load['requests_per_second']}/s"
                      + (f" ({phases})" if phases else "") + ".", ""]
        if run["scenarios"]:
            lines += ["| scenario | req/s ratio | p50 ratio | p99 ratio | server req/s | reference req/s "
                      "| server p99 ms | reference p99 ms | errors | bytes |",
                      "|---|---|---|---|---|---|---|---|---|---|"]
            for s in run["scenarios"]:
                lines.append(f"| {s['name']} | {s['rps_ratio']:.3f} | {s['p50_ratio']} | {s['p99_ratio']} "
                             f"| {s['server']['rps']:.0f} | {s['reference']['rps']:.0f} "
                             f"| {s['server']['p99_ms']} | {s['reference']['p99_ms']} "
                             f"| {s['server']['errors']} | {s['response_bytes']} |")
            lines.append("")
        for s in run["scenarios"]:
            hooks = s.get("webhooks")
            if hooks:
                lines += [f"{s['name']}: {hooks['delivered']} notifications delivered ({hooks['distinct']} distinct; "
                          f"at least {hooks['notifications']} due) "
                          f"({hooks['delivered_per_s']}/s over the scenario; {hooks['delivered_by_writes_end']} "
                          f"by the end of the writes, the rest in {hooks['drain_s']} s after them: "
                          f"{hooks['drain_per_s']}/s).", ""]
        controls = run.get("controls")
        if controls:
            rows = ", ".join(f"{count} {table}" for table, count in controls.get("rows", {}).items())
            lines += [f"Controls on the workspace as the scenarios left it ({rows}):", "",
                      "| control | ms | share of the load's time |", "|---|---|---|"]
            for key in ("snapshot", "restore", "reset", "restore_after_reset"):
                lines.append(f"| {key.replace('_', ' ')} | {controls[key + '_ms']} | {controls[key + '_to_load']} |")
            lines.append("")
        for skip in run["skipped"]:
            lines.append(f"- skipped {skip['name']}: {skip['reason']}")
        lines += ["", f"Server peak resident memory: {run.get('server_peak_rss_mb')} MB "
                  f"(after the load: {run.get('server_peak_rss_mb_after_load')} MB).", ""]
    lines += comparisons(report["runs"])
    return "\n".join(lines) + "\n"


def comparisons(runs):
    """Growth with size and PostgreSQL vs SQLite, as ratios of ratios (noise-free of the clock)."""
    by_key = {(r["backend"], r["contacts"]): {s["name"]: s for s in r["scenarios"]} for r in runs}
    lines = []
    sizes = sorted({r["contacts"] for r in runs})
    for backend in sorted({r["backend"] for r in runs}):
        if len(sizes) > 1 and (backend, sizes[0]) in by_key and (backend, sizes[-1]) in by_key:
            small, large = by_key[(backend, sizes[0])], by_key[(backend, sizes[-1])]
            lines += [f"## Growth on {backend}, {sizes[0]} -> {sizes[-1]} contacts", "",
                      "| scenario | p50 ratio growth | req/s ratio growth |", "|---|---|---|"]
            for name in small:
                if name in large:
                    lines.append(f"| {name} | {large[name]['p50_ratio'] / small[name]['p50_ratio']:.2f} "
                                 f"| {large[name]['rps_ratio'] / small[name]['rps_ratio']:.2f} |")
            lines.append("")
    for size in sizes:
        if ("sqlite", size) in by_key and ("postgres", size) in by_key:
            lite, pg = by_key[("sqlite", size)], by_key[("postgres", size)]
            lines += [f"## PostgreSQL vs SQLite, {size} contacts (reads)", "",
                      "| scenario | req/s: SQLite / PostgreSQL | p99: PostgreSQL / SQLite |", "|---|---|---|"]
            for name, s in lite.items():
                if name in pg and s["kind"] == "read":
                    lines.append(f"| {name} | {s['rps_ratio'] / pg[name]['rps_ratio']:.2f} "
                                 f"| {pg[name]['p99_ratio'] / s['p99_ratio']:.2f} |")
            lines.append("")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres", "both"])
    parser.add_argument("--contacts", default="10000", help="comma-separated workspace sizes, e.g. 10000,1000000")
    parser.add_argument("--only", help="comma-separated scenario names (default: all)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per target per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=1, help="seconds of unrecorded warm-up per target")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--companies", type=int,
                        help="companies to load through the API (default: one per 20 contacts)")
    parser.add_argument("--conversations", type=int,
                        help="conversations to load through the API (default: one per 10 contacts)")
    parser.add_argument("--tickets", type=int,
                        help="tickets to load through the API (default: one per 10 contacts)")
    parser.add_argument("--no-controls", dest="controls", action="store_false",
                        help="skip timing snapshot, restore and reset after the scenarios (at 1M a restore "
                             "outlasts the 10-minute request timeout)")
    parser.add_argument("--load-concurrency", type=int, default=16)
    parser.add_argument("--direct-above", type=int, default=100_000,
                        help="above this many contacts, write contacts by direct import into the database")
    parser.add_argument("--server-log", default="info", help="RUST_LOG for the server (the default is what users run)")
    parser.add_argument("--out", type=Path, help="output directory (default bench/results/DATE)")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--data", type=Path,
                        help="where the databases and load files go (default: the output directory); "
                             "with --keep, a later run with the same --data serves the kept database "
                             "again instead of loading")
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--pg-user", default="postgres")
    parser.add_argument("--server-bin", default=str(ROOT / "target" / "release" / "switchboard"))
    parser.add_argument("--reference-bin", default=str(BENCH / "target" / "release" / "switchboard-reference"))
    parser.add_argument("--loader-bin", default=str(BENCH / "target" / "release" / "switchboard-loader"))
    args = parser.parse_args()

    now = datetime.datetime.now(datetime.timezone.utc)
    out_dir = args.out or BENCH / "results" / now.strftime("%Y%m%dT%H%M%SZ")
    out_dir.mkdir(parents=True, exist_ok=True)
    scenarios = load_scenarios(args.only)
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    report = {"date": now.strftime("%Y-%m-%d %H:%M UTC"), "commit": commit + (" (modified)" if dirty else ""),
              "settings": {k: v for k, v in vars(args).items() if not k.endswith("_bin") and k != "out"},
              "runs": []}
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for size in [int(s) for s in args.contacts.split(",")]:
        for backend in backends:
            log(f"=== {backend}, {size} contacts ===")
            report["runs"].append(run_one(args, backend, size, scenarios, out_dir))
            (out_dir / "results.json").write_text(json.dumps(report, indent=2, default=str))
    text = markdown(report)
    (out_dir / "results.md").write_text(text)
    print(text)
    log(f"results: {out_dir / 'results.md'}")


if __name__ == "__main__":
    main()
