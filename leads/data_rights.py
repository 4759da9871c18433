"""A person's data rights: find, export and erase everything held about them.

A person asks "what do you hold about me?" or "delete me" by email or phone, not
by lead number, so everything is found from those: their leads (by the email and
phone each lead has now, and by every value it held before staff corrected it: the
corrections are kept as the lead's "contact" notes, "Email: old → new"; each lead
found says why, ``HeldData.matches_of``), their leads' (answers,
decision, consent), the leads' notes, their notifications (outbox rows: what was
sent and when, never a rendered body) and the audit events that name those
leads. The export is one JSON document of a stable, documented shape
(docs/staff-console.md, "A person's data rights"); the erasure deletes the leads
with everything attached, in one transaction, and the audit log keeps only that
it happened and how much went.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import phonenumbers
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, or_, select

from core.audit import AuditEvent, record
from core.dbtypes import utcnow
from core.extensions import db
from leads.consent import consent_text
from leads.forms import example_numbers
from leads.models import Lead, LeadNote, OutboxMessage
from leads.purge import delete_lead
from leads.verdicts import verdict_history

#: The export's ``format``: changes only together with docs/staff-console.md.
EXPORT_FORMAT = "data-request/3"  # 2: appointments, follow-up, calls, corrected notes;
# 3: clinicians' verdicts after the consultation (corrected ones kept)

#: A phone number typed into the search is at most this long.
PHONE_MAX_LENGTH = 40


def search_phone(text: str) -> str:
    """The typed number in E.164, read in PHONE_DEFAULT_REGION, or ValueError.

    Leads store E.164 (leads/forms.py), so "(202) 555 0123", "+1 202 555 0123"
    and "2025550123" find the same. A possible number is enough here: the search
    should find what was stored, not judge it.
    """
    text = text.strip()
    if not text or len(text) > PHONE_MAX_LENGTH:
        raise ValueError("not a phone number")
    try:
        number = phonenumbers.parse(text, current_app.config["PHONE_DEFAULT_REGION"].upper())
    except phonenumbers.NumberParseException as exc:
        raise ValueError(str(exc)) from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError("not a possible number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_examples() -> tuple[str, str]:
    """A number of the clinic's region, written locally and internationally (for messages)."""
    return example_numbers(current_app.config["PHONE_DEFAULT_REGION"].upper())


@dataclass(frozen=True)
class Person:
    """Who a data request is about: an email (trimmed, lower case), a phone (E.164), or both."""

    email: str = ""
    phone: str = ""

    @classmethod
    def of(cls, email: str = "", phone: str = "") -> Person:
        """From what was typed; raises ValueError for a phone that is not one."""
        return cls(
            email=(email or "").strip().lower(),
            phone=search_phone(phone) if (phone or "").strip() else "",
        )

    @property
    def searched_by(self) -> str:
        """For the audit log: how the person was found, never the value itself."""
        return " and ".join(
            kind for kind, value in (("email", self.email), ("phone", self.phone)) if value
        )


@dataclass(frozen=True)
class Counts:
    leads: int
    notes: int
    notifications: int

    def in_words(self) -> str:
        """English, for the audit log: "2 leads, 3 notes, 1 notification"."""
        return ", ".join(
            f"{number} {word}{'' if number == 1 else 's'}"
            for number, word in (
                (self.leads, "lead"),
                (self.notes, "note"),
                (self.notifications, "notification"),
            )
        )


@dataclass(frozen=True)
class Match:
    """Why a lead was found: its ``field`` ("email" or "phone") is, or was, the person's.

    ``corrected_at`` is None for the lead's current value, else when staff corrected
    the value away (the "contact" note that keeps it)."""

    field: str
    corrected_at: datetime | None = None

    @property
    def current(self) -> bool:
        return self.corrected_at is None


