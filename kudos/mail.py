"""Outgoing email through SMTP settings from the environment; off when SMTP_HOST is unset."""

import logging
import smtplib
from email import policy
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def mail_enabled() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def send_email_job(to: str, subject: str, body: str, headers: dict | None = None) -> None:
    """Send one plain-text email. Raises on SMTP failure so the job is retried."""
    config = current_app.config
    # Lines up to RFC 5322's 998 characters: at the default 78, a long unbroken header such
    # as List-Unsubscribe's signed link is turned into an RFC 2047 encoded word, which mail
    # clients do not read as a link (and so offer no one-click unsubscribe).
    message = EmailMessage(policy=policy.default.clone(max_line_length=998))
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]),
                      timeout=config["SMTP_TIMEOUT"]) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
