"""What a group's reading may show: the figures that could single a person out (breadth,
concentration, the daily series and the active people each day) are left out of the reading
of a group smaller than `min_group_size`. The phase, its score, the two levels and the
phases of each day stay: they describe the group as a whole."""

from kudos.domain.groups import large_enough

PERSONAL = ("breadth", "concentration", "series", "active")


def for_group(reading: dict, size: int, min_group: int) -> dict:
    """The reading of a group of `size` people, with `figures_shown` saying whether its
    personal figures are there (else they are None)."""
    if large_enough(size, min_group):
        return {**reading, "figures_shown": True}
    return {**reading, **dict.fromkeys(PERSONAL), "figures_shown": False}
