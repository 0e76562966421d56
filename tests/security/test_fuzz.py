"""Property-based fuzzing (hypothesis): whatever a client sends, the app never answers 5xx.

Every JSON endpoint under /api/v1 gets bodies of random shapes and types (objects of its own
field names with values of any JSON type, any JSON at all, bytes that are not JSON) and its
query strings random values; the main forms get random text in their fields and in extra
ones; every route with a number in its path gets any number. One world and one signed-in
client per endpoint; examples are bounded so that the file runs in about a minute.
"""

import base64
import contextlib
import json
import string
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from kudos.auth import operations as auth_ops
from kudos.sqltypes import utcnow
from tests.security.test_access_table import ROUTES
from tests.security.world import World, build, row_counts, sign_in

FUZZ = settings(max_examples=35, deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
FEW = settings(FUZZ, max_examples=20)

# Every string may hold what no column can store or what looks like a digit without being one:
# lone surrogates (JSON's "\ud800"), NUL, superscript and other non-ASCII digits.
CHARS = st.characters(exclude_categories=())  # surrogates (Cs) included
NASTY = ["\ud800", "a\udfffz", "\udc00\ud800", "\x00", "a\x00b", "²", "¹²³", "team:²",
         "campaign:³", "٣", "１２"]
STRINGS = st.text(CHARS, max_size=40) | st.sampled_from(NASTY)
EDGE_INTS = st.sampled_from([0, -1, 1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1,
                             10**30])
SCALARS = (st.none() | st.booleans() | st.integers() | EDGE_INTS
           | st.floats(allow_nan=True, allow_infinity=True) | STRINGS
           | st.sampled_from(["", " ", "2027-03-01", "1", "0", "-1", "true", "NaN", "Infinity",
                              "null", "[]", "{}", "\x00", "\n", "<script>", "9" * 40,
                              "kudos", "company", "internal", "applause", "kudos_count"]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(CHARS, max_size=10), inner, max_size=4),
                    max_leaves=10)
TEXT = st.text(CHARS, max_size=60) | st.sampled_from(
    ["", "0", "-1", "2147483648", "9223372036854775808", "1e309", "2027-02-30", "25:61",
     "on", "\x00", "a" * 5000, "\u202e", "%s%n", "{{7*7}}", "javascript:alert(1)", *NASTY])
# A cursor is base64 of JSON: any JSON at all, encoded the way ours are (and sometimes not).
CURSORS = JSON.map(lambda value: base64.urlsafe_b64encode(
    json.dumps(value).encode()).decode().rstrip("=")) | TEXT


def encoded(fields: dict) -> str:
    """Form or query data as a client sends it: UTF-8, a lone surrogate as the three bytes
    a careless encoder writes (what the test client itself would refuse to encode)."""
    return urlencode(fields, doseq=True, encoding="utf-8", errors="surrogatepass")


def later(days: int) -> str:
    return (utcnow().date() + timedelta(days=days)).isoformat()


def mutations(base: dict, fields: list[str], values):
    """The valid `base` with a few fields replaced, dropped or added: deep enough to pass the
    first checks and reach the operations and the database."""
    changes = st.dictionaries(st.sampled_from(fields), values, min_size=1, max_size=3)
    dropped = st.sets(st.sampled_from(sorted(base) or ["-"]), max_size=2)
    return st.tuples(changes, dropped).map(
        lambda pair: {**{k: v for k, v in base.items() if k not in pair[1]}, **pair[0]})


def body(base: dict, fields: list[str]):
    """A JSON body: the valid one mutated, an object of the endpoint's own fields with any
    values, or any JSON at all."""
    own = st.fixed_dictionaries({}, optional={name: JSON for name in fields})
    return st.one_of(mutations(base, fields, JSON), mutations(base, fields, SCALARS), own, JSON)


# JSON endpoints: (role, method, url template, a valid body, more field names).
JSON_ENDPOINTS = [
    ("member", "POST", "/api/v1/kudos",
     lambda w: {"recipient_ids": [w.third], "message": "Thanks", "kind": "kudos",
                "visibility": "company", "value_id": w.value},
     ["campaign_id", "work_title", "link_url", "why_it_matters", "idempotency_key"]),
    ("member", "POST", "/api/v1/kudos/{kudos_other}/comments", lambda w: {"body": "Nice"}, []),
    ("member", "POST", "/api/v1/kudos/{kudos_other}/reactions", lambda w: {"kind": "applause"},
     []),
    ("admin", "DELETE", "/api/v1/kudos/{kudos_other}", lambda w: {"reason": "spam"}, []),
    ("member", "POST", "/api/v1/news",
     lambda w: {"title": "Launch", "summary": "It works", "topic_id": w.topic},
     ["body", "url", "campaign_id", "public"]),
    ("member", "POST", "/api/v1/news/{news}/relays",
     lambda w: {"channel": "internal", "comment": "Worth a read"}, []),
    ("lead", "POST", "/api/v1/news/{proposal}/publish", lambda w: {}, ["title"]),
    ("lead", "POST", "/api/v1/campaigns",
     lambda w: {"title": "Spring", "kind": "both", "scope_team_id": w.team_a,
                "starts_on": later(60), "ends_on": later(70), "goal_kind": "kudos_count",
                "goal_target": 5, "value_ids": [w.value]},
     ["theme", "description", "launch", "points"]),
    ("member", "POST", "/api/v1/tokens", lambda w: {"name": "script"}, []),
    ("admin", "PUT", "/api/v1/admin/rules",
     lambda w: {"rules": {"daily_kudos_cap": 5, "euphoria_ratio": 2.0}, "version": 0,
                "reason": "calmer"}, []),
    ("admin", "POST", "/api/v1/admin/rules/preview",
     lambda w: {"rules": {"daily_kudos_cap": 5}, "days": 30}, []),
]

# GET endpoints with query strings: (role, url, parameter names).
QUERY_ENDPOINTS = [
    ("member", "/api/v1/kudos", ["scope", "team_id", "value_id", "kind", "cursor", "limit"]),
    ("member", "/api/v1/users", ["q", "cursor", "limit"]),
    ("member", "/api/v1/news", ["cursor", "limit"]),
    ("member", "/api/v1/campaigns", ["cursor", "limit"]),
    ("member", "/api/v1/notifications", ["cursor", "limit"]),
    ("admin", "/api/v1/insights/fatigue", ["scope"]),
    ("member", "/", ["scope", "team", "value", "kind", "before"]),
    ("member", "/wall/newer", ["after", "scope", "team", "value", "kind"]),
    ("member", "/people/search", ["q", "recipient_ids"]),
    ("member", "/kudos/new", ["to", "kind", "campaign", "q"]),
    ("member", "/news", ["topic"]),
    ("admin", "/admin/people", ["q"]),
]

# Forms: (role, url, a valid form, more field names).
FORMS = [
    ("member", "/kudos",
     lambda w: {"kind": "kudos", "recipient_ids": str(w.third), "message": "Thanks",
                "visibility": "company", "value_id": str(w.value), "campaign_id": "0"},
     ["idempotency_key", "work_title", "work_url", "why_it_matters"]),
    ("member", "/news/new",
     lambda w: {"title": "Launch", "summary": "It works", "topic_id": str(w.topic)},
     ["body", "url", "public"]),
    ("lead", "/campaigns/new",
     lambda w: {"title": "Spring", "kind": "both", "team_id": str(w.team_a),
                "starts_on": later(60), "ends_on": later(70), "goal_kind": "kudos_count",
                "goal_target": "5", "value_ids": str(w.value)},
     ["theme", "description"]),
    ("member", "/settings/",
     lambda w: {"name": "Awa", "team_id": str(w.team_a), "timezone": "Europe/Paris",
                "working_days": ["1", "2"], "work_start": "09:00", "work_end": "17:00",
                "locale": "fr", "digest_frequency": "weekly", "notify_mode": "live"},
     ["profile_public", "approve_kudos", "relay_weekly_budget"]),
    ("admin", "/admin/values", lambda w: {"name": "Care", "description": "For each other"},
     []),
    ("admin", "/admin/rules",
     lambda w: {"daily_kudos_cap": "5", "version": "0", "reason": "calmer"},
     ["euphoria_ratio", "working_hours_only", "relay_weekly_budget_default"]),
    ("anonymous", "/login", lambda w: {"email": "awa@example.com", "password": "guess"},
     ["remember"]),
    ("anonymous", "/signup", lambda w: {"name": "Eve", "email": "eve@example.com"}, []),
    ("anonymous", "/invite/{invite_token}",
     lambda w: {"name": "Nina", "password": "a long and happy password"}, []),
]


@pytest.fixture
def fast_and_unlimited(app, monkeypatch):
    """Fuzzing is about input handling: no rate limits, and a cheap password check (argon2
    is slow on purpose) so that sign-in can take many examples."""
    for name in ("LOGIN_LIMIT_PER_IP", "LOGIN_LIMIT_PER_ACCOUNT", "TOKEN_LIMIT_PER_IP"):
        monkeypatch.setitem(app.config, name, "100000 per minute")
    monkeypatch.setitem(app.config, "SIGNUP_DOMAINS", ["example.com"])
    monkeypatch.setitem(app.config, "DEBUG", False)
    monkeypatch.setattr(auth_ops, "check_password", lambda stored, given: False)


def caller(app, world: World, role: str):
    client = app.test_client()
    if role != "anonymous":
        sign_in(app, client, world.ids[role])
    return client


def assert_no_5xx(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.mark.parametrize(("role", "method", "template", "valid", "more"), JSON_ENDPOINTS,
                         ids=[f"{m} {t}" for _r, m, t, _v, _f in JSON_ENDPOINTS])
def test_json_endpoint_never_fails(app, fast_and_unlimited, role, method, template, valid,
                                   more):
    world = build(app)
    client = caller(app, world, role)
    url = world.fill(template)
    base = valid(world)

    @FUZZ
    @given(payload=body(base, [*base, *more]) | st.binary(max_size=40))
    def fuzz(payload):
        if isinstance(payload, bytes):
            response = client.open(url, method=method, data=payload,
                                   content_type="application/json")
        else:
            response = client.open(url, method=method, data=json.dumps(payload),
                                   content_type="application/json")
        assert_no_5xx(response, f"{method} {url} {payload!r}")
        if response.status_code >= 400:
            assert "error" in response.get_json(), "API errors are JSON"

    fuzz()


def query(params: list[str]):
    return st.fixed_dictionaries({}, optional={
        name: CURSORS if name == "cursor" else TEXT for name in params})


@pytest.mark.parametrize(("role", "url", "params"), QUERY_ENDPOINTS,
                         ids=[u for _r, u, _p in QUERY_ENDPOINTS])
def test_query_string_never_fails(app, fast_and_unlimited, role, url, params):
    world = build(app)
    client = caller(app, world, role)

    @FEW
    @given(args=query(params), htmx=st.booleans())
    def fuzz(args, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(url, query_string=encoded(args), headers=headers)
        assert_no_5xx(response, f"GET {url} {args!r}")

    fuzz()


def form(base: dict, fields: list[str]):
    """Form data: the valid form mutated (lists too: a field sent twice), or the form's own
    fields with any text, with a couple of unknown fields."""
    values = TEXT | st.lists(TEXT, max_size=3)
    own = st.fixed_dictionaries({}, optional={name: values for name in fields})
    extra = st.dictionaries(st.text(string.ascii_letters, min_size=1, max_size=8), TEXT,
                            max_size=2)
    return st.tuples(st.one_of(mutations(base, fields, values), own), extra).map(
        lambda pair: {**pair[1], **pair[0]})


@pytest.mark.parametrize(("role", "template", "valid", "more"), FORMS,
                         ids=[t for _r, t, _v, _f in FORMS])
def test_form_never_fails(app, fast_and_unlimited, role, template, valid, more):
    world = build(app)
    client = caller(app, world, role)
    url = world.fill(template)
    base = valid(world)

    @FUZZ
    @given(data=form(base, [*base, *more]), htmx=st.booleans())
    def fuzz(data, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.post(url, data=encoded(data), headers=headers,
                               content_type="application/x-www-form-urlencoded")
        assert_no_5xx(response, f"POST {url} {data!r}")

    fuzz()


def numbered_routes(app) -> list[tuple[str, str, list[str]]]:
    """Every route with a number in its path: (endpoint, method, argument names)."""
    found = []
    for rule in app.url_map.iter_rules():
        numbers = [name for name, converter in rule._converters.items()
                   if isinstance(converter, IntegerConverter)]
        if numbers:
            method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD",
                                                                                 "OPTIONS"})[0]
            found.append((rule.endpoint, method, numbers))
    return sorted(found)


def test_any_number_in_a_path_never_fails(app, fast_and_unlimited):
    world = build(app)
    client = caller(app, world, "admin")
    routes = numbered_routes(app)
    assert len(routes) > 30
    numbers = st.integers(min_value=0) | EDGE_INTS.filter(lambda n: n >= 0)

    @settings(FUZZ, max_examples=80)
    @given(route=st.sampled_from(routes), number=numbers)
    def fuzz(route, number):
        endpoint, method, _names = route
        template = ROUTES[endpoint]
        url = "/".join(str(number) if part.startswith("{") and part.endswith("}")
                       and part[1:-1] in world.ids else part for part in template.split("/"))
        response = client.open(url.partition("?")[0], method=method)
        assert_no_5xx(response, f"{method} {url}")

    fuzz()


# What fuzzing found once, kept as plain cases: (role, method, url, request keywords, status).
# None: any answer but a 5xx (numbers past 64 bits are refused by SQLite, while PostgreSQL
# compares them and finds nothing).
FOUND = [
    ("member", "GET", "/people/search", {"query_string": {"q": "\x00"}}, 422),
    ("admin", "GET", "/admin/people", {"query_string": {"q": "a\x00b"}}, 422),
    ("anonymous", "POST", "/login", {"data": {"email": "\x00", "password": "x"}}, 422),
    ("admin", "POST", "/admin/values", {"data": {"name": "\x00"}}, 422),
    ("member", "POST", "/api/v1/news", {"json": {"title": "a\x00", "summary": "b"}}, 422),
    ("member", "POST", "/api/v1/kudos", {"json": {"message": "hi", "recipient_ids": [1],
                                                  "work_title": {"\x00": 1}}}, 422),
    ("member", "GET", "/kudos/a%00b", {}, 400),
    ("member", "POST", "/api/v1/kudos", {"data": "[" * 100_000,
                                         "content_type": "application/json"}, 400),
    ("member", "POST", "/api/v1/kudos", {"data": '{"a":' * 5000 + "1" + "}" * 5000,
                                         "content_type": "application/json"}, 400),
    ("member", "GET", "/?team=99999999999999999999999", {}, None),
    ("member", "GET", "/wall/newer?after=9223372036854775808", {}, None),
    ("member", "GET", "/api/v1/kudos?value_id=99999999999999999999", {}, None),
    ("member", "GET", "/kudos/99999999999999999999", {}, 404),
    ("member", "POST", "/kudos", {"data": {"message": "hi", "recipient_ids": "1" + "0" * 30}},
     None),
    ("admin", "PUT", "/api/v1/admin/rules",
     {"data": '{"version": 0, "reason": "r", "rules": {"daily_kudos_cap": Infinity}}',
      "content_type": "application/json"}, 400),
]


@pytest.mark.parametrize(("role", "method", "url", "kwargs", "status"), FOUND,
                         ids=[f"{m} {u[:40]}" for _r, m, u, _k, _s in FOUND])
def test_what_fuzzing_found_stays_fixed(app, role, method, url, kwargs, status):
    world = build(app)
    response = caller(app, world, role).open(url, method=method, **kwargs)
    assert response.status_code < 500
    assert status is None or response.status_code == status


def test_a_value_name_differing_only_in_non_ascii_case_is_not_a_500(app):
    """SQLite's lower() leaves "É" alone: the duplicate check must still see the same name."""
    world = build(app)
    client = caller(app, world, "admin")
    assert client.post("/admin/values", data={"name": "Élan"}).status_code == 303
    assert client.post("/admin/values", data={"name": "Élan"}).status_code == 422


# Strings no column can store, in each JSON endpoint's own text field: a 422 naming it.
SURROGATE = '"x\\ud800y"'  # JSON text: the escape makes a lone surrogate when parsed
UNSTORABLE = [
    ("member", "POST", "/api/v1/kudos", '{"recipient_ids": [{third}], "message": %s}',
     "message"),
    ("member", "POST", "/api/v1/kudos/{kudos_other}/comments", '{"body": %s}', "body"),
    ("member", "POST", "/api/v1/news", '{"title": %s, "summary": "s"}', "title"),
    ("member", "POST", "/api/v1/news/{news}/relays",
     '{"channel": "internal", "comment": %s}', "comment"),
    ("lead", "POST", "/api/v1/campaigns", '{"title": %s, "kind": "both"}', "title"),
    ("admin", "PUT", "/api/v1/admin/rules",
     '{"rules": {"daily_kudos_cap": 5}, "version": 0, "reason": %s}', "reason"),
    ("member", "POST", "/api/v1/tokens", '{"name": %s}', "name"),
]


@pytest.mark.parametrize("unstorable", [SURROGATE, '"\\udfff"', '"a\\u0000b"'],
                         ids=["lone high surrogate", "lone low surrogate", "NUL"])
@pytest.mark.parametrize(("role", "method", "template", "body", "field"), UNSTORABLE,
                         ids=[t for _r, _m, t, _b, _f in UNSTORABLE])
def test_a_string_that_cannot_be_stored_is_a_422_naming_the_field(
        app, role, method, template, body, field, unstorable):
    world = build(app)
    client = caller(app, world, role)
    before = row_counts(app)
    data = body.replace("{third}", str(world.third)) % unstorable
    response = client.open(world.fill(template), method=method, data=data,
                           content_type="application/json")
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and error["field"] == field
    assert "cannot be stored" in error["message"]
    assert row_counts(app) == before


def test_a_lone_surrogate_in_a_form_is_a_422_page_with_its_security_headers(app):
    world = build(app)
    client = caller(app, world, "member")
    response = client.post("/kudos", data="message=hi%ED%A0%80&recipient_ids=1",
                           content_type="application/x-www-form-urlencoded")
    # Werkzeug decodes the three bytes as U+FFFD: a replacement character, stored as such.
    assert response.status_code < 500
    assert "Content-Security-Policy" in response.headers


def cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize("position", [["\u0000", 1], [True], ["\ud800", 1], [1.5], [None],
                                      [[1]], [{"a": 1}], [2**40], [-1], ["x" * 500, 1],
                                      [True, True]],
                         ids=repr)
@pytest.mark.parametrize("url", ["/api/v1/kudos", "/api/v1/users", "/api/v1/news",
                                 "/api/v1/campaigns", "/api/v1/notifications"])
def test_a_cursor_of_the_wrong_types_is_a_422(app, url, position):
    world = build(app)
    response = caller(app, world, "member").get(url, query_string={"cursor": cursor(position)})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["error"]["field"] == "cursor"


@pytest.mark.parametrize("scope", ["team:²", "team:¹²", "campaign:³", "team:٣", "team:１",
                                   "team:99999999999999999999"])
def test_a_scope_with_digits_that_are_not_ascii_is_a_422(app, scope):
    world = build(app)
    response = caller(app, world, "admin").get("/api/v1/insights/fatigue",
                                               query_string={"scope": scope})
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "scope"


def test_the_error_page_rolls_the_session_back_before_it_renders(app, monkeypatch):
    """An unexpected error in the middle of a transaction the database refused: the 500 page
    (whose layout reads the database) still renders, with its headers."""
    from sqlalchemy import text

    from kudos.extensions import db
    from kudos.recognition import views

    world = build(app)
    client = caller(app, world, "member")

    def broken(*_args, **_kwargs):
        # The transaction is left failed (on PostgreSQL), as an error caught and ignored
        # somewhere would leave it.
        with contextlib.suppress(Exception):
            db.session.execute(text("SELECT * FROM no_such_table"))
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "_search", broken)
    response = client.get("/kudos/new", query_string={"q": "a"})
    assert response.status_code == 500
    assert "Something went wrong on our side." in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers
