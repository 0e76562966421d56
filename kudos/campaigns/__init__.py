"""Campaigns: team leads run recognition and relay campaigns, together and without carrots."""
