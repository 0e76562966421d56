"""Creating and running campaigns, and reading their collective progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select

from kudos import audit, outbox
from kudos.admin.models import Value
from kudos.auth.models import Team, User, active_users
from kudos.campaigns import jobs
from kudos.campaigns.models import Campaign, CampaignMute
from kudos.domain import campaigns as rules_of
from kudos.domain.campaigns import Activity, Span
from kudos.domain.errors import Forbidden, Invalid, NotFound
from kudos.domain.text import refuse_invisible
from kudos.extensions import db
from kudos.insights.models import FatigueSignal, NudgeDecision
from kudos.news.models import Relay
from kudos.recognition.models import Kudos, KudosRecipient
from kudos.rules import current_rules
from kudos.sqltypes import utcnow


@dataclass
class CampaignDraft:
    title: str
    theme: str = ""
    description: str = ""
    kind: str = "both"
    team_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    goal_kind: str = "kudos_count"
    goal_target: int | None = None
    value_ids: list[int] = field(default_factory=list)


def today() -> date:
    return utcnow().date()


def status_of(campaign: Campaign, on: date | None = None) -> str:
    return rules_of.lifecycle(campaign.status, campaign.starts_on, campaign.ends_on,
                              on or today())


def can_manage(user: User, campaign_team_id: int | None) -> bool:
    if user.is_admin:
        return True
    return (user.is_lead and campaign_team_id is not None
            and any(t.id == campaign_team_id for t in user.led_teams))


def in_scope(user: User, campaign: Campaign) -> bool:
    return (campaign.team_id is None or campaign.team_id == user.team_id
            or can_manage(user, campaign.team_id))


def _long_date(day: date) -> str:
    return format_date(day, "long", locale=str(get_locale()))


def _validate(user: User, draft: CampaignDraft, campaign: Campaign | None = None) -> dict:
    title = " ".join((draft.title or "").split())
    if not title:
        raise Invalid("title", _("Please give the campaign a title."))
    if len(title) > 120:
        raise Invalid("title", _("Please keep the title under %(n)s characters.", n=120))
    refuse_invisible(title, "title")
    theme = " ".join((draft.theme or "").split())
    if len(theme) > 200:
        raise Invalid("theme", _("Please keep the theme under %(n)s characters.", n=200))
    description = (draft.description or "").strip()
    if len(description) > 2000:
        raise Invalid("description", _("Please keep the description under %(n)s characters.",
                                       n=2000))
    if draft.kind not in rules_of.KINDS:
        raise Invalid("kind", _("Please choose recognition, relay, or both."))
    if draft.goal_kind not in rules_of.GOALS:
        raise Invalid("goal_kind", _("Please choose a collective goal from the list."))
    if draft.goal_target is None or draft.goal_target <= 0:
        raise Invalid("goal_target", _("The goal needs a target above zero."))
    if draft.goal_target > 1_000_000:
        raise Invalid("goal_target", _("Please choose a target below a million."))
    if draft.team_id is None:
        if not user.is_admin:
            raise Forbidden(_("Company-wide campaigns are for admins; choose a team you "
                              "lead."))
    else:
        team = db.session.get(Team, draft.team_id)
        if team is None or team.archived_at is not None:
            raise Invalid("team_id", _("Please choose a team from the list."))
        if not can_manage(user, team.id):
            raise Forbidden(_("You can run campaigns for the teams you lead only."))
    if draft.starts_on is None:
        raise Invalid("starts_on", _("Please choose a start date."))
    if draft.ends_on is None:
        raise Invalid("ends_on", _("Please choose an end date."))
    if draft.ends_on < draft.starts_on:
        raise Invalid("ends_on", _("The end comes after the start."))
    starting_changed = campaign is None or campaign.starts_on != draft.starts_on
    if starting_changed and draft.starts_on < today():
        raise Invalid("starts_on", _("A new campaign starts today or later."))
    values = []
    for value_id in dict.fromkeys(draft.value_ids):
        value = db.session.get(Value, value_id)
        if value is None or value.archived_at is not None:
            raise Invalid("value_ids", _("Please choose values from the list."))
        values.append(value)
    return {"title": title, "theme": theme, "description": description, "kind": draft.kind,
            "team_id": draft.team_id, "starts_on": draft.starts_on, "ends_on": draft.ends_on,
            "goal_kind": draft.goal_kind, "goal_target": draft.goal_target, "values": values}


def check_attention_budget(team_id: int | None, starts_on: date, ends_on: date,
                           exclude_id: int | None = None) -> None:
    """Refuse (naming the rule and the first date that works) a campaign that would crowd
    the team's attention."""
    rules = current_rules()
    query = select(Campaign).where(Campaign.status.in_(("scheduled", "paused", "ended")))
    query = query.where(Campaign.team_id.is_(None) if team_id is None
                        else Campaign.team_id == team_id)
    if exclude_id is not None:
        query = query.where(Campaign.id != exclude_id)
    others = []
    for other in db.session.scalars(query):
        end = other.ended_early_on or other.ends_on
        if end < other.starts_on:  # called off before it began: it took no attention
            continue
        others.append(Span(other.starts_on, end))
    refusal = rules_of.check_budget(starts_on, ends_on, others, rules)
    if refusal is None:
        return
    if refusal.rule == "max_days":
        raise Invalid("ends_on", _("A campaign lasts at most %(n)s days, so that it ends "
                                   "while people still enjoy it. Please shorten it.",
                                   n=rules.campaign_max_days))
    first = _long_date(refusal.first_ok) if refusal.first_ok else "—"
    if refusal.rule == "max_active":
        raise Invalid("starts_on", _("This team already has %(n)s campaigns running then. "
                                     "The first start date that fits is %(date)s.",
                                     n=rules.max_active_campaigns_per_team, date=first))
    raise Invalid("starts_on", _("A team rests at least %(n)s days between two campaigns. "
                                 "The first start date that fits is %(date)s.",
                                 n=rules.campaign_rest_days, date=first))


