"""Teams, company values and news topics: the lists admins curate for everyone."""

import html

import pytest

from kudos.admin.models import Topic, Value
from kudos.audit import AuditLog
from kudos.auth.models import Team
from kudos.extensions import db

MODELS = {"teams": Team, "values": Value, "topics": Topic}
KINDS = pytest.mark.parametrize("kind", list(MODELS))


def entries(app, kind: str) -> list[tuple[str, str, bool]]:
    """(name, description, archived) of every entry of a kind, by id."""
    model = MODELS[kind]
    with app.app_context():
        rows = db.session.scalars(db.select(model).order_by(model.id)).all()
        return [(r.name, r.description, r.archived_at is not None) for r in rows]


def audit_rows(app) -> list[tuple[str, str, int | None, dict]]:
    with app.app_context():
        rows = db.session.scalars(db.select(AuditLog).order_by(AuditLog.id)).all()
        return [(r.action, r.target_type, r.target_id, r.details) for r in rows]


def entry_id(app, kind: str, name: str) -> int:
    model = MODELS[kind]
    with app.app_context():
        return db.session.scalar(db.select(model.id).where(model.name == name))


def add(client, kind, name, description=""):
    return client.post(f"/admin/{kind}", data={"name": name, "description": description})


@KINDS
def test_admin_adds_an_entry_and_it_is_audited(app, admin_client, admin, kind):
    response = add(admin_client, kind, "  Team   spirit ", "Helping before being asked.")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/{kind}"
    page = admin_client.get(f"/admin/{kind}").get_data(as_text=True)
    assert "“Team spirit” is added." in page
    assert "Helping before being asked." in page
    assert entries(app, kind) == [("Team spirit", "Helping before being asked.", False)]
    new_id = entry_id(app, kind, "Team spirit")
    assert audit_rows(app) == [(f"{kind}.created", MODELS[kind].__name__.lower(), new_id,
                                {"name": "Team spirit"})]
    with app.app_context():
        assert db.session.scalar(db.select(AuditLog.actor_id)) == admin.id


@KINDS
@pytest.mark.parametrize("duplicate", ["Sales", "sales", "  SALES  "])
def test_duplicate_name_is_refused_whatever_its_case(app, admin_client, kind, duplicate):
    add(admin_client, kind, "Sales")
    before = audit_rows(app)
    response = add(admin_client, kind, duplicate, "another one")
    assert response.status_code == 422
    assert "“Sales” already exists." in response.get_data(as_text=True)
    assert entries(app, kind) == [("Sales", "", False)]
    assert audit_rows(app) == before


@KINDS
def test_same_name_in_another_list_is_fine(app, admin_client, kind):
    other = next(k for k in MODELS if k != kind)
    add(admin_client, other, "Craft")
    assert add(admin_client, kind, "Craft").status_code == 303
    assert entries(app, kind) == [("Craft", "", False)]


