"""People, teams, sign-in sessions, invitations and personal API tokens."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Integer, String, Table, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow

ROLES = ("member", "lead", "admin")
WEEKDAYS = (1, 2, 3, 4, 5, 6, 7)  # ISO: Monday is 1

team_leads = Table(
    "team_leads",
    db.metadata,
    Column("team_id", Integer, ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    members: Mapped[list[User]] = relationship(back_populates="team", foreign_keys="User.team_id")
    leads: Mapped[list[User]] = relationship(secondary=team_leads, back_populates="led_teams")

    def __repr__(self) -> str:
        return f"<Team {self.id} {self.name!r}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="member")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    # After a time zone change, the daily cap counts the day in progress in the zone left,
    # until that day ends (kudos.domain.cooldowns.zone_change).
    caps_timezone: Mapped[str | None] = mapped_column(String(64))
    caps_timezone_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    working_days: Mapped[str] = mapped_column(String(13), default="1,2,3,4,5")
    work_start_minute: Mapped[int] = mapped_column(default=9 * 60)
    work_end_minute: Mapped[int] = mapped_column(default=18 * 60)
    locale: Mapped[str | None] = mapped_column(String(5))
    profile_public: Mapped[bool] = mapped_column(default=True)
    approve_kudos: Mapped[bool] = mapped_column(default=False)  # approve kudos about me first
    last_gave_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # also a giving lock
    digest_frequency: Mapped[str] = mapped_column(String(8), default="weekly")  # daily|weekly|never
    notify_mode: Mapped[str] = mapped_column(String(8), default="live")  # live | digest
    gathered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # moved to digest, when
    relay_weekly_budget: Mapped[int | None] = mapped_column()  # set by the person, or none
    # Their public holidays: an ISO 3166-1 alpha-2 code, or none for the company's country.
    country: Mapped[str | None] = mapped_column(String(2))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])
    led_teams: Mapped[list[Team]] = relationship(secondary=team_leads, back_populates="leads")

    # Set by the session loader: the sign-in session this request belongs to.
    session_token = None  # str, per request; not a column

    def get_id(self) -> str | None:
        """Flask-Login stores this in the cookie: the session's token, never the user id,
        so that signing out (or being deactivated) makes an old cookie useless."""
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active and self.erased_at is None

    def caps_zone(self, now: datetime):
        """The zone the daily cap counts days in at `now` (a ZoneInfo)."""
        from kudos.domain.cooldowns import caps_zone

        return caps_zone(self.timezone, self.caps_timezone, self.caps_timezone_until, now)

    def set_timezone(self, timezone: str, now: datetime) -> None:
        """Move the person to `timezone`; caps follow from their next day."""
        from kudos.domain.cooldowns import zone_change

        if timezone == self.timezone:
            return
        in_force = str(self.caps_zone(now))
        self.caps_timezone, self.caps_timezone_until = zone_change(now, in_force, timezone)
        self.timezone = timezone

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"

    @property
    def weekdays(self) -> list[int]:
        return [int(d) for d in self.working_days.split(",") if d]

    @property
    def display_name(self) -> str:
        """The name others see; an erased account is signed "a former colleague"."""
        if self.erased_at is not None:
            from flask_babel import gettext

            return gettext("a former colleague")
        return self.name

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r} {self.role}>"


class UserSession(db.Model):
    """One signed-in browser. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()


class Invitation(db.Model):
    """A one-time link to create an account: sent by an admin, or asked for at sign-up."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="invite")  # invite | signup
    email: Mapped[str] = mapped_column(String(254), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    role: Mapped[str] = mapped_column(String(10), default="member")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


class ApiToken(db.Model):
    """A personal token for the API (`Authorization: Bearer …`), stored hashed."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_on: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


def active_users():
    """A select of the people who can sign in and be picked (not deactivated, not erased)."""
    return db.select(User).where(User.active.is_(True), User.erased_at.is_(None))


def email_taken(email: str) -> bool:
    return (
        db.session.scalar(db.select(func.count(User.id)).where(User.email == email.lower())) > 0
    )


def matching(text: str):
    """SQL condition: the name or the email contains `text` (% and _ taken literally)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return User.name.ilike(pattern, escape="\\") | User.email.ilike(pattern, escape="\\")
