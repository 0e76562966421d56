"""Pages read in French by a person whose language is French: one language per page, words
in their context (a team in decline is not "refused"), figures and dates the French way."""

import html

from flask_babel import gettext

from kudos.auth.models import User
from kudos.extensions import db
from kudos.insights.suggestions import phase_names
from tests.conftest import login
from tests.insights.test_insights import team_url, world  # noqa: F401  (the fixture)


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
