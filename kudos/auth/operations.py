"""Sign-in sessions, invitations, sign-up and passwords: the operations views, the API,
the CLI and tests all call."""

from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update

from kudos import audit, polls
from kudos.auth.models import (
    ROLES,
    ApiToken,
    Invitation,
    Team,
    User,
    UserSession,
    email_taken,
)
from kudos.auth.passwords import check_password, hash_password, needs_rehash, password_problem
from kudos.auth.tokens import digest, new_secret
from kudos.domain.errors import Invalid
from kudos.domain.text import refuse_invisible
from kudos.extensions import db
from kudos.sqltypes import utcnow


def normalise_email(raw: str, field: str = "email") -> str:
    """Lower-cased, syntax-checked email address, or Invalid."""
    try:
        result = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(field, _("Please enter a valid email address.")) from None
    return result.normalized.lower()


def clean_name(raw: str, field: str = "name") -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise Invalid(field, _("Please enter a name."))
    if len(name) > 80:
        raise Invalid(field, _("Please keep the name under 80 characters."))
    return refuse_invisible(name, field)


def check_new_password(password: str, *, email: str, name: str, field: str = "password") -> None:
    problem = password_problem(password or "", email=email, name=name)
    if problem:
        raise Invalid(field, str(problem))


# --- signing in -------------------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same cost either way)."""
    user = db.session.scalar(db.select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.is_active:
        check_password(None, password or "")
        return None
    if not check_password(user.password_hash, password or ""):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def start_session(user: User, *, remember: bool = False, user_agent: str = "") -> str:
    """Open a new sign-in session and return its secret (for the cookie)."""
    config = current_app.config
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else config[
        "PERMANENT_SESSION_LIFETIME"
    ]
    token = new_secret()
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=digest(token),
            expires_at=utcnow() + lifetime,
            user_agent=(user_agent or "")[:200],
        )
    )
    db.session.commit()
    user.session_token = token
    return token


def user_for_session(token: str) -> User | None:
    """The user of a live session, or None when it ended, expired or the user cannot sign in."""
    if not token:
        return None
    # The person and their session's two dates: every signed-in request pays this query,
    # so the session row is not loaded as an object.
    row = db.session.execute(
        db.select(User, UserSession.revoked_at, UserSession.expires_at)
        .join(UserSession, User.id == UserSession.user_id)
        .where(UserSession.token_hash == digest(token))
    ).first()
    if row is None:
        return None
    user, revoked_at, expires_at = row
    if revoked_at is not None or expires_at <= utcnow():
        return None
    if not user.is_active:
        return None
    user.session_token = token
    user.session_expires_at = expires_at
    return user


def end_session(token: str | None) -> None:
    if token:
        polls.touch(db.session)
        ended = db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == digest(token), UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow()).returning(UserSession.user_id)
        ).scalars().all()
        # The session's polls stop being answered without it (see kudos.polls).
        polls.touch(db.session, *(f"user:{user_id}" for user_id in ended))
        db.session.commit()


def end_all_sessions(user: User, *, keep: str | None = None, commit: bool = True) -> None:
    """Sign the person out of every browser (but the one whose token is `keep`)."""
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if keep:
        query = query.where(UserSession.token_hash != digest(keep))
    polls.touch(db.session, f"user:{user.id}")
    db.session.execute(query.values(revoked_at=utcnow()))
    if commit:
        db.session.commit()


def revoke_api_tokens(user: User, *, commit: bool = True) -> int:
    """Revoke every live API token of the person (a password change, "sign out
    everywhere"): a token copied by whoever had the old password stops working too.
    Returns how many were revoked."""
    revoked = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount
    if revoked:
        audit.record(user, "tokens.revoked_all", user, count=revoked)
    if commit:
        db.session.commit()
    return revoked


def sign_out_everywhere(user: User) -> None:
    """End every sign-in session of the person and revoke their API tokens."""
    end_all_sessions(user, commit=False)
    revoke_api_tokens(user, commit=False)
    db.session.commit()


