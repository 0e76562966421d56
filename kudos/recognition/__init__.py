"""Recognition: kudos and highlights, the wall, reactions, comments, moderation."""
