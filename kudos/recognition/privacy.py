"""Recognition's part in exporting and erasing a person's data (see kudos.signals)."""

from sqlalchemy import select, update

from kudos.extensions import db
from kudos.recognition.models import Comment, Kudos, KudosRecipient
from kudos.signals import account_erased, collect_export
from kudos.sqltypes import utcnow


def _kudos_json(kudos: Kudos) -> dict:
    """A kudos as its giver exports it: their own words, whatever became of it."""
    return {
        "id": kudos.id,
        "kind": kudos.kind,
        "message": kudos.message,
        "work_title": kudos.work_title,
        "work_url": kudos.work_url,
        "why_it_matters": kudos.why_it_matters,
        "value": kudos.value.name if kudos.value else None,
        "visibility": kudos.visibility,
        "status": kudos.status,
        "created_at": kudos.created_at.isoformat(),
    }


WORDS = ("message", "work_title", "work_url", "why_it_matters")


def _received_json(kudos: Kudos) -> dict:
    """A kudos as a recipient exports it. One its giver withdrew or an admin hid is listed
    as such, without its words: they are no longer the recipient's to read."""
    entry = {**_kudos_json(kudos), "from": kudos.giver.display_name}
    if kudos.status in ("withdrawn", "hidden"):
        entry.update(dict.fromkeys(WORDS))
    return entry


@collect_export.connect
def export_recognition(user, data: dict) -> None:
    given = db.session.scalars(select(Kudos).where(Kudos.giver_id == user.id))
    received = db.session.scalars(
        select(Kudos).join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .where(KudosRecipient.user_id == user.id)
    )
    comments = db.session.scalars(select(Comment).where(Comment.author_id == user.id))
    data["kudos_given"] = [_kudos_json(k) for k in given]
    data["kudos_received"] = [_received_json(k) for k in received]
    data["comments"] = [
        {"kudos_id": c.kudos_id, "body": c.body, "created_at": c.created_at.isoformat()}
        for c in comments
    ]


@account_erased.connect
def erase_recognition(user, remove_words: bool) -> None:
    """Their words stay (signed "a former colleague") unless they ask for them to go."""
    if not remove_words:
        return
    db.session.execute(
        update(Kudos).where(Kudos.giver_id == user.id, Kudos.status != "hidden")
        .values(status="withdrawn")
    )
    db.session.execute(
        update(Comment).where(Comment.author_id == user.id, Comment.hidden_at.is_(None))
        .values(hidden_at=utcnow())
    )
