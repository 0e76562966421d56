"""History import figures: `flask --app wsgi import-kudos FILE.csv` on a million rows, run
as an operator runs it (a subprocess with DATABASE_URL set and REDIS_URL empty).

    .venv/bin/python bench/import_history.py [--rows 1000000] [--people 2000] [--teams 50]
        [--seed 20261127] [--rerun] [--keep DIR]

A throw-away PostgreSQL database is built by the migrations (flask_migrate upgrade) and given
people in teams and five company values with set-based SQL. Two CSV files are written
(created_at,giver_email,recipient_emails,message,value):

- the good one: `--rows` kudos over the last two years, 1 to 3 recipients separated by `;`,
  messages with commas, quotes, line breaks and accents (so the CSV quoting is exercised),
  ISO dates with `Z` or an offset, a value on 60% of them (in any letter case);
- the bad one: the same rows but one, ten lines before the end, whose recipient has no
  account.

The bad file is imported first: it must exit with status 1, report that line, and leave the
kudos table empty. Then the good file: wall time, rows/s, the split between the checking
pass and the inserting pass (the progress bar's label appears when the second starts), the
command's resident memory sampled every quarter second and its peak (`wait4`'s
`ru_maxrss`), and the database must hold exactly `--rows` imported kudos with every
recipient. With `--rerun` the good file is imported again and must add nothing.

Prints Markdown for docs/performance.md; progress goes to stderr. The database and the
files are removed at the end (the files are kept in `--keep DIR` when given).
"""

import argparse
import csv
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from common import POSTGRES, log  # bench/common.py, beside this script
from flask_migrate import upgrade
from sqlalchemy.pool import NullPool

from kudos import create_app
from kudos.extensions import db

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = str(ROOT / "migrations")
FLASK = str(Path(sys.executable).parent / "flask")
VALUES = ["Teamwork", "Customer first", "Ownership", "Curiosity", "Care"]
WORDS = ["thank", "you", "for", "the", "help", "with", "release,", "review,", "migration,",
         "late", "night", "fix,", "onboarding", "of", "our", "new", "colleague,", "workshop",
         "and", "patience", "—", "merci,", "très", "apprécié"]
HEADER = ["created_at", "giver_email", "recipient_emails", "message", "value"]

def email(person: int) -> str:
    return f"person{person}@import.example"


def build(people: int, teams: int) -> tuple[str, str, sa.Engine]:
    name = f"kudos_bench_import_{uuid.uuid4().hex[:8]}"
    # A fresh connection each time: the runs are long, and an idle pooled connection may be
    # ended by the server (or by whoever administers it) meanwhile.
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES.rsplit("/", 1)[0] + "/" + name
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        with db.engine.begin() as c:
            c.execute(sa.text(
                "INSERT INTO teams (id, name, description, created_at) SELECT n, 'Team ' || n, "
                "'', now() AT TIME ZONE 'UTC' FROM generate_series(1, :teams) n"),
                {"teams": teams})
            c.execute(sa.text(
                "INSERT INTO users (id, email, name, password_hash, role, team_id, timezone, "
                "working_days, work_start_minute, work_end_minute, profile_public, "
                "approve_kudos, active, created_at) "
                "SELECT n, 'person' || n || '@import.example', 'Person ' || n, NULL, 'member', "
                "1 + n % :teams, 'Europe/Paris', '1,2,3,4,5', 540, 1080, true, false, true, "
                "(now() - interval '800 days') AT TIME ZONE 'UTC' "
                "FROM generate_series(1, :people) n"), {"teams": teams, "people": people})
            for index, value in enumerate(VALUES, start=1):
                c.execute(sa.text("INSERT INTO company_values (id, name, description, "
                                  "created_at) VALUES (:id, :name, '', now())"),
                          {"id": index, "name": value})
            for table in ("teams", "users", "company_values"):
                c.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                                  f"(SELECT max(id) FROM {table}))"))
        db.engine.dispose()
    return name, url, admin


