"""The job helper: inline without Redis, through a real RQ worker with it."""

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from kudos import create_app, jobs
from kudos.auth.models import Team
from kudos.extensions import db


def rename_team(team_id: int, name: str) -> str:
    """A job as features write them: ids in, database work inside the app context."""
    team = db.session.get(Team, team_id)
    team.name = name
    db.session.commit()
    return name


def test_without_redis_a_job_runs_at_once(app, make):
    team = make.team("Sales")
    with app.app_context():
        assert jobs.enqueue(rename_team, team.id, "Ventes") == "Ventes"
        assert db.session.get(Team, team.id).name == "Ventes"


def test_with_redis_a_job_waits_for_a_worker_then_runs_once(rq_app, make, redis_url):
    team = make.team("Sales")
    with rq_app.app_context():
        job = jobs.enqueue(rename_team, team.id, "Ventes")
        assert db.session.get(Team, team.id).name == "Sales"  # not run yet
        db.session.remove()
        connection = Redis.from_url(redis_url)
        queue = Queue(rq_app.config["RQ_QUEUE"], connection=connection)
        assert queue.count == 1
        SimpleWorker([queue], connection=connection).work(burst=True)
        job.refresh()
        assert job.is_finished, job.latest_result()
        assert db.session.get(Team, team.id).name == "Ventes"
        assert queue.count == 0


def test_app_refuses_to_start_without_secret_key_outside_debug(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("KUDOS_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_every_periodic_job_is_a_function_its_queued_path_finds_again():
    """The schedule names functions: a queued job's `module:function` must lead back to the
    very function listed, and every name is unique."""
    import importlib

    from kudos.schedule import PERIODIC, path_of, periodic

    for _name, job, _timing in PERIODIC:
        module, _sep, attribute = path_of(job).partition(":")
        assert getattr(importlib.import_module(module), attribute) is job
    names = [name for name, _path, _timing in periodic()]
    assert len(names) == len(set(names)) == len(PERIODIC)
