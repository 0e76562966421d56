"""Pages for signing in and out, accepting an invitation, and open sign-up."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from redis.exceptions import RedisError

from kudos.audit import log_event
from kudos.auth import operations
from kudos.auth.forms import AcceptInvitationForm, LoginForm, SignupForm
from kudos.auth.signin import sign_in, sign_out
from kudos.domain.errors import Invalid
from kudos.extensions import limiter
from kudos.forms import apply_error
from kudos.jobs import enqueue
from kudos.links import external_url
from kudos.mail import mail_enabled, send_email_job
from kudos.permissions import access
from kudos.welcome import operations as welcome

bp = Blueprint("auth", __name__)


def _failed(response) -> bool:
    """Only failed attempts count against the limits (a success redirects)."""
    return response.status_code != 303


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


def _safe_next(default: str) -> str:
    """Only ever redirect inside this site."""
    target = request.args.get("next") or ""
    parts = urlsplit(target)
    local = target.startswith("/") and not target.startswith("//") and not parts.netloc
    return target if local and "\\" not in target else default


@bp.route("/login", methods=["GET", "POST"])
@access("public")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"],
               deduct_when=_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("recognition.wall"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        if user is not None:
            sign_in(user, remember=form.remember.data)
            return redirect(_safe_next(url_for("recognition.wall")), code=303)
        log_event("sign_in_failed", email=form.email.data)
        # The same words for an unknown email and a wrong password.
        error = _("That email and password do not match an account.")
    elif request.method == "POST":
        error = _("Please enter your email and password.")
    return render_template("auth/login.html", form=form, error=error,
                           signup_open=bool(current_app.config["SIGNUP_DOMAINS"]))


@bp.post("/logout")
@access("user")
def logout():
    operations.end_session(current_user.session_token)
    log_event("sign_out", user_id=current_user.id)
    sign_out()
    flash(_("You are signed out. See you soon."), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.post("/logout/everywhere")
@access("user")
def logout_everywhere():
    operations.sign_out_everywhere(current_user)
    log_event("sign_out_everywhere", user_id=current_user.id)
    sign_out()
    flash(_("You are signed out on every device, and your API tokens no longer work."), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/invite/<token>", methods=["GET", "POST"])
@access("public")
@limiter.limit(lambda: current_app.config["TOKEN_LIMIT_PER_IP"], methods=["POST"])
def accept(token: str):
    invitation = operations.find_invitation(token)
    if invitation is None:
        return render_template("auth/invitation_gone.html"), 404
    form = AcceptInvitationForm(name=invitation.name) if request.method == "GET" else (
        AcceptInvitationForm()
    )
    if form.validate_on_submit():
        try:
            user = operations.accept_invitation(token, name=form.name.data,
                                                password=form.password.data)
        except Invalid as error:
            apply_error(form, error)
        else:
            if current_user.is_authenticated:
                logout_user()
            sign_in(user)
            welcome.start(user)
            flash(_("Welcome to Kudos, %(name)s!", name=user.name), "success")
            return redirect(url_for("welcome.index"), code=303)
    status = 422 if form.errors else 200
    return render_template("auth/accept.html", form=form, invitation=invitation), status


@bp.route("/signup", methods=["GET", "POST"])
@access("public")
@limiter.limit(lambda: current_app.config["TOKEN_LIMIT_PER_IP"], methods=["POST"])
def signup():
    domains = current_app.config["SIGNUP_DOMAINS"]
    form = SignupForm()
    if domains and form.validate_on_submit():
        if not mail_enabled() and not current_app.debug:
            flash(_("Email is not set up on this server yet, so we cannot send your link. "
                    "Please ask an admin for an invitation."), "warning")
        else:
            try:
                token = operations.request_signup(form.email.data, form.name.data)
            except Invalid as error:
                apply_error(form, error)
            else:
                try:
                    if token:
                        _send_signup_link(form.email.data.strip().lower(), token)
                except RedisError:
                    # The link is a secret: it is not written to the outbox (a database
                    # table) to wait for Redis. The person is told and tries again.
                    current_app.logger.warning("Redis unavailable: a sign-up link was not sent")
                    flash(_("We could not send your link just now. Please try again in a few "
                            "minutes."), "warning")
                    return render_template("auth/signup.html", form=form, domains=domains), 503
                return render_template("auth/signup_sent.html", email=form.email.data)
    status = 422 if form.errors else 200
    return render_template("auth/signup.html", form=form, domains=domains), status


def _send_signup_link(email: str, token: str) -> None:
    link = external_url("auth.accept", token=token)
    if not mail_enabled():
        # Local development only (refused above otherwise): the link goes to the console.
        current_app.logger.warning("Sign-up link for %s: %s", email, link)
        return
    body = _(
        "Hello,\n\nTo finish creating your Kudos account, open this link within 7 days:\n\n"
        "%(link)s\n\nIf you did not ask for it, you can ignore this email.",
        link=link,
    )
    enqueue(send_email_job, email, _("Your Kudos sign-up link"), body)
