"""The home page, the language switch and the health check."""

from kudos.home.views import bp

__all__ = ["bp"]
