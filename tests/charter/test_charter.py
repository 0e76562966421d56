"""The programme's charter: the default text in both languages, versions per language with
who and why, the stale-version refusal, unsafe Markdown refused, the once-only notice, and
the links that lead to it."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from kudos.audit import AuditLog
from kudos.auth.models import User
from kudos.charter import operations
from kudos.charter.models import CharterNotice, CharterVersion
from kudos.extensions import db
from kudos.sqltypes import utcnow
from tests.news.helpers import client_for, make_topic, submit, text

HTMX = {"HX-Request": "true"}


def _versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(CharterVersion.id)))


def _form(language: str = "en", version: int = 1, **fields) -> dict:
    data = {"language": language, "version": str(version), "title": "Our charter",
            "summary": "- Voluntary\n- In working time", "body": "## Our role\n\nShare freely.",
            "reason": "Our own words"}
    data.update(fields)
    return data


# --- reading -------------------------------------------------------------------------------


def test_a_new_company_reads_the_default_charter_in_english_and_in_french(app, member,
                                                                           member_client):
    english = text(member_client.get("/charter"))
    assert "Our ambassador charter" in english
    assert "voluntary" in english and "working time" in english
    assert "What is fine to share outside" in english
    assert "In your own voice" in english and "Who to ask" in english
    assert "nobody sees who read it" in english

    french = text(member_client.get("/charter?language=fr"))
    assert "Notre charte des ambassadrices et ambassadeurs" in french
    assert "volontaire" in french and "temps de travail" in french
    assert "Ce que l’on peut partager à l’extérieur" in french
    # French typography: a narrow no-break space before the colon, never a plain space.
    assert "Allez-y pour\u202f:" in french and "Allez-y pour :" not in french


def test_the_charter_follows_the_readers_language(app, make):
    reader = make.user("Inès Moreau", locale="fr")
    page = text(client_for(app, reader).get("/charter"))
    assert "Notre charte" in page and 'lang="fr"' in page


def test_the_charter_is_for_people_signed_in(client):
    response = client.get("/charter")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_charter_names_the_admins_to_ask(app, admin, member_client):
    page = text(member_client.get("/charter"))
    assert "The programme's admins" in page and "Claire Admin" in page


def test_the_footer_the_first_screen_and_the_share_dialog_lead_to_the_charter(
        app, make, member, member_client):
    lead = make.user("Lea Lead", role="lead")
    news_id = submit(app, lead, topic_id=make_topic(app, "Trains"))
    wall = text(member_client.get("/"))
    assert wall.count('href="/charter"') >= 2  # the wall's head and the footer
    assert 'href="/principles"' in wall
    item = text(member_client.get(f"/news/{news_id}"))
    assert '<a href="/charter">What is fine to share?</a>' in item


# --- changing it ---------------------------------------------------------------------------


def test_an_admin_saves_a_new_version_kept_with_who_and_why(app, admin, admin_client):
    response = admin_client.post("/admin/charter", data=_form(title="How we share"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/charter?language=en")
    with app.app_context():
        row = db.session.scalar(select(CharterVersion))
        assert (row.language, row.version, row.changed_by_id, row.reason) == (
            "en", 2, admin.id, "Our own words")
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "charter.changed"))
        assert entry.actor_id == admin.id
        assert entry.details == {"language": "en", "version": 2, "reason": "Our own words"}
    page = text(admin_client.get("/admin/charter?language=en"))
    assert "Version 2, saved on" in page and "Our own words" in page and "Claire Admin" in page
    assert "How we share" in text(admin_client.get("/charter"))
    # French keeps its own text and numbering.
    assert "Notre charte des ambassadrices" in text(admin_client.get("/charter?language=fr"))
    assert operations.default("fr").version == 1


def test_a_change_from_a_stale_version_is_refused_and_keeps_the_typed_text(app, admin,
                                                                            admin_client):
    assert admin_client.post("/admin/charter", data=_form()).status_code == 303
    response = admin_client.post("/admin/charter",
                                 data=_form(version=1, body="## Mine\n\nMy late edit."))
    assert response.status_code == 409
    page = text(response)
    assert "Someone changed the charter while you were editing it" in page
    assert "My late edit." in page
    assert _versions(app) == 1


def test_bad_charter_input_names_the_field_and_writes_nothing(app, admin, admin_client):
    cases = [
        ({"body": "<script>alert(1)</script>"}, "body"),
        ({"body": "[click](javascript:alert(1))"}, "body"),
        ({"summary": '<img src="https://t.example/pixel.gif">'}, "summary"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"body": "a" * 20_001}, "body"),
        ({"reason": " "}, "reason"),
    ]
    for fields, field in cases:
        response = admin_client.post("/admin/charter", data=_form(**fields))
        assert response.status_code == 422, fields
        assert f'id="{field}-error"' in text(response), fields
    assert _versions(app) == 0


def test_members_and_leads_cannot_change_the_charter(app, make, member_client):
    assert member_client.post("/admin/charter", data=_form()).status_code == 403
    lead = make.user("Lea Lead", role="lead")
    assert client_for(app, lead).get("/admin/charter").status_code == 403
    assert _versions(app) == 0


def test_reviewing_the_charter_ticks_the_admins_first_step(app, admin, admin_client):
    step = re.compile(r'<li class="(\w+)">\s*<span class="check"[^>]*>.</span>\s*'
                      r'<a href="/admin/charter">Review the charter</a>')
    assert step.search(text(admin_client.get("/"))).group(1) == "todo"
    response = admin_client.post("/admin/charter/reviewed", data={"language": "en"})
    assert response.status_code == 303
    assert step.search(text(admin_client.get("/"))).group(1) == "done"
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditLog.id))
                                 .where(AuditLog.action == "charter.reviewed")) == 1
    assert _versions(app) == 0  # no new version: nobody is notified of nothing


# --- the notice of a new version -----------------------------------------------------------


def _hints(client) -> str:
    return text(client.get("/hints", headers=HTMX))


def test_a_new_version_is_shown_once_to_each_person_until_set_aside(app, admin, make):
    reader = make.user("Awa Diallo", created_at=utcnow() - timedelta(days=30))
    client = client_for(app, reader)
    assert "new version" not in _hints(client)  # the default text is no news

    with app.app_context():
        operations.save(db.session.get(User, admin.id), "en", version=1, title="Ours",
                        summary="- Short", body="Long", reason="Adapted")
    assert "Our charter has a new version." in _hints(client)
    assert client.post("/charter/notice", headers=HTMX).status_code == 200
    assert "new version" not in _hints(client)

    # A French reader is not told of an English change; a later version is news again.
    with app.app_context():
        operations.save(db.session.get(User, admin.id), "en", version=2, title="Ours",
                        summary="- Shorter", body="Longer", reason="Clearer")
    assert "Our charter has a new version." in _hints(client)
    response = client.post("/charter/notice", data={"read": "1"})
    assert response.status_code == 303 and response.headers["Location"] == "/charter"
    assert "new version" not in _hints(client)


def test_someone_who_joined_after_the_version_is_not_told_it_is_new(app, admin, make):
    with app.app_context():
        operations.save(db.session.get(User, admin.id), "en", version=1, title="Ours",
                        summary="- Short", body="Long", reason="Adapted")
    newcomer = make.user("New Person")
    assert "new version" not in _hints(client_for(app, newcomer))


def test_nobody_sees_who_read_or_set_aside_the_charter(app, admin, admin_client, make):
    reader = make.user("Awa Diallo")
    client = client_for(app, reader)
    client.post("/charter/notice")
    with app.app_context():
        assert db.session.scalar(select(func.count(CharterNotice.user_id))) == 1
        assert db.session.scalar(select(func.count(AuditLog.id))) == 0
    for url in ("/admin/charter", "/admin/", "/charter"):
        assert "Awa Diallo" not in text(admin_client.get(url))


def test_the_notice_is_part_of_a_persons_export_and_goes_with_erasure(app, make):
    reader = make.user("Awa Diallo")
    client = client_for(app, reader)
    client.post("/charter/notice")
    exported = client.get("/settings/export").get_json()
    assert exported["charter_notice_set_aside_at"] is not None
    client.post("/settings/erase", data={"password": "a long and happy password",
                                         "confirm": "y"})
    with app.app_context():
        assert db.session.get(CharterNotice, reader.id) is None


# --- API -----------------------------------------------------------------------------------


def test_api_reads_the_charter_in_the_callers_language_or_the_one_asked(app, member_client):
    data = member_client.get("/api/v1/charter").get_json()
    assert set(data) >= {"version", "language", "title", "body_html", "updated_at"}
    assert (data["version"], data["language"], data["updated_at"]) == (1, "en", None)
    assert "<h2>" in data["body_html"] and data["is_default"] is True
    french = member_client.get("/api/v1/charter?language=fr").get_json()
    assert french["language"] == "fr" and french["title"].startswith("Notre charte")
    bad = member_client.get("/api/v1/charter?language=de")
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "language"


def test_api_change_names_the_version_and_is_refused_when_stale(app, admin, admin_client):
    body = {"language": "fr", "version": 1, "body": "## Notre rôle\n\nPartager.",
            "reason": "Nos mots"}
    first = admin_client.put("/api/v1/admin/charter", json=body)
    assert first.status_code == 200
    saved = first.get_json()
    assert (saved["version"], saved["language"], saved["is_default"]) == (2, "fr", False)
    assert saved["title"] == operations.default("fr").title  # left out: kept
    assert saved["updated_at"] is not None
    stale = admin_client.put("/api/v1/admin/charter", json=body)
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "conflict"
    unsafe = admin_client.put("/api/v1/admin/charter",
                              json={**body, "version": 2, "body": "<iframe src=x></iframe>"})
    assert unsafe.status_code == 422 and unsafe.get_json()["error"]["field"] == "body"
    for missing in ("version", "language"):
        response = admin_client.put("/api/v1/admin/charter",
                                    json={k: v for k, v in body.items() if k != missing})
        assert response.status_code == 422
        assert response.get_json()["error"]["field"] == missing
    assert _versions(app) == 1


def test_api_change_is_for_admins(app, member_client):
    response = member_client.put("/api/v1/admin/charter",
                                 json={"language": "en", "version": 1, "body": "x",
                                       "reason": "y"})
    assert response.status_code == 403
    assert _versions(app) == 0