def create(user: User, draft: CampaignDraft) -> Campaign:
    fields = _validate(user, draft)
    check_attention_budget(fields["team_id"], fields["starts_on"], fields["ends_on"])
    values = fields.pop("values")
    campaign = Campaign(owner_id=user.id, status="draft", **fields)
    campaign.values = values
    db.session.add(campaign)
    audit.record(user, "campaign.created", campaign, title=campaign.title)
    db.session.commit()
    return campaign


def edit(user: User, campaign: Campaign, draft: CampaignDraft) -> None:
    _manage(user, campaign)
    if status_of(campaign) == "ended":
        raise Invalid("title", _("This campaign has ended; it stays as it was."))
    fields = _validate(user, draft, campaign)
    if campaign.status != "draft":
        check_attention_budget(fields["team_id"], fields["starts_on"], fields["ends_on"],
                               exclude_id=campaign.id)
    values = fields.pop("values")
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.values = values
    db.session.commit()


def _manage(user: User, campaign: Campaign) -> None:
    if not can_manage(user, campaign.team_id):
        raise Forbidden(_("Only the team's leads and admins run this campaign."))


def launch(user: User, campaign: Campaign) -> None:
    """From draft to scheduled (active from its start date); announced once."""
    _manage(user, campaign)
    if campaign.status != "draft":
        raise Invalid("status", _("This campaign is already launched."))
    if campaign.starts_on < today():
        raise Invalid("starts_on", _("Its start date has passed; please choose a new one."))
    check_attention_budget(campaign.team_id, campaign.starts_on, campaign.ends_on,
                           exclude_id=campaign.id)
    campaign.status = "scheduled"
    campaign.launched_at = utcnow()
    audit.record(user, "campaign.launched", campaign)
    outbox.publish(jobs.announce_launch, campaign.id)
    db.session.commit()
    outbox.flush()


@dataclass
class LaunchNotice:
    """How a campaign's launch notice went, in counts (never names)."""

    told_now: int = 0  # told at launch
    told_later: int = 0  # deferred to their working day, told since
    waiting: int = 0  # deferred to their working day, still to come
    held: dict[str, int] = field(default_factory=dict)  # not told, by the gate's reason
    audience: int = 0  # the people in its scope, its owner aside

    @property
    def total(self) -> int:
        return self.told_now + self.told_later + self.waiting + sum(self.held.values())


def launch_notice(campaign: Campaign) -> LaunchNotice | None:
    """Read from the nudge gate's decisions about this campaign's launch notice: each
    person's first decision (at launch) and latest one (a deferred notice is decided again
    at its moment). None before the launch."""
    if campaign.launched_at is None:
        return None
    first: dict[int, NudgeDecision] = {}
    latest: dict[int, NudgeDecision] = {}
    for row in db.session.scalars(
        select(NudgeDecision).where(NudgeDecision.kind == "campaign_launched",
                                    NudgeDecision.decided_at >= campaign.launched_at)
        .order_by(NudgeDecision.id)
    ):
        if (row.payload or {}).get("campaign_id") != campaign.id:
            continue
        first.setdefault(row.user_id, row)
        latest[row.user_id] = row
    notice = LaunchNotice(audience=len(people_in_scope(campaign) - {campaign.owner_id}))
    for user_id, row in latest.items():
        if row.decision == "send":
            if first[user_id].decision == "send":
                notice.told_now += 1
            else:
                notice.told_later += 1
        elif row.decision == "defer":
            if row.done_at is None:
                notice.waiting += 1
            # else: they left before their working day came; nobody to count
        else:
            notice.held[row.reason] = notice.held.get(row.reason, 0) + 1
    return notice


def pause(user: User, campaign: Campaign) -> None:
    _manage(user, campaign)
    if status_of(campaign) not in ("active", "scheduled"):
        raise Invalid("status", _("Only a running campaign can be paused."))
    campaign.status = "paused"
    db.session.commit()


