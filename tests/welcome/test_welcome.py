"""A newcomer's welcome: three skippable steps after the first sign-in, picked up where they
were left, then the wall with one hint; never a condition for anything."""

from datetime import timedelta

from sqlalchemy import select

from kudos.admin.models import Topic
from kudos.auth import operations as auth_ops
from kudos.auth.models import User
from kudos.extensions import db
from kudos.news.models import TopicFollow
from kudos.welcome.models import Welcome
from tests.conftest import login
from tests.news.helpers import client_for, text

PASSWORD = "a quiet walk by the river"
HTMX = {"HX-Request": "true"}


def invited(app, admin, client, *, email="ines@example.com", name="Inès Moreau",
            language: str | None = None):
    """An invitee accepts and is signed in on `client`; returns the answer to the form."""
    with app.app_context():
        _invitation, token = auth_ops.invite(db.session.get(User, admin.id), email=email,
                                             name=name)
    if language:
        client.post("/language", data={"lang": language})
    return client.post(f"/invite/{token}", data={"name": name, "password": PASSWORD})


def topics(app, *names: str) -> dict[str, int]:
    with app.app_context():
        rows = [Topic(name=n) for n in names]
        db.session.add_all(rows)
        db.session.commit()
        return {t.name: t.id for t in rows}


def follow(app, user_id: int, *topic_ids: int) -> None:
    with app.app_context():
        db.session.add_all(TopicFollow(user_id=user_id, topic_id=t) for t in topic_ids)
        db.session.commit()


def welcome_of(app, email: str) -> Welcome:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        welcome = db.session.get(Welcome, user.id)
        if welcome is not None:
            db.session.expunge(welcome)
        return welcome


