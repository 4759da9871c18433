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
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.dbtypes import UTCDateTime, utcnow
from core.extensions import db

STATUSES = ("new", "contacted", "booked", "not_a_fit", "closed")
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


class Lead(db.Model):
    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flow_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
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

    notes: Mapped[list[LeadNote]] = relationship(
        back_populates="lead",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="LeadNote.created_at",
    )
    entered_by = relationship("StaffUser", foreign_keys=[entered_by_id])


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

    lead: Mapped[Lead] = relationship(back_populates="notes")
    author = relationship("StaffUser")


class OutboxMessage(db.Model):
    """One notification to deliver, written in the same transaction as its lead.

    The message is rendered from the lead at delivery time, so no personal data is
    copied here, and purging a lead removes its undelivered notifications too.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
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

    lead: Mapped[Lead] = relationship()
