"""Pages read in French by a person whose language is French: one language per page, words
in their context (a team in decline is not "refused"), figures and dates the French way."""

import html
import re
from datetime import date

from flask_babel import gettext, ngettext

from kudos.auth.models import Team, User
from kudos.extensions import db
from kudos.insights.models import FatigueSignal
from kudos.insights.suggestions import phase_names
from kudos.notifications.models import Notification
from tests.conftest import login
from tests.insights.test_insights import team_url, world  # noqa: F401  (the fixture)
from tests.settings.test_settings import form as settings_form


def in_french(app, user):
    with app.app_context():
        db.session.get(User, user.id).locale = "fr"
        db.session.commit()
    client = app.test_client()
    assert login(client, user).status_code == 303
    return client


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_team_in_decline_reads_baisse_not_the_refuse_button(app, world):  # noqa: F811
    page = text(in_french(app, world.lead).get(team_url(world.rocket)))
    assert '<span class="phase-badge phase-decline">Baisse</span>' in page
    assert "Refuser" not in page
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert set(phase_names().values()) == {"Démarrage", "Euphorie", "Plateau", "Baisse",
                                               "En sommeil", "Renouveau"}
        assert gettext("Decline") == "Refuser"  # the button that declines a proposal


def test_the_page_says_the_language_it_is_written_in_not_the_browsers(app, make):
    """Setting English, browser French: English text, so <html lang="en"> (a screen reader
    reads it with English rules); and the other way round."""
    english = make.user("Emma English", locale="en")
    client = app.test_client()
    login(client, english)
    page = text(client.get("/settings/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}))
    assert '<html lang="en">' in page and "Settings" in page and "Réglages" not in page

    french = make.user("Fanny French", locale="fr")
    client = app.test_client()
    login(client, french)
    page = text(client.get("/settings/", headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert '<html lang="fr">' in page and "Réglages" in page and ">Settings<" not in page

    page = text(app.test_client().get("/login", headers={"Accept-Language": "fr"}))
    assert '<html lang="fr">' in page and "Connexion à Kudos" in page


def test_switching_to_french_in_the_settings_says_so_in_french(app, make):
    person = make.user("Emma English", locale="en")
    client = app.test_client()
    login(client, person)
    answer = client.post("/settings/", data=settings_form(locale="fr"), follow_redirects=True)
    page = text(answer)
    assert '<html lang="fr">' in page
    assert "Vos réglages sont enregistrés." in page
    assert "Your settings are saved." not in page


def test_the_rhythm_page_elides_spaces_its_colons_and_writes_figures_the_french_way(app,
                                                                                   world):  # noqa: F811
    with app.app_context():
        db.session.get(Team, world.rocket.id).name = "Itineraries"
        db.session.add(FatigueSignal(scope_type="team", scope_id=world.rocket.id,
                                     phase="decline", score=0.734, day=date(2026, 12, 4),
                                     evidence={}))
        db.session.commit()
    page = text(in_french(app, world.lead).get(team_url(world.rocket)))
    assert "<title>Rythme d’Itineraries · Kudos</title>" in page
    assert "Rythme de Itineraries" not in page
    assert "<li>4 déc. 2026\u202f: Baisse</li>" in page  # the colon's space, inside the message
    assert re.search(r"le plus actif porte \d+\xa0% de l’activité", page)  # French spacing
    assert not re.search(r"\d%", page)


def test_numbers_and_elisions_follow_the_readers_language(app):
    with app.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert gettext("%(took_part)s of %(of)s colleagues took part.", took_part=6571,
                   of=10000) == "6\u202f571 collègues sur 10\u202f000 y ont participé."
        assert gettext("Rhythm of %(team)s", team="Itineraries") == "Rythme d’Itineraries"
        assert gettext("Rhythm of %(team)s", team="Écho") == "Rythme d’Écho"
        assert gettext("Rhythm of %(team)s", team="Rocket") == "Rythme de Rocket"
        assert gettext("Rhythm of %(team)s", team="Hollande") == "Rythme de Hollande"
        assert ngettext("%(num)s relay", "%(num)s relays", 6571) == "6\u202f571 relais"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert gettext("%(took_part)s of %(of)s colleagues took part.", took_part=6571,
                   of=10000) == "6,571 of 10,000 colleagues took part."
        assert gettext("Rhythm of %(team)s", team="Itineraries") == "Rhythm of Itineraries"


def test_a_phase_change_notice_is_in_words_and_leads_to_the_team(app, world):  # noqa: F811
    with app.app_context():
        db.session.add(Notification(user_id=world.lead.id, kind="phase_changed",
                                    team_id=world.rocket.id, dedupe_key="phase-test"))
        db.session.commit()
    page = text(in_french(app, world.lead).get("/notifications/"))
    assert "Le rythme d’une équipe dont vous êtes responsable a changé." in page
    assert f'href="{team_url(world.rocket)}"' in page
    assert "phase_changed" not in page
