"""Re-run the probes of the second hardening assessment (issue 14, items 1-13) against the
app, on a throw-away database, and count what still gets through.

    .venv/bin/python bench/probe_security.py [--db sqlite|postgres]

In-process (Flask test client; CSRF off, as the probes are about what comes after it), with
a redis-server of its own (stopped for the Redis probes, the last ones). Each probe is an
attempt an attacker or a careless client would make; a finding is an attempt that works (or
a 5xx). Prints a Markdown table for docs/security.md; progress goes to stderr. Takes a few
minutes (argon2 sign-ins).
"""
# ruff: noqa: S104, S608 (addresses here are probe inputs, never bound to)

import argparse
import base64
import json
import re
import sys
import tempfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from common import POSTGRES, log, start_redis  # bench/common.py, beside this script
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kudos import create_app  # noqa: E402
from kudos.auth.models import Team, User  # noqa: E402
from kudos.auth.passwords import hash_password  # noqa: E402
from kudos.extensions import db  # noqa: E402
from kudos.jobs import close_redis  # noqa: E402
from kudos.news import feeds  # noqa: E402
from kudos.recognition.models import Kudos  # noqa: E402

PASSWORD = "a long and happy password"  # noqa: S105
BASE_URL = "https://kudos.example"


class Probes:
    def __init__(self):
        self.rows: list[tuple[str, int, int]] = []

    def add(self, what: str, attempts: int, findings: int) -> None:
        log(f"{what}: {attempts} attempts, {findings} findings")
        self.rows.append((what, attempts, findings))

    def table(self) -> str:
        lines = ["| probe | attempts | findings |", "|---|---|---|"]
        lines += [f"| {what} | {attempts:,} | {findings} |" for what, attempts, findings
                  in self.rows]
        total = sum(r[1] for r in self.rows), sum(r[2] for r in self.rows)
        lines.append(f"| **all** | **{total[0]:,}** | **{total[1]}** |")
        return "\n".join(lines)


