"""One-time, expiring set-password links an admin issues for a colleague.

No link is stored: the link carries the account's id and a fingerprint of its
password hash, session version and link serial, signed with SECRET_KEY
(itsdangerous, a salt of its own) and dated. Setting a password changes the hash
and the version, so a used link no longer matches; disabling the account changes
the version too, and a disabled account's link is refused anyway. Making a link
counts it in the account's ``password_link_serial``, so a new link ends every
earlier one. PASSWORD_LINK_HOURS after it was made, the signature's date refuses it.

The token is never in a URL's path, which nginx's access log keeps: the link is
``/staff/set-password?token=…`` (no log keeps a query string), and the page it
opens moves the token into that browser's session at once and answers with a
redirect to the bare ``/staff/set-password``, so the address bar, the history and
every request after it are token-free (``own_account_views.set_password``).

A link is shown once to the admin, or emailed through the outbox: the message
names only the account, and its link is made when it is sent (so no link is
ever stored). leads/notify.py finds how to write that email in
``app.extensions["staff_emails"]``, filled here: the leads layer knows nothing
of staff accounts.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import Flask, current_app, has_request_context, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from core.extensions import db
from leads.models import OutboxMessage
from staff.console.blueprint import bp
from staff.models import StaffUser

SALT = "staff-set-password-link"
#: The outbox kind of the email carrying a link (rendered by ``render_email``).
KIND = "staff_password_link"
#: Where leads/notify.py looks up how to write a message to a member of staff, by kind.
STAFF_EMAILS = "staff_emails"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def fingerprint(person: StaffUser) -> str:
    """Changes whenever the password, the session version or the link serial does (keyed,
    so the link, which anyone can decode, tells nothing about the password's hash)."""
    key = current_app.config["SECRET_KEY"].encode()
    serial = person.password_link_serial or 0
    state = f"{person.id}:{person.session_version}:{person.password_hash}:{serial}".encode()
    return hmac.new(key, state, hashlib.sha256).hexdigest()[:32]


def shown_base_url() -> str:
    """Where a link shown to an admin points.

    In production, ``PUBLIC_BASE_URL``: the address people use. Outside production, the
    address this request came to (its host and port, already checked against
    TRUSTED_HOSTS), so a run on another port (``./scripts/run --port 8000``) shows a
    link that works; emails, sent later without a request, keep ``PUBLIC_BASE_URL``.
    """
    config = current_app.config
    if config["APP_ENV"] != "production" and has_request_context():
        return request.host_url.rstrip("/")
    return config["PUBLIC_BASE_URL"]


def link_for(person: StaffUser, base_url: str | None = None) -> str:
    """A new link for this account, to give to its owner (it works once); every earlier
    link stops working once the caller commits. ``base_url``: PUBLIC_BASE_URL unless given."""
    person.password_link_serial = (person.password_link_serial or 0) + 1
    db.session.flush()
    token = _serializer().dumps({"id": person.id, "fp": fingerprint(person)})
    base = base_url or current_app.config["PUBLIC_BASE_URL"]
    return f"{base}/staff/set-password?token={token}"


@dataclass(frozen=True)
class Checked:
    """What a link is worth now: its account, or why it is refused ("expired", "invalid")."""

    person: StaffUser | None
    problem: str = ""


def check(token: str) -> Checked:
    """The account a link sets the password of, if the link still works."""
    hours = current_app.config["PASSWORD_LINK_HOURS"]
    try:
        payload = _serializer().loads(token, max_age=hours * 3600)
    except SignatureExpired:
        return Checked(None, "expired")
    except BadData:
        return Checked(None, "invalid")
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        return Checked(None, "invalid")
    person = db.session.get(StaffUser, payload["id"])
    if person is None or not person.active:
        return Checked(None, "invalid")
    if not hmac.compare_digest(str(payload.get("fp", "")), fingerprint(person)):
        return Checked(None, "invalid")  # used, or the password changed since
    return Checked(person)


def queue_email(person: StaffUser) -> int:
    """An outbox message that emails this account a link (in the caller's transaction)."""
    message = OutboxMessage(staff_id=person.id, lead_id=None, kind=KIND)
    db.session.add(message)
    db.session.flush()
    return message.id


def email_language(person: StaffUser) -> str:
    """The language of this person's emails: theirs, else the default."""
    config = current_app.config
    return person.lang if person.lang in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def render_email(message: OutboxMessage) -> tuple[str, str, str] | None:
    """(to, subject, body) of the link's email, made as it is sent; None when the account
    is gone or disabled meanwhile (there is nothing to send)."""
    person = db.session.get(StaffUser, message.staff_id)
    if person is None or not person.active:
        return None
    config = current_app.config
    with force_locale(email_language(person)):
        subject = _(
            "Choose your password for the %(clinic)s staff console", clinic=config["CLINIC_NAME"]
        )
        body = render_template(
            "staff/accounts/set_password_email.txt",
            person=person,
            url=link_for(person),
            hours=config["PASSWORD_LINK_HOURS"],
        )
    return person.email, subject, body


def init_app(app: Flask) -> None:
    app.extensions.setdefault(STAFF_EMAILS, {})[KIND] = render_email


@bp.record_once
def _register(state) -> None:
    init_app(state.app)
