"""A small company with one record of every kind, for the security tests: two teams, a member
and a lead of team A, an admin, two people of team B, kudos (public, private, pending, one the
member gave), news (published, proposed), campaigns (team A, team B, company-wide), tokens
(API, invitation, relay, unsubscribe), a notification, a watch source, a preview run.

Rows are written directly (not through the operations) so that building the world is fast
and independent of cooldowns and budgets; the tests then exercise the routes.
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from kudos.admin.models import Topic, Value
from kudos.auth.models import ApiToken, Invitation, Team, User
from kudos.auth.operations import start_session
from kudos.auth.tokens import digest, new_secret
from kudos.calendar.models import Closure
from kudos.campaigns.models import Campaign
from kudos.extensions import db, limiter
from kudos.news.models import NewsItem, Relay, WatchSource
from kudos.notifications.models import Notification
from kudos.notifications.operations import unsubscribe_token
from kudos.recognition.models import Kudos, KudosRecipient
from kudos.rules.models import PreviewRun
from kudos.sqltypes import utcnow
from kudos.teams.models import TeamMoveRequest
from tests.conftest import _HASH

ROLES = ("anonymous", "member", "lead", "admin")


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str):
        if name in ("ids", "secrets"):
            raise AttributeError(name)
        try:
            return self.ids[name]
        except KeyError:
            raise AttributeError(name) from None

    def fill(self, template: str) -> str:
        """A concrete URL from a template such as `/kudos/{kudos_other}`."""
        return template.format(**self.ids, **self.secrets)


def _user(name: str, email: str, role: str = "member", team: Team | None = None,
          **fields) -> User:
    user = User(name=name, email=email, role=role, password_hash=_HASH,
                team_id=team.id if team else None, **fields)
    db.session.add(user)
    return user


def _kudos(giver: User, recipients: list[User], message: str, **fields) -> Kudos:
    kudos = Kudos(giver_id=giver.id, message=message, idempotency_key=uuid.uuid4().hex,
                  created_at=utcnow(), **fields)
    approved = None if fields.get("status") == "pending" else True
    kudos.recipients = [KudosRecipient(user_id=r.id, approved=approved) for r in recipients]
    db.session.add(kudos)
    return kudos


def build(app) -> World:
    """Write the world in one transaction; returns the ids and the secrets of its rows."""
    world = World()
    today = utcnow().date()
    with app.app_context():
        team_a, team_b = Team(name="Team A"), Team(name="Team B")
        value, topic = Value(name="Courage"), Topic(name="Product")
        db.session.add_all([team_a, team_b, value, topic])
        db.session.flush()
        admin = _user("Claire Admin", "claire@example.com", "admin")
        lead = _user("Lea Lead", "lea@example.com", "lead", team_a)
        member = _user("Awa Diallo", "awa@example.com", "member", team_a)
        other = _user("Omar Other", "omar@example.com", "member", team_b)
        third = _user("Tess Third", "tess@example.com", "member", team_b)
        db.session.flush()
        lead.led_teams = [team_a]

        kudos_other = _kudos(other, [third], "Thanks for the launch!")
        kudos_private = _kudos(other, [third], "Just between us", visibility="recipients")
        kudos_mine = _kudos(member, [other], "Thank you for the review")
        kudos_pending = _kudos(other, [member], "Waiting for Awa's approval", status="pending")

        news = NewsItem(title="We shipped", summary="It works", status="published",
                        published_at=utcnow(), author_id=admin.id, public=True,
                        url="https://example.com/launch", topic_id=topic.id)
        proposal = NewsItem(title="Omar's idea", summary="Please publish", status="proposed",
                            author_id=other.id, proposed_by_id=other.id)
        db.session.add_all([news, proposal])

        def campaign(title: str, team: Team | None, status: str = "scheduled") -> Campaign:
            row = Campaign(title=title, team_id=team.id if team else None, owner_id=admin.id,
                           starts_on=today, ends_on=today + timedelta(days=20),
                           goal_kind="kudos_count", goal_target=10, status=status,
                           launched_at=utcnow() if status != "draft" else None)
            db.session.add(row)
            return row

        campaign_a = campaign("Team A month", team_a)
        campaign_b = campaign("Team B month", team_b)
        campaign_company = campaign("Company month", None)
        db.session.flush()

        relay = Relay(news_id=news.id, user_id=other.id, channel="linkedin",
                      token=uuid.uuid4().hex[:22])
        token_secret = new_secret("kudos_")
        member_token = ApiToken(user_id=member.id, name="laptop", prefix=token_secret[:12],
                                token_hash=digest(token_secret))
        other_secret = new_secret("kudos_")
        other_token = ApiToken(user_id=other.id, name="phone", prefix=other_secret[:12],
                               token_hash=digest(other_secret))
        invite_secret = new_secret()
        invitation = Invitation(email="newcomer@example.com", name="Nina New",
                                token_hash=digest(invite_secret), created_by_id=admin.id,
                                expires_at=utcnow() + timedelta(days=7))
        notification = Notification(user_id=other.id, kind="thanked", actor_id=member.id,
                                    kudos_id=kudos_mine.id, dedupe_key=f"t-{uuid.uuid4().hex}")
        source = WatchSource(title="Closed port", url="http://127.0.0.1:9/feed.xml",
                             added_by_id=admin.id)
        preview = PreviewRun(requested_by_id=admin.id, days=30)
        # Tess asks to join team A (whose lead decides, with the admins).
        move_request = TeamMoveRequest(user_id=third.id, from_team_id=team_b.id,
                                       to_team_id=team_a.id, note="Closer to my work")
        closure = Closure(first_day=today + timedelta(days=30), last_day=today + timedelta(days=31),
                          label="Bridge days", created_by_id=admin.id)
        db.session.add_all([relay, member_token, other_token, invitation, notification,
                            source, preview, move_request, closure])
        db.session.commit()

        for name, row in {
            "team_a": team_a, "team_b": team_b, "value": value, "topic": topic,
            "admin": admin, "lead": lead, "member": member, "other": other, "third": third,
            "kudos_other": kudos_other, "kudos_private": kudos_private,
            "kudos_mine": kudos_mine, "kudos_pending": kudos_pending, "news": news,
            "proposal": proposal, "campaign_a": campaign_a, "campaign_b": campaign_b,
            "campaign_company": campaign_company, "relay": relay,
            "member_token": member_token, "other_token": other_token,
            "invitation": invitation, "notification": notification, "source": source,
            "preview": preview, "move_request": move_request, "closure": closure,
        }.items():
            world.ids[name] = row.id
        world.secrets.update({
            "relay_token": relay.token, "invite_token": invite_secret,
            "member_api_token": token_secret, "other_api_token": other_secret,
            "unsubscribe_token": unsubscribe_token(other.id),
        })
    return world


def rebuild(app) -> World:
    """Empty every table (as the per-test clean-up does) and build the world again."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
    limiter.reset()
    return build(app)


def sign_in(app, client, user_id: int, *, remember: bool = False) -> str:
    """Sign `client` in as a user without the password form (argon2 is slow on purpose):
    a real session row, and the cookie Flask-Login would set. Returns the session secret."""
    with app.app_context():
        user = db.session.get(User, user_id)
        with app.test_request_context():
            secret = start_session(user, remember=remember)
    with client.session_transaction() as session:
        session["_user_id"] = secret
        session["_fresh"] = True
    return secret


def clients(app, world: World) -> dict:
    """One client per role: anonymous, the member and the lead of team A, the admin."""
    made = {"anonymous": app.test_client()}
    for role in ROLES[1:]:
        made[role] = app.test_client()
        sign_in(app, made[role], world.ids[role])
    return made


def row_counts(app) -> dict[str, int]:
    """How many rows every table holds."""
    with app.app_context():
        counts = {table.name: db.session.scalar(select(func.count()).select_from(table))
                  for table in db.metadata.sorted_tables}
        db.session.remove()
    return counts
