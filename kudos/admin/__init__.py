"""Admin: people, invitations, teams, company values and topics, background jobs."""
