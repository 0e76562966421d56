"""Entry points of the background processes (see docs/operations.md)."""
