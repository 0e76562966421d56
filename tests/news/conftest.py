"""Fixtures of the news tests."""

import pytest


@pytest.fixture
def redis_app(app, redis_url):
    """The app with REDIS_URL set: clicks and cached links go through a real Redis."""
    app.config["REDIS_URL"] = redis_url
    app.extensions.pop("kudos_redis", None)
    yield app
    app.config["REDIS_URL"] = None
    app.extensions.pop("kudos_redis", None)
