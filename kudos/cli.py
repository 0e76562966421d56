"""Flask CLI commands (`flask --app wsgi …`): people, tokens, imports, demo data."""

import sys
from pathlib import Path

import click
from flask import Flask, current_app, url_for

from kudos import demo
from kudos.admin.importing import import_people
from kudos.api.operations import create_token
from kudos.auth.models import ROLES, Team, User
from kudos.auth.operations import check_new_password, clean_name, normalise_email
from kudos.auth.passwords import hash_password
from kudos.domain.errors import Conflict, Invalid
from kudos.extensions import db
from kudos.recognition import importing as kudos_import


def _team(name: str | None) -> Team | None:
    if not name:
        return None
    team = db.session.scalar(db.select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        db.session.add(team)
        db.session.flush()
    return team


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--team", default=None, help="Team name (created if new).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(email: str, name: str, role: str, team: str | None, password: str) -> None:
    """Create an account that can sign in at once."""
    try:
        email = normalise_email(email)
        name = clean_name(name)
        check_new_password(password, email=email, name=name)
    except Invalid as error:
        raise click.BadParameter(error.message, param_hint=f"--{error.field}") from None
    if role == "lead" and not team:
        raise click.BadParameter("a lead leads a team: give --team", param_hint="--team")
    if db.session.scalar(db.select(User).where(User.email == email)):
        raise click.BadParameter("someone already has this email", param_hint="--email")
    team_row = _team(team)
    user = User(email=email, name=name, role=role, team=team_row,
                password_hash=hash_password(password),
                timezone=current_app.config["DEFAULT_TIMEZONE"])
    if role == "lead" and team_row:
        user.led_teams.append(team_row)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email} (id {user.id}).")


@click.command("create-token")
@click.option("--email", required=True)
@click.option("--name", required=True, help="What the token is for.")
def create_token_command(email: str, name: str) -> None:
    """Print a new personal API token (shown once)."""
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        raise click.BadParameter("no active account with this email", param_hint="--email")
    try:
        _token, secret = create_token(user, name)
    except Invalid as error:
        raise click.BadParameter(error.message, param_hint="--name") from None
    click.echo(secret)


@click.command("import-users")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--print-links", is_flag=True, help="Print each new person's activation link.")
@click.option("--skip-bad-rows", is_flag=True,
              help="Import the good rows even when some are bad (each bad one is reported).")
def import_users(path: Path, print_links: bool, skip_bad_rows: bool) -> None:
    """Import people from a CSV (email,name,team,role). People who already have an account
    are skipped and reported. A file with a bad row imports nothing unless --skip-bad-rows;
    every line not imported is reported with its number. Running it again is harmless."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        try:
            report = import_people(handle, skip_bad_rows=skip_bad_rows)
        except Conflict as error:
            click.echo(error.message, err=True)
            sys.exit(1)
    for line in sorted(report.skipped + report.problems, key=lambda r: r.line):
        click.echo(f"line {line.line}: {line.message}", err=True)
    if report.problems and not skip_bad_rows:
        click.echo(f"Nothing imported: {len(report.problems)} problem(s) in {path.name}.",
                   err=True)
        sys.exit(1)
    click.echo(f"Imported {len(report.created)} people.")
    if report.skipped:
        click.echo(f"{len(report.skipped)} already had an account (skipped).")
    if report.problems:
        click.echo(f"{len(report.problems)} bad row(s) left out.")
    if print_links:
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            for line in report.created:
                link = url_for("auth.accept", token=line.secret, _external=True)
                click.echo(f"{line.email}\t{link}")


@click.command("import-kudos")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_kudos(path: Path) -> None:
    """Import kudos history from a CSV (created_at,giver_email,recipient_emails,message,value;
    recipients separated by ';'). A file with any bad row imports nothing; every bad row is
    reported with its line number. Rows already imported are skipped, so a load that stopped
    resumes by running the same command again."""
    count, problems = kudos_import.check(path)
    if problems:
        for line, message in problems:
            click.echo(f"line {line}: {message}", err=True)
        more = " (only the first 100 are listed)" if len(problems) >= kudos_import.MAX_PROBLEMS \
            else ""
        click.echo(f"Nothing imported: problems in {path.name}{more}.", err=True)
        sys.exit(1)
    try:
        with click.progressbar(length=count, label="Importing kudos") as bar:
            added = kudos_import.load(path, progress=bar.update)
    except kudos_import.Stopped as stop:
        click.echo(f"Stopped at line {stop.line}: {stop.reason}", err=True)
        click.echo(f"Rows before line {stop.line} are imported ({stop.added} new kudos); none "
                   f"from line {stop.line} on. Once that is fixed, run the same command again: "
                   f"rows already imported are skipped, so it resumes at line {stop.line}.",
                   err=True)
        sys.exit(1)
    click.echo(f"Imported {added} kudos ({count - added} already there).")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when people already exist.")
def seed_demo(if_empty: bool) -> None:
    """Fill the database with a believable demo company."""
    if if_empty and db.session.scalar(db.select(db.func.count(User.id))):
        click.echo("The database already has people: demo data not loaded.")
        return
    summary = demo.seed()
    click.echo(summary)


@click.command("run-periodic")
@click.argument("names", nargs=-1)
@click.option("--all", "run_all", is_flag=True, help="Every periodic job, in schedule order.")
def run_periodic_command(names: tuple[str, ...], run_all: bool) -> None:
    """Run periodic jobs here and now, by their names in kudos/schedule.py. For an
    installation without Redis (no scheduler process): call it from cron, as
    docs/operations.md shows. With Redis, the scheduler runs them."""
    from kudos.jobs import run_periodic
    from kudos.schedule import periodic  # the one list of periodic jobs

    known = {name: path for name, path, _when in periodic()}
    unknown = [name for name in names if name not in known]
    if unknown or not (names or run_all):
        problem = f"Unknown job: {', '.join(unknown)}. " if unknown else "Name a job or --all. "
        raise click.UsageError(problem + "Periodic jobs: " + ", ".join(known) + ".")
    failed = 0
    for name in (list(known) if run_all else names):
        try:
            result = run_periodic(name, known[name])
        except Exception as error:  # noqa: BLE001 (recorded on the admin page; go on)
            failed += 1
            click.echo(f"{name}: failed: {error}", err=True)
        else:
            click.echo(f"{name}: ok ({result})" if result is not None else f"{name}: ok")
    if failed:
        sys.exit(1)


def register_commands(app: Flask) -> None:
    for command in (create_user, create_token_command, import_users, import_kudos, seed_demo,
                    run_periodic_command):
        app.cli.add_command(command)
