"""Campaign jobs: announcing a launch, once, through the nudge gate (working hours, the
interval between nudges, back-offs, mutes). There is no mid-way reminder: one announcement
is enough, and the gate would hold most reminders anyway."""

from sqlalchemy import select

from kudos.auth.models import User, active_users
from kudos.campaigns.models import Campaign, CampaignMute
from kudos.extensions import db
from kudos.insights.gate import nudge


def announce_launch(campaign_id: int) -> int:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != "scheduled":
        return 0
    muted = set(db.session.scalars(select(CampaignMute.user_id)
                                   .where(CampaignMute.campaign_id == campaign.id)))
    query = active_users()
    if campaign.team_id is not None:
        query = query.where(User.team_id == campaign.team_id)
    sent = 0
    for user in db.session.scalars(query).all():
        if user.id == campaign.owner_id:
            continue
        decision = nudge(user, "campaign_launched",
                         f"campaign_launched:{campaign.id}:{user.id}", muted=user.id in muted,
                         actor_id=campaign.owner_id, campaign_id=campaign.id)
        sent += decision.decision == "send"
    return sent
