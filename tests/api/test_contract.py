"""The API contract, checked by a client nobody here wrote: Schemathesis reads
/api/v1/openapi.json from a live server (werkzeug on 127.0.0.1, a free port) and sends
generated requests to every operation the document lists, as a member, a lead and an admin
of a seeded company, with ids that exist and ids that do not, valid bodies and broken ones.

Every answer must be: no server error (5xx), a status the operation documents, the documented
content type and headers (Retry-After on 429 and 503), and a body that fits the documented
schema. An operation added to the document is exercised without a change here; when one
answers something undocumented, the failure names the operation and the status: document
it in kudos/api/openapi.py (its `responses`, or `common_responses` for an answer every
operation can give).

Excluded: revoking a token (the run would revoke its own credentials).
"""

import threading
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import make_server

from kudos.api.operations import create_token
from kudos.auth.models import User
from kudos.campaigns import operations as campaigns
from kudos.extensions import db
from kudos.news import operations as news
from kudos.news import relays
from kudos.news.models import NewsItem
from kudos.sqltypes import utcnow
from tests.recognition.helpers import give

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 20  # per operation: with some 26 operations, about 550 requests
EXCLUDED = {("DELETE", "/api/v1/tokens/{token_id}")}  # would revoke the run's own tokens


@dataclass
class Company:
    """Who calls (a token per role) and the ids a request can name."""

    tokens: dict[str, str]
    path_ids: dict[str, list] = field(default_factory=dict)
    query_values: dict[str, list] = field(default_factory=dict)


def seed(app, make) -> Company:
    team, other_team = make.team("Lyon office"), make.team("Paris office")
    lead = make.user("Léa Lead", role="lead", team=team, leads=[team])
    member = make.user("Awa Diallo", team=team)
    admin = make.user("Claire Admin", role="admin", team=other_team)
    bruno = make.user("Bruno Costa", team=other_team)
    kudos_ids = [give(app, member, lead, message="Thank you for the planning"),
                 give(app, lead, member, bruno, message="For the release"),
                 give(app, bruno, admin, message="Between us", visibility="recipients")]
    with app.app_context():
        as_lead = db.session.get(User, lead.id)
        published = news.submit(as_lead, news.NewsDraft(
            title="Our team shipped the planner", summary="Three months of work",
            url="https://example.com/planner"))
        proposed = news.submit(db.session.get(User, member.id), news.NewsDraft(
            title="A story from the Lyon office", summary="Worth telling"))
        relay = relays.create(as_lead, db.session.get(NewsItem, published.id), "linkedin")
        today = utcnow().date()
        campaign = campaigns.create(as_lead, campaigns.CampaignDraft(
            title="Green month", theme="Green gestures", description="", kind="both",
            team_id=team.id, starts_on=today, ends_on=today + timedelta(days=20),
            goal_kind="kudos_count", goal_target=10, value_ids=[]))
        campaigns.launch(as_lead, campaign)
        tokens = {role: create_token(db.session.get(User, person.id), "contract")[1]
                  for role, person in (("member", member), ("lead", lead), ("admin", admin))}
        company = Company(tokens, path_ids={
            "kudos_id": kudos_ids, "news_id": [published.id, proposed.id],
            "campaign_id": [campaign.id], "token": [relay.token],
            "kind": ["applause", "plus_one"],
        }, query_values={
            "scope": ["me", "company", f"team:{team.id}", f"team:{other_team.id}",
                      f"campaign:{campaign.id}"],
            "team_id": [team.id], "value_id": [],
        })
    return company


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a free port of 127.0.0.1, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def known_ids(operation, company: Company) -> list[dict]:
    """Path parameters made of ids the seeded company has (every combination is not
    needed: one per value of the first parameter, the others taken first)."""
    names = [p.name for p in operation.path_parameters]
    if not names or not all(company.path_ids.get(n) for n in names):
        return []
    first, *rest = names
    return [{first: value, **{n: company.path_ids[n][0] for n in rest}}
            for value in company.path_ids[first]]


def cases(operation, company: Company):
    """Generated requests: valid ones, valid ones naming existing records, broken ones."""
    choices = [operation.as_strategy(GenerationMode.POSITIVE),
               operation.as_strategy(GenerationMode.NEGATIVE)]
    existing = known_ids(operation, company)
    if existing:
        choices.append(st.sampled_from(existing).flatmap(
            lambda ids: operation.as_strategy(GenerationMode.POSITIVE, path_parameters=ids)))
    known_query = {p.name: company.query_values[p.name] for p in operation.query
                   if company.query_values.get(p.name)}
    if known_query:
        choices.append(st.fixed_dictionaries(
            {name: st.sampled_from(values) for name, values in known_query.items()}
        ).flatmap(lambda query: operation.as_strategy(GenerationMode.POSITIVE, query=query)))
    return st.one_of(choices)


def exercise(operation, company: Company, base_url: str, secured: bool) -> list[str]:
    """Run the generated cases of one operation; the problems found, each naming it. The
    first case is also sent without credentials: a secured operation must refuse it."""
    roles = sorted(company.tokens)
    problems: list[str] = []
    anonymous_sent = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=cases(operation, company), role=st.sampled_from(roles))
    def run(case, role):
        # A tracked link redirects to the article on the internet: the 302 is the answer.
        options = {"base_url": base_url, "allow_redirects": False, "timeout": 30}
        if secured and not anonymous_sent:
            anonymous_sent.append(case)
            response = case.call(**options)
            # Refused before anything else (400 only for input no field can hold).
            assert response.status_code in (400, 401), (
                f"answered {response.status_code} without credentials")
            case.validate_response(response, checks=CHECKS)
        case.call_and_validate(headers={"Authorization": f"Bearer {company.tokens[role]}"},
                               checks=CHECKS, **options)

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # every operation's problems, one report
        problems.append(f"{operation.method.upper()} {operation.path}: {error}".strip())
    return problems


# About a minute on this 2-core machine alone; a machine shared with other suites (load
# average 50) has taken five. The suite's 300 s per test would cut it mid-run.
@pytest.mark.timeout(1200)
def test_every_operation_answers_as_the_openapi_document_says(app, make, live_server):
    company = seed(app, make)
    schema = schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    exercised = []
    problems: list[str] = []
    for operation in operations:
        if (operation.method.upper(), operation.path) in EXCLUDED:
            continue
        exercised.append(f"{operation.method.upper()} {operation.path}")
        raw = schema.raw_schema["paths"][operation.path][operation.method.lower()]
        problems += exercise(operation, company, live_server, raw.get("security") != [])
    assert len(exercised) >= 20, exercised
    assert not problems, (
        f"{len(problems)} of {len(exercised)} operations answered outside their contract. "
        "Document each status (and its body) in kudos/api/openapi.py, or fix the answer.\n\n"
        + "\n\n".join(problems))
