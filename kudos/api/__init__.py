"""The JSON API under /api/v1 (see shared/API.md and /api/v1/openapi.json)."""

from kudos.api import kudos_routes  # noqa: F401  (its routes join the API blueprint)
from kudos.api.views import bp

__all__ = ["bp"]
