"""Leads for other systems, page by page: filters and a keyset on (created_at, id).

Newest first. A page ends at a lead; the next starts strictly after its
(created_at, id), so leads created while a program pages through never shift a
page (as an offset would), and leads with the same timestamp are neither
repeated nor skipped: the id breaks the tie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from core.extensions import db
from leads.models import Lead


@dataclass(frozen=True)
class LeadQuery:
    """What a program asks for; None means "any"."""

    status: str | None = None
    outcome: str | None = None
    source: str | None = None
    created_since: datetime | None = None  # created at or after
    updated_since: datetime | None = None  # changed at or after


@dataclass(frozen=True)
class LeadPage:
    leads: list[Lead]
    more: bool  # another page follows the last lead of this one


def lead_page(query: LeadQuery, *, after: tuple[datetime, int] | None, limit: int) -> LeadPage:
    """Up to ``limit`` leads matching ``query``, newest first, after the key ``after``."""
    statement = (
        select(Lead)
        .options(selectinload(Lead.assigned_to))  # one query for the page's assignees
        .order_by(Lead.created_at.desc(), Lead.id.desc())
        .limit(limit + 1)
    )
    for column, value in (
        (Lead.status, query.status),
        (Lead.outcome, query.outcome),
        (Lead.source, query.source),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if query.created_since is not None:
        statement = statement.where(Lead.created_at >= query.created_since)
    if query.updated_since is not None:
        statement = statement.where(Lead.updated_at >= query.updated_since)
    if after is not None:
        created_at, lead_id = after
        statement = statement.where(
            or_(
                Lead.created_at < created_at, and_(Lead.created_at == created_at, Lead.id < lead_id)
            )
        )
    leads = list(db.session.scalars(statement))
    return LeadPage(leads[:limit], len(leads) > limit)


def find_lead(lead_id: int) -> Lead | None:
    return db.session.get(Lead, lead_id)
