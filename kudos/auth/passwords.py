"""Password rules (OWASP ASVS 5, chapter 6) and hashing (argon2id)."""

from contextlib import suppress
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
MAX_LENGTH = 256  # well past the 64 ASVS asks for; a bound keeps hashing cheap to refuse

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile


@cache
def common_passwords() -> frozenset[str]:
    text = files("kudos").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def password_problem(password: str, *, email: str = "", name: str = ""):
    """Return why a new password is refused, or None. No composition rules, by design."""
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(n)s characters.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _l("Use at most %(n)s characters.", n=MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords():
        return _l("This password is one of the most common ones; please choose another.")
    personal = {email.lower(), email.lower().partition("@")[0], name.lower()} - {""}
    if lowered in personal:
        return _l("Your password cannot be your email address or your name.")
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Spend the same time as a real check, so that timing does not tell accounts apart.
        _verify_dummy(password)
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash("a password nobody has")


def _verify_dummy(password: str) -> None:
    with suppress(VerificationError, InvalidHashError):
        _hasher.verify(_dummy_hash(), password)


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
