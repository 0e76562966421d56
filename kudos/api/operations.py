"""Personal API tokens: created from a signed-in browser or the CLI, shown once."""

from flask_babel import gettext as _

from kudos import audit
from kudos.auth.models import ApiToken, User
from kudos.auth.tokens import digest, new_secret
from kudos.domain.errors import Invalid
from kudos.domain.text import refuse_invisible
from kudos.extensions import db
from kudos.sqltypes import utcnow

TOKEN_PREFIX = "kudos_"
MAX_TOKENS = 20


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal token for `user`; the secret is returned once and stored hashed."""
    name = " ".join((name or "").split())
    if not name or len(name) > 80:
        raise Invalid("name", _("Give the token a name of 1 to 80 characters."))
    refuse_invisible(name, "name")
    live = db.session.scalar(
        db.select(db.func.count(ApiToken.id)).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)
        )
    )
    if live >= MAX_TOKENS:
        raise Invalid("name", _("You have %(n)s tokens already; revoke one first.",
                                n=MAX_TOKENS))
    secret = new_secret(TOKEN_PREFIX)
    token = ApiToken(user_id=user.id, name=name, prefix=secret[:12], token_hash=digest(secret))
    db.session.add(token)
    audit.record(user, "token.created", token, name=name)
    db.session.commit()
    return token, secret


def revoke_token(user: User, token: ApiToken) -> None:
    token.revoked_at = utcnow()
    audit.record(user, "token.revoked", token)
    db.session.commit()


def user_for_token(secret: str) -> User | None:
    """The active owner of a live token, or None. Marks the token used (once a day)."""
    row = db.session.execute(
        db.select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == digest(secret or ""), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not row.User.is_active:
        return None
    token, user = row
    now = utcnow()
    if token.last_used_on is None or token.last_used_on.date() != now.date():
        token.last_used_on = now
        db.session.commit()
    return user