@KINDS
@pytest.mark.parametrize(("name", "message"), [
    ("   ", "This field is required."),
    ("x" * 61, "Field cannot be longer than 60 characters."),
])
def test_blank_or_long_name_is_refused(app, admin_client, kind, name, message):
    response = add(admin_client, kind, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert entries(app, kind) == []
    assert audit_rows(app) == []


@KINDS
def test_rename_keeps_the_entry_and_audits_before_and_after(app, admin_client, kind):
    add(admin_client, kind, "Sales")
    sales = entry_id(app, kind, "Sales")
    form = admin_client.get(f"/admin/{kind}/{sales}")
    assert form.status_code == 200
    assert 'value="Sales"' in form.get_data(as_text=True)

    response = admin_client.post(f"/admin/{kind}/{sales}",
                                 data={"name": "Sales & Partners", "description": "B2B too"})
    assert response.status_code == 303
    assert entries(app, kind) == [("Sales & Partners", "B2B too", False)]
    assert entry_id(app, kind, "Sales & Partners") == sales
    assert audit_rows(app)[-1] == (f"{kind}.changed", MODELS[kind].__name__.lower(), sales,
                                   {"before": {"name": "Sales", "description": ""},
                                    "after": {"name": "Sales & Partners",
                                              "description": "B2B too"}})


@KINDS
def test_changing_only_the_case_of_its_own_name_is_allowed(app, admin_client, kind):
    add(admin_client, kind, "sales")
    sales = entry_id(app, kind, "sales")
    response = admin_client.post(f"/admin/{kind}/{sales}", data={"name": "Sales"})
    assert response.status_code == 303
    assert entries(app, kind) == [("Sales", "", False)]


@KINDS
def test_rename_onto_another_entry_is_refused(app, admin_client, kind):
    add(admin_client, kind, "Sales")
    add(admin_client, kind, "Care")
    care = entry_id(app, kind, "Care")
    before = audit_rows(app)
    response = admin_client.post(f"/admin/{kind}/{care}", data={"name": "SALES"})
    assert response.status_code == 422
    assert "“Sales” already exists." in response.get_data(as_text=True)
    assert entries(app, kind) == [("Sales", "", False), ("Care", "", False)]
    assert audit_rows(app) == before


@KINDS
def test_unknown_entry_is_404(admin_client, kind):
    assert admin_client.get(f"/admin/{kind}/999999").status_code == 404
    assert admin_client.post(f"/admin/{kind}/999999/archive").status_code == 404


def test_unknown_catalog_kind_is_404(admin_client):
    assert admin_client.get("/admin/colours").status_code == 404


@KINDS
def test_archive_then_restore(app, admin_client, kind):
    add(admin_client, kind, "Sales")
    sales = entry_id(app, kind, "Sales")
    response = admin_client.post(f"/admin/{kind}/{sales}/archive", data={"archived": "1"})
    assert response.status_code == 303
    page = admin_client.get(f"/admin/{kind}").get_data(as_text=True)
    assert "“Sales” is archived." in page
    assert "Restore" in page
    assert entries(app, kind) == [("Sales", "", True)]

    response = admin_client.post(f"/admin/{kind}/{sales}/archive", data={"archived": "0"})
    assert response.status_code == 303
    assert "“Sales” is back." in admin_client.get(f"/admin/{kind}").get_data(as_text=True)
    assert entries(app, kind) == [("Sales", "", False)]
    assert [a[:3] for a in audit_rows(app)[-2:]] == [
        (f"{kind}.archived", MODELS[kind].__name__.lower(), sales),
        (f"{kind}.restored", MODELS[kind].__name__.lower(), sales),
    ]


@KINDS
def test_archived_name_is_still_taken(app, admin_client, kind):
    add(admin_client, kind, "Sales")
    admin_client.post(f"/admin/{kind}/{entry_id(app, kind, 'Sales')}/archive")
    assert add(admin_client, kind, "sales").status_code == 422
    assert len(entries(app, kind)) == 1


def test_archived_team_disappears_from_choices(app, admin_client):
    add(admin_client, "teams", "Sales")
    add(admin_client, "teams", "Old guard")
    admin_client.post(f"/admin/teams/{entry_id(app, 'teams', 'Old guard')}/archive",
                      data={"archived": "1"})
    invite_form = admin_client.get("/admin/people/invite").get_data(as_text=True)
    settings_form = admin_client.get("/settings/").get_data(as_text=True)
    for page in (invite_form, settings_form):
        assert ">Sales</option>" in page
        assert ">Old guard</option>" not in page


def test_catalog_changes_show_on_the_admin_overview(admin_client):
    add(admin_client, "values", "Craft")
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert "values.created" in page
    assert "Craft" in page


# --- a name in each language (values and topics) ----------------------------------------------

def read_in(client, language: str, path: str) -> str:
    client.post("/language", data={"lang": language})
    return html.unescape(client.get(path).get_data(as_text=True))


def test_a_value_and_a_topic_read_in_the_readers_language(app, admin_client):
    for kind in ("values", "topics"):
        response = admin_client.post(f"/admin/{kind}", data={
            "name": "Team spirit", "name_fr": "Esprit d’équipe", "description": ""})
        assert response.status_code == 303
    for path in ("/kudos/new", "/news/new", "/"):
        assert "Esprit d’équipe" in read_in(admin_client, "fr", path)
        page = read_in(admin_client, "en", path)
        assert "Team spirit" in page and "Esprit d’équipe" not in page
    with app.app_context():
        value = db.session.scalar(db.select(Value))
        assert (value.name, value.name_fr) == ("Team spirit", "Esprit d’équipe")


@pytest.mark.parametrize("kind", ["values", "topics"])
def test_without_a_french_name_french_readers_see_the_english_one(admin_client, kind):
    add(admin_client, kind, "Bold ideas")
    path = "/kudos/new" if kind == "values" else "/news/new"
    assert "Bold ideas" in read_in(admin_client, "fr", path)
    form = html.unescape(admin_client.get(f"/admin/{kind}").get_data(as_text=True))
    assert 'name="name_fr"' in form and "Nom en anglais" in form


@pytest.mark.parametrize("kind", ["values", "topics"])
def test_a_french_name_taken_by_another_entry_is_refused(app, admin_client, kind):
    admin_client.post(f"/admin/{kind}", data={"name": "Craft", "name_fr": "Travail soigné"})
    response = admin_client.post(f"/admin/{kind}", data={"name": "Care",
                                                         "name_fr": "travail soigné"})
    assert response.status_code == 422
    assert "“Travail soigné” already exists." in html.unescape(response.get_data(as_text=True))
    assert [name for name, _d, _a in entries(app, kind)] == ["Craft"]


def test_a_french_name_is_renamed_and_audited(app, admin_client):
    admin_client.post("/admin/values", data={"name": "Craft"})
    craft = entry_id(app, "values", "Craft")
    response = admin_client.post(f"/admin/values/{craft}", data={
        "name": "Craft", "name_fr": "Travail soigné", "description": ""})
    assert response.status_code == 303
    assert audit_rows(app)[-1][3] == {
        "before": {"name": "Craft", "description": "", "name_fr": None},
        "after": {"name": "Craft", "description": "", "name_fr": "Travail soigné"}}


def test_a_team_has_one_name(admin_client):
    form = admin_client.get("/admin/teams").get_data(as_text=True)
    assert 'name="name_fr"' not in form and "Name in English" not in form