def make_app(url: str, redis_url: str):
    app = create_app({"TESTING": True, "SECRET_KEY": "probe", "SQLALCHEMY_DATABASE_URI": url,
                      "REDIS_URL": redis_url, "RATELIMIT_STORAGE_URI": redis_url,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
                      "BASE_URL": BASE_URL, "SIGNUP_DOMAINS": "example.com",
                      "SMTP_HOST": "127.0.0.1", "SMTP_PORT": 9,
                      "LOGIN_LIMIT_PER_IP": "100000 per minute",
                      "LOGIN_LIMIT_PER_ACCOUNT": "100000 per minute",
                      "TOKEN_LIMIT_PER_IP": "100000 per minute",
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def seed(app) -> dict:
    with app.app_context():
        teams = [Team(name=f"Team {i}") for i in range(6)]
        db.session.add_all(teams)
        db.session.flush()
        password = hash_password(PASSWORD)
        people = []
        for i in range(24):
            people.append(User(email=f"p{i}@example.com", name=f"Person {i}", role="member",
                               team_id=teams[i % 6].id, password_hash=password,
                               timezone="Europe/Paris"))
        people[0].role = "admin"
        people[23].profile_public = False
        people[22].active = False
        db.session.add_all(people)
        db.session.commit()
        return {"teams": [t.id for t in teams], "people": [p.id for p in people],
                "emails": [p.email for p in people]}


def signed_in(app, email: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303, response.status_code
    return client


def probe_team_moves(app, world, probes: Probes) -> None:
    """Item 1: members posting another team's id to the settings form."""
    attempts = findings = 0
    for index in range(1, 13):
        client = signed_in(app, world["emails"][index])
        for team_id in world["teams"]:
            attempts += 1
            client.post("/settings/", data={
                "name": f"Person {index}", "team_id": str(team_id), "timezone": "Europe/Paris",
                "working_days": ["1"], "work_start": "09:00", "work_end": "18:00",
                "digest_frequency": "weekly", "notify_mode": "live"})
            with app.app_context():
                moved = db.session.get(User, world["people"][index]).team_id
            findings += moved != world["teams"][index % 6]
    probes.add("1. moving oneself into another team (POST /settings/ team_id)", attempts,
               findings)


def probe_host_headers(app, probes: Probes, sent: list) -> None:
    """Item 2: sign-up links built from a forged Host header."""
    hosts = ["attacker.example", "attacker.example:443", "kudos.example.attacker.example",
             "evil.test", "127.0.0.1:1", "[::1]", "localhost", "a" * 60 + ".example"]
    findings = 0
    for n, host in enumerate(hosts):
        sent.clear()
        response = app.test_client().post("/signup", data={
            "name": f"Probe {n}", "email": f"probe{n}-{uuid.uuid4().hex[:6]}@example.com"},
            headers={"Host": host})
        links = re.findall(r"https?://[^/\s]+", " ".join(sent))
        findings += response.status_code >= 500 or any(
            link != BASE_URL for link in links) or not links
    probes.add("2. sign-up links under a forged Host header", len(hosts), findings)


def probe_redis_down(app, redis_server, world, probes: Probes) -> None:
    """Item 3: with Redis really stopped."""
    redis_server.terminate()
    redis_server.wait(timeout=10)
    close_redis(app)
    attempts = findings = 0
    for index in range(1, 6):
        for password in (PASSWORD, "wrong password"):
            attempts += 1
            status = app.test_client().post("/login", data={
                "email": world["emails"][index], "password": password}).status_code
            findings += status >= 500
    for n in range(5):
        attempts += 1
        response = app.test_client().post("/signup", data={
            "name": "Probe", "email": f"down{n}@example.com"})
        # The designed answer: a 503 page saying the link could not go, to try again later.
        kind = (response.status_code == 503
                and "We could not send your link just now" in response.get_data(as_text=True))
        findings += response.status_code >= 500 and not kind
    admin = signed_in(app, world["emails"][0])
    for _ in range(5):
        attempts += 1
        findings += admin.post("/insights/scan").status_code >= 500
    probes.add("3. sign-in, sign-up and Scan now with Redis stopped (a 500, or a 5xx other "
               "than sign-up's 503 'try again in a few minutes')", attempts, findings)


def probe_caps(app, world, probes: Probes) -> None:
    """Items 4 and 5: parallel gives, time zone switching, give-withdraw-give."""
    giver_email, giver_id = world["emails"][2], world["people"][2]
    target = world["people"][3]
    clients = [signed_in(app, giver_email) for _ in range(30)]
    results = []

    def give(client, n):
        results.append(client.post("/kudos", data={
            "recipient_ids": str(target), "message": f"Parallel {n}", "visibility": "company",
            "kind": "kudos"}).status_code)

    threads = [threading.Thread(target=give, args=(c, n)) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        given = db.session.scalar(sa.select(sa.func.count(Kudos.id)).where(
            Kudos.giver_id == giver_id))
    probes.add("4/5. 30 parallel gives to one colleague (past the pair cap of 3)", 30,
               max(0, given - 3) + sum(s >= 500 for s in results))

    client = signed_in(app, world["emails"][4])
    zones = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Tokyo", "America/Los_Angeles"]
    sent = 0
    attempts = 0
    for round_ in range(4):
        for n in range(12):
            attempts += 1
            recipient = world["people"][5 + (n % 15)]
            sent += client.post("/kudos", data={
                "recipient_ids": str(recipient), "message": f"Zone {round_}-{n}",
                "visibility": "company", "kind": "kudos"}).status_code == 303
        client.post("/settings/", data={
            "name": "Person 4", "timezone": zones[round_], "working_days": ["1"],
            "work_start": "09:00", "work_end": "18:00", "digest_frequency": "weekly",
            "notify_mode": "live"})
    probes.add("4. daily cap across time zone changes (gifts past 10)", attempts,
               max(0, sent - 10))

    client = signed_in(app, world["emails"][6])
    pair = world["people"][7]
    sent = 0
    for n in range(6):
        response = client.post("/kudos", data={
            "recipient_ids": str(pair), "message": f"Again {n}", "visibility": "company",
            "kind": "kudos"})
        if response.status_code == 303:
            sent += 1
            with app.app_context():
                newest = db.session.scalar(sa.select(Kudos.id).where(
                    Kudos.giver_id == world["people"][6]).order_by(Kudos.id.desc()).limit(1))
            client.post(f"/kudos/{newest}/withdraw")
    probes.add("5. give, withdraw, give again to one colleague (past 3)", 6, max(0, sent - 3))


UNSTORABLE = ['"\\ud800"', '"\\udfff"', '"a\\u0000b"']


def probe_unstorable(app, world, probes: Probes) -> None:
    """Item 6: strings no column can store, bad cursors, superscript scopes."""
    member = signed_in(app, world["emails"][8])
    admin = signed_in(app, world["emails"][0])
    bodies = [
        (member, "POST", "/api/v1/kudos",
         '{"recipient_ids": [' + str(world["people"][9]) + '], "message": %s}'),
        (member, "POST", "/api/v1/news", '{"title": %s, "summary": "s"}'),
        (admin, "POST", "/api/v1/campaigns", '{"title": %s, "kind": "both"}'),
        (admin, "PUT", "/api/v1/admin/rules",
         '{"rules": {"daily_kudos_cap": 5}, "version": 0, "reason": %s}'),
        (member, "POST", "/api/v1/tokens", '{"name": %s}'),
    ]
    attempts = findings = 0
    for client, method, url, body in bodies:
        for bad in UNSTORABLE:
            attempts += 1
            response = client.open(url, method=method, data=body % bad,
                                   content_type="application/json")
            findings += response.status_code != 422
    for url in ("/api/v1/kudos", "/api/v1/users", "/api/v1/news", "/api/v1/campaigns",
                "/api/v1/notifications"):
        for position in (["\u0000", 1], [True], ["\ud800", 1], [1.5], [None]):
            attempts += 1
            cursor = base64.urlsafe_b64encode(json.dumps(position).encode()).decode()
            findings += member.get(url, query_string={"cursor": cursor}).status_code != 422
    for scope in ("team:²", "team:¹²", "campaign:³", "team:٣"):
        attempts += 1
        findings += admin.get("/api/v1/insights/fatigue",
                              query_string={"scope": scope}).status_code != 422
    probes.add("6. unstorable strings, cursors of the wrong types, scope=team:² (not 422)",
               attempts, findings)


def probe_tokens(app, world, probes: Probes) -> None:
    """Item 7: API tokens after a password change and after 'sign out everywhere'."""
    findings = 0
    for index, action in ((10, "password"), (11, "everywhere")):
        client = signed_in(app, world["emails"][index])
        secret = re.search(r"(kudos_[A-Za-z0-9_-]+)</code>", client.post(
            "/settings/tokens", data={"name": "bot"}).get_data(as_text=True)).group(1)
        if action == "password":
            client.post("/settings/password", data={"current_password": PASSWORD,
                                                    "new_password": "another long password"})
        else:
            client.post("/logout/everywhere")
        findings += app.test_client().get(
            "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    probes.add("7. an API token surviving a password change or sign-out everywhere", 2,
               findings)


def probe_hidden_recipients(app, world, probes: Probes) -> None:
    """Item 8: hidden and deactivated people named by id."""
    client = signed_in(app, world["emails"][12])
    attempts = findings = 0
    for index, name in ((23, "Person 23"), (22, "Person 22")):
        person = world["people"][index]
        attempts += 2
        findings += name in client.get(f"/kudos/new?to={person}").get_data(as_text=True)
        response = client.post("/api/v1/kudos", json={"recipient_ids": [person],
                                                      "message": "Found you"})
        findings += response.status_code < 300 or name in response.get_data(as_text=True)
    probes.add("8. hidden or deactivated people named or thanked by id", attempts, findings)


SSRF = [
    "127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
    "100.64.0.1", "224.0.0.1", "255.255.255.255", "[::1]", "[::]", "[fe80::1]", "[fc00::1]",
    "[fd00::1]", "[ff02::1]", "[::ffff:127.0.0.1]", "[::ffff:10.0.0.1]", "[::127.0.0.1]",
    "[::a9fe:a9fe]", "[64:ff9b::7f00:1]", "[64:ff9b::a00:1]", "[64:ff9b::a9fe:a9fe]",
    "[64:ff9b:1::a00:1]", "[2002:7f00:1::]", "[2002:a00:1::]", "[2002:a9fe:a9fe::]",
    "[fec0::1]", "[fec0::a00:1]", "[::ffff:0:7f00:1]", "[::ffff:0:a00:1]",
    "[2001:0:4136:e378:8000:63bf:80ff:fffe]", "[2001:db8::1]", "[100::1]", "[::ffff:a9fe:a9fe]",
    "[64:ff9b::c0a8:101]",
]


def probe_ssrf(app, probes: Probes) -> None:
    """Item 9: watch-source addresses inside the network, IPv6 transition forms included."""
    findings = 0
    with app.app_context():
        app.config["WATCH_PRIVATE_HOSTS"] = []
        for host in SSRF:
            try:
                feeds.check_address(f"http://{host}/feed.xml")
            except feeds.FeedError as error:
                findings += str(error) != "private_address"
            else:
                findings += 1
    probes.add("9. watch-source addresses inside the network (accepted)", len(SSRF), findings)


def probe_clicks(app, world, probes: Probes) -> None:
    """Item 10: one address with 50 user agents, and HTTP libraries."""
    from kudos.news import relays

    libraries = ["okhttp/4.12.0", "axios/1.7.2", "node-fetch/1.0", "Apache-HttpClient/4.5.14",
                 "python-requests/2.32", "Go-http-client/2.0", "curl/8.5", "undici"]
    with app.app_context():
        day = date(2026, 12, 4)
        visitors = {relays._visitor("203.0.113.7", day) for _ in range(50)}
        robots_counted = sum(not relays.is_bot(agent) for agent in libraries)
    probes.add("10. visitors counted for one address with 50 user agents (past 1)", 50,
               len(visitors) - 1)
    probes.add("10. HTTP libraries counted as people", len(libraries), robots_counted)


def probe_body_size(app, world, probes: Probes) -> None:
    """Item 11: a 100 MB JSON body."""
    client = signed_in(app, world["emails"][13])
    body = b'{"message": "' + b"x" * (100 * 1024 * 1024) + b'"}'
    started = time.monotonic()
    response = client.post("/api/v1/kudos", data=body, content_type="application/json")
    log(f"100 MB body answered {response.status_code} in {time.monotonic() - started:.2f} s")
    probes.add("11. a 100 MB JSON body parsed (not 413)", 1, int(response.status_code != 413))


def probe_export(app, world, probes: Probes) -> None:
    """Item 12: withdrawn and hidden words in a recipient's export."""
    with app.app_context():
        giver, recipient = world["people"][14], world["people"][15]
        for status, words in (("withdrawn", "WITHDRAWN-WORDS"), ("hidden", "HIDDEN-WORDS")):
            kudos = Kudos(giver_id=giver, message=words, status=status,
                          idempotency_key=uuid.uuid4().hex)
            from kudos.recognition.models import KudosRecipient
            kudos.recipients = [KudosRecipient(user_id=recipient, approved=True)]
            db.session.add(kudos)
        db.session.commit()
    export = signed_in(app, world["emails"][15]).get("/settings/export").get_data(as_text=True)
    probes.add("12. withdrawn or hidden words in a recipient's export", 2,
               ("WITHDRAWN-WORDS" in export) + ("HIDDEN-WORDS" in export))


def probe_names(app, world, probes: Probes) -> None:
    """Item 13: bidi and zero-width characters in names, team names, titles."""
    marks = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200c",
             "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\u061c"]
    member = signed_in(app, world["emails"][16])
    admin = signed_in(app, world["emails"][0])
    findings = 0
    for mark in marks:
        findings += member.post("/settings/", data={
            "name": f"Na{mark}me", "timezone": "Europe/Paris", "working_days": ["1"],
            "work_start": "09:00", "work_end": "18:00", "digest_frequency": "weekly",
            "notify_mode": "live"}).status_code != 422
        findings += admin.post("/admin/teams", data={"name": f"Te{mark}am"}).status_code != 422
        findings += admin.post("/api/v1/news", json={
            "title": f"Ti{mark}tle", "summary": "s"}).status_code != 422
    probes.add("13. invisible formatting characters in names, team names, titles",
               len(marks) * 3, findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    redis_server, redis_url = start_redis()
    name = f"kudos_probe_{uuid.uuid4().hex[:8]}"
    admin_engine = None
    if args.db == "postgres":
        admin_engine = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin_engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = POSTGRES.rsplit("/", 1)[0] + "/" + name
    else:
        url = "sqlite:///" + str(Path(tempfile.mkdtemp()) / "probe.sqlite")
    sent: list[str] = []
    import kudos.auth.views as auth_views

    real_enqueue = auth_views.enqueue
    auth_views.enqueue = lambda _job, _to, _subject, body: sent.append(body)
    try:
        app = make_app(url, redis_url)
        world = seed(app)
        probes = Probes()
        probe_team_moves(app, world, probes)
        probe_host_headers(app, probes, sent)
        probe_caps(app, world, probes)
        probe_unstorable(app, world, probes)
        probe_tokens(app, world, probes)
        probe_hidden_recipients(app, world, probes)
        probe_ssrf(app, probes)
        probe_clicks(app, world, probes)
        probe_body_size(app, world, probes)
        probe_export(app, world, probes)
        probe_names(app, world, probes)
        auth_views.enqueue = real_enqueue  # sign-up links go to Redis again, which stops
        probe_redis_down(app, redis_server, world, probes)
        print(probes.table())
    finally:
        app = locals().get("app")
        if redis_server.poll() is None:
            redis_server.terminate()
        if app is not None:
            with app.app_context():
                db.engine.dispose()
        if admin_engine is not None:
            with admin_engine.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
