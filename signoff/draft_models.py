"""A rule draft a clinician edits in the console, and its change log.

The draft keeps its rules as the exact TOML text a sign-off would store, so what is
proved, shown and signed is one text. ``revision`` counts saves: a save names the
revision it was made from and is refused when someone saved in between (optimistic
concurrency), so two clinicians never overwrite each other silently.

It sits with the sign-offs (not in the console) because the live choice
(signoff.service) must know which sign-offs came from a draft: a signed draft is
newer than an unsigned deployed file.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.dbtypes import UTCDateTime, utcnow
from core.extensions import db

#: A draft's states: being edited, signed (its text is a sign-off now), set aside.
DRAFT_STATES = ("open", "signed", "discarded")


class RuleDraft(db.Model):
    __tablename__ = "rule_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    based_on_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    rules_text: Mapped[str] = mapped_column(Text, nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="open", index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    created_by_name: Mapped[str] = mapped_column(String(120), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    updated_by_name: Mapped[str] = mapped_column(String(120), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # Set when signed: the sha256 of rules_text, the sign-off's key in rule_signoffs.
    signed_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)


class RuleDraftChange(db.Model):
    __tablename__ = "rule_draft_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(
        ForeignKey("rule_drafts.id", ondelete="CASCADE"), nullable=False, index=True
    )
    revision: Mapped[int] = mapped_column(Integer, nullable=False)  # the revision it made
    staff_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="SET NULL"), nullable=True
    )
    staff_name: Mapped[str] = mapped_column(String(120), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    what: Mapped[str] = mapped_column(String(500), nullable=False)
