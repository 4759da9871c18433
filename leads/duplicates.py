"""Possible duplicates: other leads of the same person, by the same email or phone.

A person who asks twice (the site, then a phone call; or the same email in another
case) should be one lead in the clinic's pipeline, not two people called twice.
Two leads match when their emails are the same trimmed and in any case, or their
phones are equal: both the contact form and the console store phones in E.164, so
equality is the whole comparison. Leads already merged into another are left out.

The query reads only the few columns the lead page shows (never the answers) and
is bounded by ``limit``. Emails are stored trimmed (the forms strip them), so the
query compares ``lower(email)``, as the data-rights search does: one expression
index (``ix_leads_email_normalised``) serves both, and ``ix_leads_phone`` the phones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from core.extensions import db
from leads.models import Lead

#: At most this many are shown: more would mean something else is wrong (a shared inbox).
MAX_SHOWN = 10


@dataclass(frozen=True)
class Duplicate:
    """Another lead that may be the same person, and what they share."""

    lead_id: int
    created_at: datetime
    status: str
    outcome: str
    same_email: bool
    same_phone: bool


def normalised_email(email: str) -> str:
    """The form two emails are compared in: trimmed, lower case ("" for none)."""
    return (email or "").strip().lower()


def possible_duplicates(lead: Lead, limit: int = MAX_SHOWN) -> list[Duplicate]:
    """Other unmerged leads with this lead's email (any case) or phone, oldest first."""
    return leads_reached_by(lead.email, lead.phone, limit=limit, besides=lead.id)


def leads_reached_by(
    email: str, phone: str, *, limit: int = MAX_SHOWN, besides: int | None = None
) -> list[Duplicate]:
    """Unmerged leads with this email (any case) or phone (E.164), oldest first.

    Phone intake asks this before a new lead is stored, the lead page for its lead.
    """
    email = normalised_email(email)
    matches = []
    if email:
        matches.append(func.lower(Lead.email) == email)
    if phone:
        matches.append(Lead.phone == phone)
    if not matches:
        return []
    query = select(Lead.id, Lead.created_at, Lead.status, Lead.outcome, Lead.email, Lead.phone)
    if besides is not None:
        query = query.where(Lead.id != besides)
    rows = db.session.execute(
        query.where(or_(*matches), Lead.merged_into_id.is_(None))
        .order_by(Lead.created_at, Lead.id)
        .limit(limit)
    )
    return [
        Duplicate(
            lead_id=row.id,
            created_at=row.created_at,
            status=row.status,
            outcome=row.outcome,
            same_email=bool(email) and normalised_email(row.email) == email,
            same_phone=bool(phone) and row.phone == phone,
        )
        for row in rows
    ]


def are_duplicates(one: Lead, other: Lead) -> bool:
    """Whether these two leads share an email (any case) or a phone."""
    email = normalised_email(one.email)
    return (bool(email) and email == normalised_email(other.email)) or (
        bool(one.phone) and one.phone == other.phone
    )


def with_duplicates(leads: Sequence[Lead]) -> set[int]:
    """Which of these (a list page's) unmerged leads share an email or phone with another.

    At most two queries whatever the page and however many leads are stored: the
    page's emails, then its phones, each counted among unmerged leads through its
    index (the same ones ``possible_duplicates`` reads), so the list's cost does not
    grow with the table and no flag has to be kept up to date on every change.
    """
    shown = [lead for lead in leads if lead.merged_into_id is None]
    emails = {normalised_email(lead.email) for lead in shown} - {""}
    phones = {lead.phone for lead in shown} - {""}
    shared_emails: set[str] = set()
    shared_phones: set[str] = set()
    if emails:
        email = func.lower(Lead.email)
        shared_emails = set(
            db.session.scalars(
                select(email)
                .where(email.in_(sorted(emails)), Lead.merged_into_id.is_(None))
                .group_by(email)
                .having(func.count() > 1)
            )
        )
    if phones:
        shared_phones = set(
            db.session.scalars(
                select(Lead.phone)
                .where(Lead.phone.in_(sorted(phones)), Lead.merged_into_id.is_(None))
                .group_by(Lead.phone)
                .having(func.count() > 1)
            )
        )
    return {
        lead.id
        for lead in shown
        if normalised_email(lead.email) in shared_emails or (lead.phone in shared_phones)
    }
