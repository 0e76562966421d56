"""In-app notifications: the bell, the list, marking as read."""

from kudos.notifications.views import bp

__all__ = ["bp"]
