"""A clinician's sign-off of one rule version, with that version's exact text.

The text is kept so that patients can go on being decided by the last signed
version while a newer file is deployed and awaits review: the database, not the
release, is where a signed version lives. Its sha256 is of the text's UTF-8
bytes, the same hash every decision names; a row whose text does not hash to
it is never used.

A sign-off found to be wrong is withdrawn, not deleted: the row stays (stored
leads name it), with when, by whom and why, and no longer decides anything.
Withdrawal is final for that exact text, because the hash is unique.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.dbtypes import UTCDateTime, utcnow
from core.extensions import db


class RuleSignOff(db.Model):
    __tablename__ = "rule_signoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    version: Mapped[str] = mapped_column(String(64), nullable=False)
    rules_text: Mapped[str] = mapped_column(Text, nullable=False)
    proof_summary: Mapped[str] = mapped_column(String(500), nullable=False)
    # Who signed: kept as text too, so the record outlives the account.
    signer_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    signer_name: Mapped[str] = mapped_column(String(120), nullable=False)
    signer_registration: Mapped[str] = mapped_column(String(64), nullable=False)
    signer_email: Mapped[str] = mapped_column(String(254), nullable=False)
    signed_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, index=True
    )
    # Withdrawn: from then on the version decides for nobody (signoff.service).
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    withdrawn_by_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
