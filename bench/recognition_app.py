"""The app as `wsgi.py` builds it, plus the two bare views bench/recognition.py compares
giving with, on the same server:

    gunicorn --workers 1 --pythonpath bench 'recognition_app:create()'

`POST /bench/insert` inserts one row into `bench_scratch` (a table of the benchmark's own,
outside the app's models) and commits, through the app's session; `POST
/bench/insert-signed-in` does the same behind the sign-in check every page pays.
"""

import sqlalchemy as sa
from flask import Flask

from kudos import create_app
from kudos.extensions import db
from kudos.permissions import access
from kudos.sqltypes import UTCDateTime, utcnow

SCRATCH = sa.Table(
    "bench_scratch", sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("note", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)


def bare_views(app: Flask) -> None:
    """One INSERT and a COMMIT through the app's session; and the same behind the sign-in
    check every page pays (the session lookup), to tell the two costs apart."""

    def insert_one():
        db.session.execute(SCRATCH.insert().values(note="one row", created_at=utcnow()))
        db.session.commit()
        return "", 204

    app.add_url_rule("/bench/insert", "bench_insert", insert_one, methods=["POST"])
    app.add_url_rule("/bench/insert-signed-in", "bench_insert_signed_in",
                     access("user")(insert_one), methods=["POST"])


def create() -> Flask:
    """The app gunicorn serves (`recognition_app:create()`); bench/recognition.py imports
    this module for the views only."""
    app = create_app()
    bare_views(app)
    return app
