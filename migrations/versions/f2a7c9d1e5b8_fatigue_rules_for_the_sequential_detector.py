"""fatigue rules for the sequential detector: the ratios' new bounds and default

The fatigue detector became a sequential test (kudos/domain/fatigue.py): `decline_ratio` and
`euphoria_ratio` now name the change it watches for, within tighter bounds (0.2–0.8 and
1.2–4.0), and the default decline ratio is 0.45. A saved rule set keeps only what differs
from the defaults: values outside the new bounds are brought inside them, and a value equal
to the new default is dropped (it is the default now). Downgrading leaves the values alone.

Revision ID: f2a7c9d1e5b8
Revises: aa8f9d380517
Create Date: 2026-12-04 21:45:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2a7c9d1e5b8'
down_revision = 'aa8f9d380517'
branch_labels = None
depends_on = None

BOUNDS = {"decline_ratio": (0.2, 0.8), "euphoria_ratio": (1.2, 4.0)}
DEFAULTS = {"decline_ratio": 0.45, "euphoria_ratio": 1.5}


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, \"values\" FROM rule_sets")).all()
    for row_id, raw in rows:
        values = json.loads(raw) if isinstance(raw, str) else dict(raw or {})
        changed = False
        for name, (low, high) in BOUNDS.items():
            if name not in values:
                continue
            value = min(max(float(values[name]), low), high)
            if value == DEFAULTS[name]:
                del values[name]
            else:
                values[name] = value
            changed = True
        if changed:
            connection.execute(sa.text("UPDATE rule_sets SET \"values\" = :v WHERE id = :i"),
                               {"v": json.dumps(values), "i": row_id})


def downgrade():
    pass
