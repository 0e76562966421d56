"""Signing in and out, invitations and open sign-up."""

from kudos.auth.views import bp

__all__ = ["bp"]
