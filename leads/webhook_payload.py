"""What a webhook tells the clinic's system: which event, about which lead, when.

Events: "lead.created" (a contact request was stored) and "lead.status_changed"
(staff or a program changed its status). The outbox row keeps the event and its
status at the time ("lead.status_changed:booked"), so a later change does not
rewrite an earlier event; a row without one (queued with a new lead) is
"lead.created". Nothing personal goes out unless the clinic opted in
(clinic setting "webhook_contact_details"): then the person's name, email,
phone, preferred contact time and the check's outcome, read from the lead when
the message is delivered (never copied into the outbox). Answers never go out.
"""

from __future__ import annotations

import json
from typing import Any

from core.clinic_settings import flag
from leads.models import STATUS_NOTE_ARROW, Lead, OutboxMessage

CREATED = "lead.created"
STATUS_CHANGED = "lead.status_changed"
EVENTS = (CREATED, STATUS_CHANGED)


def event_of(message: OutboxMessage, lead: Lead | None = None) -> tuple[str, str]:
    """(event, the lead's status when it happened).

    A "lead.created" row carries no status: the lead's first one is read from its
    history (the "before" of its first status change, else its status now), since
    a lead taken on the phone starts "contacted", a web request "new".
    """
    event, _sep, status = (message.event or CREATED).partition(":")
    if status:
        return event, status
    return event, _status_at_creation(lead) if lead is not None else "new"


def _status_at_creation(lead: Lead) -> str:
    for note in lead.notes:
        if note.kind == "status" and STATUS_NOTE_ARROW in note.text:
            return note.text.split(STATUS_NOTE_ARROW, 1)[0]
    return lead.status


def payload(lead: Lead, message: OutboxMessage, console_url: str) -> dict[str, Any]:
    event, status = event_of(message, lead)
    about: dict[str, Any] = {
        "id": lead.id,
        "created_at": lead.created_at.isoformat(),
        "source": lead.source,
        "lang": lead.lang,
        "status": status,
        "url": console_url,
    }
    if flag("webhook_contact_details"):
        about |= {
            "name": lead.name,
            "email": lead.email,
            "phone": lead.phone,
            "contact_time": lead.contact_time,
            "outcome": lead.outcome,
        }
    return {
        "event": event,
        "delivery_id": message.id,
        "occurred_at": message.created_at.isoformat(),
        "lead": about,
    }


def body(lead: Lead, message: OutboxMessage, console_url: str) -> bytes:
    """The exact bytes signed and sent: compact JSON with sorted keys."""
    return json.dumps(
        payload(lead, message, console_url), separators=(",", ":"), sort_keys=True
    ).encode()
