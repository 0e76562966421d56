"""The JSON API under /api/v1 (see shared/API.md and /api/v1/openapi.json)."""

from kudos.api import kudos_routes, news_routes  # noqa: F401  (their routes join the API)
from kudos.api.views import bp

__all__ = ["bp"]
