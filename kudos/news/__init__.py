"""News and relay: inform, engage, relay."""
