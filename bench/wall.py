"""The wall served, against a bare Flask view under the same gunicorn (issue 17).

    .venv/bin/python bench/wall.py [--sizes 1000,1000000] [--duration 8] [--rounds 2]
        [--baseline REF]

For each size, a throw-away PostgreSQL database filled by bench/recognition.py's generator,
then gunicorn (2 sync workers, 127.0.0.1) serving the app as `wsgi.py` builds it (with a
Redis of the bench's own), and the same gunicorn serving bench/hello_app.py. `wrk -t2 -c8`
loads, in turn, the bare view and each request of the app, signed in as a member:

- `api`: `GET /api/v1/kudos?limit=20` (a personal token);
- `wall`: `GET /` (the session cookie);
- `newer`: the wall's poll with nothing new, as the page wrote its address;
- `bell`: the bell's poll with nothing new.

Each app request is measured right after a run of the bare view, and reported as requests/s
in % of that run's, with its p90. With `--baseline REF` the app as it was at git REF (a
throw-away checkout, same database, same Redis) is served too, and measured right after the
current one: the two are compared side by side, under the same load. Then: SQL statements
per request (counted in-process on the same database), each gunicorn worker's RSS after the
run, the load average before and after. Prints a Markdown table; progress on stderr.
"""
# ruff: noqa: S603, S607 (the commands run are this script's own: gunicorn, wrk, git)

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import requests
import sqlalchemy as sa
from common import free_port, log, start_redis  # bench/common.py, beside this script
from recognition import (  # the data generator and helpers of the recognition bench
    ADMIN,
    PASSWORD,
    SECRET,
    VIEWER,
    Statements,
    build,
    make_database,
    signed_in,
)

from kudos import create_app
from kudos.auth.passwords import hash_password
from kudos.extensions import db

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HTMX = {"HX-Request": "true"}


@contextmanager
def gunicorn(app: str, pythonpath: Path, env: dict[str, str]):
    """gunicorn, 2 sync workers on a free port; yields (base URL, master pid)."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "--pythonpath", str(pythonpath), "--chdir", str(pythonpath),
         app], env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn ({app}) exited with {server.returncode}")
            try:
                requests.get(base + "/", timeout=60)  # a loaded machine boots workers slowly
                break
            except requests.RequestException:
                time.sleep(0.2)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def worker_rss_mb(master: int) -> list[float]:
    """The RSS of each worker of the gunicorn whose master is `master`, in MB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, duration: int, headers: dict[str, str]) -> tuple[float, float]:
    """requests/s and p90 (ms) of `wrk -t2 -c8` on `url`; fails on any non-2xx/3xx answer."""
    command = ["wrk", "-t2", "-c8", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk on {url}: {out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"\s90%\s+([\d.]+)(us|ms|s)\b", out).groups()
    return rate, float(value) * UNITS[unit]


def checkout(ref: str) -> Path:
    """The tree at git `ref` in a throw-away folder, its translations compiled."""
    folder = Path(tempfile.mkdtemp(prefix="kudos-baseline-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "compile", "-d",
                    str(folder / "kudos/translations")], capture_output=True, check=True)
    return folder


class Reader:
    """The member whose requests are measured, signed in on a served app: the addresses and
    headers of the four requests."""

    def __init__(self, base: str):
        self.base, self.http = base, requests.Session()
        answer = self.http.post(base + "/login", data={
            "email": f"person{VIEWER}@bench.example", "password": PASSWORD},
            allow_redirects=False)
        assert answer.status_code == 303, answer.status_code
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        token = self.http.post(base + "/api/v1/tokens", json={"name": "bench"}).json()["token"]
        wall = self.http.get(base + "/")
        assert wall.status_code == 200
        newer = html.unescape(re.search(r'id="newer-poll"[^>]*hx-get="([^"]+)"',
                                        wall.text).group(1))
        bell = self.http.get(base + "/notifications/bell", headers=HTMX)
        bell_url = html.unescape(re.search(r'id="bell"[^>]*hx-get="([^"]+)"',
                                           bell.text, re.S).group(1))
        signed = {"Cookie": cookie}
        self.requests = {
            "api": ("/api/v1/kudos?limit=20", {"Authorization": f"Bearer {token}"}, 200),
            "wall": ("/", signed, 200),
            "newer": (newer, {**signed, **HTMX}, 204),
            "bell": (bell_url, {**signed, **HTMX}, 204),
        }
        for name, (path, headers, status) in self.requests.items():
            got = requests.get(base + path, headers=headers, allow_redirects=False, timeout=30)
            if got.status_code != status and not (name == "bell" and got.status_code == 200):
                raise RuntimeError(f"{name}: {got.status_code} from {path}")


def statements_per_request(url: str, reader: Reader) -> dict[str, int]:
    """The SQL statements each request costs, counted in-process (the current code)."""
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url,
                      "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False,
                      "WTF_CSRF_ENABLED": False, "REDIS_URL": os.environ["BENCH_REDIS"]})
    client = signed_in(app, VIEWER)
    api_client = app.test_client()
    wall = client.get("/").get_data(as_text=True)
    newer = html.unescape(re.search(r'id="newer-poll"[^>]*hx-get="([^"]+)"', wall).group(1))
    bell_page = client.get("/notifications/bell", headers=HTMX).get_data(as_text=True)
    bell = html.unescape(re.search(r'id="bell"[^>]*hx-get="([^"]+)"', bell_page, re.S).group(1))
    token = reader.requests["api"][1]
    calls = {
        "api": lambda: api_client.get("/api/v1/kudos?limit=20", headers=token),
        "wall": lambda: client.get("/"),
        "newer": lambda: client.get(newer, headers=HTMX),
        "bell": lambda: client.get(bell, headers=HTMX),
    }
    counted = {name: len(Statements(app, call).seen) for name, call in calls.items()}
    with app.app_context():
        db.engine.dispose()
    return counted