def change_password(user: User, current: str, new: str) -> None:
    """Change a password; every other session ends, this one stays; API tokens are
    revoked."""
    if not check_password(user.password_hash, current or ""):
        raise Invalid("current_password", _("That is not your current password."))
    check_new_password(new, email=user.email, name=user.name, field="new_password")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    end_all_sessions(user, keep=user.session_token, commit=False)
    revoke_api_tokens(user, commit=False)
    audit.record(user, "password.changed", user)
    db.session.commit()


# --- invitations and sign-up ------------------------------------------------------------


def invite(
    actor: User | None, *, email: str, name: str, role: str = "member", team: Team | None = None
) -> tuple[Invitation, str]:
    """Invite a colleague; returns the invitation and its one-time secret (for the link)."""
    email = normalise_email(email)
    name = clean_name(name)
    if role not in ROLES:
        raise Invalid("role", _("Please choose a role."))
    if role == "lead" and team is None:
        raise Invalid("team_id", _("A lead leads at least one team: please pick it."))
    if email_taken(email):
        raise Invalid("email", _("Someone already has an account with this email address."))
    invitation, token = new_invitation("invite", email, name, role, team, actor)
    audit.record(actor, "person.invited", invitation, email=email, role=role)
    db.session.commit()
    return invitation, token


def request_signup(email: str, name: str) -> str | None:
    """Open sign-up for the allowed domains. Returns the secret to email, or None when the
    address already has an account (the page says the same thing either way)."""
    domains = current_app.config["SIGNUP_DOMAINS"]
    if not domains:
        raise Invalid("email", _("Sign-up is closed. Ask an admin for an invitation."))
    email = normalise_email(email)
    name = clean_name(name)
    if email.rpartition("@")[2] not in domains:
        raise Invalid(
            "email",
            _("Sign-up is open to addresses at %(domains)s.", domains=", ".join(domains)),
        )
    if email_taken(email):
        return None
    _invitation, token = new_invitation("signup", email, name, "member", None, None)
    db.session.commit()
    return token


def new_invitation(kind, email, name, role, team, actor) -> tuple[Invitation, str]:
    """An invitation row (flushed, not committed) and its one-time secret."""
    token = new_secret()
    invitation = Invitation(
        kind=kind,
        email=email,
        name=name,
        role=role,
        team_id=team.id if team else None,
        token_hash=digest(token),
        created_by_id=actor.id if actor else None,
        expires_at=utcnow() + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    """A usable invitation for this secret, or None (unknown, used, revoked or expired)."""
    invitation = db.session.scalar(
        db.select(Invitation).where(Invitation.token_hash == digest(token or ""))
    )
    if invitation is None or not invitation.is_usable(utcnow()):
        return None
    return invitation


def accept_invitation(token: str, *, name: str, password: str) -> User:
    """Create the account of an invitation, once."""
    invitation = find_invitation(token)
    if invitation is None:
        raise Invalid("token", _("This invitation link has expired or was already used."))
    name = clean_name(name)
    check_new_password(password, email=invitation.email, name=name)
    existing = db.session.scalar(db.select(User).where(User.email == invitation.email))
    if existing is not None and (invitation.kind != "activate" or existing.password_hash):
        raise Invalid("token", _("An account already exists for this email address."))
    # Mark it used with a conditional update, so two tabs cannot both create the account.
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise Invalid("token", _("This invitation link has expired or was already used."))
    if existing is not None:
        # An imported account, activated by its owner choosing a password.
        user = existing
        user.name = name
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
        db.session.commit()
        return user
    user = User(
        email=invitation.email,
        name=name,
        role=invitation.role,
        team_id=invitation.team_id,
        password_hash=hash_password(password),
        password_changed_at=utcnow(),
        timezone=current_app.config["DEFAULT_TIMEZONE"],
    )
    db.session.add(user)
    db.session.flush()
    if invitation.role == "lead" and invitation.team is not None:
        user.led_teams.append(invitation.team)
    audit.record(user, "person.joined", user, via=invitation.kind)
    db.session.commit()
    return user


def revoke_invitation(actor: User, invitation: Invitation) -> None:
    invitation.revoked_at = utcnow()
    audit.record(actor, "invitation.revoked", invitation, email=invitation.email)
    db.session.commit()
