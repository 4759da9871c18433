"""Sending one outbox message: an email over SMTP, or a signed webhook POST.

Neither carries health details: the clinic's email and the webhook say that a
lead arrived (the webhook also when its status changed) and link to it in the
console; only a clinic that opted in gets the person's contact details and
outcome in its webhook (leads/webhook_payload.py). The person's confirmation
repeats only what they asked for; their appointment's emails say only when, how
long and what kind of visit (leads/appointment_messages.py), with a calendar file
(leads/calendar_file.py). The webhook body is signed with HMAC-SHA256
over "<timestamp>.<body>" (see docs/api.md for verifying it), and posted to
WEBHOOK_URL only: a redirect is a failed delivery, never followed.
"""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate

from flask import current_app, render_template
from flask_babel import force_locale, format_date, format_time
from flask_babel import gettext as _

from core.clinic_time import zone_name
from core.extensions import db
from leads import appointment_messages, calendar_file, confirmation_limit, webhook_payload
from leads.models import CONTACT_TIME_LABELS, Appointment, Lead, OutboxMessage
from leads.reply_time import reply_time_words

SIGNATURE_HEADER = "X-Screening-Signature"
TIMESTAMP_HEADER = "X-Screening-Timestamp"
DELIVERY_HEADER = "X-Screening-Delivery"


class NotWanted(Exception):
    """The message no longer applies (its appointment was moved or cancelled): never sent."""


class DeliveryError(Exception):
    """A notification could not be delivered this time (server down, refused, bad answer).

    ``unreachable``: the server was not reached or did not answer (refused,
    timed out, cut off), or the webhook's address answered with a redirect (never
    followed), so the channel's other messages would fail the same way.
    """

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


def send(message: OutboxMessage) -> None:
    if message.staff_id is not None:
        send_staff_email(message)
        return
    lead = message.lead
    if message.kind == "clinic_email":
        send_email(clinic_email(lead, message))
    elif message.kind == "confirmation_email":
        # Asked once per message: a retry of an allowed confirmation is not refused.
        if message.attempts == 0 and not confirmation_limit.allowed(lead.email):
            raise NotWanted(confirmation_limit.refused())
        send_email(confirmation_email(lead, message))
    elif message.kind == "webhook":
        post_webhook(webhook_body(lead, message), message.id)
    elif message.kind in APPOINTMENT_TEMPLATES:
        send_email(appointment_email(message))
    else:
        raise DeliveryError(f"unknown notification kind {message.kind!r}")


#: ``app.extensions`` key: per kind, how the layer that knows staff accounts writes a
#: message to one of them (staff/accounts/password_links.py, two_factor_emails.py):
#: ``render(message)`` (the outbox row: its ``staff_id``, ``event`` and ``created_at``)
#: gives (to, subject, body), or None when there is nothing to send any more.
STAFF_EMAILS = "staff_emails"


def send_staff_email(message: OutboxMessage) -> None:
    """A message to a member of staff (a set-password link, a change to their two-factor
    sign-in), written as it is sent."""
    render = current_app.extensions.get(STAFF_EMAILS, {}).get(message.kind)
    if render is None:
        raise DeliveryError(f"unknown notification kind {message.kind!r}")
    written = render(message)
    if written is not None:  # None: the account was removed or disabled meanwhile
        send_email(_email(message, *written))


def console_url(lead: Lead) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/staff/leads/{lead.id}"


