"""Admin: people, invitations, teams, company values and topics."""

from kudos.admin.views import bp

__all__ = ["bp"]
