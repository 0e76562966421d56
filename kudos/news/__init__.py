"""News and relay: inform, engage, relay."""

from kudos.news.views import bp

__all__ = ["bp"]
