"""Signing in and out, invitations and open sign-up."""
