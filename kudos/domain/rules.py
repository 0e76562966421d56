"""The anti-fatigue rule set: every tunable number, with its default and its bounds.

Admins tune these (the rule-set screen comes with the anti-fatigue engine); until then the
defaults apply. Domain functions take a `Rules` so that they stay pure and testable.
"""

from dataclasses import dataclass, fields

# name -> (lowest, highest) accepted value
BOUNDS: dict[str, tuple[float, float]] = {
    "daily_kudos_cap": (1, 100),
    "pair_window_days": (1, 60),
    "pair_max_in_window": (1, 50),
    "relay_weekly_budget_default": (0, 100),
    "nudge_min_interval_days": (1, 60),
    "backoff_days": (1, 90),
    "max_active_campaigns_per_team": (1, 10),
    "campaign_rest_days": (0, 120),
    "campaign_max_days": (7, 180),
    "launch_days": (1, 60),
    "short_window_days": (3, 30),
    "long_window_days": (14, 180),
    # The level changes the fatigue detector watches for (kudos/domain/fatigue.py): a test
    # tuned to a change of a few percent, or to a twentyfold one, would see only noise.
    "euphoria_ratio": (1.2, 4.0),
    "decline_ratio": (0.2, 0.8),
    "dormant_days": (7, 180),
    "min_group_size": (3, 50),
}


@dataclass(frozen=True)
class Rules:
    daily_kudos_cap: int = 10
    pair_window_days: int = 7
    pair_max_in_window: int = 3
    relay_weekly_budget_default: int | None = None
    nudge_min_interval_days: int = 7
    backoff_days: int = 14
    working_hours_only: bool = True
    max_active_campaigns_per_team: int = 2
    campaign_rest_days: int = 14
    campaign_max_days: int = 56
    launch_days: int = 14
    short_window_days: int = 7
    long_window_days: int = 28
    euphoria_ratio: float = 1.5
    decline_ratio: float = 0.45
    dormant_days: int = 21
    min_group_size: int = 5

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]