def write_files(directory: Path, rows: int, people: int, seed: int) -> tuple[Path, Path, int,
                                                                             int]:
    """The good file and the bad one (same rows, one broken near the end); returns the
    paths, the line where the bad row starts (the header is line 1; a message with a line
    break takes two) and the recipients in all."""
    rng = random.Random(seed)
    now = datetime.now(UTC) - timedelta(hours=1)
    good, bad = directory / "history.csv", directory / "history-bad.csv"
    bad_row, bad_line, physical = rows + 1 - 10, 0, 2
    recipients_total = 0
    with good.open("w", newline="", encoding="utf-8") as g, \
            bad.open("w", newline="", encoding="utf-8") as b:
        writers = csv.writer(g), csv.writer(b)
        for w in writers:
            w.writerow(HEADER)
        for line in range(2, rows + 2):
            giver = rng.randint(1, people)
            others, wanted = set(), rng.choice((1, 1, 1, 2, 3))
            while len(others) < wanted:
                other = rng.randint(1, people)
                if other != giver:
                    others.add(other)
            recipients_total += len(others)
            at = now - timedelta(seconds=rng.randint(0, 730 * 86400))
            created = (at.strftime("%Y-%m-%dT%H:%M:%SZ") if line % 2
                       else at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00"))
            words = rng.sample(WORDS, rng.randint(4, 12))
            message = " ".join(words).capitalize()
            if line % 7 == 0:
                message += ', "the" best'
            if line % 11 == 0:
                message += "\nSee you soon."
            value = rng.choice(VALUES) if rng.random() < 0.6 else ""
            if value and line % 3 == 0:
                value = value.upper()
            row = [created, email(giver), ";".join(email(o) for o in sorted(others)),
                   message, value]
            writers[0].writerow(row)
            if line == bad_row:
                row = [created, email(giver), "nobody@import.example", message, value]
                bad_line = physical
            writers[1].writerow(row)
            physical += 1 + message.count("\n")
    return good, bad, bad_line, recipients_total


def run_import(path: Path, url: str) -> dict:
    """The real command, as a subprocess; its output, status, times and memory."""
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": "", "SECRET_KEY": "bench"}
    began = time.perf_counter()
    process = subprocess.Popen([FLASK, "--app", "wsgi", "import-kudos", str(path)], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    out: list[tuple[float, str]] = []
    err: list[str] = []
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def read_out() -> None:
        for line in process.stdout:
            out.append((time.perf_counter() - began, line.rstrip("\n")))

    def read_err() -> None:
        err.extend(line.rstrip("\n") for line in process.stderr)

    def sample() -> None:
        status = Path(f"/proc/{process.pid}/status")
        while not done.is_set():
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        samples.append((time.perf_counter() - began, int(line.split()[1])))
            except (FileNotFoundError, ProcessLookupError, ValueError):
                pass
            done.wait(0.25)

    threads = [threading.Thread(target=f, daemon=True) for f in (read_out, read_err, sample)]
    for thread in threads:
        thread.start()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    done.set()
    process.returncode = os.waitstatus_to_exitcode(status)
    for thread in threads:
        thread.join()
    load_started = next((t for t, line in out if line.startswith("Importing kudos")), None)
    return {"status": process.returncode, "wall": wall, "out": out, "err": err,
            "samples": samples, "peak_kib": usage.ru_maxrss, "cpu": usage.ru_utime
            + usage.ru_stime, "load_started": load_started}


def rss_at(samples: list[tuple[float, int]], moment: float) -> int:
    return min(samples, key=lambda s: abs(s[0] - moment))[1] if samples else 0


def counts(engine: sa.Engine) -> tuple[int, int]:
    with engine.connect() as c:
        kudos = c.scalar(sa.text("SELECT count(*) FROM kudos WHERE idempotency_key "
                                 "LIKE 'import-%'"))
        links = c.scalar(sa.text("SELECT count(*) FROM kudos_recipients"))
    return kudos, links


FILLED = ("kudos", "kudos_recipients")


def forget_statistics(url: str) -> None:
    """The planner statistics of the filled tables as before any ANALYZE (superuser)."""
    engine = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        for table in FILLED:
            c.execute(sa.text("DELETE FROM pg_statistic WHERE starelid = CAST(:t AS regclass)"),
                      {"t": table})
            c.execute(sa.text("UPDATE pg_class SET reltuples = -1, relpages = 0 "
                              "WHERE relname = :t"), {"t": table})
    engine.dispose()


def wall_times(url: str, repeats: int = 30) -> dict:
    """Median and p95 in ms of the first wall page for person 1, on a fresh engine."""
    from kudos.auth.models import User
    from kudos.recognition import queries

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "REDIS_URL": None, "RATELIMIT_STORAGE_URI": "memory://"})
    times = []
    with app.app_context():
        viewer = db.session.get(User, 1)
        queries.wall_page(viewer, queries.Filters())  # connect, warm the caches
        for _ in range(repeats):
            began = time.perf_counter()
            queries.wall_page(viewer, queries.Filters())
            times.append((time.perf_counter() - began) * 1000)
            db.session.rollback()
        db.session.remove()
        db.engine.dispose()
    times.sort()
    return {"median": times[len(times) // 2], "p95": times[int(0.95 * len(times))]}


def measure_wall(url: str) -> dict:
    after_import = wall_times(url)
    log(f"  wall page after the import: {after_import}")
    forget_statistics(url)
    never_analyzed = wall_times(url)
    log(f"  wall page, statistics as never analyzed: {never_analyzed}")
    engine = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as c:
        c.execute(sa.text(f"ANALYZE {', '.join(FILLED)}"))
    engine.dispose()
    analyzed = wall_times(url)
    log(f"  wall page after ANALYZE by hand: {analyzed}")
    return {"after_import": after_import, "never_analyzed": never_analyzed,
            "analyzed": analyzed}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--rerun", action="store_true")
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--wall", action="store_true",
                        help="time a wall page after the import, without and with ANALYZE")
    args = parser.parse_args()
    print(f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
          f"{os.cpu_count()} cores, {platform.python_implementation()} "
          f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f} at the start\n")
    directory = Path(tempfile.mkdtemp(prefix="kudos-import-"))
    name, url, admin = build(args.people, args.teams)
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        began = time.perf_counter()
        good, bad, bad_line, recipients = write_files(directory, args.rows, args.people,
                                                      args.seed)
        size = good.stat().st_size
        log(f"files written in {time.perf_counter() - began:.1f} s ({size / 2**20:.0f} MiB)")

        log("bad file: importing")
        refused = run_import(bad, url)
        after_bad = counts(engine)
        reported = [line for line in refused["err"] if line.startswith("line ")]
        log(f"  status {refused['status']} in {refused['wall']:.1f} s; {refused['err']}")

        log("good file: importing")
        result = run_import(good, url)
        kudos, links = counts(engine)
        log(f"  status {result['status']} in {result['wall']:.1f} s; "
            f"{[line for _t, line in result['out']]} {result['err']}; {kudos:,} kudos, "
            f"{links:,} recipients; inserts from {result['load_started']:.1f} s; peak "
            f"{result['peak_kib'] / 1024:.0f} MiB; RSS samples {result['samples'][::40]}")
        rerun = None
        if args.rerun:
            log("good file again")
            rerun = run_import(good, url)
            rerun["counts"] = counts(engine)
            log(f"  status {rerun['status']} in {rerun['wall']:.1f} s; "
                f"{[line for _t, line in rerun['out']]}; {rerun['counts']}")
        walls = measure_wall(url) if args.wall else None
        load_average = os.getloadavg()
    finally:
        engine.dispose()
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for path in directory.iterdir():
                shutil.move(str(path), args.keep / path.name)
        shutil.rmtree(directory, ignore_errors=True)

    wall, start = result["wall"], result["load_started"] or 0.0
    samples = result["samples"]
    loading = wall - start
    print(f"### History import: {args.rows:,} rows, `flask --app wsgi import-kudos`\n")
    print(f"{args.people:,} people in {args.teams} teams, {len(VALUES)} values; the file is "
          f"{size / 2**20:.0f} MiB with {recipients:,} recipients "
          f"({recipients / args.rows:.2f} a row). Load average at the end "
          f"{load_average[0]:.1f}.\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| wall time, whole command | **{wall:.0f} s** ({wall / 60:.1f} min) |")
    print(f"| rows/s, whole command | **{args.rows / wall:,.0f}** |")
    print(f"| first pass (check every row, nothing written) | {start:.0f} s |")
    print(f"| second pass (parse again, insert in batches) | {loading:.0f} s "
          f"({args.rows / max(loading, 1e-9):,.0f} rows/s) |")
    print(f"| CPU time of the command (user + system) | {result['cpu']:.0f} s |")
    print(f"| resident memory when the inserts start / halfway / at the end | "
          f"{rss_at(samples, start) / 1024:.0f} / "
          f"{rss_at(samples, start + loading / 2) / 1024:.0f} / "
          f"{rss_at(samples, wall - 0.5) / 1024:.0f} MiB |")
    print(f"| peak resident memory (`ru_maxrss`) | **{result['peak_kib'] / 1024:.0f} MiB** |")
    print(f"| exit status; last line | {result['status']}; "
          f"{result['out'][-1][1] if result['out'] else ''} |")
    print(f"| imported kudos in the database afterwards | **{kudos:,}** "
          f"(expected {args.rows:,}) |")
    print(f"| recipient rows afterwards | {links:,} (expected {recipients:,}) |")
    if rerun:
        print(f"| the same file again: wall time; last line; kudos afterwards | "
              f"{rerun['wall']:.0f} s; {rerun['out'][-1][1] if rerun['out'] else ''}; "
              f"{rerun['counts'][0]:,} |")
    if walls:
        for label, key in (("right after the import (it ends with ANALYZE)", "after_import"),
                           ("statistics as never analyzed (before this change)",
                            "never_analyzed"),
                           ("after ANALYZE by hand", "analyzed")):
            print(f"| first wall page, {label}: median / p95 | "
                  f"{walls[key]['median']:.1f} / {walls[key]['p95']:.1f} ms |")
    print()
    print(f"Bad file (row {args.rows + 1 - 10:,} of {args.rows + 1:,}, starting on line "
          f"{bad_line:,}, names a recipient without an account): exit status "
          f"**{refused['status']}** after {refused['wall']:.0f} s, kudos in the database "
          f"afterwards **{after_bad[0]:,}**; it said:\n")
    for line in refused["err"]:
        print(f"    {line}")
    print()
    ok = (refused["status"] == 1 and after_bad == (0, 0) and len(reported) == 1
          and reported[0].startswith(f"line {bad_line}:") and result["status"] == 0
          and kudos == args.rows and links == recipients
          and (rerun is None or rerun["counts"] == (kudos, links)))
    print(f"Checks: {'all passed' if ok else 'FAILED'}.\n")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
