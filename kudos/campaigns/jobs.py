"""Campaign jobs: announcing a launch, once, to the people in scope who did not mute it.

There is no reminder: reminders wait for the anti-fatigue nudge gate.
"""

from sqlalchemy import select

from kudos.auth.models import User, active_users
from kudos.campaigns.models import Campaign, CampaignMute
from kudos.extensions import db
from kudos.notifications.operations import deliver


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
    for user in db.session.scalars(query):
        if user.id in muted or user.id == campaign.owner_id:
            continue
        if deliver(user.id, "campaign_launched", f"campaign_launched:{campaign.id}:{user.id}",
                   actor_id=campaign.owner_id, campaign_id=campaign.id):
            sent += 1
    return sent