def person(app, email: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def test_an_invitee_lands_on_the_welcome_with_the_charters_essentials(app, admin, client):
    response = invited(app, admin, client)
    assert response.status_code == 303 and response.headers["Location"] == "/welcome/"
    step = client.get("/welcome/", follow_redirects=True)
    page = text(step)
    assert "Welcome to Kudos, Inès Moreau!" in page
    assert "Welcome, Inès Moreau — step 1 of 3" in page
    assert "It is <strong>voluntary</strong>" in page
    assert 'href="/charter">Read the whole charter</a>' in page
    assert "Skip the welcome and go to the wall" in page


def test_a_french_invitee_is_welcomed_in_french(app, admin, client):
    invited(app, admin, client, language="fr")
    page = text(client.get("/welcome/charter"))
    assert "étape 1 sur 3" in page and "C’est <strong>volontaire</strong>" in page


def test_the_three_steps_save_topics_and_rhythm_then_the_wall_gives_one_hint(app, admin, make,
                                                                            client):
    ids = topics(app, "Night trains", "Accessibility", "Sales")
    fans = [make.user() for _ in range(3)]
    follow(app, fans[0].id, ids["Sales"])
    for fan in fans:
        follow(app, fan.id, ids["Accessibility"])
    invited(app, admin, client)
    assert client.post("/welcome/charter").headers["Location"] == "/welcome/topics"

    page = text(client.get("/welcome/topics"))
    order = [page.index(name) for name in ("Accessibility", "Sales", "Night trains")]
    assert order == sorted(order)  # the most followed first
    assert "followed by 3 colleagues" in page and "followed by 1 colleague" in page
    answer = client.post("/welcome/topics", data={
        "topic_ids": [str(ids["Night trains"]), str(ids["Accessibility"])]})
    assert answer.headers["Location"] == "/welcome/rhythm"
    newcomer = person(app, "ines@example.com")
    with app.app_context():
        followed = set(db.session.scalars(select(TopicFollow.topic_id)
                                          .where(TopicFollow.user_id == newcomer.id)))
    assert followed == {ids["Night trains"], ids["Accessibility"]}

    page = text(client.get("/welcome/rhythm"))
    assert "data-browser-timezone" in page  # filled in from the browser by app.js
    done = client.post("/welcome/rhythm", data={
        "timezone": "America/Montreal", "working_days": ["1", "2", "3", "4"],
        "work_start": "08:30", "work_end": "16:30", "locale": "fr", "profile_public": ""})
    assert done.status_code == 303 and done.headers["Location"] == "/"
    newcomer = person(app, "ines@example.com")
    assert (newcomer.timezone, newcomer.working_days, newcomer.work_start_minute,
            newcomer.work_end_minute, newcomer.locale, newcomer.profile_public) == (
        "America/Montreal", "1,2,3,4", 510, 990, "fr", False)
    wall = text(client.get("/"))
    assert "Une bonne première étape" in wall  # the hint, in the language just chosen
    assert welcome_of(app, "ines@example.com").finished_at is not None
    assert "Votre accueil vous attend" not in text(client.get("/hints", headers=HTMX))


def test_each_step_can_be_skipped_and_skipping_saves_nothing(app, admin, client):
    ids = topics(app, "Night trains")
    invited(app, admin, client)
    client.post("/welcome/charter")
    skipped = client.post("/welcome/topics",
                          data={"skip": "1", "topic_ids": [str(ids["Night trains"])]})
    assert skipped.headers["Location"] == "/welcome/rhythm"
    before = person(app, "ines@example.com")
    response = client.post("/welcome/rhythm", data={"skip": "1", "timezone": "Asia/Tokyo",
                                                    "working_days": ["1"], "work_start": "07:00",
                                                    "work_end": "08:00"})
    assert response.headers["Location"] == "/"
    after = person(app, "ines@example.com")
    assert (after.timezone, after.working_days) == (before.timezone, before.working_days)
    with app.app_context():
        assert db.session.scalar(select(TopicFollow.topic_id)) is None
    assert welcome_of(app, "ines@example.com").finished_at is not None


def test_the_whole_welcome_can_be_skipped_at_once(app, admin, client):
    invited(app, admin, client)
    response = client.post("/welcome/skip")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert welcome_of(app, "ines@example.com").finished_at is not None
    assert client.get("/welcome/").headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_welcome_left_half_way_is_offered_on_the_wall_and_picked_up(app, admin, client):
    invited(app, admin, client)
    client.post("/welcome/charter")
    hints = text(client.get("/hints", headers=HTMX))
    assert "Your welcome is waiting for you (step 2 of 3)." in hints
    assert client.get("/welcome/").headers["Location"] == "/welcome/topics"
    # Going back to an earlier step does not lose the place.
    client.get("/welcome/charter")
    client.post("/welcome/charter")
    assert welcome_of(app, "ines@example.com").step == "topics"
    client.post("/welcome/skip")  # "No, thanks"
    assert "Your welcome is waiting" not in text(client.get("/hints", headers=HTMX))


def test_after_the_first_week_a_half_done_welcome_is_no_longer_offered(app, admin, client):
    invited(app, admin, client)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ines@example.com"))
        welcome = db.session.get(Welcome, user.id)
        welcome.started_at -= timedelta(days=8)
        db.session.commit()
    assert "Your welcome is waiting" not in text(client.get("/hints", headers=HTMX))


def test_the_welcome_is_never_a_condition_to_use_the_app(app, admin, client):
    invited(app, admin, client)
    for url in ("/", "/news", "/kudos/new", "/settings/", "/charter"):
        assert client.get(url).status_code == 200, url


def test_people_who_did_not_come_through_an_invitation_go_straight_to_the_wall(app, member,
                                                                              client):
    response = login(client, member)
    assert response.headers["Location"] == "/"
    assert "Your welcome is waiting" not in text(client.get("/hints", headers=HTMX))


def test_bad_rhythm_input_is_refused_next_to_the_field_and_nothing_is_saved(app, admin, client):
    invited(app, admin, client)
    before = person(app, "ines@example.com")
    cases = [
        ({"work_start": "17:00", "work_end": "09:00"}, "The day must end after it starts."),
        ({"timezone": "Mars/Olympus"}, "Not a valid choice"),
        ({"working_days": []}, "Pick at least one working day."),
        ({"locale": "de"}, "Not a valid choice"),
    ]
    for fields, message in cases:
        data = {"timezone": "Europe/Paris", "working_days": ["1", "2"], "work_start": "09:00",
                "work_end": "17:00", "locale": "", **fields}
        response = client.post("/welcome/rhythm", data=data)
        assert response.status_code == 422, fields
        assert message in text(response), fields
    after = person(app, "ines@example.com")
    assert (after.timezone, after.working_days) == (before.timezone, before.working_days)
    assert welcome_of(app, "ines@example.com").finished_at is None


def test_unknown_topics_are_refused_and_the_follows_stay_as_they_were(app, admin, client):
    ids = topics(app, "Night trains")
    invited(app, admin, client)
    response = client.post("/welcome/topics", data={"topic_ids": [str(ids["Night trains"]),
                                                                  "999999"]})
    assert response.status_code == 422
    assert "Please choose topics from the list." in text(response)
    with app.app_context():
        assert db.session.scalar(select(TopicFollow.topic_id)) is None
    assert welcome_of(app, "ines@example.com").step == "charter"


def test_an_unknown_step_is_not_found(app, admin, client):
    invited(app, admin, client)
    assert client.get("/welcome/nowhere").status_code == 404
    assert client.post("/welcome/nowhere").status_code == 404


def test_the_welcome_is_in_the_export_and_goes_with_erasure(app, make):
    newcomer = make.user("Awa Diallo")
    client = client_for(app, newcomer)
    client.post("/welcome/charter")  # someone who never had one starts it by going through it
    data = client.get("/settings/export").get_json()
    assert data["welcome"]["started_at"] and data["welcome"]["finished_at"] is None
    client.post("/settings/erase", data={"password": "a long and happy password",
                                         "confirm": "y"})
    with app.app_context():
        assert db.session.get(Welcome, newcomer.id) is None
