"""The anti-fatigue rule set in force (see kudos.domain.rules)."""

from dataclasses import asdict, replace

from flask import g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import select, update

from kudos.domain.errors import Conflict, Invalid
from kudos.domain.rules import BOUNDS, Rules
from kudos.extensions import db
from kudos.rules.models import RuleChange, RuleSet
from kudos.sqltypes import utcnow


def _row():
    return db.session.scalar(select(RuleSet).order_by(RuleSet.id).limit(1))


def current_rules() -> Rules:
    """The rules in force: the defaults, with what admins changed. Read once per request."""
    if has_request_context() and "kudos_rules" in g:
        return g.kudos_rules
    return rules_from(db.session.scalar(_values()))


def _values():
    return select(RuleSet.values).order_by(RuleSet.id).limit(1)


def rule_values():
    """What admins changed, as a scalar subquery: for a statement that reads the rules along
    with other things, then hands them to `rules_from`."""
    return _values().scalar_subquery()


def rules_from(values: dict | None) -> Rules:
    """The rules in force given what admins changed (None: nothing), kept for the request."""
    rules = replace(Rules(), **values) if values else Rules()
    if has_request_context():
        g.kudos_rules = rules
    return rules


def current_version() -> int:
    row = _row()
    return row.version if row else 0


def validate(proposed: dict) -> Rules:
    """A full Rules from proposed values, or Invalid naming the field and its bounds."""
    defaults = asdict(Rules())
    values = dict(asdict(current_rules()))
    for name, raw in proposed.items():
        if name not in defaults:
            raise Invalid(name, _("%(field)s is not a rule.", field=name))
        if name == "working_hours_only":
            if not isinstance(raw, bool):
                raise Invalid(name, _("%(field)s is true or false.", field=name))
            values[name] = raw
            continue
        if name == "relay_weekly_budget_default" and raw in (None, ""):
            values[name] = None
            continue
        low, high = BOUNDS[name]
        is_float = isinstance(defaults[name], float)
        try:
            number = float(raw) if is_float else int(raw)
            if isinstance(raw, bool) or (not is_float and float(raw) != number):
                raise ValueError
        except (TypeError, ValueError):
            raise Invalid(name, _("%(field)s must be a number from %(low)s to %(high)s.",
                                  field=name, low=low, high=high)) from None
        if not low <= number <= high:
            raise Invalid(name, _("%(field)s must be a number from %(low)s to %(high)s.",
                                  field=name, low=low, high=high))
        values[name] = number
    if values["decline_ratio"] >= 1 or values["euphoria_ratio"] <= 1:
        raise Invalid("decline_ratio", _("The decline ratio stays below 1 and the euphoria "
                                         "ratio above 1."))
    if values["short_window_days"] >= values["long_window_days"]:
        raise Invalid("short_window_days", _("The short window is shorter than the long "
                                             "one."))
    return Rules(**values)


def change(admin, proposed: dict, *, version: int, reason: str) -> Rules:
    """Apply a change made from `version`; refuse it (Conflict) when someone changed the
    rules in between. Audited with who, when, before, after and why."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid("reason", _("Please say why, for the history of the rules."))
    rules = validate(proposed)
    defaults = asdict(Rules())
    new_values = {k: v for k, v in asdict(rules).items() if v != defaults[k]}
    row = _row()
    if row is None:
        row = RuleSet(version=0, values={})
        db.session.add(row)
        db.session.flush()
    before = dict(asdict(current_rules()))
    claimed = db.session.execute(
        update(RuleSet).where(RuleSet.id == row.id, RuleSet.version == version)
        .values(version=version + 1, values=new_values, updated_at=utcnow())
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise Conflict(_("Someone changed the rules while you were editing them. Reload to "
                         "see their change, then apply yours again."))
    after = asdict(rules)
    db.session.add(RuleChange(version=version + 1, changed_by_id=admin.id, reason=reason[:500],
                              before={k: before[k] for k in after if before[k] != after[k]},
                              after={k: after[k] for k in after if before[k] != after[k]}))
    db.session.commit()
    if has_request_context():
        g.pop("kudos_rules", None)
    return rules
