"""A believable demo company, Azur Voyages, a travel agency of some forty people."""

import random
from datetime import timedelta

from kudos.admin.models import Topic, Value
from kudos.auth.models import Team, User
from kudos.auth.passwords import hash_password
from kudos.extensions import db
from kudos.sqltypes import utcnow

DOMAIN = "azur-voyages.example"
PASSWORD = "demo-azur-voyages"  # noqa: S105 (printed for the demo, refused nowhere else)

TEAMS = {
    "Itineraries": ("Awa Diallo", ["Hugo Martin", "Léa Bernard", "Yanis Haddad", "Chloé Petit",
                                   "Sofia Rossi", "Nathan Moreau"]),
    "Sales": ("Karim Benali", ["Emma Laurent", "Lucas Garcia", "Inès Fontaine", "Tom Leroy",
                               "Manon Girard", "Jules Roux", "Camille Faure"]),
    "Customer care": ("Mei Chen", ["Louis Blanc", "Sarah Cohen", "Adam Mercier", "Jade Lambert",
                                   "Rayan Bonnet", "Zoé Chevalier"]),
    "Marketing": ("Olivia Dupont", ["Gabriel Muller", "Lina Aubert", "Arthur Simon",
                                    "Nora Kaci", "Paul Renard"]),
    "Tech": ("Théo Vincent", ["Amina Traoré", "Noah Fischer", "Julia Nowak", "Ethan Perrin",
                              "Clara Meyer", "Samuel Da Silva"]),
    "People & Finance": ("Anne Lefèvre", ["Victor Caron", "Alice Marchand", "Mehdi Rahmani"]),
}
ADMIN = ("Claire Rousseau", "admin")
VALUES = [
    ("Care for travellers", "Going the extra mile so a trip feels effortless."),
    ("Team spirit", "Helping a colleague before being asked."),
    ("Eco-responsibility", "Choices that lighten the footprint of our trips and our office."),
    ("Bold ideas", "Trying something new, and sharing what we learned."),
    ("Craft", "Work done carefully, down to the last detail."),
]
TOPICS = [
    ("Company life", "News from the teams and the office."),
    ("Our trips", "New itineraries, offers and destinations."),
    ("Sustainability", "Lower-carbon travel and our commitments."),
    ("Customers", "What travellers tell us, good and bad."),
    ("Tech & tools", "The tools we build and use."),
]


def _email(name: str) -> str:
    plain = name.lower().replace(" ", ".")
    for accented, letter in (("é", "e"), ("è", "e"), ("ï", "i"), ("ë", "e"), ("ç", "c")):
        plain = plain.replace(accented, letter)
    return f"{plain}@{DOMAIN}"


def seed(rng: random.Random | None = None) -> str:
    """Create the demo company and return a short summary with the sign-in details."""
    rng = rng or random.Random(2026)  # noqa: S311 (demo data, not security)
    now = utcnow()
    password_hash = hash_password(PASSWORD)  # one slow hash for everyone
    timezones = ["Europe/Paris"] * 5 + ["Europe/Lisbon", "Africa/Dakar", "America/Montreal"]

    def person(name: str, team: Team | None, role: str, days_ago: int) -> User:
        user = User(email=_email(name), name=name, team=team, role=role,
                    password_hash=password_hash, timezone=rng.choice(timezones),
                    created_at=now - timedelta(days=days_ago),
                    locale=rng.choice([None, "fr", "en"]))
        db.session.add(user)
        return user

    admin = person(ADMIN[0], None, "admin", 400)
    for name, (lead_name, members) in TEAMS.items():
        team = Team(name=name, created_at=now - timedelta(days=400))
        db.session.add(team)
        lead = person(lead_name, team, "lead", rng.randint(200, 400))
        lead.led_teams.append(team)
        for member in members:
            person(member, team, "member", rng.randint(20, 380))
    for name, description in VALUES:
        db.session.add(Value(name=name, description=description))
    for name, description in TOPICS:
        db.session.add(Topic(name=name, description=description))
    db.session.commit()
    people = db.session.scalar(db.select(db.func.count(User.id)))
    return (
        f"Demo company loaded: {people} people in {len(TEAMS)} teams.\n"
        f"Sign in as the admin {admin.email}, a lead {_email('Awa Diallo')} or a member "
        f"{_email('Hugo Martin')}; every demo password is {PASSWORD}"
    )
