"""The app as `wsgi.py` builds it, plus one bare redirect: what bench/news.py compares the
tracked redirect (`/r/<token>`) with, on the same server.

    gunicorn --workers 4 --pythonpath bench news_app:app

`GET /bench/bare-redirect` answers `redirect("https://example.com/", 302)` without touching
the database, Redis or the session, but through the same middleware (proxy headers, the
input check, the security headers) and, like the tracked redirect, exempt from rate limits.
`GET /bench/redis-redirect` does the same after one Redis round trip (a PING).
"""

from flask import redirect

from kudos import create_app
from kudos.extensions import limiter
from kudos.jobs import redis_connection
from kudos.permissions import access

app = create_app()


@app.get("/bench/bare-redirect")
@access("public")
@limiter.exempt
def bench_bare_redirect():
    return redirect("https://example.com/", 302)


@app.get("/bench/redis-redirect")
@access("public")
@limiter.exempt
def bench_redis_redirect():
    """The bare redirect after one Redis round trip: the floor of any design that counts a
    click in Redis during the request."""
    redis_connection().ping()
    return redirect("https://example.com/", 302)
