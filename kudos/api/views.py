"""API v1: authentication (session or bearer token), the caller, tokens, colleagues."""

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, or_

from kudos.api import operations
from kudos.api.openapi import spec
from kudos.api.pagination import page, page_args
from kudos.auth.models import ApiToken, User, active_users, matching
from kudos.errors import ApiError
from kudos.extensions import csrf, db, login_manager
from kudos.permissions import access, require

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer calls need no CSRF token; session calls are checked below

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@login_manager.request_loader
def load_from_bearer(req):
    """`Authorization: Bearer <token>` signs in one API request (no cookie is set)."""
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.startswith("Bearer "):
        return None
    user = operations.user_for_token(header.removeprefix("Bearer ").strip())
    g.kudos_token_user = user
    return user


@bp.before_request
def check_csrf_for_browser_calls():
    """A browser session must prove the call comes from our pages; a token need not."""
    browser = current_user.is_authenticated and g.get("kudos_token_user") is None
    # csrf.protect() itself ignores WTF_CSRF_ENABLED; honour it as the forms do.
    if request.method in UNSAFE and browser and current_app.config["WTF_CSRF_ENABLED"]:
        csrf.protect()


def json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(422, _("Send a JSON object in the request body."), field="body")
    return data


def optional_int(data: dict, name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(422, _("%(field)s must be a whole number.", field=name), field=name)
    return value


def optional_str(data: dict, name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise ApiError(422, _("%(field)s must be text.", field=name), field=name)
    return value


def user_json(user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.display_name,
        "role": user.role,
        "team_id": user.team_id,
        "timezone": user.timezone,
    }


@bp.get("/openapi.json")
@access("public")
def openapi():
    return jsonify(spec())


@bp.get("/me")
@access("user")
def me():
    return jsonify(user_json(current_user))


@bp.post("/tokens")
@access("user")
def create_token():
    if g.get("kudos_token_user") is not None:
        raise ApiError(403, _("Create tokens from a signed-in browser, not with a token."))
    data = json_body()
    name = data.get("name")
    if not isinstance(name, str):
        raise ApiError(422, _("name is required: what the token is for."), field="name")
    token, secret = operations.create_token(current_user, name)
    return jsonify(id=token.id, name=token.name, token=secret,
                   created_at=token.created_at.isoformat()), 201


@bp.get("/tokens")
@access("user")
def list_tokens():
    tokens = db.session.scalars(
        db.select(ApiToken)
        .where(ApiToken.user_id == current_user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id)
    )
    return jsonify(items=[
        {"id": t.id, "name": t.name, "prefix": t.prefix, "created_at": t.created_at.isoformat(),
         "last_used_on": t.last_used_on.date().isoformat() if t.last_used_on else None}
        for t in tokens
    ], next_cursor=None)


@bp.delete("/tokens/<int:token_id>")
@access("user")
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.revoked_at is not None:
        raise ApiError(404, _("No such token."))
    require("token.own", token, hide=True)
    operations.revoke_token(current_user, token)
    return "", 204


@bp.get("/users")
@access("user")
def users():
    """Colleagues by name or email; hidden profiles only show to their owner."""
    position, limit = page_args()
    q = (request.args.get("q") or "").strip()[:100]
    query = active_users().where(
        or_(User.profile_public.is_(True), User.id == current_user.id)
    ).order_by(User.name, User.id)
    if q:
        query = query.where(matching(q[:100]))
    if position:
        # A forged position of the wrong types fails inside the database (PostgreSQL).
        if (len(position) != 2 or not isinstance(position[0], str)
                or type(position[1]) is not int):
            raise ApiError(422, _("This cursor is not one we gave out."), field="cursor")
        name, last_id = position
        query = query.where(or_(User.name > name, and_(User.name == name, User.id > last_id)))
    rows = db.session.scalars(query.limit(limit + 1)).all()
    rows, next_cursor = page(rows, limit, lambda u: [u.name, u.id])
    return jsonify(items=[user_json(u) for u in rows], next_cursor=next_cursor)
