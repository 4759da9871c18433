"""The email a person gets whenever two-factor sign-in changes on their account: turned
on, turned off, new recovery codes, or reset by an admin (in the console or on the command
line). A copied session cookie could once turn it on with the thief's phone and lock the
owner out unseen; now the owner hears of every change at once.

Queued through the outbox in the caller's transaction (kind ``staff_two_factor_changed``,
the change in its ``event``, its ``created_at`` the moment) and written when it is sent,
in the person's language, as set-password emails are: what changed, when, and what to do
if it was not them. Never a code, a recovery code or the secret. Without a mail server
(``SMTP_HOST`` empty) nothing is queued.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from core import clinic_time
from core.extensions import db
from leads.models import OutboxMessage
from staff.accounts.password_links import STAFF_EMAILS, email_language
from staff.console.blueprint import bp
from staff.models import StaffUser

#: The outbox kind of the email (rendered by ``render_email``).
KIND = "staff_two_factor_changed"
#: The changes an email is about (the outbox row's ``event``).
CHANGES = ("on", "off", "recovery_codes", "reset")


def queue_email(person: StaffUser, change: str) -> list[int]:
    """An outbox message telling this account's owner of ``change`` (in the caller's
    transaction): its id in a list, or none without a mail server."""
    if change not in CHANGES:
        raise ValueError(f"unknown two-factor change {change!r}")
    if not current_app.config["SMTP_HOST"]:
        return []
    message = OutboxMessage(staff_id=person.id, lead_id=None, kind=KIND, event=change)
    db.session.add(message)
    db.session.flush()
    return [message.id]


def _subject(change: str, clinic: str) -> str:
    if change == "on":
        return _("Two-factor sign-in was turned on for your %(clinic)s account", clinic=clinic)
    if change == "off":
        return _("Two-factor sign-in was turned off for your %(clinic)s account", clinic=clinic)
    if change == "recovery_codes":
        return _("New recovery codes were made for your %(clinic)s account", clinic=clinic)
    return _("Two-factor sign-in was reset for your %(clinic)s account", clinic=clinic)


def _what(change: str, email: str, date: str, time: str, zone: str) -> str:
    words = {"email": email, "date": date, "time": time, "zone": zone}
    if change == "on":
        return _(
            "Two-factor sign-in was turned on for your account (%(email)s) on %(date)s at "
            "%(time)s (%(zone)s). From now on, signing in takes your password and a code "
            "from the authenticator app it was set up with.",
            **words,
        )
    if change == "off":
        return _(
            "Two-factor sign-in was turned off for your account (%(email)s) on %(date)s at "
            "%(time)s (%(zone)s). Signing in now takes your password alone.",
            **words,
        )
    if change == "recovery_codes":
        return _(
            "New recovery codes were made for your account (%(email)s) on %(date)s at "
            "%(time)s (%(zone)s). Your earlier recovery codes no longer work.",
            **words,
        )
    return _(
        "A clinic admin reset two-factor sign-in for your account (%(email)s) on %(date)s "
        "at %(time)s (%(zone)s): your authenticator app and recovery codes no longer work, "
        "and you were signed out everywhere. Sign in with your password and set it up again.",
        **words,
    )


def render_email(message: OutboxMessage) -> tuple[str, str, str] | None:
    """(to, subject, body) of the email, made as it is sent; None when the account is gone
    or disabled meanwhile."""
    person = db.session.get(StaffUser, message.staff_id)
    if person is None or not person.active:
        return None
    config = current_app.config
    moment = clinic_time.in_clinic_time(message.created_at)
    with force_locale(email_language(person)):
        subject = _subject(message.event, config["CLINIC_NAME"])
        body = render_template(
            "staff/accounts/two_factor_email.txt",
            person=person,
            what=_what(
                message.event,
                person.email,
                moment.strftime("%Y-%m-%d"),
                moment.strftime("%H:%M"),
                clinic_time.zone_name(),
            ),
            by_admin=message.event == "reset",
        )
    return person.email, subject, body


def init_app(app: Flask) -> None:
    app.extensions.setdefault(STAFF_EMAILS, {})[KIND] = render_email


@bp.record_once
def _register(state) -> None:
    init_app(state.app)
