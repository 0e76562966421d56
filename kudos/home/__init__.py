"""The language switch and the health check (the home page is the wall)."""

from kudos.home.views import bp

__all__ = ["bp"]
