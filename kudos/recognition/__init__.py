"""Recognition: kudos and highlights, the wall, reactions, comments, moderation."""

from kudos.recognition import privacy  # noqa: F401  (connects export and erasure)
from kudos.recognition.views import bp

__all__ = ["bp"]
