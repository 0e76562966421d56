"""Figures about a group of people are shown only when the group is large enough that they
cannot point at one person: "2 of 3 active" tells a team who was not. Campaigns (their
participation), news (relays per team) and team insights all ask here."""


def large_enough(size: int, min_group: int) -> bool:
    """May figures about a group of `size` people be shown? From `min_group` people up
    (the rule `min_group_size`, 5 by default)."""
    return size >= min_group
