"""Open sign-up for allowed domains, with the link delivered by email to a real SMTP server."""

import re
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from kudos.auth.models import Invitation, User
from kudos.extensions import db


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    """A local SMTP server on 127.0.0.1; the app sends to it."""
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
    yield inbox
    controller.stop()


@pytest.fixture
def open_signup(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNUP_DOMAINS", ["azur.example"])


def test_sign_up_emails_a_link_that_creates_the_account(client, app, smtp, open_signup):
    response = client.post("/signup", data={"name": "Inès Fontaine",
                                            "email": "Ines@Azur.example"})
    assert response.status_code == 200
    assert "Check your inbox" in response.get_data(as_text=True)
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == "ines@azur.example"
    link = re.search(r"https?://\S+/invite/(\S+)", mail.get_payload(decode=True).decode())
    token = link.group(1)
    page = client.post(f"/invite/{token}", data={"name": "Inès Fontaine",
                                                 "password": "a walk along the river"})
    assert page.status_code == 303
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "ines@azur.example"))
        assert user.role == "member" and user.is_active


def test_sign_up_refuses_other_domains_and_writes_nothing(client, app, smtp, open_signup):
    response = client.post("/signup", data={"name": "Eve", "email": "eve@elsewhere.example"})
    assert response.status_code == 422
    assert "Sign-up is open to addresses at azur.example" in response.get_data(as_text=True)
    assert smtp.messages == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 0


def test_sign_up_for_an_existing_account_says_the_same_and_sends_nothing(
    client, make, smtp, open_signup
):
    make.user("Inès", email="ines@azur.example")
    response = client.post("/signup", data={"name": "Inès", "email": "ines@azur.example"})
    assert "Check your inbox" in response.get_data(as_text=True)
    assert smtp.messages == []


def test_sign_up_is_closed_without_domains(client):
    page = client.get("/signup").get_data(as_text=True)
    assert "Sign-up is closed" in page
    response = client.post("/signup", data={"name": "Eve", "email": "eve@azur.example"})
    assert "Sign-up is closed" in response.get_data(as_text=True)


def test_the_emailed_link_comes_from_the_base_url_never_from_the_host_header(
    client, app, smtp, open_signup, monkeypatch
):
    """Host header poisoning: a sign-up posted with `Host: attacker.example` must not mail
    a real token to the attacker's host."""
    monkeypatch.setitem(app.config, "BASE_URL", "https://kudos.azur.example")
    response = client.post("/signup", data={"name": "Inès Fontaine",
                                            "email": "ines@azur.example"},
                           headers={"Host": "attacker.example"})
    assert response.status_code == 200
    body = smtp.messages[0].get_payload(decode=True).decode()
    assert "attacker.example" not in body
    assert re.search(r"https://kudos\.azur\.example/invite/\S+", body)


def test_with_trusted_hosts_another_host_header_is_refused(client, app, monkeypatch,
                                                           open_signup, smtp):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["kudos.azur.example"])
    refused = client.post("/signup", data={"name": "Inès Fontaine",
                                           "email": "ines@azur.example"},
                          headers={"Host": "attacker.example"})
    assert refused.status_code == 400
    assert smtp.messages == []
    assert client.get("/login", headers={"Host": "kudos.azur.example"}).status_code == 200


def test_trusted_hosts_come_from_a_comma_separated_setting_and_their_absence_is_said(caplog):
    from kudos import create_app

    with caplog.at_level("WARNING"):
        unset = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert unset.config["TRUSTED_HOSTS"] is None
    assert "KUDOS_TRUSTED_HOSTS is not set" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING"):
        named = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                            "TRUSTED_HOSTS": " Kudos.Azur.example , kudos.internal,"})
    assert named.config["TRUSTED_HOSTS"] == ["kudos.azur.example", "kudos.internal"]
    assert "TRUSTED_HOSTS" not in caplog.text
