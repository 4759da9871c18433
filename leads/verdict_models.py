"""A clinician's verdict on a lead after examining the person, and the safety incidents they open.

The verdict is the field control for hazard H1 (false reassurance, see
docs/clinical-safety.md): the next step the clinician judged right, on the same
four outcomes as the check, with the concerns they found as the contract's reason
keys. A correction adds a new row and marks the earlier one replaced (never an
update in place), so the history of what was said, by whom and when, is kept.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.dbtypes import UTCDateTime, utcnow
from core.extensions import db

#: Why the clinician's verdict and the check's outcome differ (chosen once both are visible).
CAUSES = ("answer_wrong", "no_question", "rule_wrong", "clinical_judgement")
#: Where a verdict came from.
SOURCES = ("console", "api", "import")
#: The hazard a missed concern is an incident of (docs/clinical-safety.md).
MISSED_CONCERN_HAZARD = "H1"


class Verdict(db.Model):
    """One verdict as recorded; the lead's current verdict is its row not ``replaced_at``."""

    __tablename__ = "verdicts"
    # Whether a lead has a current verdict, from the index alone: the Consultations list asks
    # it of every appointment it passes over (migration 0025_consultation_indexes).
    __table_args__ = (
        Index(
            "ix_verdicts_current",
            "lead_id",
            postgresql_where=text("replaced_at IS NULL"),
            sqlite_where=text("replaced_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True
    )
    clinician_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    # Kept as well as the id: who said it stays readable after their account is removed.
    clinician_email: Mapped[str] = mapped_column(String(254), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    examined_on: Mapped[date] = mapped_column(Date, nullable=False)
    outcome: Mapped[str] = mapped_column(String(32), nullable=False)
    # Reason keys of the contract the clinician found (possibly none).
    concerns: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    # A concern no question of the check covers: "not asked by the check".
    unasked_concern: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The clinician chose to see the check's outcome and reasons before saving.
    saw_check_first: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    # A disagreement's cause (see CAUSES), "" while none is given or when they agree;
    # the question (an answers field) or the rule (its id) the cause names.
    cause: Mapped[str] = mapped_column(String(32), nullable=False, default="", server_default="")
    cause_question: Mapped[str] = mapped_column(
        String(64), nullable=False, default="", server_default=""
    )
    cause_rule: Mapped[str] = mapped_column(
        String(64), nullable=False, default="", server_default=""
    )
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="console")
    # Set when a correction replaced this verdict: the newer row is the lead's verdict.
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)

    lead = relationship("Lead")
    clinician = relationship("StaffUser")


class SafetyIncident(db.Model):
    """An incident a missed concern opened, tied to a hazard of docs/clinical-safety.md.

    It keeps the rule version and the two outcomes, so it stays readable for the
    surveillance report; the lead and verdict it points at go if the lead is erased.
    """

    __tablename__ = "safety_incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    hazard: Mapped[str] = mapped_column(String(8), nullable=False)
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("leads.id", ondelete="SET NULL"), nullable=True, index=True
    )
    verdict_id: Mapped[int | None] = mapped_column(
        ForeignKey("verdicts.id", ondelete="SET NULL"), nullable=True
    )
    rulebase_version: Mapped[str] = mapped_column(String(64), nullable=False)
    rulebase_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    check_outcome: Mapped[str] = mapped_column(String(32), nullable=False)
    verdict_outcome: Mapped[str] = mapped_column(String(32), nullable=False)
    concerns: Mapped[list[Any]] = mapped_column(JSON, nullable=False)