def measure(n: int, url: str, args, baseline: Path | None, redis_url: str) -> dict:
    env = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "REDIS_URL": redis_url,
           "KUDOS_SESSION_COOKIE_SECURE": "false", "KUDOS_RATELIMIT_ENABLED": "false",
           "KUDOS_WTF_CSRF_ENABLED": "false"}
    results: dict = {"rates": {}, "rss": {}}
    with ExitStack() as stack:
        hello, _hello_pid = stack.enter_context(gunicorn("hello_app:app", BENCH, {}))
        apps = {"now": stack.enter_context(gunicorn("wsgi:app", ROOT, env))}
        if baseline:
            apps["before"] = stack.enter_context(gunicorn("wsgi:app", baseline, env))
        readers = {version: Reader(base) for version, (base, _pid) in apps.items()}
        for round_ in range(args.rounds):
            for name in ("api", "wall", "newer", "bell"):
                hello_rate, hello_p90 = wrk(hello + "/", args.duration, {})
                order = list(apps) if round_ % 2 == 0 else list(reversed(apps))
                for version in order:
                    base, _pid = apps[version]
                    path, headers, _status = readers[version].requests[name]
                    rate, p90 = wrk(base + path, args.duration, headers)
                    results["rates"].setdefault((name, version), []).append(
                        (100 * rate / hello_rate, p90, rate, hello_rate, hello_p90))
                    log(f"  {n:>9,} {name:5} {version:6} {rate:8.0f}/s = "
                        f"{100 * rate / hello_rate:5.1f}% of hello ({hello_rate:.0f}/s), "
                        f"p90 {p90:.1f} ms")
        for version, (_base, pid) in apps.items():
            results["rss"][version] = worker_rss_mb(pid)
        os.environ["BENCH_REDIS"] = redis_url
        results["statements"] = statements_per_request(url, readers["now"])
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,1000000")
    parser.add_argument("--duration", type=int, default=8, help="seconds of each wrk run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline", help="a git ref to serve beside the current code")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    began, load = time.perf_counter(), os.getloadavg()
    password_hash = hash_password(PASSWORD)
    baseline = checkout(args.baseline) if args.baseline else None
    redis, redis_url = start_redis()
    figures, names = {}, []
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            url, name = make_database("postgres")
            names.append(name)
            app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url})
            log(f"building {n:,} kudos")
            build(app, n, password_hash)
            with app.app_context():
                db.engine.dispose()
            log(f"measuring {n:,} kudos")
            figures[n] = measure(n, url, args, baseline, redis_url)
    finally:
        redis.terminate()
        for name in names:
            with ADMIN.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if baseline:
            shutil.rmtree(baseline)

    print(f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {time.perf_counter() - began:.0f} s, "
          f"wrk -t2 -c8 -d{args.duration}s, {args.rounds} rounds, load average "
          f"{load[0]:.1f} at the start and {os.getloadavg()[0]:.1f} at the end"
          + (f"; before = {args.baseline}" if args.baseline else "") + "\n")
    print("| kudos | request | code | req/s % of hello (each round) | p90 ms | hello p90 ms "
          "| SQL statements |")
    print("|---|---|---|---|---|---|---|")
    for n, result in figures.items():
        for (name, version), runs in result["rates"].items():
            shares = ", ".join(f"{r[0]:.1f}%" for r in runs)
            p90 = ", ".join(f"{r[1]:.1f}" for r in runs)
            hello_p90 = ", ".join(f"{r[4]:.1f}" for r in runs)
            statements = result["statements"][name] if version == "now" else ""
            print(f"| {n:,} | {name} | {version} | {shares} | {p90} | {hello_p90} "
                  f"| {statements} |")
    print()
    for n, result in figures.items():
        for version, sizes in result["rss"].items():
            print(f"- {n:,} kudos, {version}: worker RSS after the run "
                  + ", ".join(f"{s:.0f} MB" for s in sizes))


if __name__ == "__main__":
    main()
