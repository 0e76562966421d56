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
VALUES = [  # (English name, French name, description)
    ("Care for travellers", "Aux petits soins des voyageurs",
     "Going the extra mile so a trip feels effortless."),
    ("Team spirit", "Esprit d’équipe", "Helping a colleague before being asked."),
    ("Eco-responsibility", "Écoresponsabilité",
     "Choices that lighten the footprint of our trips and our office."),
    ("Bold ideas", "Idées audacieuses", "Trying something new, and sharing what we learned."),
    ("Craft", "Travail soigné", "Work done carefully, down to the last detail."),
]
TOPICS = [
    ("Company life", "Vie de l’entreprise", "News from the teams and the office."),
    ("Our trips", "Nos voyages", "New itineraries, offers and destinations."),
    ("Sustainability", "Durabilité", "Lower-carbon travel and our commitments."),
    ("Customers", "Clients", "What travellers tell us, good and bad."),
    ("Tech & tools", "Tech et outils", "The tools we build and use."),
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
    for name, name_fr, description in VALUES:
        db.session.add(Value(name=name, name_fr=name_fr, description=description))
    for name, name_fr, description in TOPICS:
        db.session.add(Topic(name=name, name_fr=name_fr, description=description))
    db.session.commit()
    kudos_count = _history(rng, now)
    _news(rng, now)
    _campaign(rng, now)
    people = db.session.scalar(db.select(db.func.count(User.id)))
    return (
        f"Demo company loaded: {people} people in {len(TEAMS)} teams, "
        f"{kudos_count} kudos over five months.\n"
        f"Sign in as the admin {admin.email}, a lead {_email('Awa Diallo')} or a member "
        f"{_email('Hugo Martin')}; every demo password is {PASSWORD}"
    )


THANKS = [
    "Thank you for taking over the Lisbon group at the last minute — the travellers never "
    "noticed a thing.",
    "Merci pour ta patience avec le client de Dakar, tu as transformé une réclamation en "
    "fidélité.",
    "Your checklist for night trains saved me an hour today. Thank you!",
    "Thanks for explaining the new booking tool to the whole team, calmly and twice.",
    "Merci d'avoir relu mon devis un vendredi soir, tu as trouvé l'erreur qui comptait.",
    "You stayed on the phone with a family stuck in Porto until they had a hotel. Thank you.",
    "Thank you for the carbon comparison of the Seville options, clear and honest.",
    "Merci pour l'accueil de Yanis, il se sent déjà chez lui dans l'équipe.",
    "Thanks for fixing the invoice export before month-end; finance sends its love.",
    "Merci pour ton idée de carnet de voyage partagé, les clients l'adorent.",
]
WORKS = [
    ("The new Lisbon itinerary", "https://intranet.example/itineraries/lisbon",
     "Three days by train, half the carbon of last year's flight version."),
    ("Night-train guide for travellers", "https://intranet.example/guides/night-trains",
     "Travellers stop calling us at midnight: everything is in it."),
    ("Customer care playbook v2", None, "New colleagues answer with confidence from day one."),
    ("Booking tool: one-click refunds", "https://intranet.example/tech/refunds",
     "Refunds went from five days to one."),
]
COMMENTS = ["So true!", "Bravo 👏", "Merci pour elle/lui !", "Well deserved.",
            "Je confirme, c'était impressionnant."]


def _history(rng: random.Random, now) -> int:
    """Five months of believable recognition, with a team whose spring enthusiasm cooled."""
    from kudos.recognition.models import Comment, Kudos, KudosRecipient, Reaction

    people = db.session.scalars(db.select(User).where(User.role != "admin")).all()
    values = db.session.scalars(db.select(Value)).all()
    created = 0
    for day in range(150, 0, -1):
        moment = now - timedelta(days=day)
        if moment.weekday() >= 5:
            continue
        for giver in people:
            busy = 0.09
            if giver.team and giver.team.name == "Itineraries":
                busy = 0.22 if day > 70 else 0.03  # an enthusiastic spring, a quiet autumn
            if rng.random() > busy:
                continue
            colleagues = [p for p in people if p.id != giver.id]
            same_team = [p for p in colleagues if p.team_id == giver.team_id]
            pool = same_team if same_team and rng.random() < 0.6 else colleagues
            recipients = rng.sample(pool, k=1 if rng.random() < 0.8 else 2)
            at = moment.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59))
            highlight = rng.random() < 0.15
            work = rng.choice(WORKS) if highlight else (None, None, None)
            kudos = Kudos(giver_id=giver.id, kind="highlight" if highlight else "kudos",
                          message=rng.choice(THANKS), value_id=rng.choice(values).id
                          if rng.random() < 0.7 else None, created_at=at,
                          idempotency_key=f"demo-{created}", work_title=work[0],
                          work_url=work[1], why_it_matters=work[2])
            kudos.recipients = [KudosRecipient(user_id=r.id, approved=True) for r in recipients]
            db.session.add(kudos)
            db.session.flush()
            involved = {giver.id, *(r.id for r in recipients)}
            for fan in rng.sample(people, k=rng.randint(0, 4)):
                db.session.add(Reaction(kudos_id=kudos.id, user_id=fan.id, kind="applause",
                                        created_at=at + timedelta(hours=1)))
                if fan.id not in involved and rng.random() < 0.3:
                    db.session.add(Reaction(kudos_id=kudos.id, user_id=fan.id,
                                            kind="plus_one", created_at=at + timedelta(hours=2)))
            if rng.random() < 0.15:
                db.session.add(Comment(kudos_id=kudos.id, author_id=rng.choice(people).id,
                                       body=rng.choice(COMMENTS),
                                       created_at=at + timedelta(hours=3)))
            created += 1
    db.session.commit()
    return created


