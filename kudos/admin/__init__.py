"""Admin: people, invitations, teams, company values and topics, background jobs."""

from kudos.admin import jobs_views  # noqa: F401  (its routes join the admin blueprint)
from kudos.admin.views import bp

__all__ = ["bp"]
