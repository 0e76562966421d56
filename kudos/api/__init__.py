"""The JSON API under /api/v1 (see shared/API.md and /api/v1/openapi.json)."""
