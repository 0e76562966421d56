"""What to do in each phase: the article's four levers, and pacing in euphoria. Each
suggestion is a link that starts the action (a prefilled form); none sends anything."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import pgettext


def for_phase(phase: str, team_id: int | None = None) -> list[dict]:
    team = {"team": team_id} if team_id else {}
    watch = {"title": _("Share curated watch"),
             "text": _("A relay campaign around the best of your watch sources: people relay "
                       "what they care about."),
             "href": url_for("campaigns.new", kind="relay", goal_kind="relays", **team)}
    expertise = {"title": _("Share expertise"),
                 "text": _("A highlight campaign: colleagues put forward a piece of work they "
                           "learned from."),
                 "href": url_for("campaigns.new", kind="recognition",
                                 goal_kind="unique_recipients", **team)}
    completed = {"title": _("Recognise completed work"),
                 "text": _("Close what was achieved with a thank-you, before starting "
                           "anything new."),
                 "href": url_for("recognition.new", kind="highlight")}
    collective = {"title": _("A collective action"),
                  "text": _("A goal the whole team reaches together, counted in people who "
                            "take part, not in points."),
                  "href": url_for("campaigns.new", goal_kind="unique_participants", **team)}
    pace = {"title": _("Pace it: no new campaign now"),
            "text": _("Energy is high. Enjoy it, and plan the rest that follows: the next "
                      "campaign can wait until this wave settles."),
            "href": url_for("campaigns.index")}
    return {
        "launch": [completed, expertise],
        "euphoria": [pace, completed],
        "plateau": [expertise, watch, collective],
        "decline": [completed, watch, collective],
        "dormant": [collective, watch],
        "revival": [completed, expertise],
    }.get(phase, [])


def phase_names() -> dict[str, str]:
    """A team's phase, in words. "phase" is their context: "Decline" is also the button that
    declines a proposal ("Refuser"), and a phase is a state ("Baisse")."""
    return {"launch": pgettext("phase", "Getting started"),
            "euphoria": pgettext("phase", "Euphoria"), "plateau": pgettext("phase", "Plateau"),
            "decline": pgettext("phase", "Decline"), "dormant": pgettext("phase", "Dormant"),
            "revival": pgettext("phase", "Revival")}


def phase_explanations(launch_days: int) -> dict[str, str]:
    return {
        "launch": _("A new start: activity began less than %(n)s days ago.", n=launch_days),
        "euphoria": _("Activity well above its usual level. Wonderful — and the moment to "
                      "plan some rest."),
        "plateau": _("A steady rhythm, close to the usual."),
        "decline": _("Activity well below its usual level. Normal after a peak: rest first, "
                     "then re-energise."),
        "dormant": _("No activity for a while. Nothing to push: a good idea and a collective "
                     "action can bring it back."),
        "revival": _("Activity rising again after a low. Good news: keep it light."),
    }
