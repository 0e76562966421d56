"""Each person's settings: profile, rhythm, language, privacy, password, data."""

from kudos.settings.views import bp

__all__ = ["bp"]
