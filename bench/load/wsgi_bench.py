"""The app as `wsgi.py` builds it, plus one bare view for the load benchmark's ceiling.

    gunicorn --workers 4 --pythonpath bench/load wsgi_bench:app

`GET /bench/bare` answers a small fixed JSON body without touching the database, Redis or
the session: what the same server, the same middleware and the same client cost when the
view itself costs nothing.
"""

from flask import jsonify

from kudos import create_app
from kudos.permissions import access

app = create_app()


@app.get("/bench/bare")
@access("public")
def bench_bare():
    return jsonify(ok=True)
