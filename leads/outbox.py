"""The outbox: notifications written with their lead, delivered now or retried later.

A message is claimed with a conditional UPDATE (a lease of OUTBOX_LEASE_SECONDS),
so two workers, or a web request and the cron job, never send the same message
at once; a sender killed or cut off from the database mid-send holds its claim
until the lease ends, and the cron job then sends it. A failure
schedules the next attempt with exponential backoff; after OUTBOX_MAX_ATTEMPTS
the message is marked "dead" and shown to admins. A failed notification never
touches its lead. A message that no longer applies when its turn comes (the
reminder of an appointment moved or cancelled since) is marked "skipped", unsent.

A channel (the SMTP server, the webhook receiver) that cannot be reached is not
tried again for the rest of that delivery run, and a new lead's messages are not
sent at once on a channel with a message waiting for its retry after such a
failure: those wait for the cron job. A server that hangs instead of refusing
holds its sender for the whole timeout, so without this every new lead would tie
up a web worker for that long. A message the server answered and refused (a bad
recipient address) is retried on its own and holds up no other message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from core.dbtypes import utcnow
from core.extensions import db
from leads.models import OutboxMessage
from leads.notify import NotWanted, send

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)


def kinds_for(email: str) -> list[str]:
    """Which notifications the configuration asks for, for a lead with this email address."""
    config = current_app.config
    kinds = []
    if config["SMTP_HOST"] and config["CLINIC_NOTIFY_EMAIL"]:
        kinds.append("clinic_email")
    if config["SMTP_HOST"] and config["SEND_CONFIRMATION_EMAIL"] and email:
        kinds.append("confirmation_email")
    if config["WEBHOOK_URL"]:
        kinds.append("webhook")
    return kinds


def queue_event(lead_id: int, event: str) -> tuple[int, ...]:
    """A webhook for ``event`` on this lead, in the caller's transaction, when one is set up.

    ``event`` is what the receiver is told happened ("lead.status_changed:booked"); the
    payload is drawn from the lead at delivery (leads/notify.py), the event from here.
    """
    if not current_app.config["WEBHOOK_URL"]:
        return ()
    now = utcnow()
    message = OutboxMessage(
        lead_id=lead_id, kind="webhook", event=event, created_at=now, next_attempt_at=now
    )
    db.session.add(message)
    db.session.flush()
    return (message.id,)


# The kinds that travel through the same server: one failing, the others would too.
CHANNEL_OF_KIND = {"clinic_email": "smtp", "confirmation_email": "smtp", "webhook": "webhook",
                   "staff_password_link": "smtp", "staff_two_factor_changed": "smtp",
                   "appointment_confirmation": "smtp",
                   "appointment_reminder": "smtp", "appointment_cancellation": "smtp"}  # fmt: skip


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    dead: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # their server was unreachable: for later
    not_wanted: list[int] = field(default_factory=list)  # an appointment moved or cancelled since


def failing_channels() -> set[str]:
    """Channels whose server was unreachable at a message's last try; the cron job retries them."""
    kinds = db.session.scalars(
        select(OutboxMessage.kind)
        .where(OutboxMessage.status == "pending", OutboxMessage.unreachable.is_(True))
        .distinct()
    )
    return {CHANNEL_OF_KIND.get(kind, kind) for kind in kinds}


def _claim(message_id: int) -> bool:
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"]))
    )
    db.session.commit()
    return result.rowcount == 1


def backoff(attempts: int) -> timedelta:
    base = timedelta(seconds=current_app.config["OUTBOX_BACKOFF_SECONDS"])
    return min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def deliver_due(*, limit: int = 100) -> DeliveryReport:
    """Deliver every message that is due (the cron job's retries)."""
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= utcnow())
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return deliver(db.session.scalars(query).all())


def deliver(message_ids: Iterable[int], *, skip_channels: Iterable[str] = ()) -> DeliveryReport:
    """Deliver these messages, each only if it is still pending, due and unclaimed.

    Messages on ``skip_channels``, or on a channel whose server could not be
    reached earlier in this call, are left pending and due, untried: the next
    run sends them.
    """
    message_ids = list(message_ids)
    kinds = dict(
        db.session.execute(
            select(OutboxMessage.id, OutboxMessage.kind).where(OutboxMessage.id.in_(message_ids))
        ).all()
    )
    failed = set(skip_channels)
    report = DeliveryReport()
    for message_id in message_ids:
        kind = kinds.get(message_id)
        if kind is None:
            continue  # purged with its lead
        channel = CHANNEL_OF_KIND.get(kind, kind)
        if channel in failed:
            report.skipped.append(message_id)
            continue
        if not _claim(message_id):
            continue
        message = db.session.get(OutboxMessage, message_id)
        try:
            send(message)
        except NotWanted as reason:  # never sent, and never tried again
            message.status = "skipped"
            message.claimed_until = None
            message.last_error = str(reason)[:1000]
            report.not_wanted.append(message_id)
        except Exception as error:  # any failure, expected or not, is retried later
            message.unreachable = getattr(error, "unreachable", False)
            if message.unreachable:
                failed.add(channel)
            message.attempts += 1
            message.last_error = str(error)[:1000]
            message.claimed_until = None
            if message.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
                message.status = "dead"
                report.dead.append(message_id)
                log.error("outbox message %s gave up: %s", message_id, error)
            else:
                message.next_attempt_at = utcnow() + backoff(message.attempts)
                report.retrying.append(message_id)
                log.warning("outbox message %s will be retried: %s", message_id, error)
        else:
            message.attempts += 1
            message.status = "sent"
            message.sent_at = utcnow()
            message.claimed_until = None
            message.last_error = ""
            message.unreachable = False
            report.sent.append(message_id)
        db.session.commit()
    return report
