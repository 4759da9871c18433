"""What is stored about a person who asked to be contacted, and the notifications to send.

A lead keeps the answers, the full decision (outcome, every reason with its rule
id) and the exact rule file that decided, so staff can always see why. The
questionnaire's random ``flow_id`` is unique: a double submit never makes two leads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.dbtypes import UTCDateTime, utcnow
from core.extensions import db
from leads.booking_reference import new_booking_reference

STATUSES = ("new", "contacted", "booked", "not_a_fit", "closed")
STATUS_NOTE_ARROW = " → "  # a status note reads "<before> → <after>"
SOURCES = ("site", "embed", "staff_intake")
CONTACT_TIMES = ("morning", "afternoon", "evening", "any")
CONTACT_TIME_LABELS = {  # as the form and the emails name them
    "morning": _l("Morning"),
    "afternoon": _l("Afternoon"),
    "evening": _l("Evening"),
    "any": _l("Any time"),
}


@dataclass(frozen=True)
class Contact:
    """How a person asked to be reached: what the contact form gives the capture."""

    name: str
    email: str
    phone: str  # E.164, or "" when not given
    contact_time: str
    message: str


_UNMERGED = {
    "postgresql_where": text("merged_into_id IS NULL"),
    "sqlite_where": text("merged_into_id IS NULL"),
}
_UNTOUCHED_SQL = text(
    "status = 'new' AND status_changed_at IS NULL AND first_contacted_at IS NULL "
    "AND merged_into_id IS NULL"
)
_UNTOUCHED = {"postgresql_where": _UNTOUCHED_SQL, "sqlite_where": _UNTOUCHED_SQL}
# Each database's spelling of ``Lead.audit_sample.is_(True)``, so its planner matches them.
_AUDIT_SAMPLE = {
    "postgresql_where": text("audit_sample IS true AND merged_into_id IS NULL"),
    "sqlite_where": text("audit_sample IS 1 AND merged_into_id IS NULL"),
}
_UNCANCELLED = {
    "postgresql_where": text("cancelled_at IS NULL"),
    "sqlite_where": text("cancelled_at IS NULL"),
}


#: The columns the console's search box matches a part of (``staff/leads/search.py``).
SEARCHED_COLUMNS = ("name", "email", "phone")


class Lead(db.Model):
    __tablename__ = "leads"
    # Finding the same person again (duplicates, data requests) compares trimmed,
    # lower-case emails and E.164 phones: both indexed, so a lead page never scans.
    __table_args__ = (
        Index("ix_leads_email_normalised", func.lower(text("email"))),
        Index("ix_leads_phone", "phone"),
        # The console's search box finds a part of a name, an address or a phone number
        # ("ILIKE '%maria%'"): trigram indexes on PostgreSQL (migration 0019_search_indexes).
        # On SQLite they are plain indexes, and the search reads the FTS5 trigram table
        # ``leads_search`` instead (migration 0022_sqlite_search; staff/leads/text_search.py).
        *(
            Index(
                f"ix_leads_{column}_trigram",
                column,
                postgresql_using="gin",
                postgresql_ops={column: "public.gin_trgm_ops"},
            )
            for column in SEARCHED_COLUMNS
        ),
        # The list's order, newest first, and its keyset (previous/next, the API's cursor).
        Index("ix_leads_created_at_id", "created_at", "id"),
        # The console shows unmerged leads: its counts ("N leads", the views' counts, a lead's
        # place in the list) each read one of these partial indexes, never the leads.
        Index("ix_leads_open_newest", "created_at", "id", **_UNMERGED),
        # A view's leads newest first (its page, a lead's place in it) are a range of its
        # index, read in order from a key (migration 0024_view_indexes).
        Index("ix_leads_open_assignee", "assigned_to_id", "created_at", "id", **_UNMERGED),
        Index("ix_leads_open_follow_up", "follow_up_at", "id", "created_at", **_UNMERGED),
        Index("ix_leads_open_untouched", "created_at", "id", **_UNTOUCHED),
        Index(
            "ix_leads_open_status_assignee",
            "status",
            "assigned_to_id",
            "created_at",
            "id",
            **_UNMERGED,
        ),
        # The dashboard's calls per person (overdue, due later today): a range per assignee
        # (migration 0021_dashboard_indexes).
        Index("ix_leads_open_assignee_follow_up", "assigned_to_id", "follow_up_at", **_UNMERGED),
        # The API's updated_since filter.
        Index("ix_leads_updated_at", "updated_at"),
        # The Consultations list's audit sample, a few of the leads, read without the others
        # (staff/verdicts/queue.py; migration 0025_consultation_indexes). Its first column is
        # the same in every row: SQLite's planner takes an equality on it for what it is, a
        # few rows, where a whole partial index looked as long as ``merged_into_id IS NULL``.
        Index("ix_leads_audit_sample", "audit_sample", "id", **_AUDIT_SAMPLE),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flow_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # The short reference the result page and the confirmation show the person
    # (questionnaire.reference), so the console's search finds what they quote.
    result_reference: Mapped[str] = mapped_column(
        String(9), nullable=False, default="", server_default="", index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, index=True
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow
    )
    # The person and how to reach them.
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(32), nullable=False, default="")  # E.164
    contact_time: Mapped[str] = mapped_column(String(16), nullable=False, default="any")
    message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    lang: Mapped[str] = mapped_column(String(16), nullable=False, default="en")
    # Consent: which wording they agreed to, and when.
    consent_version: Mapped[str] = mapped_column(String(32), nullable=False)
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    # Where the lead came from.
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="site")
    embed_origin: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    # What they answered and what the rules decided.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    outcome: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    rulebase_version: Mapped[str] = mapped_column(String(64), nullable=False)
    rulebase_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    # The clinic's work on it.
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="new", index=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Who is working on it, and when to try next; the first time anyone reached out.
    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # Indexed on the unmerged leads only (ix_leads_open_follow_up): merging clears it.
    follow_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A duplicate merged into another lead keeps its answers and notes, and points there.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("leads.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # Drawn at random when the lead is stored (leads/verdicts.py, the clinic's per-outcome
    # fractions): the front desk offers this person a free clinician review, so leads the
    # check told to stay away are verified too and the scorecard can correct for who was.
    audit_sample: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )

    # Opaque and unguessable: carried in the booking tool's link, so a booking made there
    # comes back to this lead (leads/bookings.py). Never a health answer, never the id.
    booking_reference: Mapped[str] = mapped_column(
        String(32), nullable=False, unique=True, index=True, default=new_booking_reference
    )

    notes: Mapped[list[LeadNote]] = relationship(
        back_populates="lead",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="LeadNote.created_at",
    )
    entered_by = relationship("StaffUser", foreign_keys=[entered_by_id])
    assigned_to = relationship("StaffUser", foreign_keys=[assigned_to_id])
    merged_into = relationship("Lead", remote_side=[id], foreign_keys=[merged_into_id])
    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="lead",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Appointment.starts_at",
    )


class LeadNote(db.Model):
    __tablename__ = "lead_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="note")  # or "status"
    text: Mapped[str] = mapped_column(Text, nullable=False)
    # A call's outcome (see CALL_OUTCOMES) when the note records a call, else "".
    call_outcome: Mapped[str] = mapped_column(
        String(16), nullable=False, default="", server_default=""
    )
    # Corrected by its author: when, and the earlier words ([{"text", "at"}], oldest
    # first), kept on the lead so they go with it when it is erased.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    earlier_texts: Mapped[list[dict[str, str]] | None] = mapped_column(JSON, nullable=True)

    lead: Mapped[Lead] = relationship(back_populates="notes")
    author = relationship("StaffUser")


#: "booked": reached, and an appointment booked in the same call (the call form books it).
CALL_OUTCOMES = ("reached", "booked", "no_answer", "left_message", "wrong_number")


class Appointment(db.Model):
    """A booked visit: when, how long and what kind; cancelled ones are kept, marked."""

    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("booking_tool", "booking_id"),
        # The Consultations list reads the appointments held oldest first, and stops once
        # the list is full (staff/verdicts/queue.py; migration 0025_consultation_indexes).
        Index("ix_appointments_held", "starts_at", "lead_id", **_UNCANCELLED),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=30)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    # Booked in the clinic's booking tool ("calcom", "calendly", "acuity", "jane") and that
    # tool's id of the booking: stored once per tool booking id. "" and None when booked here.
    booking_tool: Mapped[str] = mapped_column(
        String(16), nullable=False, default="", server_default=""
    )
    booking_id: Mapped[str | None] = mapped_column(String(200), nullable=True)

    lead: Mapped[Lead] = relationship(back_populates="appointments")
    created_by = relationship("StaffUser")


class BookingEvent(db.Model):
    """One signed event from a booking tool, kept once per tool and event id.

    The unique (tool, event_id) pair makes a replayed or duplicated event change nothing.
    An event whose reference matches no lead stays "unmatched" for the front desk to
    attach by hand; it is never dropped. It holds the booker's name and email as the tool
    sent them (to match by hand), the booking's time, never a health answer.
    """

    __tablename__ = "booking_events"
    __table_args__ = (UniqueConstraint("tool", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tool: Mapped[str] = mapped_column(String(16), nullable=False)
    event_id: Mapped[str] = mapped_column(String(255), nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    change: Mapped[str] = mapped_column(String(16), nullable=False)  # booked, moved, cancelled
    booking_id: Mapped[str] = mapped_column(String(200), nullable=False)
    # The booking this one replaces (a reschedule that the tool sends as a new booking).
    previous_booking_id: Mapped[str] = mapped_column(
        String(200), nullable=False, default="", server_default=""
    )
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    duration_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reference: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    booker_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    booker_email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    # "applied" (to lead_id), "unmatched" (waiting for the front desk), "attached" (by hand),
    # "noted" (changes nothing and names no lead: the first half of a Calendly reschedule).
    state: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), nullable=True, index=True
    )
    attached_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )


class OutboxMessage(db.Model):
    """One notification to deliver, written in the same transaction as its lead.

    The message is rendered from the lead at delivery time, so no personal data is
    copied here, and purging a lead removes its undelivered notifications too.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A lead's notification; or (lead_id None) a message to a member of staff, such as a
    # set-password link, rendered from their account at delivery.
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), nullable=True, index=True
    )
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # An appointment's confirmation or reminder: rendered from the appointment at delivery.
    appointment_id: Mapped[int | None] = mapped_column(
        ForeignKey("appointments.id", ondelete="CASCADE"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    # What happened, for a webhook: "lead.created", "lead.status_changed:<new status>".
    event: Mapped[str] = mapped_column(String(64), nullable=False, default="", server_default="")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The last try could not reach the server (refused, timed out): its channel is failing.
    unreachable: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )

    lead: Mapped[Lead | None] = relationship()
