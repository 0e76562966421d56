"""The anti-fatigue rule set in force (see kudos.domain.rules)."""

from kudos.domain.rules import Rules


def current_rules() -> Rules:
    """The rules in force. Until admins can tune them (the rule-set screen of the
    anti-fatigue engine), the defaults apply."""
    return Rules()
