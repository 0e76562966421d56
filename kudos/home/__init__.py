"""The language switch and the health check (the home page is the wall)."""
