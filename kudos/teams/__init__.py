"""Team membership: people ask to move, the destination team's leads or an admin decide."""