def resume(user: User, campaign: Campaign) -> None:
    _manage(user, campaign)
    if status_of(campaign) != "paused":
        raise Invalid("status", _("This campaign is not paused."))
    campaign.status = "scheduled"
    db.session.commit()


def end_early(user: User, campaign: Campaign) -> None:
    _manage(user, campaign)
    if status_of(campaign) in ("ended", "draft"):
        raise Invalid("status", _("This campaign is not running."))
    campaign.status = "ended"
    campaign.ended_early_on = today()
    audit.record(user, "campaign.ended_early", campaign)
    db.session.commit()


def publish_thank_you(user: User, campaign: Campaign, text: str) -> None:
    _manage(user, campaign)
    if status_of(campaign) != "ended":
        raise Invalid("thank_you", _("The thank-you is for the end of the campaign."))
    text = (text or "").strip()
    if not text or len(text) > 1000:
        raise Invalid("thank_you", _("Please write a thank-you of 1 to 1,000 characters."))
    campaign.thank_you, campaign.thank_you_at = text, utcnow()
    db.session.commit()


def set_mute(user: User, campaign: Campaign, mute: bool) -> None:
    db.session.execute(delete(CampaignMute).where(CampaignMute.user_id == user.id,
                                                  CampaignMute.campaign_id == campaign.id))
    if mute:
        db.session.add(CampaignMute(user_id=user.id, campaign_id=campaign.id))
    db.session.commit()


def visible_campaigns(user: User):
    """A select of the campaigns a person sees: company-wide, their team's, the teams they
    lead; admins see all. Drafts only for those who run them."""
    query = select(Campaign)
    if not user.is_admin:
        led = [t.id for t in user.led_teams] if user.is_lead else []
        query = query.where(or_(Campaign.team_id.is_(None), Campaign.team_id == user.team_id,
                                Campaign.team_id.in_(led)))
        query = query.where(or_(Campaign.status != "draft", Campaign.team_id.in_(led)))
    return query


def taggable(user: User) -> list[Campaign]:
    """Campaigns a person can tag a kudos or a relay with right now."""
    rows = db.session.scalars(visible_campaigns(user).order_by(Campaign.starts_on)).all()
    return [c for c in rows if status_of(c) == "active"]


def check_taggable(user: User, campaign_id: int | None) -> int | None:
    """The campaign id if `user` may tag with it now, else Invalid (never a silent drop)."""
    if not campaign_id:
        return None
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not in_scope(user, campaign) or status_of(campaign) != "active":
        raise Invalid("campaign_id", _("There is no such campaign in your scope."))
    return campaign.id


def activity(campaign: Campaign) -> list[Activity]:
    kudos_rows = db.session.execute(
        select(Kudos.id, Kudos.created_at, Kudos.giver_id, KudosRecipient.user_id)
        .join(KudosRecipient, KudosRecipient.kudos_id == Kudos.id)
        .where(Kudos.campaign_id == campaign.id, Kudos.status == "published")
    ).all()
    gathered: dict[int, tuple] = {}
    for kudos_id, created_at, giver_id, recipient_id in kudos_rows:
        entry = gathered.setdefault(kudos_id, (created_at, giver_id, []))
        entry[2].append(recipient_id)
    items = [Activity(at.date(), giver, "kudos", tuple(recipients))
             for at, giver, recipients in gathered.values()]
    for created_at, user_id, clicks in db.session.execute(
        select(Relay.created_at, Relay.user_id, Relay.clicks)
        .where(Relay.campaign_id == campaign.id, Relay.withdrawn_at.is_(None))
    ):
        items.append(Activity(created_at.date(), user_id, "relay", (), clicks))
    return items


def people_in_scope(campaign: Campaign) -> set[int]:
    query = select(User.id).where(active_users().whereclause)
    if campaign.team_id is not None:
        query = query.where(User.team_id == campaign.team_id)
    return set(db.session.scalars(query))


def health(campaign: Campaign) -> dict:
    """Progress, aggregate participation, the daily series and the phase (None until a
    fatigue scan ran)."""
    items = activity(campaign)
    end = min(campaign.ended_early_on or campaign.ends_on, max(today(), campaign.starts_on))
    return {
        "status": status_of(campaign),
        "progress": rules_of.progress(campaign.goal_kind, campaign.goal_target, items),
        "participation": rules_of.participation({a.person_id for a in items},
                                                people_in_scope(campaign),
                                                current_rules().min_group_size),
        "series": rules_of.daily_series(items, campaign.starts_on, end),
        "phase": _phase(campaign),
    }


def _phase(campaign: Campaign) -> str | None:
    """The campaign's phase from the latest fatigue scan, if one ran."""
    return db.session.scalar(
        select(FatigueSignal.phase).where(FatigueSignal.scope_type == "campaign",
                                          FatigueSignal.scope_id == campaign.id)
        .order_by(FatigueSignal.day.desc()).limit(1))


def get_visible(user: User, campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not in_scope(user, campaign) or (
        campaign.status == "draft" and not can_manage(user, campaign.team_id)
    ):
        raise NotFound(_("We could not find that campaign."))
    return campaign