def _email(message: OutboxMessage, to: str, subject: str, body: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = to
    email["Subject"] = subject
    email["Date"] = formatdate(localtime=False)
    # The same id on every retry, so a mail system can drop a duplicate.
    email["Message-ID"] = f"<outbox-{message.id}-lead-{message.lead_id}@screening.invalid>"
    email.set_content(body)
    return email


def clinic_email(lead: Lead, message: OutboxMessage) -> EmailMessage:
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("New contact request #%(id)d", id=lead.id)
        body = render_template(
            "leads/email_clinic.txt", lead=lead, url=console_url(lead), zone=zone_name()
        )
    return _email(message, current_app.config["CLINIC_NOTIFY_EMAIL"], subject, body)


def confirmation_email(lead: Lead, message: OutboxMessage) -> EmailMessage:
    with force_locale(lead.lang):
        subject = _(
            "We received your request – %(clinic)s", clinic=current_app.config["CLINIC_NAME"]
        )
        body = render_template(
            "leads/email_confirmation.txt",
            lead=lead,
            contact_time_label=str(CONTACT_TIME_LABELS[lead.contact_time]).lower(),
            reply_time=reply_time_words(),
        )
    return _email(message, lead.email, subject, body)


APPOINTMENT_TEMPLATES = {
    "appointment_confirmation": "leads/email_appointment_confirmation.txt",
    "appointment_reminder": "leads/email_appointment_reminder.txt",
    "appointment_cancellation": "leads/email_appointment_cancellation.txt",
}


def appointment_email(message: OutboxMessage) -> EmailMessage:
    """An appointment's confirmation, reminder or cancellation, in the person's language.

    Drawn from the appointment as it is now, with its calendar file (a
    reminder has none); NotWanted for one a move or cancel has made obsolete.
    """
    appointment = db.session.get(Appointment, message.appointment_id or 0)
    if not appointment_messages.still_wanted(message, appointment):
        raise NotWanted("the appointment was moved or cancelled since")
    lead, config = appointment.lead, current_app.config
    if not lead.email:
        raise NotWanted("the person's email address was removed since")
    cancelled = message.kind == appointment_messages.CANCELLATION
    with force_locale(lead.lang):
        words = {
            "clinic": config["CLINIC_NAME"],
            "date": format_date(appointment.starts_at, "full"),
            "time": format_time(appointment.starts_at, "short"),
            "zone": zone_name(),
            "kind": str(appointment_messages.KIND_LABELS.get(appointment.kind, appointment.kind)),
        }
        if cancelled:
            subject = _("Your appointment at %(clinic)s on %(date)s is cancelled", **words)
        elif message.kind == appointment_messages.REMINDER:
            subject = _("Reminder: your appointment at %(clinic)s on %(date)s", **words)
        elif message.event.startswith("appointment.moved"):
            subject = _("Your appointment at %(clinic)s has moved to %(date)s", **words)
        else:
            subject = _("Your appointment at %(clinic)s on %(date)s", **words)
        body = render_template(
            APPOINTMENT_TEMPLATES[message.kind],
            appointment=appointment,
            words=words,
            moved=message.event.startswith("appointment.moved"),
            expect=appointment_messages.KIND_EXPECTATIONS.get(appointment.kind, ""),
        )
        email = _email(message, lead.email, subject, body)
        if message.kind != appointment_messages.REMINDER:
            ics = calendar_file.calendar_file(
                appointment, sequence=appointment_messages.sequence_of(message), cancelled=cancelled
            )
            method = "CANCEL" if cancelled else "PUBLISH"
            email.add_attachment(
                ics, "text", "calendar", filename="appointment.ics", params={"method": method}
            )
    return email


def send_email(email: EmailMessage) -> None:
    config = current_app.config
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    try:
        if config["SMTP_TLS"] == "ssl":
            smtp = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if config["SMTP_TLS"] == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if config["SMTP_USER"]:
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(email)
    except OSError as exc:  # smtplib.SMTPException is an OSError too
        raise DeliveryError(f"SMTP {host}:{port}: {exc}", unreachable=_unreachable(exc)) from exc


def _unreachable(error: OSError) -> bool:
    """Not reached or not answering (refused, timed out, dropped), as opposed to a refusal."""
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return not isinstance(error, smtplib.SMTPException)


def webhook_body(lead: Lead, message: OutboxMessage) -> bytes:
    """The event's JSON (leads/webhook_payload.py: which fields, and when contact details)."""
    return webhook_payload.body(lead, message, console_url(lead))


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """ "sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>" with the shared secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx is an answer, never an address to post to: urllib then raises it as HTTPError.

    Following it sent the signed headers to whatever address the receiver named
    (another host, a loopback service), and counted the event as delivered.
    """

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_NO_REDIRECTS = urllib.request.build_opener(_RefuseRedirects)


def post_webhook(body: bytes, delivery_id: int) -> None:
    config = current_app.config
    timestamp = str(int(time.time()))
    # The URL is the clinic's own setting, checked to be http(s) at start-up (config.py).
    request = urllib.request.Request(  # noqa: S310  # nosec B310
        config["WEBHOOK_URL"],
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "screening-webhook/1",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(config["WEBHOOK_SECRET"], timestamp, body),
            DELIVERY_HEADER: str(delivery_id),
        },
    )
    try:
        with _NO_REDIRECTS.open(request, timeout=config["WEBHOOK_TIMEOUT"]) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            # Another address would get the signed headers (and perhaps the body): the
            # configured one does not reach the receiver, so every webhook would fail alike.
            where = (exc.headers.get("Location") or "")[:200]
            raise DeliveryError(
                f"webhook answered {exc.code}, a redirect to {where!r}: not followed "
                "(set WEBHOOK_URL to the receiver's own address)",
                unreachable=True,
            ) from exc
        raise DeliveryError(f"webhook answered {exc.code}") from exc
    except (OSError, ValueError) as exc:
        raise DeliveryError(f"webhook unreachable: {exc}", unreachable=True) from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"webhook answered {status}")