@dataclass(frozen=True)
class HeldData:
    """Everything held about one person, oldest lead first."""

    person: Person
    leads: tuple[Lead, ...] = ()
    notes: tuple[LeadNote, ...] = ()
    notifications: tuple[OutboxMessage, ...] = ()
    audit_mentions: tuple[AuditEvent, ...] = ()
    #: (lead id, why it was found), in the order found.
    matches: tuple[tuple[int, Match], ...] = ()

    def matches_of(self, lead_id: int) -> list[Match]:
        return [match for found, match in self.matches if found == lead_id]

    @property
    def lead_ids(self) -> tuple[int, ...]:
        return tuple(lead.id for lead in self.leads)

    @property
    def counts(self) -> Counts:
        return Counts(len(self.leads), len(self.notes), len(self.notifications))

    def notes_of(self, lead_id: int) -> list[LeadNote]:
        return [note for note in self.notes if note.lead_id == lead_id]

    def notifications_of(self, lead_id: int) -> list[OutboxMessage]:
        return [message for message in self.notifications if message.lead_id == lead_id]

    def audit_of(self, lead_id: int) -> list[AuditEvent]:
        return [event for event in self.audit_mentions if event.lead_id == lead_id]


def _held_values(note_text: str) -> Iterable[str]:
    """Every value a "contact" note names, before and after ("Email: a@b → c@d")."""
    for line in note_text.splitlines():
        _label, sep, change = line.partition(": ")
        if not sep:
            continue
        before, arrow, after = change.partition(" → ")
        yield before.strip()
        if arrow:
            yield after.strip()


def _is_phone(value: str, phone: str) -> bool:
    if not value or "@" in value:
        return False
    try:
        return search_phone(value) == phone
    except ValueError:
        return False


def _matches_in_history(person: Person) -> list[tuple[int, Match]]:
    """Leads whose corrected contact details held the person's email or phone."""
    query = select(LeadNote).where(LeadNote.kind == "contact")
    if not person.phone:
        query = query.where(func.lower(LeadNote.text).contains(person.email, autoescape=True))
    # With a phone, every correction note is read: notes show numbers as written for people
    # ("+1 202-555-0123", "+33 1 23 45 67 89"), which no text search in SQL matches
    # reliably, and corrections are few (one note per correction made by staff).
    notes = db.session.scalars(query.order_by(LeadNote.created_at, LeadNote.id))
    found = []
    for note in notes:
        values = list(_held_values(note.text))
        if person.email and any(value.lower() == person.email for value in values):
            found.append((note.lead_id, Match("email", note.created_at)))
        if person.phone and any(_is_phone(value, person.phone) for value in values):
            found.append((note.lead_id, Match("phone", note.created_at)))
    return found


def find_person(person: Person) -> HeldData:
    """Every lead whose email (any case) or phone is, or was before a correction, the
    person's, each with why it was found, and all that hangs on them."""
    matches = []
    if person.email:
        matches.append(func.lower(Lead.email) == person.email)
    if person.phone:
        matches.append(Lead.phone == person.phone)
    if not matches:
        return HeldData(person)
    why: list[tuple[int, Match]] = []
    for lead in db.session.scalars(select(Lead).where(or_(*matches)).order_by(Lead.id)):
        if person.email and lead.email.lower() == person.email:
            why.append((lead.id, Match("email")))
        if person.phone and lead.phone == person.phone:
            why.append((lead.id, Match("phone")))
    why += [
        (lead_id, match)
        for lead_id, match in _matches_in_history(person)
        if (lead_id, match) not in why
    ]
    ids = sorted({lead_id for lead_id, _match in why})
    if not ids:
        return HeldData(person)
    leads = tuple(db.session.scalars(select(Lead).where(Lead.id.in_(ids)).order_by(Lead.id)))
    return HeldData(
        person,
        matches=tuple(why),
        leads=leads,
        notes=tuple(
            db.session.scalars(
                select(LeadNote)
                .where(LeadNote.lead_id.in_(ids))
                .order_by(LeadNote.created_at, LeadNote.id)
            )
        ),
        notifications=tuple(
            db.session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.lead_id.in_(ids))
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
            )
        ),
        audit_mentions=tuple(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.lead_id.in_(ids))
                .order_by(AuditEvent.at, AuditEvent.id)
            )
        ),
    )


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _acted_by(event: AuditEvent) -> str:
    """Which kind of actor, not which member of staff: the file goes to the person."""
    if event.api_token_id is not None or event.staff_email.startswith("API: "):
        return "api"
    return "staff" if event.staff_id is not None or event.staff_email else "system"


