"""The audit log: who did what to whom, and why. Also written to the security log."""

import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kudos.extensions import db
from kudos.sqltypes import UTCDateTime, utcnow

security_log = logging.getLogger("kudos.security")


class AuditLog(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(30), default="")
    target_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record(actor, action: str, target=None, **details: Any) -> AuditLog:
    """Add an audit row to the current transaction (the caller commits)."""
    if target is not None and getattr(target, "id", None) is None:
        db.session.flush()
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "id", None),
        details=details,
    )
    db.session.add(entry)
    return entry


def log_event(event: str, **fields: Any) -> None:
    """Write one security event as a single JSON line: user input cannot forge a new line."""
    fields = {"event": event, "at": utcnow().isoformat(), **fields}
    security_log.info(json.dumps(fields, default=str, ensure_ascii=True))
