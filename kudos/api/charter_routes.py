"""API v1: the programme's charter, and its change by an admin (409 from a stale version)."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from kudos.api.views import bp, json_body, optional_str
from kudos.charter import operations
from kudos.errors import ApiError
from kudos.news.markdown import render
from kudos.permissions import access


def charter_json(charter: operations.Charter) -> dict:
    return {
        "version": charter.version, "language": charter.language, "title": charter.title,
        "summary_html": str(render(charter.summary)), "body_html": str(render(charter.body)),
        "updated_at": charter.updated_at.isoformat() if charter.updated_at else None,
        "is_default": charter.is_default,
    }


@bp.get("/charter")
@access("user")
def get_charter():
    """The charter in `?language=` (one of the app's languages) or the caller's."""
    language = request.args.get("language")
    if language is not None and language not in operations.languages():
        raise ApiError(422, _("Please choose a language among %(languages)s.",
                              languages=", ".join(operations.languages())), field="language")
    return jsonify(charter_json(operations.current(operations.language_for(language))))


@bp.put("/admin/charter")
@access("admin")
def put_charter():
    """`{"language", "version", "title"?, "summary"?, "body", "reason"}`: a new version made
    from `version` (the one read); 409 when someone saved another one since. A title or a
    summary left out stays as it is."""
    data = json_body()
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ApiError(422, _("version is required: the version you read."), field="version")
    language = optional_str(data, "language")
    if language not in operations.languages():
        raise ApiError(422, _("Please choose a language among %(languages)s.",
                              languages=", ".join(operations.languages())), field="language")
    now = operations.current(language)
    title = optional_str(data, "title")
    summary = optional_str(data, "summary")
    saved = operations.save(current_user, language, version=version,
                            title=now.title if title is None else title,
                            summary=now.summary if summary is None else summary,
                            body=optional_str(data, "body") or "",
                            reason=optional_str(data, "reason") or "")
    return jsonify(charter_json(saved))
