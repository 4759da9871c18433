"""Sending one outbox message: an email over SMTP, or a signed webhook POST.

Neither carries health details: the clinic's email and the webhook say that a
lead arrived and link to it in the console; the person's confirmation repeats
only what they asked for. The webhook body is signed with HMAC-SHA256 over
"<timestamp>.<body>" (see the README for verifying it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from leads.models import CONTACT_TIME_LABELS, Lead, OutboxMessage

SIGNATURE_HEADER = "X-Screening-Signature"
TIMESTAMP_HEADER = "X-Screening-Timestamp"
DELIVERY_HEADER = "X-Screening-Delivery"


class DeliveryError(Exception):
    """A notification could not be delivered this time (server down, refused, bad answer).

    ``unreachable``: the server was not reached or did not answer (refused,
    timed out, cut off), so the channel's other messages would fail the same way.
    """

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


def send(message: OutboxMessage) -> None:
    lead = message.lead
    if message.kind == "clinic_email":
        send_email(clinic_email(lead, message))
    elif message.kind == "confirmation_email":
        send_email(confirmation_email(lead, message))
    elif message.kind == "webhook":
        post_webhook(webhook_body(lead, message), message.id)
    else:
        raise DeliveryError(f"unknown notification kind {message.kind!r}")


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
        body = render_template("leads/email_clinic.txt", lead=lead, url=console_url(lead))
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
        )
    return _email(message, lead.email, subject, body)


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
    payload = {
        "event": "lead.created",
        "delivery_id": message.id,
        "lead": {
            "id": lead.id,
            "created_at": lead.created_at.isoformat(),
            "source": lead.source,
            "lang": lead.lang,
            "url": console_url(lead),
        },
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """ "sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>" with the shared secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


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
        with urllib.request.urlopen(  # noqa: S310  # nosec B310
            request, timeout=config["WEBHOOK_TIMEOUT"]
        ) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"webhook answered {exc.code}") from exc
    except (OSError, ValueError) as exc:
        raise DeliveryError(f"webhook unreachable: {exc}", unreachable=True) from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"webhook answered {status}")