def _lead_document(lead: Lead) -> dict[str, Any]:
    with force_locale(lead.lang or "en"):
        wording = consent_text(lead.consent_version)
    return {
        "id": lead.id,
        "received_at": _time(lead.created_at),
        "updated_at": _time(lead.updated_at),
        "name": lead.name,
        "email": lead.email,
        "phone": lead.phone,
        "best_time_to_call": lead.contact_time,
        "message": lead.message,
        "language": lead.lang,
        "source": lead.source,
        "embedded_on": lead.embed_origin,
        "status": lead.status,
        "next_follow_up_at": _time(lead.follow_up_at),
        "merged_into_lead": lead.merged_into_id,
        "appointments": [
            {
                "starts_at": _time(appointment.starts_at),
                "minutes": appointment.duration_minutes,
                "kind": appointment.kind,
                "cancelled_at": _time(appointment.cancelled_at),
            }
            for appointment in lead.appointments
        ],
        "consent": {
            "version": lead.consent_version,
            "given_at": _time(lead.consented_at),
            "wording": wording,
        },
        "clinician_verdicts": [
            {
                "outcome": verdict.outcome,
                "concerns": list(verdict.concerns),
                "not_asked_by_the_check": verdict.unasked_concern,
                "examined_on": verdict.examined_on.isoformat(),
                "recorded_at": _time(verdict.recorded_at),
                "replaced_at": _time(verdict.replaced_at),
            }
            for verdict in verdict_history(lead.id)
        ],
        "answers": lead.answers,
        "decision": {
            "outcome": lead.outcome,
            "reasons": lead.reasons,
            "rule_set_version": lead.rulebase_version,
            "rule_set_sha256": lead.rulebase_sha256,
        },
    }


def export_document(held: HeldData, *, exported_by: str) -> dict[str, Any]:
    """The export, as JSON-ready data; its shape is documented and versioned (EXPORT_FORMAT)."""
    return {
        "format": EXPORT_FORMAT,
        "clinic": current_app.config["CLINIC_NAME"],
        "exported_at": _time(utcnow()),
        "exported_by": exported_by,
        "searched_by": held.person.searched_by,
        "counts": {
            "leads": len(held.leads),
            "notes": len(held.notes),
            "notifications": len(held.notifications),
            "audit_mentions": len(held.audit_mentions),
        },
        "leads": [_lead_document(lead) for lead in held.leads],
        "notes": [
            {
                "lead_id": note.lead_id,
                "written_at": _time(note.created_at),
                "kind": note.kind,
                "call_outcome": note.call_outcome or None,
                "text": note.text,
                "corrected_at": _time(note.edited_at),
                "earlier_texts": note.earlier_texts or [],
            }
            for note in held.notes
        ],
        "notifications": [
            {
                "lead_id": message.lead_id,
                "kind": message.kind,
                "event": message.event,
                "status": message.status,
                "attempts": message.attempts,
                "queued_at": _time(message.created_at),
                "sent_at": _time(message.sent_at),
            }
            for message in held.notifications
        ],
        "audit_mentions": [
            {
                "lead_id": event.lead_id,
                "at": _time(event.at),
                "action": event.action,
                "detail": event.detail,
                "by": _acted_by(event),
            }
            for event in held.audit_mentions
        ],
    }


class HeldDataChanged(RuntimeError):
    """What is held changed since the erasure was confirmed: nothing was erased."""

    def __init__(self, held: HeldData) -> None:
        super().__init__("the leads held changed since the erasure was confirmed")
        self.held = held


def erase_person(person: Person, confirmed_lead_ids: Collection[int], *, actor: object) -> Counts:
    """Delete the person's leads with their notes and notifications, audited, and commit.

    Only the leads confirmed are erased, and only if they are still exactly what
    is held: a lead that arrived (or went) since the confirmation raises
    HeldDataChanged, so nobody erases what they were not shown. The audit event
    says how much went, never whose; earlier audit rows keep their lead ids.
    """
    held = find_person(person)
    if not held.leads or set(held.lead_ids) != set(confirmed_lead_ids):
        raise HeldDataChanged(held)
    counts = held.counts
    for lead_id in held.lead_ids:
        delete_lead(lead_id)
    record("erase", detail=f"erased {counts.in_words()} after a data request", actor=actor)
    db.session.commit()
    return counts