NEWS = [
    ("Lisbon by train: our new itinerary is live", "Three days, two night trains, half the "
     "carbon of last year's flights.", "Our trips", True),
    ("Customer care answered 98% of calls within a minute in October", "A record the team "
     "built with the new playbook.", "Customers", False),
    ("We are moving to a greener office supplier", "Recycled paper, local deliveries, fewer "
     "boxes.", "Sustainability", False),
    ("How we built one-click refunds", "The tech team tells the story of a small feature that "
     "changed travellers' lives.", "Tech & tools", True),
]


def _news(rng: random.Random, now) -> None:
    """A few published news items, relayed inside and outside."""
    from kudos.news.models import NewsItem, Relay

    topics = {t.name: t for t in db.session.scalars(db.select(Topic))}
    people = db.session.scalars(db.select(User).where(User.role != "admin")).all()
    lead = db.session.scalar(db.select(User).where(User.role == "lead"))
    for days, (title, summary, topic, public) in enumerate(NEWS):
        item = NewsItem(title=title, summary=summary, topic_id=topics[topic].id, public=public,
                        url=f"https://www.azur-voyages.example/blog/{days + 1}",
                        status="published", author_id=lead.id, decided_by_id=lead.id,
                        published_at=now - timedelta(days=3 * days + 1))
        db.session.add(item)
        db.session.flush()
        for index, person in enumerate(rng.sample(people, k=rng.randint(2, 6))):
            channel = rng.choice(["internal", "linkedin", "linkedin", "email", "copy"])
            db.session.add(Relay(news_id=item.id, user_id=person.id, channel=channel,
                                 comment="Proud of this one." if channel == "internal" else None,
                                 token=f"demo{item.id}x{index}{rng.randint(1000, 9999)}",
                                 clicks=0 if channel == "internal" else rng.randint(0, 40),
                                 created_at=item.published_at + timedelta(hours=index + 1)))
    db.session.commit()


def _campaign(rng: random.Random, now) -> None:
    """An eco-responsible month running in Customer care, with kudos tagged with it."""
    from kudos.campaigns.models import Campaign
    from kudos.recognition.models import Kudos

    team = db.session.scalar(db.select(Team).where(Team.name == "Customer care"))
    lead = team.leads[0]
    eco = db.session.scalar(db.select(Value).where(Value.name == "Eco-responsibility"))
    campaign = Campaign(title="Eco-responsible month", theme="Recognise the eco-responsible "
                        "actions of our office and our trips.", kind="both", team_id=team.id,
                        owner_id=lead.id, starts_on=(now - timedelta(days=10)).date(),
                        ends_on=(now + timedelta(days=18)).date(), goal_kind="kudos_count",
                        goal_target=30, status="scheduled", launched_at=now - timedelta(days=10))
    campaign.values = [eco]
    db.session.add(campaign)
    db.session.flush()
    recent = db.session.scalars(
        db.select(Kudos).join(User, User.id == Kudos.giver_id)
        .where(User.team_id == team.id, Kudos.created_at >= now - timedelta(days=10))
    ).all()
    for kudos in recent:
        kudos.campaign_id = campaign.id
    db.session.commit()
