"""Follow-up work of recognition: notifying people. Jobs take ids and are idempotent: each
notification has a unique key, so running a job twice delivers once."""

from sqlalchemy import select

from kudos.extensions import db
from kudos.notifications.operations import deliver
from kudos.recognition.models import Comment, Kudos, KudosRecipient


def notify_recipients(kudos_id: int) -> None:
    """Tell each recipient they were thanked, or that a kudos about them waits for them."""
    kudos = db.session.get(Kudos, kudos_id)
    if kudos is None or kudos.status not in ("published", "pending"):
        return
    for row in kudos.recipients:
        kind = "approval" if row.approved is None else "thanked"
        deliver(row.user_id, kind, f"{kind}:{kudos.id}:{row.user_id}", actor_id=kudos.giver_id,
                kudos_id=kudos.id)


def notify_cosigned(kudos_id: int, cosigner_id: int) -> None:
    """Tell the giver and the recipients that a colleague added their +1."""
    kudos = db.session.get(Kudos, kudos_id)
    if kudos is None:
        return
    people = {kudos.giver_id, *(r.user_id for r in kudos.recipients)} - {cosigner_id}
    for user_id in people:
        deliver(user_id, "cosigned", f"cosigned:{kudos.id}:{cosigner_id}:{user_id}",
                actor_id=cosigner_id, kudos_id=kudos.id)


def notify_commented(comment_id: int) -> None:
    """Tell the giver and the recipients about a new comment (not its author)."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        return
    kudos = db.session.get(Kudos, comment.kudos_id)
    recipients = db.session.scalars(
        select(KudosRecipient.user_id).where(KudosRecipient.kudos_id == kudos.id)
    )
    people = {kudos.giver_id, *recipients} - {comment.author_id}
    for user_id in people:
        deliver(user_id, "commented", f"commented:{comment.id}:{user_id}",
                actor_id=comment.author_id, kudos_id=kudos.id)
