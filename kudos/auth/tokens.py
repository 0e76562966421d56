"""Random secrets (sessions, invitations, API tokens): shown once, stored as a hash."""

import hashlib
import secrets


def new_secret(prefix: str = "") -> str:
    """A URL-safe secret with 256 bits of randomness."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 is enough here: the secrets are random, not chosen by people."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
